"""The load generator of `zwbot bench load`: simulated WeChat deliveries, signed and encrypted.

A minimal keep-alive HTTP/1.1 client on asyncio streams: the generator shares the machine with
the servers it measures, so it must cost as little CPU as possible, and it costs the same
for both sides. Loopback only; every loop is bounded by a deadline."""

from __future__ import annotations

import asyncio
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from bot.wire import WeChatEnvelope, build_xml, parse_xml
from tools.benchmarks.search_workload import Zipf

ACCOUNT = "gh_tianzhu_bench"
MESSAGES_PER_OPENID = 10  # then the simulated citizen is another one (stays under the rate limit)


class LoadError(Exception):
    """The benchmark could not run as asked."""


class Connection:
    """One keep-alive HTTP/1.1 connection to a loopback server."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None or self._writer.is_closing():
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self._reader, self._writer

    async def request(self, method: str, target: str, body: bytes = b"") -> tuple[int, bytes]:
        """Status and body; an idle connection the server closed is reopened once."""
        reused = self._writer is not None and not self._writer.is_closing()
        try:
            return await self._exchange(method, target, body)
        except ConnectionResetError:
            if not reused:
                raise
            # The server dropped the idle keep-alive connection before reading the request.
            self.close()
            return await self._exchange(method, target, body)

    async def _exchange(self, method: str, target: str, body: bytes) -> tuple[int, bytes]:
        reader, writer = await self._open()
        head = (
            f"{method} {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: text/xml\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        writer.write(head.encode("ascii") + body)
        try:
            await writer.drain()
            status_line = await reader.readline()
        except (BrokenPipeError, ConnectionError) as error:
            self.close()
            raise ConnectionResetError(str(error)) from error
        if not status_line:
            self.close()
            raise ConnectionResetError("server closed the connection")
        status = int(status_line.split()[1])
        length, keep = 0, True
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value.strip())
            elif name == "connection" and value.strip().lower() == "close":
                keep = False
        payload = await reader.readexactly(length) if length else b""
        if not keep:
            self.close()
        return status, payload

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


@dataclass
class Tally:
    """What one side's run produced."""

    latencies: list[float] = field(default_factory=list)
    fallbacks: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(what[:200])


