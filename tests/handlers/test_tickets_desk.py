"""Citizens' 人工 tickets and 好差评 end to end: citizens post to `/wechat` as WeChat does, staff
answer over `/wecom` with encrypted callbacks, the duty staff and departments are told through
a local fake WeCom API and answers reach citizens through a local fake WeChat API — including
a citizen whose 48-hour window has closed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue import accounts as registry
from catalogue import audit
from catalogue.db import session_factory
from catalogue.models import MessageLog, Rating, Ticket, utcnow
from handlers.app import create_app
from handlers.guards.privacy import keyed_hash
from tests.kits import citizen as kit
from tests.kits import staff_wecom as wk
from tests.kits import staff_world as W
from tools.fakes import FakeWeChatApi, FakeWeComApi

WECHAT_SECRET = "tickets-app-secret"
WECOM_SECRET = "tickets-wecom-secret"
HASH_KEY = "citizen-tests-hash-key"


@dataclass
class Desk:
    app: FastAPI
    http: httpx.AsyncClient
    sessions: async_sessionmaker[AsyncSession]
    wechat: FakeWeChatApi
    wecom: FakeWeComApi

    def member(self, name: str) -> wk.Member:
        return wk.Member(self.http, name)

    def citizen(self, openid: str) -> kit.WeChatUser:
        return kit.WeChatUser(self.http, openid)

    async def alerts(self, *, later: timedelta = timedelta(minutes=2)) -> Any:
        """One round of staff alerts as if `later` had passed (the batch window is over),
        and the app's job queue worker sending what it queued."""
        await self.app.state.message_logs.flush()
        run = await self.app.state.staff_alerts.run_once(utcnow() + later)
        await self.sent()
        return run

    async def sent(self, timeout: float = 30.0) -> None:
        """Wait until the job queue has nothing waiting (everything sent or given up)."""
        queue = self.app.state.job_worker.queue
        give_up = time.monotonic() + timeout
        while time.monotonic() < give_up:
            counts = await queue.counts()
            if counts["queued"] + counts["claimed"] + counts["sending"] == 0:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"the job queue did not drain: {counts}")

    async def ticket(self, openid: str) -> Ticket:
        async with self.sessions() as session:
            found = await session.scalars(
                select(Ticket).where(Ticket.openid == openid).order_by(Ticket.id.desc())
            )
            return found.first()  # type: ignore[return-value]


