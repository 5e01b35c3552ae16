"""Start-up figures: CPU and wall time of `zwbot --help`, `zwbot code explain` and a worker of
`zwbot serve` (import, `create_served_app`, the lifespan's start), each in fresh processes;
and a worker of `zwbot serve --workers N`, forked from a supervisor that preloaded the
application (`handlers.cli.serve.preload_workers`), from its fork to ready.

CPU time is the figure to compare: on a shared, loaded machine wall time mostly measures the
queue for a CPU. A worker is measured on a throw-away SQLite database holding the demo
catalogue, so that its lifespan builds a real index."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# `python -c` equivalent of the `zwbot` console script (handlers.cli:main).
_CLI = "from handlers.cli import main; main()"

# One worker's start, timed inside the process: what uvicorn's worker does after it is
# spawned (import the factory's module, call it, run the lifespan up to serving).
_WORKER = """
import asyncio, json, time
cpu, wall = time.process_time(), time.perf_counter()
import handlers.app
imported = time.process_time() - cpu, time.perf_counter() - wall
app = handlers.app.create_served_app()  # the database is migrated, as `zwbot serve` does
created = time.process_time() - cpu, time.perf_counter() - wall

async def start() -> tuple[float, float]:
    async with app.router.lifespan_context(app):
        return time.process_time() - cpu, time.perf_counter() - wall

ready = asyncio.run(start())
print(json.dumps({"import": imported, "create_app": created, "ready": ready}))
"""

# A worker of `zwbot serve --workers N`: the supervisor migrates and preloads once, then each
# worker is forked and builds its app and runs the lifespan; timed from the fork.
_FORKED = """
import asyncio, json, os, sys, time
cpu, wall = time.process_time(), time.perf_counter()
from handlers.cli import serve
asyncio.run(serve._migrate())
assert serve.preload_workers(), "uvicorn's workers cannot be forked"
preloaded = time.process_time() - cpu, time.perf_counter() - wall
reader, writer = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(reader)
    cpu, wall = time.process_time(), time.perf_counter()
    import handlers.app
    app = handlers.app.create_served_app()

    async def start() -> tuple[float, float]:
        async with app.router.lifespan_context(app):
            return time.process_time() - cpu, time.perf_counter() - wall

    os.write(writer, json.dumps(asyncio.run(start())).encode())
    os._exit(0)
os.close(writer)
with os.fdopen(reader) as answer:
    forked = json.loads(answer.read())
os.waitpid(pid, 0)
print(json.dumps({"preload": preloaded, "forked": forked}))
"""

SAMPLE_CODE = "62062300000011620623000-XK00001000"


@dataclass(frozen=True)
class Figure:
    """Medians (and the fastest run) of one start-up measurement, in seconds."""

    name: str
    cpu: float
    cpu_min: float
    wall: float

    def line(self) -> str:
        return (
            f"{self.name:<28} CPU {self.cpu:6.3f} s (fastest {self.cpu_min:.3f})   "
            f"wall {self.wall:6.3f} s"
        )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(args: Sequence[str], env: Mapping[str, str]) -> tuple[float, float, str]:
    """CPU and wall seconds of one child process, and its standard output."""
    cpu, wall = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args], env=dict(env), capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - wall
    cpu = _children_cpu() - cpu
    if done.returncode not in (0, 1):  # `code explain` exits 1 on an invalid code
        raise RuntimeError(f"{' '.join(args[:3])} failed: {done.stderr.strip()[-500:]}")
    return cpu, wall, done.stdout


def _figure(name: str, samples: Sequence[tuple[float, float]]) -> Figure:
    cpus = [cpu for cpu, _ in samples]
    return Figure(
        name,
        statistics.median(cpus),
        min(cpus),
        statistics.median(wall for _, wall in samples),
    )


def _environment(data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "ZWBOT_ENV")
    }
    env["ZWBOT_DATA_DIR"] = str(data_dir)
    return env


def measure(runs: int, echo: Callable[[str], None]) -> list[Figure]:
    """Every start-up figure, each the median of `runs` fresh processes."""
    with tempfile.TemporaryDirectory(prefix="zwbot-startup-") as tmp:
        env = _environment(Path(tmp))
        _run(["-c", _CLI, "demo"], env)  # a real catalogue for the worker's index
        _run(["-c", _CLI, "--help"], env)  # byte-compile once, outside the figures
        commands: dict[str, list[str]] = {
            "zwbot --help": ["-c", _CLI, "--help"],
            "zwbot code explain": ["-c", _CLI, "code", "explain", SAMPLE_CODE],
        }
        figures: list[Figure] = []
        for name, args in commands.items():
            samples = [_run(args, env)[:2] for _ in range(runs)]
            figures.append(_figure(name, samples))
            echo(figures[-1].line())
        phases = _phases(_WORKER, runs, env) | _phases(_FORKED, runs, env)
        labels = {
            "import": "worker: import handlers.app",
            "create_app": "worker: + create_served_app()",
            "ready": "worker: + lifespan (ready)",
            "preload": "supervisor: migrate + preload",
            "forked": "worker forked: ready",
        }
        for phase, label in labels.items():
            figures.append(_figure(label, phases[phase]))
            echo(figures[-1].line())
    return figures


def _phases(script: str, runs: int, env: Mapping[str, str]) -> dict[str, list[tuple[float, float]]]:
    """CPU and wall seconds of each phase a `script` prints (timed inside its processes)."""
    phases: dict[str, list[tuple[float, float]]] = {}
    for _ in range(runs):
        out = _run(["-c", script], env)[2]
        for phase, (phase_cpu, phase_wall) in json.loads(out.strip().splitlines()[-1]).items():
            phases.setdefault(phase, []).append((phase_cpu, phase_wall))
    return phases


def run(runs: int, echo: Callable[[str], None]) -> None:
    """Print the figures, then one JSON object of them (CPU and wall medians, seconds)."""
    echo(f"start-up, median of {runs} fresh processes (CPU = user + system time)")
    figures = measure(runs, echo)
    echo(
        json.dumps(
            {
                figure.name: {
                    "cpu_s": round(figure.cpu, 3),
                    "cpu_min_s": round(figure.cpu_min, 3),
                    "wall_s": round(figure.wall, 3),
                }
                for figure in figures
            },
            ensure_ascii=False,
        )
    )
