"""Postings: job ads, created one by one or imported in bulk."""
