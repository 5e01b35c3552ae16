"""Staff messages in WeCom on the durable job queue: one job per 2048-byte part, a member's
parts in order, WeCom's own errcodes (busy and frequency limits retried with back-off, an
unknown UserID dead-lettered for staff to see), never paused by an official account's daily
quota. The WeCom API is the local fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue.models import utcnow
from handlers.delivery import sending
from handlers.delivery.outbox import JobFeed
from handlers.delivery.queue import JobQueue
from handlers.delivery.queue_worker import QueueWorker
from handlers.delivery.staff_messages import STAFF, StaffMessages, StaffSender
from handlers.wecom.api import WeComClient
from tools.fakes.wecom_api import FakeWeComApi

SEND = "/cgi-bin/message/send"


class Clock:
    """A clock tests move forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return utcnow() + self.offset


@pytest.fixture
async def wecom() -> AsyncIterator[tuple[FakeWeComApi, WeComClient]]:
    fake = FakeWeComApi()
    client = WeComClient(fake.corp_id, fake.secret, "1000002", base_url="http://x")
    client.http = fake.client()
    try:
        yield fake, client
    finally:
        await client.aclose()
        await client.http.aclose()


def _worker(queue: JobQueue, client: WeComClient, **options: float) -> QueueWorker:
    return QueueWorker(
        queue,
        {STAFF: StaffSender(client.send_text)},
        rate=1000,
        classify={STAFF: sending.classify_wecom},
        **options,  # type: ignore[arg-type]
    )


async def _drain(worker: QueueWorker) -> None:
    while await worker.run_once():
        pass


async def test_a_long_message_goes_in_parts_in_order_once_and_busy_is_retried(
    sessions: async_sessionmaker[AsyncSession], wecom: tuple[FakeWeComApi, WeComClient]
) -> None:
    fake, client = wecom
    clock = Clock()
    queue = JobQueue(sessions, clock=clock)
    messages = StaffMessages()
    messages.bind(JobFeed(queue))
    text = "\n".join(f"#{n:02d} 待审核：" + "变更事项的申请材料" * 10 for n in range(40))
    await messages.send_text("review", text)
    parts = (await queue.counts())["queued"]
    assert parts >= 3
    fake.fail(SEND, -1)  # system busy: surely not sent
    fake.fail(SEND, 45009)  # WeCom's call frequency: not a daily quota, retried
    worker = _worker(queue, client, backoff=10)
    for _ in range(3):  # each refused send waits for its back-off; the later parts with it
        await _drain(worker)
        clock.offset += timedelta(seconds=30)
    await _drain(worker)
    sent = fake.texts_to("review")
    assert len(sent) == parts and "".join(sent).replace("\n", "") == text.replace("\n", "")
    assert worker.retried == 2 and not worker.paused
    assert (await queue.counts())["done"] == parts


async def test_an_unknown_member_is_dead_lettered_with_the_errcode(
    sessions: async_sessionmaker[AsyncSession], wecom: tuple[FakeWeComApi, WeComClient]
) -> None:
    fake, client = wecom
    queue = JobQueue(sessions)
    messages = StaffMessages()
    messages.bind(JobFeed(queue))
    await messages.send_text("gone", "新的群众人工工单 1 件")
    await messages.send_text("duty", "新的群众人工工单 1 件")
    fake.fail(SEND, 81013)  # UserID invalid: will never work
    worker = _worker(queue, client)
    await _drain(worker)
    assert fake.texts_to("duty") == ["新的群众人工工单 1 件"]
    (dead,) = await queue.dead_letters()
    assert dead.kind == STAFF and dead.last_error.startswith("81013")
    assert worker.given_up == 1 and worker.retried == 0


async def test_an_official_accounts_daily_quota_does_not_hold_staff_messages(
    sessions: async_sessionmaker[AsyncSession], wecom: tuple[FakeWeComApi, WeComClient]
) -> None:
    fake, client = wecom
    queue = JobQueue(sessions)
    messages = StaffMessages()
    messages.bind(JobFeed(queue))
    worker = _worker(queue, client)
    worker.pause("")  # the default official account's 45009 earlier today
    await messages.send_text("duty", "差评 #3")
    await _drain(worker)
    assert fake.texts_to("duty") == ["差评 #3"] and worker.paused_accounts() == [""]
