"""The staff member's own desk in the WeCom chat: the import template as a WeCom file (模板),
the codes an import created, 我的草稿 (open requests, the department's drafts and what they
lack) and 我部门 (the department's records by state with their completeness)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher import Dispatcher
from bot.storage import MemoryStorage
from catalogue import migrate
from catalogue import tickets as ticket_rules
from catalogue.db import create_engine, session_factory
from catalogue.importing.templates import template_columns
from catalogue.models import StaffMember
from handlers.jobs.duties import send_duty_summaries
from handlers.searching.service import build_index
from handlers.wecom.api import WeComClient
from handlers.wecom.callback import wecom_dispatcher
from tests.kits import staff_chat
from tests.kits import staff_world as W
from tools.fakes.wecom_api import FakeWeComApi


class Chat(staff_chat.Chat):
    """The kit's staff chat, with the fake WeCom API it sends files through and the sessions."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        fake: FakeWeComApi,
        world: Any,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        super().__init__(dispatcher, world)
        self.fake = fake
        self.sessions = sessions


@pytest.fixture
async def chat(sqlite_url: str) -> AsyncIterator[Chat]:
    engine = create_engine(sqlite_url)
    await migrate.upgrade(engine)
    sessions = session_factory(engine)
    world = await W.build_world(sessions)
    fake = FakeWeComApi()
    client = WeComClient(
        fake.corp_id, fake.secret, "1000002", base_url="http://wecom-fake", http=fake.client()
    )
    index = await build_index(sessions)
    dispatcher = wecom_dispatcher(MemoryStorage(), client=client, sessions=sessions, search=index)
    try:
        yield Chat(dispatcher, fake, world, sessions)
    finally:
        await client.aclose()
        await engine.dispose()


async def test_the_import_template_arrives_as_a_wecom_file(chat: Chat) -> None:
    reply = await chat.say("clerk", "模板 事项")
    assert "已发送模板文件「事项清单导入模板.xlsx」" in reply, reply
    assert "事项名称*" in reply and "实施主体*" in reply and "监督方式" in reply
    ((content, name),) = chat.fake.files_to("clerk")
    assert name == "事项清单导入模板.xlsx"
    workbook = load_workbook(io.BytesIO(content))
    headers = [cell.value for cell in next(workbook.worksheets[0].iter_rows(max_row=1))]
    assert headers == [column.template_header for column in template_columns("items")]
    assert "填写说明" in workbook.sheetnames

    assert "部门责任清单" in await chat.say("clerk", "模板 责任")
    assert len(chat.fake.files_to("clerk")) == 2
    wrong = await chat.say("clerk", "模板 火箭")
    assert "没有「火箭」模板" in wrong and "模板 事项" in wrong
    # the upload refused by WeCom: the columns still come, with what went wrong
    chat.fake.fail("/cgi-bin/media/upload", 45009)
    failed = await chat.say("finance", "模板 资金")
    assert "发送失败" in failed and "项目名称*" in failed
    assert chat.fake.files_to("finance") == []


async def test_an_import_lists_the_codes_it_created(chat: Chat) -> None:
    rows = (
        "事项名称,事项类别,实施主体\n"
        "养老机构备案,其他,天祝县民政局\n"
        "殡葬服务备案,其他,天祝县民政局\n"
    )
    chat.fake.media["m1"] = (("\ufeff" + rows).encode("utf-8"), "items.csv")
    assert "请在10分钟内" in await chat.say("clerk", "导入 事项")
    reply = await chat.say("clerk", "", MsgType="file", MediaId="m1", FileName="items.csv")
    assert "新建：" in reply, reply
    assert f"{W.CIVIL_BODY}—QT00001000" in reply and f"{W.CIVIL_BODY}—QT00002000" in reply
    # what the new drafts lack, per field, before anyone tries to 提交 them
    assert "草稿中不完整的 2 条（补全前不能提交或发布）" in reply
    assert "  监督方式：2 条" in reply and "发送“我的草稿”" in reply


