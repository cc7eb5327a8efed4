"""The searchable state of the postings: index versions on disk, and the one each process serves."""
