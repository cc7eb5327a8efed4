"""Prometheus metrics, correct with several worker processes (`PROMETHEUS_MULTIPROC_DIR`).

Counters and histograms are recorded where things happen (`instruments`); what a process holds (the served index
version, the last reindex, the feed's position, the change-feed lag) is read at scrape time (`collector`).
"""
