"""Feedback: what a seeker did with the postings they were shown, and the profile changes it suggests to them."""
