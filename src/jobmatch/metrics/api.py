"""`GET /metrics`: Prometheus text format, all worker processes summed in multiprocess mode."""

from __future__ import annotations

import os
from collections.abc import Iterable

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import Metric
from prometheus_client.registry import Collector

from jobmatch.auth.rules import Rule, access
from jobmatch.deps import StateDep
from jobmatch.metrics.collector import StateCollector

router = APIRouter(tags=["operations"])

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


class _ProcessRegistry(Collector):
    """The default registry (this process's counters, histograms and runtime) as one collector."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def render(state_collector: Collector) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROC_ENV):
        # Every worker's samples, summed from the files they write; the process's own registry would count it twice.
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ProcessRegistry())
    registry.register(state_collector)
    return generate_latest(registry)


@router.get("/metrics", include_in_schema=False, **access(Rule.PUBLIC))
def metrics(state: StateDep) -> Response:
    return Response(render(StateCollector(state.index, state.session_factory)), media_type=CONTENT_TYPE_LATEST)
