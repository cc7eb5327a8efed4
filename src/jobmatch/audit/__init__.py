"""Audit of caseworkers' reads of seeker data, and the access log the seeker sees."""
