"""Lexical similarity: character n-gram TF-IDF that copes with Norwegian inflection and compounds."""
