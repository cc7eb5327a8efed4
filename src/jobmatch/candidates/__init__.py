"""Candidate search: the seekers who fit a posting, ranked by the same formula as their own matches."""
