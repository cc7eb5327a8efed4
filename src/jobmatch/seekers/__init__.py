"""Seekers: the people jobmatch works for, described in their own words."""
