"""The deployment files agree with the code: manifests parse, and alerts and the dashboard ask for metrics that exist."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from jobmatch.openapi import render_openapi

ROOT = Path(__file__).resolve().parents[1]
METRIC = re.compile(r"\bjobmatch_[a-z_]+")
SUFFIXES = ("_bucket", "_count", "_sum", "_total")


def defined_metrics() -> set[str]:
    source = "\n".join(path.read_text() for path in (ROOT / "src" / "jobmatch" / "metrics").glob("*.py"))
    return {name.removesuffix("_total") for name in re.findall(r'"(jobmatch_[a-z_]+)"', source)}


def referenced_metrics(text: str) -> set[str]:
    names = set()
    for name in METRIC.findall(text):
        for suffix in SUFFIXES:
            name = name.removesuffix(suffix)
        names.add(name)
    return names


def test_every_manifest_parses() -> None:
    files = [*ROOT.glob(".nais/*.yaml"), *ROOT.glob("deploy/**/*.yaml")]
    assert len(files) >= 5
    for path in files:
        documents = [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
        assert documents, path
        assert all("kind" in doc and "apiVersion" in doc for doc in documents), path


def test_alerts_and_dashboard_use_only_metrics_that_exist() -> None:
    alerts = (ROOT / "deploy" / "monitoring" / "alerts.yaml").read_text()
    dashboard = json.loads((ROOT / "deploy" / "monitoring" / "grafana-dashboard.json").read_text())
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    referenced = referenced_metrics(alerts) | referenced_metrics("\n".join(expressions))
    assert referenced - defined_metrics() == set()
    assert {"jobmatch_reindex_last_success_timestamp_seconds", "jobmatch_http_request_duration_seconds"} <= referenced


def test_the_route_the_latency_alert_watches_exists() -> None:
    routes = set(re.findall(r'route="([^"]+)"', (ROOT / "deploy" / "monitoring" / "alerts.yaml").read_text()))
    assert routes
    paths = set(yaml.safe_load(render_openapi())["paths"])
    assert routes <= paths


def test_production_manifests_name_every_setting_production_requires() -> None:
    for path in (ROOT / "deploy" / "k8s" / "reindex-cronjob.yaml", ROOT / "deploy" / "cron" / "jobmatch-reindex"):
        text = path.read_text()
        for setting in ("JOBMATCH_DATABASE_URL", "JOBMATCH_PSEUDONYM_SECRET", "JOBMATCH_TRUSTED_ISSUERS"):
            assert setting in text, f"{path.name} lacks {setting}"
    for path in ROOT.glob(".nais/*.yaml"):
        assert "secret: jobmatch-auth" in path.read_text(), path.name