async def test_my_drafts_lists_my_requests_and_my_departments_drafts(chat: Chat) -> None:
    reply = await chat.say("clerk", "我的草稿")
    # the seeded draft item and fund row have every required field
    assert "【天祝县民政局的草稿】2 条，其中完整可提交 2 条" in reply, reply
    assert f"慈善组织认定（{W.DRAFT}）草稿：完整" in reply
    assert f"2026年 城乡低保提标补助（资金#{chat.world.fund_id}）草稿：完整" in reply
    rows = "事项名称,事项类别,实施主体\n养老机构备案,行政许可,天祝县民政局\n"
    chat.fake.media["m1"] = (rows.encode("utf-8"), "items.csv")
    await chat.say("clerk", "导入 事项")
    await chat.say("clerk", "", MsgType="file", MediaId="m1", FileName="items.csv")
    assert "已提交" in await chat.say("clerk", f"变更 {W.LIVE} 电话=0935-3121111")
    reply = await chat.say("clerk", "我的草稿")
    assert "【我提出、未办结的申请】1 件" in reply and W.LIVE in reply, reply
    assert "3 条，其中完整可提交 2 条" in reply
    assert "养老机构备案" in reply and "缺 设定依据、办结时限" in reply
    # another department's clerk sees none of it
    other = await chat.say("clerk_other", "我的草稿")
    assert other == "您没有未办结的申请，本部门也没有草稿。"
    assert await chat.say("review", "我的草稿") == "您没有未办结的申请。"


async def test_my_department_shows_states_and_what_each_record_lacks(chat: Chat) -> None:
    reply = await chat.say("clerk", "我部门")
    assert reply.startswith("【天祝县民政局】共 4 条："), reply
    assert "已发布 2 条" in reply and "草稿 2 条" in reply
    assert "全部记录的必填内容齐全" in reply
    rows = "事项名称,事项类别,实施主体,咨询电话\n养老机构备案,其他,天祝县民政局,12\n"
    chat.fake.media["m1"] = (rows.encode("utf-8"), "items.csv")
    await chat.say("clerk", "导入 事项")
    await chat.say("clerk", "", MsgType="file", MediaId="m1", FileName="items.csv")
    reply = await chat.say("clerk", "我部门")
    assert "不完整 1 条（补全前不能提交或发布）" in reply, reply
    assert "联系电话（格式不对）" in reply and "监督方式" in reply
    assert "天祝县文体广电和旅游局】共 1 条" in await chat.say("clerk_other", "我部门")
    assert "没有登记部门" in await chat.say("review", "我部门")


async def _tickets(chat: Chat) -> tuple[int, int, int]:
    """Three open tickets: about a 民政局 item, a 文旅局 item, and nothing in particular."""
    async with chat.sessions() as session:
        civil = await ticket_rules.open_ticket(
            session, openid="o_1", message="社团成立要几天", item_code=W.LIVE
        )
        culture = await ticket_rules.open_ticket(
            session, openid="o_2", message="演出报备怎么办", item_code=W.OTHER
        )
        general = await ticket_rules.open_ticket(session, openid="o_3", message="人工")
        await session.commit()
        return civil.id, culture.id, general.id


async def test_tickets_waiting_for_an_answer_are_in_todo_and_the_daily_summary(
    chat: Chat,
) -> None:
    civil, culture, general = await _tickets(chat)
    todo = await chat.say("clerk", "待办")
    assert "【等您答复的人工工单】1 件" in todo, todo
    assert f"#{civil} 待答复" in todo and "社团成立要几天" in todo
    assert f"#{general} " not in todo and f"#{culture} " not in todo
    # the admin is on duty (no ZWBOT_DUTY_STAFF): the ticket of no department
    admin = await chat.say("admin", "待办")
    assert f"#{general} 待答复" in admin and f"#{civil} " not in admin, admin
    assert "人工工单" not in await chat.say("review", "待办")
    assert "已答复" in await chat.say("clerk", f"回复 #{civil} 一般10个工作日")
    assert "人工工单" not in await chat.say("clerk", "待办")

    sent: dict[str, str] = {}

    async def send(user_id: str, text: str) -> None:
        sent[user_id] = text

    # named duty staff take the tickets of no department instead of the admins
    await send_duty_summaries(chat.sessions, send, date(2026, 12, 2), ("review",))
    assert f"#{culture} 待答复" in sent["clerk_other"]
    assert f"#{general} 待答复" in sent["review"] and "人工工单】1 件" in sent["review"]
    assert "人工工单" not in sent.get("admin", "") and "人工工单" not in sent.get("clerk", "")
    # a department without an active clerk: its tickets go to the staff on duty
    async with chat.sessions() as session:
        await session.execute(
            update(StaffMember)
            .where(StaffMember.wecom_user_id == "clerk_other")
            .values(active=False)
        )
        await session.commit()
    sent.clear()
    await send_duty_summaries(chat.sessions, send, date(2026, 12, 2), ("review",))
    assert f"#{culture} 待答复" in sent["review"] and f"#{general} 待答复" in sent["review"]
    assert "clerk_other" not in sent
