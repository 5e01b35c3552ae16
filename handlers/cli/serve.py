"""`zwbot serve`: the web server (webhook, pages, API) under uvicorn."""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import signal
import threading
import time
from typing import Annotated

import typer

from handlers.db.database import open_database
from handlers.metrics_folder import prepare_multiprocess_dir
from handlers.settings import get_settings

# How long uvicorn's supervisor waits for a worker's answer to its health ping before it
# kills the worker. A worker answers from its first moment (a thread of uvicorn's), but on a
# 2-core machine under full load a fork can wait seconds for the CPU; uvicorn's default of 5 s
# then killed healthy workers while they started. A worker that is really hung is still
# replaced, after this long.
WORKER_HEALTHCHECK_SECONDS = 30


# The signals uvicorn's supervisor catches for itself; a forked worker starts with Python's
# own handlers for them again, as a freshly spawned one would.
_SUPERVISOR_SIGNALS = tuple(
    getattr(signal, f"SIG{name}")
    for name in ("INT", "TERM", "HUP", "QUIT", "TTIN", "TTOU", "USR1", "USR2", "WINCH")
    if hasattr(signal, f"SIG{name}")
)


async def _migrate() -> None:
    async with open_database():
        pass


def _alone(wait: float = 10.0) -> bool:
    """Whether this is the process's only thread, after waiting up to `wait` seconds for the
    others to end (aiosqlite's connection threads finish just after the migration closed
    them; on a loaded machine that can take a moment)."""
    deadline = time.monotonic() + wait
    for thread in threading.enumerate():
        if thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))
    return threading.active_count() == 1


def preload_workers() -> bool:
    """Load here, once, what every worker needs, and have uvicorn fork its workers from this
    process instead of spawning fresh interpreters; whether it could.

    A spawned worker imports the whole application (about 1 s of CPU) and reads pypinyin's
    dictionaries (0.3 s) before it answers; on a loaded 2-core machine that took seconds and
    uvicorn's health check killed workers while they started. A forked worker has all that
    already and only builds its app and runs the lifespan (docs/operations.md §11).
    Nothing here opens a connection, a thread or an event loop that a fork would share.
    uvicorn has no public switch for the start method of its workers: its `spawn` context is
    replaced (`tests/handlers/cli/test_serve.py` fails if uvicorn changes that)."""
    from uvicorn import _subprocess

    if not isinstance(getattr(_subprocess, "spawn", None), multiprocessing.context.SpawnContext):
        return False
    import handlers.app  # noqa: F401  (what `create_served_app` needs)
    from search.syllables import preload

    preload()
    if not _alone():  # a fork copies only this thread: another's locks could stay held
        return False
    defaults = {number: signal.getsignal(number) for number in _SUPERVISOR_SIGNALS}

    def _python_signal_handlers() -> None:
        for number, handler in defaults.items():
            signal.signal(number, handler)

    os.register_at_fork(after_in_child=_python_signal_handlers)
    _subprocess.spawn = multiprocessing.get_context("fork")  # type: ignore[assignment]
    # Python's advice for a process that forks without exec: what is loaded now stays out of
    # the workers' collections, so they do not copy its pages by touching it.
    gc.collect()
    gc.freeze()
    return True


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
    # One worker runs in this process; `--reload` must import the changed code afresh.
    if workers > 1 and not reload and not preload_workers():
        typer.echo(
            "note: uvicorn's workers cannot be forked here; each imports the app itself",
            err=True,
        )
    uvicorn.run(
        # Named: uvicorn imports it where the app runs (this process for one worker, already
        # loaded by `preload_workers` for forked ones). Migrated above, so workers skip it.
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
