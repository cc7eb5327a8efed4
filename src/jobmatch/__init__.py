"""jobmatch: job-seeker matching where the seeker's declared fit and stay signals are in charge."""

__version__ = "0.1.0"
