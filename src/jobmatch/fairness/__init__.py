"""Fairness: who gets seen in served lists, by the groups audit attributes name; those attributes never reach the ranking."""
