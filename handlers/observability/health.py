"""`/healthz` (the process answers), `/readyz` (database and Redis reachable), `/metrics`."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable, Callable

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from catalogue.db import create_engine
from handlers.observability import metrics
from handlers.observability.logs import get_logger
from handlers.settings import Settings

PROBE_TIMEOUT_SECONDS = 2.0
Probe = Callable[[], Awaitable[None]]
log = get_logger(__name__)


def database_probe(url: str) -> Probe:
    """`SELECT 1` on a fresh connection (no pool: the probe tests reachability, not the pool)."""
    engine = create_engine(url, poolclass=NullPool)

    async def probe() -> None:
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))

    return probe


def redis_probe(url: str) -> Probe:
    """`PING` on the configured Redis."""

    async def probe() -> None:
        client = Redis.from_url(url, socket_connect_timeout=PROBE_TIMEOUT_SECONDS)
        try:
            await client.ping()
        finally:
            await client.aclose()

    return probe


def probes_for(settings: Settings) -> dict[str, Probe]:
    """The database always; Redis when `REDIS_URL` is set."""
    probes = {"database": database_probe(settings.effective_database_url)}
    if settings.redis_url:
        probes["redis"] = redis_probe(settings.redis_url)
    return probes


async def _run(probe: Probe) -> str:
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_SECONDS):
            await probe()
    except TimeoutError:
        return "timeout"
    except (OSError, SQLAlchemyError, RedisError) as error:
        return f"unreachable: {type(error).__name__}"
    return "ok"


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def may_read_metrics(request: Request, token: str) -> bool:
    """With a token set, only a request bearing it; without, only a client on this machine."""
    if token:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return request.client is not None and request.client.host in LOOPBACK


def health_router(probes: dict[str, Probe], *, metrics_token: str = "") -> APIRouter:
    """The three operational endpoints, left out of the OpenAPI schema. `/metrics` names the
    deployment's traffic and faults, so it is not public (see `may_read_metrics`)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        names = list(probes)
        results = await asyncio.gather(*(_run(probes[name]) for name in names))
        checks = dict(zip(names, results, strict=True))
        ready = all(result == "ok" for result in results)
        if not ready:
            log.warning("not ready", checks=checks)
        return JSONResponse(
            {"status": "ok" if ready else "unavailable", "checks": checks},
            status_code=200 if ready else 503,
        )

    @router.get("/metrics")
    async def metrics_page(request: Request) -> Response:
        if not may_read_metrics(request, metrics_token):
            return Response(status_code=404)  # as if absent: nothing to learn from the answer
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    return router
