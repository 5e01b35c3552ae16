"""Values kept until their tables change: read once per engine and key, forgotten when the
generation moves, not kept when it moved while reading, and always read without an engine."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.db.changes import Changes
from handlers.db.kept import KeptUntilChanged


class Reads:
    """A read that counts its calls and can change the tables while it runs."""

    def __init__(self, changes: Changes) -> None:
        self.changes = changes
        self.calls: list[str] = []
        self.change_while_reading = False

    async def __call__(self, session: AsyncSession, key: str) -> tuple[str, int]:
        self.calls.append(key)
        if self.change_while_reading:
            self.changes.bump(["items"])
        return (key, len(self.calls))


def _kept(max_kept: int = 512) -> tuple[KeptUntilChanged[str, tuple[str, int]], Reads, Changes]:
    changes = Changes()
    reads = Reads(changes)
    return KeptUntilChanged(("items",), reads, max_kept=max_kept, changes=changes), reads, changes


async def test_a_value_is_read_once_per_key_until_its_tables_change(sessions):
    kept, reads, changes = _kept()
    async with sessions() as session:
        assert await kept.get(session, "a") == ("a", 1)
        assert await kept.get(session, "a") == ("a", 1)
        assert await kept.get(session, "b") == ("b", 2)
        changes.bump(["departments"])  # not a table of these values
        assert await kept.get(session, "a") == ("a", 1)
        changes.bump(["items"])
        assert await kept.get(session, "a") == ("a", 3)
        assert await kept.get(session, "b") == ("b", 4)
    assert reads.calls == ["a", "b", "a", "b"]


async def test_a_value_read_while_its_tables_changed_is_not_kept(sessions):
    kept, reads, _ = _kept()
    reads.change_while_reading = True
    async with sessions() as session:
        assert await kept.get(session, "a") == ("a", 1)
        reads.change_while_reading = False
        assert await kept.get(session, "a") == ("a", 2)
        assert await kept.get(session, "a") == ("a", 2)


async def test_a_full_cache_starts_again(sessions):
    kept, reads, _ = _kept(max_kept=2)
    async with sessions() as session:
        for key in ("a", "b", "c", "a"):
            await kept.get(session, key)
    assert reads.calls == ["a", "b", "c", "a"]


async def test_a_session_without_an_engine_always_reads():
    kept, reads, _ = _kept()
    session = AsyncSession()
    await kept.get(session, "a")
    await kept.get(session, "a")
    assert reads.calls == ["a", "a"]
