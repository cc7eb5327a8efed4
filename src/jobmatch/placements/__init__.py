"""Placements: a seeker who started in a job, and whether they still worked there 3, 6 and 12 months later."""
