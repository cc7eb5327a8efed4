"""Matching: hard constraints, fit and stay signals, one transparent formula, explanations. No HTTP here."""
