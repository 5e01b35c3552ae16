"""The durable job queue on SQLite and PostgreSQL: each job sent once, retried when it surely
failed, never repeated when it may have arrived, nothing lost when a worker dies, paused for
the daily quota. The WeChat API is the local fake."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.client import WeChatClient
from bot.errors import WeChatApiError
from catalogue.models import OutboundJob, utcnow
from handlers.delivery import queue as jobs
from handlers.delivery.queue import Job, JobQueue, NewJob
from handlers.delivery.queue_worker import JobHandler, QueueWorker
from tools.fakes import FakeWeChatApi

SEND = "/cgi-bin/message/custom/send"


class Clock:
    """A clock tests move forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return utcnow() + self.offset


def _client(api: FakeWeChatApi) -> WeChatClient:
    return WeChatClient(
        api.app_id, api.app_secret, base_url="http://wechat-fake", http=api.client(), attempts=1
    )


def _texts(count: int, prefix: str = "n") -> list[NewJob]:
    return [
        NewJob("text", {"openid": f"o{prefix}{i:05d}", "text": f"通知{i}"}, f"{prefix}:{i}")
        for i in range(count)
    ]


def _sender(client: WeChatClient) -> dict[str, JobHandler]:
    async def send(job: Job) -> None:
        await client.send_text(job.payload["openid"], job.payload["text"])

    return {"text": send}


async def _states(sessions: async_sessionmaker[AsyncSession]) -> dict[int, OutboundJob]:
    async with sessions() as session:
        rows = await session.scalars(select(OutboundJob))
        return {row.id: row for row in rows}


