"""Hand-written demo postings and seekers for trying jobmatch without a real feed."""
