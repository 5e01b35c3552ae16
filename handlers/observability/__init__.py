"""Production observability: JSON logs without openids, Prometheus metrics, health probes."""

from __future__ import annotations

from fastapi import FastAPI

from handlers.observability.bridge import install_bot_log_metrics
from handlers.observability.health import health_router, probes_for
from handlers.observability.logs import configure_logging
from handlers.observability.middleware import HttpMetricsMiddleware
from handlers.settings import Settings


def install(app: FastAPI, settings: Settings) -> None:
    """JSON logs, `/healthz`, `/readyz`, `/metrics` and HTTP metrics on `app` (app factory)."""
    configure_logging(settings)
    install_bot_log_metrics()
    app.add_middleware(HttpMetricsMiddleware)
    app.include_router(
        health_router(probes_for(settings), metrics_token=settings.metrics_token.get_secret_value())
    )