@pytest.fixture
async def desk(engine: AsyncEngine, database_url: str) -> AsyncIterator[Desk]:
    sessions = session_factory(engine)
    await W.build_world(sessions)
    wechat = FakeWeChatApi(app_id=kit.APP_ID, app_secret=WECHAT_SECRET)
    wecom = FakeWeComApi(corp_id=wk.CORP_ID, secret=WECOM_SECRET)
    with wechat.serve() as wechat_base, wecom.serve() as wecom_base:
        settings = kit.settings_for(
            database_url,
            WECHAT_APP_SECRET=WECHAT_SECRET,
            WECHAT_API_BASE=wechat_base,
            WECOM_CORP_ID=wk.CORP_ID,
            WECOM_TOKEN=wk.WECOM_TOKEN,
            WECOM_AES_KEY=wk.WECOM_AES_KEY,
            WECOM_AGENT_ID=wk.AGENT_ID,
            WECOM_SECRET=WECOM_SECRET,
            WECOM_API_BASE=wecom_base,
            ZWBOT_DUTY_STAFF="admin",
            ZWBOT_HASH_KEY=HASH_KEY,
            # Every answer here is read from the passive reply, however loaded the machine.
            ZWBOT_REPLY_DEADLINE=60,
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield Desk(app, http, sessions, wechat, wecom)


async def _open_ticket(desk: Desk, openid: str, question: str, *, item: str = "") -> Ticket:
    citizen = desk.citizen(openid)
    if item:
        answer = await citizen.say(item)
        if "回复序号" in answer:
            await citizen.say("1")
    assert "请用一句话说明" in await citizen.say("人工")
    created = await citizen.say(question)
    ticket = await desk.ticket(openid)
    assert f"工单号：{ticket.id}" in created
    return ticket


async def _close_window(desk: Desk, openid: str) -> None:
    """The citizen last wrote three days ago: move their logs and ticket back in time."""
    await desk.app.state.message_logs.flush()
    then = utcnow() - timedelta(days=3)
    async with desk.sessions() as session:
        digest = keyed_hash(openid, HASH_KEY)
        await session.execute(
            update(MessageLog).where(MessageLog.openid_hash == digest).values(at=then)
        )
        await session.execute(update(Ticket).where(Ticket.openid == openid).values(created_at=then))
        await session.commit()
    desk.wechat.silent_users.add(openid)  # WeChat agrees: 45015 for this citizen


async def test_a_ticket_is_answered_rated_and_its_bad_rating_followed_up(desk: Desk) -> None:
    clerk, admin = desk.member("clerk"), desk.member("admin")
    citizen = "o_ticket_citizen_one_000000000"
    ticket = await _open_ticket(desk, citizen, "社团成立要多少注册资金？", item="社会团体成立登记")
    assert ticket.state == "open" and ticket.item_code == W.LIVE
    assert ticket.department_id is not None and ticket.due_at is not None

    # the duty staff (ZWBOT_DUTY_STAFF=admin) are told once, after the batch window
    assert (await desk.alerts(later=timedelta(0))).sent == {}
    await desk.alerts()
    (told,) = desk.wecom.texts_to("admin")
    assert f"#{ticket.id} [民政局] 社团成立要多少注册资金" in told and "前答复" in told
    await desk.alerts()
    assert len(desk.wecom.texts_to("admin")) == 1

    # the desk: state, age and time limit; another department's clerk and the auditor may not
    listed = await clerk.say("工单")
    assert f"#{ticket.id} 待答复" in listed and "已等" in listed and "前答复（剩" in listed
    assert f"#{ticket.id}" not in await desk.member("clerk_other").say("工单")
    assert "其他部门" in await desk.member("clerk_other").say(f"回复 #{ticket.id} 不对")
    assert "审计员不能" in await desk.member("auditor").say(f"回复 #{ticket.id} 不对")
    assert "没有编号为 #999 的工单。发送“工单”查看" in await clerk.say("回复 #999 您好")
    assert "例如：回复 #12" in await clerk.say(f"回复 #{ticket.id}")

    # the answer reaches the citizen at once (the window is open)
    reply = await clerk.say(f"回复 #{ticket.id} 社会团体注册资金不少于3万元，详见办事指南。")
    assert "已答复（按时答复）" in reply and "已送达群众" in reply
    (sent,) = desk.wechat.texts_to(citizen)
    assert f"【人工回复·工单{ticket.id}】" in sent and "不少于3万元" in sent and "非常满意" in sent
    assert (await desk.ticket(citizen)).state == "delivered"
    assert "不能再答复" in await admin.say(f"回复 #{ticket.id} 再答一次")
    assert f"#{ticket.id}" not in await clerk.say("工单")

    # the citizen rates that answer 非常不满意: a 差评 case for the item's department
    rated = await desk.citizen(citizen).say("非常不满意")
    assert "非常不满意" in rated and "回访" in rated
    assert "已评价过" in await desk.citizen(citizen).say("满意")  # one rating per answer
    async with desk.sessions() as session:
        (rating,) = (await session.scalars(select(Rating))).all()
    assert (rating.ticket_id, rating.score, rating.case_state) == (ticket.id, 1, "new")
    assert rating.department_id == ticket.department_id

    # …reaches the department's clerk in WeCom with the conversation, once
    await desk.alerts(later=timedelta(seconds=1))
    (case,) = desk.wecom.texts_to("clerk")
    assert f"【差评】#{rating.id} 非常不满意" in case and "天祝县民政局" in case
    assert "社团成立要多少注册资金" in case and "不少于3万元" in case
    assert "群众：社会团体成立登记" in case and "群众：非常不满意" in case
    assert not desk.wecom.texts_to("clerk_other")
    await desk.alerts()
    assert len(desk.wecom.texts_to("clerk")) == 1

    # follow-up and rectification, each once, by the department; the ledger shows the state
    assert f"#{rating.id}" in (ledger := await clerk.say("差评")) and "待回访、待整改" in ledger
    assert "其他部门" in await desk.member("clerk_other").say(f"回访 #{rating.id} 已联系")
    assert "请写明回访情况，例如：回访 #5" in await clerk.say(f"回访 #{rating.id}")
    assert "发送“差评”查看差评台账" in await clerk.say("整改 #999 已补充")
    assert "请写明整改情况，例如：整改 #5" in await clerk.say(f"整改 #{rating.id}")
    assert "已回访、待整改" in await clerk.say(f"回访 #{rating.id} 已电话联系，解释了出资要求")
    assert "回访。" in await clerk.say(f"回访 #{rating.id} 再来一次")  # once
    assert "已办结" in await clerk.say(f"整改 #{rating.id} 办事指南补充了注册资金说明")
    assert "没有未办结的差评" in await clerk.say("差评")
    assert f"#{rating.id}" in (full := await clerk.say("差评 全部")) and "已办结" in full

    async with desk.sessions() as session:
        actions = set(await session.scalars(select(audit.AuditEntry.action)))
        assert {"ticket.answer", "rating.notify", "rating.followup", "rating.rectify"} <= actions
        assert (await audit.verify(session)).intact


async def test_a_closed_window_keeps_the_answer_for_the_next_message(desk: Desk) -> None:
    clerk = desk.member("clerk")
    citizen = "o_ticket_citizen_two_000000000"
    ticket = await _open_ticket(desk, citizen, "我家低保什么时候发？")
    await _close_window(desk, citizen)

    reply = await clerk.say(f"回复 #{ticket.id} 每月10日前发放到一卡通。")
    assert "未能立即送达" in reply and "48小时" in reply
    assert desk.wechat.texts_to(citizen) == []
    kept = await desk.ticket(citizen)
    assert kept.state == "waiting" and "48小时" in kept.delivery_note
    assert "已答复·待送达" in await clerk.say("工单")
    async with desk.sessions() as session:
        logged = await session.scalars(
            select(MessageLog.answer_kind).where(MessageLog.kind == "held")
        )
        assert list(logged) == ["ticket-held:window"]

    # neither a periodic round nor another try sends it, nor even asks WeChat: the log
    # shows the window closed (its own note of the held answer is no message of the citizen)
    await desk.app.state.citizen_post.run_once()
    assert (await desk.app.state.citizen_post.deliver_ticket(ticket.id)).state == "waiting"
    assert "/cgi-bin/message/custom/send" not in desk.wechat.calls

    # …the citizen's next message does, right after the passive reply
    desk.wechat.user_interacted(citizen)
    person = desk.citizen(citizen)
    assert "【人工回复" not in await person.say("你好")
    await desk.app.state.citizen_post.drain()
    (sent,) = desk.wechat.texts_to(citizen)
    assert "每月10日前发放到一卡通" in sent
    assert (await desk.ticket(citizen)).state == "delivered"
    await person.say("在吗")
    await desk.app.state.citizen_post.drain()
    assert len(desk.wechat.texts_to(citizen)) == 1  # delivered once

    # the rating that follows is about this answer, and a good one is no case
    assert "基本满意" in await person.say("基本满意")
    async with desk.sessions() as session:
        (rating,) = (await session.scalars(select(Rating))).all()
    assert (rating.ticket_id, rating.score, rating.case_state) == (ticket.id, 3, "")


async def test_new_tickets_within_the_window_go_out_in_one_message(desk: Desk) -> None:
    first = await _open_ticket(desk, "o_batch_one_0000000000000000", "公租房怎么申请")
    second = await _open_ticket(desk, "o_batch_two_0000000000000000", "残疾证在哪办")
    await desk.alerts()
    (told,) = desk.wecom.texts_to("admin")
    assert "新的群众人工工单 2 件" in told and f"#{first.id}" in told and f"#{second.id}" in told


async def test_closing_needs_a_reason_and_leaves_the_desk(desk: Desk) -> None:
    clerk = desk.member("clerk")
    ticket = await _open_ticket(desk, "o_close_one_0000000000000000", "测试测试")
    assert "请写明关闭理由" in await clerk.say(f"关闭 #{ticket.id}")
    assert "已关闭，理由：无效咨询" in await clerk.say(f"关闭 #{ticket.id} 无效咨询")
    assert "只能关闭待答复" in await clerk.say(f"关闭 #{ticket.id} 再关")
    assert "不能再答复" in await clerk.say(f"回复 #{ticket.id} 您好")
    assert "没有待办的人工工单" in await clerk.say("工单")
    closed = await desk.ticket("o_close_one_0000000000000000")
    assert (closed.state, closed.closed_by, closed.close_reason) == ("closed", "clerk", "无效咨询")


async def test_an_undeliverable_staff_alert_is_sent_again(desk: Desk) -> None:
    # The alert is on the durable job queue: a send that surely failed is tried again
    # after a back-off (no second round needed); one WeCom refuses for good (the server's IP
    # not allowed) is on the dead-letter list staff see (`zwbot queue dead`).
    ticket = await _open_ticket(desk, "o_alert_retry_000000000000000", "户口迁移")
    desk.wecom.fail("/cgi-bin/message/send", -1)  # system busy
    await desk.alerts()
    (told,) = desk.wecom.texts_to("admin")
    assert f"#{ticket.id}" in told
    assert desk.app.state.job_worker.retried == 1
    later = await _open_ticket(desk, "o_alert_ip_00000000000000000", "户口迁出")
    desk.wecom.fail("/cgi-bin/message/send", 60020)  # e.g. the server's IP not allowed
    await desk.alerts()
    assert len(desk.wecom.texts_to("admin")) == 1
    (dead,) = await desk.app.state.job_worker.queue.dead_letters()
    assert dead.kind == "staff" and dead.last_error.startswith("60020")
    assert f"#{later.id}" in dead.payload["text"]


async def test_a_bad_rating_of_no_department_goes_to_the_duty_staff(desk: Desk) -> None:
    openid = "o_no_department_00000000000000"
    ticket = await _open_ticket(desk, openid, "县里哪里可以办老年证")
    assert ticket.department_id is None
    assert "已送达" in await desk.member("review").say(f"回复 #{ticket.id} 到县老龄办办理。")
    assert "不满意" in await desk.citizen(openid).say("差评")  # said as such: 不满意
    await desk.alerts(later=timedelta(seconds=1))
    cases = [text for text in desk.wecom.texts_to("admin") if "【差评】" in text]
    assert len(cases) == 1 and "不满意" in cases[0] and "无（值班人员办理）" in cases[0]
    assert "到县老龄办办理" in cases[0]
    assert not any("【差评】" in text for text in desk.wecom.texts_to("clerk"))


async def test_an_item_card_is_rated_in_words_once_a_day(desk: Desk) -> None:
    citizen = desk.citizen("o_card_rating_000000000000000")
    answer = await citizen.say("社会团体成立登记")
    if "回复序号" in answer:
        await citizen.say("1")
    assert "满意。" in await citizen.say("满意")  # the national level 满意 is 4, not 5
    assert "已评价过（满意）" in await citizen.say("评5")
    async with desk.sessions() as session:
        (rating,) = (await session.scalars(select(Rating))).all()
    assert (rating.item_code, rating.score, rating.ticket_id, rating.case_state) == (
        W.LIVE,
        4,
        None,
        "",
    )


async def test_a_stored_accounts_tickets_go_to_its_own_staff_channel(desk: Desk) -> None:
    ours = await _open_ticket(desk, "o_channel_default_0000000000000", "公租房怎么申请")
    theirs = await _open_ticket(desk, "o_channel_stored_00000000000000", "残疾证在哪办")
    async with desk.sessions() as session:  # the second citizen wrote to a stored account
        spec = registry.AccountSpec(
            "karamay",
            "wx0123456789abcdef01",
            "gh_0123456789ab",
            "620623",
            "t" * 16,
            "a" * 43,
            staff_channel="kmy_duty|kmy_lead",
        )
        await registry.add_account(session, spec, registry.SecretBox(registry.new_key()))
        await session.execute(
            update(Ticket).where(Ticket.id == theirs.id).values(account=spec.original_id)
        )
        await session.commit()
    await desk.alerts()
    (duty,) = desk.wecom.texts_to("admin")
    assert f"#{ours.id}" in duty and f"#{theirs.id}" not in duty
    for user in ("kmy_duty", "kmy_lead"):
        (told,) = desk.wecom.texts_to(user)
        assert "新的群众人工工单 1 件" in told and f"#{theirs.id}" in told
    assert (await desk.ticket("o_channel_stored_00000000000000")).notified_at is not None
