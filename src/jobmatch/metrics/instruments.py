"""The counters and histograms, and the one-line functions that record them.

In multiprocess mode (`PROMETHEUS_MULTIPROC_DIR` set before this module is first imported) every worker writes its
samples to files in that folder and `/metrics` sums them, so a scrape sees all workers whichever one answers.
Gauges of process state are not kept here: they are read at scrape time by `jobmatch.metrics.collector`.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0)
CANDIDATE_BUCKETS = (10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000)

http_request_seconds = Histogram(
    "jobmatch_http_request_duration_seconds",
    "HTTP requests by route template and status; `_count` is the request count.",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
match_seconds = Histogram(
    "jobmatch_match_duration_seconds", "Time to rank one seeker's matches, inside the engine.", buckets=LATENCY_BUCKETS,
)
match_candidates = Histogram(
    "jobmatch_match_candidates_scored", "Postings scored for one match request.", buckets=CANDIDATE_BUCKETS,
)
postings_written = Counter(
    "jobmatch_postings_written_total",
    "Postings from imports and the NAV feed by outcome (created, updated, unchanged, deactivated, rejected).",
    ["via", "outcome"],
)
feed_requests = Counter(
    "jobmatch_feed_requests_total", "HTTP requests the feed follower made, by kind (page, entry) and status.", ["kind", "status"],
)
feed_retries = Counter(
    "jobmatch_feed_retries_total", "Feed requests retried, by reason (429, 5xx, network).", ["reason"],
)
rate_limited = Counter("jobmatch_rate_limited_total", "Requests refused by the per-principal rate limit (429).")
audit_records = Counter(
    "jobmatch_audit_records_total", "Audit records written, by action and decision.", ["action", "decision"],
)


def observe_request(*, method: str, route: str, status: int, seconds: float) -> None:
    http_request_seconds.labels(method, route, str(status)).observe(seconds)
    if status == 429:
        rate_limited.inc()


def observe_match(*, seconds: float, candidates: int) -> None:
    """The engine calls this once per ranked match request."""
    match_seconds.observe(seconds)
    match_candidates.observe(candidates)


def count_postings(*, via: str, outcome: str, count: int) -> None:
    if count:
        postings_written.labels(via, outcome).inc(count)


def count_feed_request(*, kind: str, status: int | str) -> None:
    feed_requests.labels(kind, str(status)).inc()


def count_feed_retry(*, reason: str) -> None:
    feed_retries.labels(reason).inc()


def count_audit(*, action: str, decision: str) -> None:
    audit_records.labels(action, decision).inc()
