"""The folder of the workers' Prometheus samples, prepared before prometheus_client loads.

prometheus_client chooses between in-process and multiprocess samples when it is imported,
and `zwbot serve --workers N` imports the application (so prometheus_client) before it forks
its workers (docs/operations.md §11): the folder must be named first, from a module that does
not import prometheus_client (`handlers.observability.metrics` does)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess_dir(workers: int, folder: Path | None = None) -> Path | None:
    """For N > 1 workers: an empty metrics folder, exported as `PROMETHEUS_MULTIPROC_DIR`.

    Call it in the parent process before the workers start; stale files of an earlier run
    are removed so counters start from zero."""
    if workers <= 1 and not os.environ.get(MULTIPROC_ENV):
        return None
    path = Path(os.environ.get(MULTIPROC_ENV) or folder or tempfile.mkdtemp(prefix="zwbot-prom-"))
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):  # only prometheus_client's own sample files
        stale.unlink()
    os.environ[MULTIPROC_ENV] = str(path)
    return path
