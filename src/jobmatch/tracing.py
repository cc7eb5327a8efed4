"""Optional OpenTelemetry traces: on when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the standard `OTEL_*` variables apply)."""

from __future__ import annotations

import logging
import os

from fastapi import FastAPI

logger = logging.getLogger(__name__)

ENDPOINT_ENV = "OTEL_EXPORTER_OTLP_ENDPOINT"


def instrument(app: FastAPI) -> bool:
    """Export a span per request (OTLP over HTTP); returns whether tracing is on."""
    if not os.environ.get(ENDPOINT_ENV):
        return False
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        logger.warning("%s is set but OpenTelemetry is not installed (pip install 'jobmatch[otel]'); no traces", ENDPOINT_ENV)
        return False
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: os.environ.get("OTEL_SERVICE_NAME", "jobmatch")}),
                              shutdown_on_exit=False)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls="healthz,readyz,metrics")
    app.state.tracer_provider = provider
    return True


def shutdown(app: FastAPI) -> None:
    """Send the spans still waiting and stop exporting; the app's lifespan calls this as it ends."""
    provider = getattr(app.state, "tracer_provider", None)
    if provider is not None:
        provider.shutdown()
