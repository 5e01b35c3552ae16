"""The bot's storage in the SQL database: the fallback every worker shares while Redis is down.

`ResilientStorage(RedisStorage(...), DatabaseStorage(...))` moves here when Redis stops.
Because all workers reach one database, a message delivered to two workers is still claimed
once (a row per delivery, taken over only when its lease ran out: its worker died), a retry
gets the first delivery's answer, and a conversation continues on whichever worker gets the
next message (「人工」 then its description). Each statement is one short transaction.

What it does not give: a user's messages are kept in order per worker only (the lock is this
process's), and the rate limit counts in the process (no count comes with a claim here).
The rows use the same key names as Redis (a keyed hash: no openid is written)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm import Changes, StorageKey, dump_data, load_data
from bot.storage.base import DEFAULT_STATE_TTL, BaseStorage, Delivery, Record, Turn
from bot.storage.memory import UserLocks
from catalogue.models import BotConversation, BotDelivery

POLL_INTERVAL = 0.05
SWEEP_EVERY = 60.0


def _upsert(session: AsyncSession, model: type[BotDelivery | BotConversation]) -> Any:
    """The dialect's INSERT, which has ON CONFLICT (PostgreSQL and SQLite alike)."""
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)


class DatabaseNotOpen(ConnectionError):
    """The app's lifespan has not opened the database yet (or closed it)."""


class DatabaseStorage(BaseStorage):
    """Claims, answers, nonces and conversations in `bot_deliveries` and `bot_conversations`.

    `sessions` is set by the app's lifespan once the database is open; until then every
    call raises `DatabaseNotOpen` (one of `unavailable`)."""

    unavailable = (
        OperationalError,
        InterfaceError,
        DisconnectionError,
        PoolTimeout,
        OSError,
        TimeoutError,
    )

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession] | None = None,
        *,
        name: Callable[[str], str] = str,
        state_ttl: int = DEFAULT_STATE_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.sessions = sessions
        self.name = name
        self.state_ttl = state_ttl
        self.clock = clock
        self.locks = UserLocks()  # ordering within the worker only
        self._swept_at = float("-inf")

    def _open(self) -> AsyncSession:
        if self.sessions is None:
            raise DatabaseNotOpen("the database is not open")
        return self.sessions()

    async def _take(self, key: str, seconds: float) -> bool:
        """Insert `key`'s row, or take over an expired one: whether this call now holds it."""
        now = self.clock()
        async with self._open() as session, session.begin():
            await self._sweep(session, now)
            insert = _upsert(session, BotDelivery).values(
                key=key, answer=None, expires_at=now + seconds
            )
            statement = insert.on_conflict_do_update(
                index_elements=[BotDelivery.key],
                set_={"answer": None, "expires_at": now + seconds},
                where=BotDelivery.expires_at <= now,
            ).returning(BotDelivery.key)
            return (await session.execute(statement)).first() is not None

    async def _sweep(self, session: AsyncSession, now: float) -> None:
        # Rows are only written during an outage; sweeping then, once a minute, is enough.
        if now - self._swept_at < SWEEP_EVERY:
            return
        self._swept_at = now
        await session.execute(delete(BotDelivery).where(BotDelivery.expires_at <= now))
        await session.execute(delete(BotConversation).where(BotConversation.expires_at <= now))

    def _user(self, key: StorageKey) -> str:
        return self.name(str(key))

    async def remember_nonce(self, nonce: str, ttl: float) -> bool:
        return await self._take(f"nonce:{nonce}", ttl)

    async def claim(self, delivery: str, lease: float) -> bool:
        return await self._take(f"delivery:{self.name(delivery)}", lease)

    async def record_answer(self, delivery: str, body: str, ttl: float) -> None:
        key, now = f"delivery:{self.name(delivery)}", self.clock()
        async with self._open() as session, session.begin():
            insert = _upsert(session, BotDelivery).values(
                key=key, answer=body, expires_at=now + ttl
            )
            await session.execute(
                insert.on_conflict_do_update(
                    index_elements=[BotDelivery.key],
                    set_={"answer": body, "expires_at": now + ttl},
                    # The first answer stays (as in Redis, a later one only when none was).
                    where=(BotDelivery.answer.is_(None)) | (BotDelivery.expires_at <= now),
                )
            )

    async def answer_of(self, delivery: str, timeout: float) -> str | None:
        key = f"delivery:{self.name(delivery)}"
        give_up = time.monotonic() + max(timeout, 0.0)
        while True:
            async with self._open() as session:
                row = (
                    await session.execute(
                        select(BotDelivery.answer, BotDelivery.expires_at).where(
                            BotDelivery.key == key
                        )
                    )
                ).first()
            if row is not None and row.answer is not None and row.expires_at > self.clock():
                return str(row.answer)
            if row is None or row.expires_at <= self.clock() or time.monotonic() >= give_up:
                return None  # no live claim: its worker died, or it expired
            await asyncio.sleep(min(POLL_INTERVAL, max(give_up - time.monotonic(), 0.0)))

    async def read(self, key: StorageKey) -> Record:
        """The user's state and data (JSON text); nothing once expired."""
        async with self._open() as session:
            row = await session.get(BotConversation, self._user(key), populate_existing=True)
        if row is None or row.expires_at <= self.clock():
            return None, ""
        return row.state, row.data

    async def write_record(self, key: StorageKey, changes: Changes) -> None:
        if not changes:
            return
        state, data = await self.read(key)
        state = changes.state if changes.state_changed else state
        data = changes.data if changes.data_changed else data
        name = self._user(key)
        async with self._open() as session, session.begin():
            if state is None and not data:
                await session.execute(delete(BotConversation).where(BotConversation.key == name))
                return
            expires = self.clock() + self.state_ttl
            insert = _upsert(session, BotConversation)
            await session.execute(
                insert.values(
                    key=name, state=state, data=data, expires_at=expires
                ).on_conflict_do_update(
                    index_elements=[BotConversation.key],
                    set_={"state": state, "data": data, "expires_at": expires},
                )
            )

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self.read(key))[0]

    async def set_state(self, key: StorageKey, state: str | None) -> None:
        await self.write_record(key, Changes(state_changed=True, state=state))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return load_data((await self.read(key))[1])

    async def set_data(self, key: StorageKey, data: dict[str, Any]) -> None:
        await self.write_record(key, Changes(data_changed=True, data=dump_data(data)))

    async def get_record(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        state, data = await self.read(key)
        return state, load_data(data)

    def turn(self, key: StorageKey, delivery: Delivery | None = None) -> Turn:
        return DatabaseTurn(self, key, delivery)


class DatabaseTurn(Turn):
    """A turn on `DatabaseStorage`: the claim row, this worker's lock, the conversation row."""

    storage: DatabaseStorage

    async def _open(self) -> Record | None:
        storage, delivery = self.storage, self.delivery
        if delivery is not None:
            if delivery.nonce and not await storage.remember_nonce(*delivery.nonce):
                self.replayed = True
                return None
            self.claimed = await storage.claim(delivery.key, delivery.lease)
            if not self.claimed:
                return None
        if not await storage.locks.try_acquire(self.key):
            return None
        return await self._read()

    async def _lock(self) -> Record:
        await self.storage.locks.acquire(self.key)
        return await self._read()

    async def _read(self) -> Record:
        try:
            return await self.storage.read(self.key)
        except BaseException:
            self.storage.locks.release(self.key)
            raise

    async def _close(self, changes: Changes, answer: str | None) -> None:
        try:
            await self.storage.write_record(self.key, changes)
            if answer is not None:
                await self._record(answer)
        finally:
            self.storage.locks.release(self.key)
