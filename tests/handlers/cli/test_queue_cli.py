"""`zwbot queue status|dead|purge`: staff see what waits, what was given up and why (without
openids), and finished jobs are purged after the retention period."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from catalogue import migrate
from catalogue.db import create_engine, session_factory
from catalogue.models import OutboundJob, utcnow
from handlers.cli import app as cli
from handlers.delivery.queue import JobQueue, NewJob
from handlers.settings import get_settings


@pytest.fixture
def configured(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    async def seed() -> None:
        engine = create_engine(sqlite_url)
        try:
            await migrate.upgrade(engine)
            queue = JobQueue(session_factory(engine))
            await queue.add(
                NewJob("notice", {"openid": f"oSecret{i}", "title": f"通知{i}"}, f"k{i}")
                for i in range(4)
            )
            async with session_factory(engine)() as session:
                old = utcnow() - timedelta(days=40)
                for job_id, state, error in (
                    (1, "done", ""),
                    (2, "dead", "ambiguous: ReadTimeout"),
                    (3, "unreached", "unreached: 45015"),
                ):
                    await session.execute(
                        update(OutboundJob)
                        .where(OutboundJob.id == job_id)
                        .values(state=state, last_error=error, finished_at=old)
                    )
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(seed())
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    try:
        yield sqlite_url
    finally:
        get_settings.cache_clear()


def test_status_dead_letters_and_purge(configured: str) -> None:
    runner = CliRunner()
    counts = json.loads(runner.invoke(cli, ["queue", "status", "--json"]).output)
    assert counts == {
        "queued": 1,
        "claimed": 0,
        "sending": 0,
        "done": 1,
        "dead": 1,
        "unreached": 1,
        "held": 0,  # replies handed to held_replies (45009/45015/45047)
    }
    assert "等待发送：1" in runner.invoke(cli, ["queue", "status"]).output
    dead = runner.invoke(cli, ["queue", "dead"]).output
    assert "#2 notice 放弃（死信）" in dead and "ambiguous: ReadTimeout" in dead
    assert "#3 notice 无法送达" in dead and "通知3" not in dead and "共2条" in dead
    assert "oSecret" not in dead
    purged = runner.invoke(cli, ["queue", "purge", "--days", "30"])
    assert "purged 3 finished jobs" in purged.output
    after = json.loads(runner.invoke(cli, ["queue", "status", "--json"]).output)
    assert after["queued"] == 1 and after["done"] == after["dead"] == after["unreached"] == 0
    assert runner.invoke(cli, ["queue", "purge", "--days", "-1"]).exit_code == 2