async def test_each_job_is_sent_once_and_duplicates_are_not_queued(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    api = FakeWeChatApi(cs_quota=1000)
    client = _client(api)
    queue = JobQueue(sessions)
    await queue.add(_texts(30))
    await queue.add(_texts(30))  # the same keys again: nothing added
    worker = QueueWorker(queue, _sender(client), rate=1000, batch=7)
    while await worker.run_once():
        pass
    counts = await queue.counts()
    assert counts["done"] == 30 and counts["queued"] == 0
    assert sorted(message.touser for message in api.sent) == [f"on{i:05d}" for i in range(30)]
    await client.aclose()


async def test_two_workers_share_the_queue_without_sending_twice(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    api = FakeWeChatApi(cs_quota=1000)
    client = _client(api)
    queue = JobQueue(sessions)
    await queue.add(_texts(120))
    handlers = _sender(client)
    workers = [QueueWorker(queue, handlers, name=f"w{i}", rate=1000, batch=10) for i in range(3)]

    async def drain(worker: QueueWorker) -> None:
        while await worker.run_once():
            pass

    await asyncio.gather(*(drain(worker) for worker in workers))
    per_user = Counter(message.touser for message in api.sent)
    assert len(per_user) == 120 and set(per_user.values()) == {1}
    assert (await queue.counts())["done"] == 120
    assert sum(worker.sent for worker in workers) == 120
    await client.aclose()


async def test_a_surely_failed_send_is_retried_after_a_backoff(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    api = FakeWeChatApi(cs_quota=1000)
    client = _client(api)
    clock = Clock()
    queue = JobQueue(sessions, clock=clock)
    await queue.add(_texts(1))
    api.fail(SEND, -1)  # system busy: not delivered
    worker = QueueWorker(queue, _sender(client), rate=1000, backoff=30)
    assert await worker.run_once() == 1
    assert api.sent == [] and (await queue.counts())["queued"] == 1
    assert await worker.run_once() == 0  # not due before the back-off
    clock.offset = timedelta(seconds=31)
    assert await worker.run_once() == 1
    assert len(api.sent) == 1 and worker.retried == 1
    row = next(iter((await _states(sessions)).values()))
    assert row.state == "done" and row.attempts == 2
    await client.aclose()


async def test_a_send_that_may_have_arrived_is_never_repeated(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    queue = JobQueue(sessions)
    await queue.add(_texts(1))
    calls: list[int] = []

    async def timed_out(job: Job) -> None:
        calls.append(job.id)
        raise WeChatApiError(-2, "ReadTimeout: no answer", path=SEND)

    worker = QueueWorker(queue, {"text": timed_out}, rate=1000)
    while await worker.run_once():
        pass
    row = next(iter((await _states(sessions)).values()))
    assert calls == [row.id] and row.state == "dead" and "ambiguous" in row.last_error
    assert [dead.id for dead in await queue.dead_letters()] == [row.id]


async def test_a_killed_workers_claimed_jobs_go_to_another_and_its_send_is_not_repeated(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    api = FakeWeChatApi(cs_quota=1000)
    client = _client(api)
    clock = Clock()
    queue = JobQueue(sessions, clock=clock)
    await queue.add(_texts(12))
    started = asyncio.Event()

    async def stuck(job: Job) -> None:  # the request is out when the worker is killed
        started.set()
        await asyncio.sleep(3600)

    doomed = QueueWorker(queue, {"text": stuck}, name="doomed", rate=1000, concurrency=1)
    task = asyncio.create_task(doomed.run_once())
    await started.wait()
    task.cancel()  # killed: no `finally` of ours runs on a real kill, so undo the release
    await asyncio.gather(task, return_exceptions=True)
    async with sessions() as session:  # as after a SIGKILL: the rest of the batch still claimed
        rows = list(await session.scalars(select(OutboundJob).order_by(OutboundJob.id)))
        for row in rows:
            if row.state == "queued":
                row.state, row.worker, row.lease_until = "claimed", "doomed", clock()
        await session.commit()
    rescuer = QueueWorker(queue, _sender(client), name="rescuer", rate=1000)
    assert await rescuer.run_once() == 0  # leases still running: nothing to take
    clock.offset = jobs.LEASE + timedelta(seconds=1)
    assert await queue.recover() == (11, 1)
    while await rescuer.run_once():
        pass
    states = await _states(sessions)
    counts = Counter(row.state for row in states.values())
    assert counts == {"done": 11, "dead": 1}
    assert len(api.sent) == 11 and len({m.touser for m in api.sent}) == 11
    await client.aclose()


async def test_the_daily_quota_pauses_the_worker_until_the_reset(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    api = FakeWeChatApi(cs_quota=1000)
    client = _client(api)
    clock = Clock()
    queue = JobQueue(sessions, clock=clock)
    await queue.add(_texts(5))
    api.fail(SEND, 45009)
    worker = QueueWorker(
        queue,
        _sender(client),
        rate=1000,
        concurrency=1,
        quota_reset=lambda now: now + timedelta(hours=2),
    )
    await worker.run_once()
    assert worker.paused and api.sent == []
    assert (await queue.counts())["queued"] == 5  # the refused one and the rest, none lost
    assert await worker.run_once() == 0
    clock.offset = timedelta(hours=2, seconds=1)
    while await worker.run_once():
        pass
    assert len(api.sent) == 5 and (await queue.counts())["done"] == 5
    await client.aclose()


async def test_window_refusals_are_counted_as_unreached_not_retried(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    api = FakeWeChatApi(cs_quota=1000)
    client = _client(api)
    queue = JobQueue(sessions)
    await queue.add(_texts(3))
    api.silent_users.add("on00001")  # has not written for 48 hours
    worker = QueueWorker(queue, _sender(client), rate=1000)
    while await worker.run_once():
        pass
    counts = await queue.counts()
    assert counts["done"] == 2 and counts["unreached"] == 1 and worker.unreached == 1
    assert await queue.purge(utcnow() + timedelta(seconds=1)) == 3
    await client.aclose()


async def test_the_daily_quota_pauses_only_the_account_that_used_it_up(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    api = FakeWeChatApi(cs_quota=1000)
    client = _client(api)
    clock = Clock()
    queue = JobQueue(sessions, clock=clock)
    await queue.add(
        [NewJob("text", {"openid": f"oa{i}", "text": "a"}, account="a") for i in range(3)]
    )
    await queue.add(
        [NewJob("text", {"openid": f"ob{i}", "text": "b"}, account="b") for i in range(3)]
    )
    api.fail(SEND, 45009)  # account a's first send: its daily quota is used up
    worker = QueueWorker(
        queue,
        _sender(client),
        rate=1000,
        concurrency=1,
        quota_reset=lambda now: now + timedelta(hours=2),
    )
    while await worker.run_once():
        pass
    assert worker.paused_accounts() == ["a"]
    assert sorted(message.touser for message in api.sent) == ["ob0", "ob1", "ob2"]
    assert (await queue.counts())["queued"] == 3  # account a's, none lost
    clock.offset = timedelta(hours=2, seconds=1)
    while await worker.run_once():
        pass
    assert sorted(m.touser for m in api.sent) == ["oa0", "oa1", "oa2", "ob0", "ob1", "ob2"]
    await client.aclose()


async def test_a_recipients_jobs_are_claimed_one_at_a_time_oldest_first(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    queue = JobQueue(sessions)
    await queue.add(
        [NewJob("text", {"n": n}, recipient="reply::o1") for n in range(3)]
        + [NewJob("text", {"n": 9})]
    )
    first = await queue.claim("w1", 10)
    assert [job.payload["n"] for job in first] == [0, 9]  # o1's oldest only, and the other
    assert await queue.claim("w2", 10) == []  # o1's next waits while its first is unfinished
    await queue.retry(first[0], queue.due_in(3600), "busy")  # waiting for a retry: still first
    assert await queue.claim("w2", 10) == []
    await queue.done([first[0]])
    (second,) = await queue.claim("w2", 10)
    assert second.payload["n"] == 1
    await queue.dead(second, "refused")  # given up: no longer holds the later one
    (third,) = await queue.claim("w1", 10)
    assert third.payload["n"] == 2
