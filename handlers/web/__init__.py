"""The public web pages, the open-data downloads and the JSON API of the app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from handlers.guards.protection import redis_client
from handlers.guards.ratelimit import RateLimiter
from handlers.settings import Settings
from handlers.web import api, chart_images, docs, errors, opendata, pages, poster_files
from handlers.web.security import NulBytes, SecurityHeaders
from handlers.web.throttle import ClientThrottle

STATIC = Path(__file__).resolve().parent / "static"


def install_web(app: FastAPI, settings: Settings) -> None:
    """Pages at `/`, downloads at `/opendata`, the API at `/api` with its docs at `/api/docs`,
    Chinese error pages; every response with security headers, each client rate limited."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(chart_images.router)
    app.include_router(pages.router)
    app.include_router(poster_files.router)
    app.include_router(opendata.router)
    app.include_router(api.router, prefix="/api")
    docs.install(app)
    errors.install(app)
    limiter = RateLimiter(
        settings.web_rate_limit_per_minute,
        settings.hash_key.get_secret_value(),
        redis=redis_client(settings.redis_url) if settings.redis_url else None,
        prefix="zwbot:web-rl:",
    )
    # Starlette runs the middleware added last outermost: headers go on every answer,
    # the refusals of the two inner ones included.
    app.add_middleware(ClientThrottle, limiter=limiter)
    app.add_middleware(NulBytes)
    app.add_middleware(SecurityHeaders)