class Target:
    """A webhook URL, the envelope its server expects and the account (original id) it is."""

    def __init__(self, url: str, envelope: WeChatEnvelope, account: str = ACCOUNT) -> None:
        parts = urlsplit(url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise LoadError(f"load is only sent to loopback addresses, not {parts.hostname}")
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.path = parts.path or "/"
        self.envelope = envelope
        self.account = account

    def delivery(self, xml: str) -> tuple[str, bytes]:
        """Request target and body of one delivery (fresh timestamp, nonce and signatures)."""
        query, body = self.envelope.wrap(xml, encrypted=self.envelope.box is not None)
        return f"{self.path}?{urlencode(query)}", body.encode("utf-8")

    def reply_text(self, body: bytes) -> str:
        """The reply's text ('' for WeChat's "success" / empty answer)."""
        text = body.decode("utf-8", errors="replace")
        if not text.strip().startswith("<"):
            return ""
        fields = parse_xml(self.envelope.unwrap_reply(text))
        return fields.get("Content") or fields.get("Title") or ""


def text_xml(content: str, openid: str, msg_id: int, account: str = ACCOUNT) -> str:
    """A citizen's text message to `account` as WeChat posts it."""
    return build_xml(
        {
            "ToUserName": account,
            "FromUserName": openid,
            "CreateTime": int(time.time()),
            "MsgType": "text",
            "Content": content,
            "MsgId": msg_id,
        }
    )


def openid_of(user: int, batch: int, run: str) -> str:
    """A 28-character openid like WeChat's."""
    return f"o{run}{user:05d}{batch:08d}".ljust(28, "x")[:28]


async def _deliver(connection: Connection, target: Target, xml: str, tally: Tally) -> str | None:
    path, body = target.delivery(xml)
    started = time.perf_counter()
    try:
        status, payload = await connection.request("POST", path, body)
    except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as error:
        connection.close()
        tally.error(f"{type(error).__name__}: {error}")
        return None
    tally.latencies.append(time.perf_counter() - started)
    if status != 200:
        tally.error(f"HTTP {status}: {payload[:100]!r}")
        return None
    return target.reply_text(payload)


async def _user(
    target: Target,
    queries: Zipf,
    user: int,
    until: float,
    tally: Tally,
    run: str,
    think: float,
    check: Callable[[str], None] | None,
) -> None:
    connection = Connection(target.host, target.port)
    sent = 0
    pace = random.Random(f"{run}:{user}")
    asks = random.Random(f"{run}:{user}:asks")  # which query next: drawn by popularity
    if think > 0:  # citizens do not all write at the same moment
        await asyncio.sleep(pace.uniform(0, think))
    try:
        while time.perf_counter() < until:
            query = queries.draw(asks)
            openid = openid_of(user, sent // MESSAGES_PER_OPENID, run)
            xml = text_xml(query, openid, _msg_id(), target.account)
            reply = await _deliver(connection, target, xml, tally)
            if reply == "":
                tally.fallbacks += 1
            elif reply is not None and check is not None:
                check(reply)
            sent += 1
            if think > 0:  # reading the answer before writing again
                pause = think * pace.uniform(0.5, 1.5)
                await asyncio.sleep(min(pause, max(until - time.perf_counter(), 0.0)))
    finally:
        connection.close()


def _msg_id() -> int:
    return secrets.randbelow(2**62)


async def drive(
    target: Target,
    queries: Zipf,
    users: int,
    seconds: float,
    think: float = 0.0,
    check: Callable[[str], None] | None = None,
) -> Tally:
    """`users` citizens writing for `seconds`, `think` seconds between a reply and their next
    message (0: without pause, which measures capacity), each message a query drawn from
    `queries` by popularity; every reply is checked (HTTP status, envelope, and `check` on its
    text when given)."""
    tally = Tally()
    run = secrets.token_hex(3)
    until = time.perf_counter() + seconds
    await asyncio.gather(
        *(_user(target, queries, u, until, tally, run, think, check) for u in range(users))
    )
    return tally


@dataclass
class Storm:
    """A retry storm: each message delivered three times at once on separate connections."""

    messages: int
    deliveries: int = 0
    answered_alike: int = 0
    fallbacks: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)


async def retry_storm(
    target: Target, queries: list[str], messages: int, copies: int = 3, concurrency: int = 20
) -> Storm:
    """Deliver every message `copies` times concurrently (fresh nonce each, same MsgId)."""
    storm = Storm(messages)
    run = secrets.token_hex(3)
    gate = asyncio.Semaphore(concurrency)

    async def one(n: int) -> None:
        xml = text_xml(queries[n % len(queries)], openid_of(n, 0, run), _msg_id())
        tally = Tally()
        connections = [Connection(target.host, target.port) for _ in range(copies)]
        async with gate:
            try:
                replies = await asyncio.gather(
                    *(_deliver(c, target, xml, tally) for c in connections)
                )
            finally:
                for connection in connections:
                    connection.close()
        storm.deliveries += copies
        storm.errors += tally.errors
        storm.error_samples += tally.error_samples[: 5 - len(storm.error_samples)]
        if any(reply is None for reply in replies):
            return
        if all(reply == "" for reply in replies):
            storm.fallbacks += 1  # answered through the customer-service API instead
        elif len(set(replies)) == 1:
            storm.answered_alike += 1
        else:
            storm.errors += 1
            storm.error_samples.append(f"different answers to one message: {replies!r}"[:200])

    await asyncio.gather(*(one(n) for n in range(messages)))
    return storm
