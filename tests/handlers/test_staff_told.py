"""Staff are told: a request that reaches someone's step is pushed to them in WeCom (several in
one message), the proposer hears the decision with the reason, the notices survive in the
database until WeCom accepted them, and the daily summary lists what waits and what was
decided — through the staff chat and a local fake of the WeCom API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.errors import WeChatApiError
from bot.storage import MemoryStorage
from catalogue.db import session_factory
from catalogue.models import StaffNotice, utcnow
from catalogue.workflow.workdays import china_date
from handlers.delivery import sending
from handlers.delivery.outbox import JobFeed
from handlers.delivery.queue import JobQueue
from handlers.delivery.queue_worker import QueueWorker
from handlers.delivery.staff_messages import STAFF, StaffMessages, StaffSender
from handlers.jobs.duties import send_duty_summaries
from handlers.searching.service import build_index
from handlers.settings import Settings
from handlers.wecom.alerts import StaffAlerts
from handlers.wecom.api import WeComClient
from handlers.wecom.callback import wecom_dispatcher
from tests.kits import staff_chat as H
from tests.kits import staff_world as W


@dataclass
class Told:
    chat: H.Chat
    desk: H.Desk
    alerts: StaffAlerts
    client: WeComClient

    def texts_to(self, user: str) -> list[str]:
        return [
            str(m["text"]["content"])
            for m in self.desk.fake.sent
            if m.get("touser") == user and m.get("msgtype") == "text"
        ]

    async def round(self, *, later: timedelta = timedelta(minutes=2)) -> None:
        """One round of the notifier as if `later` had passed (the batch window is over)."""
        await self.alerts.run_once(utcnow() + later)


@pytest.fixture
async def told(engine: AsyncEngine) -> AsyncIterator[Told]:
    """The staff chat and the notifier on a migrated SQLite and PostgreSQL database."""
    sessions = session_factory(engine)
    world = await W.build_world(sessions)
    fake = H.fake_wecom()
    client = H.client_for(fake)
    index = await build_index(sessions)
    dispatcher = wecom_dispatcher(MemoryStorage(), client=client, sessions=sessions, search=index)
    settings = Settings(ZWBOT_HASH_KEY="told-tests-hash-key")  # type: ignore[call-arg]
    alerts = StaffAlerts(sessions, client.send_text, settings)
    chat = H.Chat(dispatcher, world)
    try:
        yield Told(chat, H.Desk(chat, sessions, world, fake), alerts, client)
    finally:
        await client.aclose()


async def test_two_requests_reach_the_reviewers_in_one_message(told: Told) -> None:
    assert "已提交" in await told.chat.do("clerk", f"变更 {W.LIVE} 电话=0935-3121111")
    assert "已提交" in await told.chat.do("clerk", f"变更 {W.LIVE2} 电话=0935-3121112")
    await told.round(later=timedelta(seconds=0))  # within the batch window: nothing yet
    assert told.texts_to("review") == []
    await told.round()
    (message,) = told.texts_to("review")
    assert "有 2 项申请等您办理" in message, message
    assert (
        f"#1 变更第九条（四） {W.LIVE}" in message and f"#2 变更第九条（四） {W.LIVE2}" in message
    )
    assert "“通过 #1”或“驳回 #1 理由”" in message
    assert len(told.texts_to("legal")) == 1  # 法制办 reviews too (第三条)
    # not the proposer, not the deciders, nor admins while reviewers are there
    assert told.texts_to("clerk") == told.texts_to("approver") == told.texts_to("admin") == []
    await told.round()
    assert len(told.texts_to("review")) == 1  # sent once


async def test_the_proposer_is_told_of_a_rejection_with_its_reason(told: Told) -> None:
    await told.chat.do("clerk", f"变更 {W.LIVE} 电话=0935-3121111")
    reply = await told.chat.do("review", "驳回 #1 电话号码不是本部门的")
    assert "理由：电话号码不是本部门的" in reply, reply
    await told.round()
    (message,) = told.texts_to("clerk")
    assert "您提出的 1 项申请有了结果" in message
    assert f"#1 变更第九条（四） {W.LIVE}：已驳回，理由：电话号码不是本部门的" in message
    beijing = datetime.now(UTC) + timedelta(hours=8)
    assert f"{beijing:%Y-%m-%d}" in message  # the time is Beijing time
    # the other reviewers are not told of a request someone already decided
    assert all("#1" not in text for text in told.texts_to("legal"))
    # the reason stays visible in 查 and 日志
    assert "理由：电话号码不是本部门的" in await told.chat.say("clerk", f"查 {W.LIVE}")
    assert "理由：电话号码不是本部门的" in await told.chat.say("clerk", f"日志 {W.LIVE}")
    todo = await told.chat.say("clerk", "待办")
    assert "【您的申请昨日以来的结果】" in todo and "理由：电话号码不是本部门的" in todo, todo


async def test_a_request_needing_a_decision_reaches_the_county_government(told: Told) -> None:
    await told.chat.do("clerk", f"变更 {W.LIVE} 实施主体=文旅局")
    await told.round()
    assert told.texts_to("approver") == []  # review first (第九条)
    assert "提请县政府审定" in await told.chat.do("review", f"通过 {W.LIVE}")
    await told.round(later=timedelta(minutes=4))
    (message,) = told.texts_to("approver")
    assert f"#1 变更第九条（二） {W.LIVE}：待县政府审定" in message, message
    assert "提出人：" in message and "转来" in message
    assert "县政府审定通过" in await told.chat.do("approver", f"通过 {W.LIVE}")
    await told.round(later=timedelta(minutes=6))
    clerk = told.texts_to("clerk")
    assert any("已批准待发布" in text and "您提出的" in text for text in clerk), clerk


async def test_a_failed_send_keeps_the_notice_for_the_next_round(told: Told) -> None:
    await told.chat.do("clerk", f"变更 {W.LIVE} 电话=0935-3121111")

    async def unreachable(user_id: str, text: str) -> None:
        raise WeChatApiError(60020, "not allow to access from your ip")

    told.alerts.send = unreachable
    await told.round()
    async with told.desk.sessions() as session:
        kept = list(await session.scalars(select(StaffNotice)))
    assert kept and all(n.sent_at is None and n.claimed_at is None for n in kept)
    told.alerts.send = told.client.send_text
    await told.round()
    assert len(told.texts_to("review")) == 1
    async with told.desk.sessions() as session:
        sent = list(await session.scalars(select(StaffNotice.sent_at)))
    assert sent and all(at is not None for at in sent)


async def test_fund_requests_reach_the_other_finance_reviewer(told: Told) -> None:
    fund = told.desk.world.fund_id
    reply = await told.chat.do("finance", f"资金变更 {fund} 金额=130 说明=追加 发生=2026-11-20")
    assert "另一位复核人员" in reply, reply
    await told.round()
    (message,) = told.texts_to("finance2")
    assert "#1" in message and "待县财政局复核" in message, message
    assert told.texts_to("finance") == [] and told.texts_to("review") == []


async def test_the_daily_summary_lists_pending_reviews_and_decisions(told: Told) -> None:
    await told.chat.do("clerk", f"变更 {W.LIVE} 电话=0935-3121111")
    await told.chat.do("clerk", f"变更 {W.LIVE2} 电话=0935-3121112")
    await told.chat.do("review", "驳回 #2 号码有误")
    today = china_date(utcnow())
    done = await send_duty_summaries(told.desk.sessions, told.client.send_text, today)
    legal = done.sent["legal"]
    assert "【等您审核、审定或发布的申请】" in legal and f"#1 变更第九条（四） {W.LIVE}" in legal
    assert "#2" not in legal  # decided already
    clerk = done.sent["clerk"]
    assert "【您的申请昨日以来的结果（北京时间）】" in clerk
    assert "#2" in clerk and "理由：号码有误" in clerk, clerk
    tomorrow = await send_duty_summaries(
        told.desk.sessions, told.client.send_text, today + timedelta(days=2)
    )
    assert "#2" not in tomorrow.sent.get("clerk", "")  # only since yesterday


async def test_poverty_requests_reach_the_other_poverty_staff(told: Told) -> None:
    project = told.desk.world.project_id
    await told.chat.do("poverty", f"扶贫变更 {project} 投资额度=90 说明=追加 审定=2026-11-20")
    await told.round()
    (message,) = told.texts_to("poverty2")
    assert "#1" in message and "扶贫审核 #1" in message, message
    assert told.texts_to("poverty") == [] and told.texts_to("finance") == []


async def test_a_queued_staff_notice_survives_a_killed_worker(
    told: Told, engine: AsyncEngine
) -> None:
    # As in the app: the notifier queues each notice on the durable job queue in the
    # transaction that marks it sent; the queue's workers send it through WeCom.
    sessions = session_factory(engine)
    messages = StaffMessages()
    messages.bind(JobFeed(JobQueue(sessions)))
    told.alerts.send, told.alerts.messages = messages.send_text, messages
    await told.chat.do("clerk", f"变更 {W.LIVE} 电话=0935-3121111")
    await told.round()
    async with told.desk.sessions() as session:
        marked = list(await session.scalars(select(StaffNotice.sent_at)))
    assert marked and all(at is not None for at in marked)  # queued with the mark, once
    await told.round()  # the next round queues nothing again
    assert told.texts_to("review") == []  # nothing sent by the notifier itself
    # A worker claims the message and is killed before sending it (nothing settled).
    killed = JobQueue(sessions, lease=timedelta(seconds=1))
    claimed = await killed.claim("killed-worker", 10)
    assert {job.payload["user"] for job in claimed} >= {"review"}
    queue = JobQueue(sessions)
    worker = QueueWorker(
        queue,
        {STAFF: StaffSender(told.client.send_text)},
        name="other",
        rate=1000,
        classify={STAFF: sending.classify_wecom},
    )
    assert await worker.run_once() == 0  # still held by the killed worker's lease
    await asyncio.sleep(1.2)
    assert (await queue.recover())[0] == len(claimed)  # the lease is over: queued again
    while await worker.run_once():
        pass
    (message,) = told.texts_to("review")
    assert "有 1 项申请等您办理" in message, message
    counts = await queue.counts()
    assert counts["done"] == len(claimed) and counts["queued"] == counts["dead"] == 0
