"""`zwbot serve`: the web server (webhook, pages, API) under uvicorn."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from handlers.db.database import open_database
from handlers.observability.metrics import prepare_multiprocess_dir
from handlers.settings import get_settings

# How long uvicorn's supervisor waits for a worker's answer to its health ping before it
# kills the worker. A worker answers from its first moment (a thread of uvicorn's), but on a
# 2-core machine under full load a fork can wait seconds for the CPU; uvicorn's default of 5 s
# then killed healthy workers while they started. A worker that is really hung is still
# replaced, after this long.
WORKER_HEALTHCHECK_SECONDS = 30


async def _migrate() -> None:
    async with open_database():
        pass


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (ZWBOT_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (ZWBOT_PORT).")] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (more than 1 needs REDIS_URL).")
    ] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
    access_log: Annotated[
        bool | None,
        typer.Option(
            "--access-log/--no-access-log",
            help="One log line per request (default: on in development, off in production; "
            "the metrics count every request either way).",
        ),
    ] = None,
) -> None:
    """Serve `/wechat`, the public pages and `/api` (default 127.0.0.1:8000)."""
    import uvicorn

    settings = get_settings()
    if workers > 1 and not settings.redis_url:
        # Conversation state, dedup and locks live in each process without Redis.
        raise typer.BadParameter(
            "--workers above 1 needs REDIS_URL (shared state)", param_hint="--workers"
        )
    prepare_multiprocess_dir(workers)  # /metrics adds up every worker's samples
    # Migrate once here, so several workers starting together do not race to do it.
    asyncio.run(_migrate())
    uvicorn.run(
        # Named, not imported: the workers import the app, this supervising process need not.
        # Migrated above, so the workers skip it.
        "handlers.app:create_served_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        server_header=False,  # no "server: uvicorn": nothing to learn about the stack
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        log_level="info",
        access_log=settings.environment != "production" if access_log is None else access_log,
    )


def register(app: typer.Typer) -> None:
    """Add `zwbot serve`."""
    app.command("serve")(serve)
