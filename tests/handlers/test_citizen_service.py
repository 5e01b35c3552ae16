"""Follow/unfollow, the menu, 人工 tickets answered by staff through the customer-service API."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.client import WeChatClient
from catalogue.models import Ticket, VillageBinding
from handlers.citizen.menu import CLICK_KEYS, build_menu, check_menu, click_keys
from handlers.citizen.texts import NO_MATCH
from handlers.delivery.tickets import TicketPost
from handlers.guards.privacy import keyed_hash
from tests.kits import citizen as kit
from tools.fakes.wechat_api import FakeWeChatApi


async def open_tickets(session):
    return list(await session.scalars(select(Ticket).where(Ticket.state == "open")))


async def _answer(session, ticket: Ticket, text: str, staff: str) -> None:
    """What `catalogue.tickets.answer_ticket` records (its rules are tested with the desk)."""
    ticket.state, ticket.answer, ticket.answered_by = "answered", text, staff
    await session.commit()


async def test_subscribe_welcomes_with_a_privacy_notice(citizen_side):
    welcome = await citizen_side.user().subscribe()
    assert "天祝县政务服务" in welcome and "开网吧要什么材料" in welcome and "人工" in welcome
    assert "隐私说明" in welcome and "48小时" in welcome and "30天" in welcome


async def test_unsubscribe_deletes_the_users_state(citizen_side):
    user = citizen_side.user()
    await user.say("绑定 红大村")
    await user.say("登记")
    await user.unsubscribe()
    assert "没有可以选的列表" in await user.say("2")
    assert "您还没有绑定村" in await user.say("我村资金")
    async with citizen_side.sessions() as session:
        assert list(await session.scalars(select(VillageBinding))) == []


def test_menu_fits_wechat_limits_and_every_click_has_a_handler_key():
    menu = build_menu(kit.BASE_URL)
    assert len(menu["button"]) <= 3
    assert all(len(b.get("sub_button", [])) <= 5 for b in menu["button"])
    names = json.dumps(menu, ensure_ascii=False)
    for wanted in ("办事指南", "权责清单", "资金公开", "扶贫公开", "人工服务"):
        assert wanted in names
    assert set(click_keys(menu)) == set(CLICK_KEYS)
    with pytest.raises(ValueError, match="without a handler"):
        check_menu({"button": [{"type": "click", "name": "x", "key": "NOPE"}]})


async def test_every_click_key_is_answered(citizen_side):
    user = citizen_side.user()
    for key in click_keys(build_menu(kit.BASE_URL)):
        answer = await user.click(key)
        assert answer, key
        assert not any(answer.startswith(sentence[:6]) for sentence in NO_MATCH), key
    assert "行政许可：4项" in await user.click("POWER_LIST")
    assert "2016、2015" in await user.click("FUNDS")
    assert await user.say("权责清单") == await user.click("POWER_LIST")
    assert "村名 扶贫 年份" in await user.say("扶贫公开")


def test_menu_push_sends_the_menu_through_the_api(monkeypatch):
    from handlers.cli import app as cli
    from handlers.settings import get_settings

    fake = FakeWeChatApi(app_id=kit.APP_ID, app_secret="menu-secret")
    with fake.serve() as url:
        monkeypatch.setenv("WECHAT_APP_ID", kit.APP_ID)
        monkeypatch.setenv("WECHAT_APP_SECRET", "menu-secret")
        monkeypatch.setenv("WECHAT_API_BASE", url)
        monkeypatch.setenv("PUBLIC_BASE_URL", kit.BASE_URL)
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(cli, ["menu", "push"])
        finally:
            get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert fake.menu == build_menu(kit.BASE_URL)


async def test_human_turns_the_unanswered_question_into_a_ticket(citizen_side):
    user = citizen_side.user()
    await user.say("火星移民审批")
    created = await user.say("人工")
    assert "已为您转人工，工单号：" in created
    async with citizen_side.sessions() as session:
        tickets = await open_tickets(session)
    assert [(t.openid, t.message) for t in tickets] == [(user.openid, "火星移民审批")]
    assert f"工单号：{tickets[0].id}" in created


async def test_human_without_a_question_opens_a_ticket_and_asks_for_it(citizen_side):
    user = citizen_side.user()
    opened = await user.click("HUMAN")
    assert "工单号" in opened and "请用一句话说明" in opened, opened
    assert "工单号" in await user.say("我家的低保什么时候发")
    async with citizen_side.sessions() as session:
        tickets = await open_tickets(session)
    assert [t.message for t in tickets] == ["我家的低保什么时候发"]
    assert "【互联网上网服务营业场所经营单位设立审批】" in await user.say("开网吧")


async def test_staff_reply_is_delivered_through_the_customer_service_api(citizen_side):
    user = citizen_side.user()
    await user.say("火星移民审批")
    await user.say("人工")
    await citizen_side.app.state.message_logs.flush()  # the citizen's last message is known
    fake = FakeWeChatApi(app_id=kit.APP_ID, app_secret="s")
    client = WeChatClient(kit.APP_ID, "s", base_url="http://wechat-fake", http=fake.client())
    settings = citizen_side.app.state.settings
    post = TicketPost(
        citizen_side.sessions,
        client,
        lambda openid: keyed_hash(openid, settings.hash_key.get_secret_value()),
    )
    async with citizen_side.sessions() as session:
        (ticket,) = await open_tickets(session)
        await _answer(session, ticket, "请到县公安局户籍窗口咨询。", "zhangsan")
    delivery = await post.deliver(ticket.id)
    assert delivery.state == "delivered" and "已送达" in delivery.message
    assert (await post.deliver(ticket.id)).state == "delivered"  # sent once only
    (sent,) = fake.texts_to(user.openid)
    assert f"【人工回复·工单{ticket.id}】" in sent and "请到县公安局户籍窗口咨询。" in sent
    async with citizen_side.sessions() as session:
        stored = await session.get(Ticket, ticket.id)
    assert stored.state == "delivered" and stored.answered_by == "zhangsan" and stored.delivered_at


async def test_undeliverable_reply_is_kept_for_the_next_message(citizen_side):
    user = citizen_side.user()
    await user.say("火星移民审批")
    await user.say("人工")
    fake = FakeWeChatApi(app_id=kit.APP_ID, app_secret="s")
    fake.silent_users.add(user.openid)  # WeChat says the 48-hour window is closed
    client = WeChatClient(kit.APP_ID, "s", base_url="http://wechat-fake", http=fake.client())
    post = TicketPost(citizen_side.sessions, client, lambda openid: "unknown")
    async with citizen_side.sessions() as session:
        (ticket,) = await open_tickets(session)
        await _answer(session, ticket, "您好", "li")
    # The log does not know this key: the ticket's own time says the window is open, and
    # WeChat refuses all the same.
    delivery = await post.deliver(ticket.id)
    assert delivery.state == "waiting" and "45015" in delivery.message
    async with citizen_side.sessions() as session:
        stored = await session.get(Ticket, ticket.id)
    assert stored.state == "waiting" and stored.answer == "您好" and "45015" in stored.delivery_note
    fake.user_interacted(user.openid)
    assert (await post.deliver(ticket.id, citizen_wrote=True)).state == "delivered"
    assert len(fake.texts_to(user.openid)) == 1
