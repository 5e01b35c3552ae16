"""Every staff command with a role that may use it and one that may not; the staff router on
the official account for bound staff only; import of a file through the WeCom media API; the
daily duty summaries sent through a local fake WeCom API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.dispatcher import Dispatcher
from bot.router import Router
from bot.storage import MemoryStorage
from catalogue.models import BudgetYear, ChangeRequest, Item
from handlers.jobs.duties import send_duty_summaries
from handlers.settings import Settings
from handlers.staff import bound_staff_router
from tests.kits import staff_world as W
from tests.kits.staff_chat import Chat, Desk, client_for, desk

__all__ = ["desk"]  # the fixture


Setup = Callable[[Desk], Awaitable[None]]


async def _nothing(desk: Desk) -> None:
    return None


async def _pending_change(desk: Desk) -> None:
    assert "已提交" in await desk.chat.do("clerk", f"变更 {W.LIVE} 电话=0935-3121111")


async def _approved_change(desk: Desk) -> None:
    await _pending_change(desk)
    assert "审核通过" in await desk.chat.do("review", f"通过 {W.LIVE}")


async def _suspended(desk: Desk) -> None:
    async with desk.sessions() as session:
        await session.execute(
            update(Item)
            .where(Item.code == W.LIVE)
            .values(status="suspended", suspension_class="四")
        )
        await session.commit()


async def _budget(desk: Desk) -> None:
    async with desk.sessions() as session:
        session.add(BudgetYear(year=2026, approved_on=date(2026, 1, 10)))
        await session.commit()


async def _fund_change_pending(desk: Desk) -> None:
    reply = await desk.chat.do(
        "clerk", f"资金变更 {desk.world.fund_id} 金额=130 说明=追加 发生=2026-11-20"
    )
    assert "#1" in reply and "另一位复核人员" in reply, reply


async def _poverty_change_pending(desk: Desk) -> None:
    reply = await desk.chat.do(
        "poverty", f"扶贫变更 {desk.world.project_id} 投资额度=90 说明=追加 审定=2026-11-20"
    )
    assert "#1" in reply and "扶贫审核 #1 领导小组" in reply, reply


CASES: list[tuple[str, Setup, str, str, str, str]] = [
    # command, setup, allowed role, its reply contains, forbidden role, its reply contains
    ("帮助", _nothing, "auditor", "工作人员命令", "nobody", "未登记"),
    (f"查 {W.DRAFT}", _nothing, "auditor", "状态：草稿", "clerk_other", "没有找到"),
    ("待办", _pending_change, "review", "#1 变更", "nobody", "未登记"),
    ("逾期", _nothing, "finance", "没有逾期", "nobody", "未登记"),
    (f"日志 {W.LIVE}", _pending_change, "auditor", "item.change.propose", "nobody", "未登记"),
    (f"提交 {W.DRAFT}", _nothing, "clerk", "待审核", "auditor", "审计员不能"),
    (f"通过 {W.LIVE}", _pending_change, "review", "审核通过", "finance", "不能审核"),
    (f"驳回 {W.LIVE} 依据不全", _pending_change, "legal", "已驳回", "clerk_other", "不能驳回"),
    ("撤回 #1", _pending_change, "clerk", "已撤回申请 #1", "review", "只有提出人可以撤回"),
    (f"发布 {W.LIVE}", _approved_change, "clerk", "已生效", "clerk_other", "本部门"),
    (
        f"变更 {W.LIVE} 电话=0935-3122222",
        _nothing,
        "clerk",
        "第九条（四）",
        "finance",
        "不能提出变更",
    ),
    (
        f"暂停 {W.LIVE} （一） 从未行使",
        _nothing,
        "clerk",
        "第十条（一）",
        "approver",
        "不能申请暂停",
    ),
    (f"恢复 {W.LIVE}", _suspended, "clerk", "2日内", "auditor", "不能申请恢复"),
    (
        f"作废 {W.LIVE} 国发〔2026〕1号",
        _nothing,
        "clerk",
        "已提交作废申请",
        "poverty",
        "不能申请作废",
    ),
    (
        f"合并 {W.LIVE} {W.LIVE2} 社会团体登记",
        _nothing,
        "clerk",
        "已提交合并申请",
        "legal",
        "不能申请合并",
    ),
    ("预算批准 2026 2026-01-10", _nothing, "finance", "2026-01-30 前公开", "clerk", "不能登记"),
    ("资金发布 2026", _budget, "finance", "已提出发布", "poverty", "不能申请发布"),
    ("通过 #1", _fund_change_pending, "finance2", "复核通过", "review", "不能复核"),
    ("驳回 #1 金额有误", _fund_change_pending, "finance", "已驳回", "legal", "不能驳回"),
    (
        "扶贫审核 #1 领导小组 审核人=张三 日期=2026-11-20 文号=天扶组发〔2026〕4号",
        _poverty_change_pending,
        "poverty2",
        "还须登记市扶贫办",
        "poverty",
        "本人",
    ),
    (
        "扶贫资金变更 {allocation} 金额=15 说明=追加 审定=2026-11-20",
        _nothing,
        "poverty",
        "10个工作日",
        "finance",
        "不能变更",
    ),
    (
        "资金变更 {fund} 管理办法=新办法 说明=修订",
        _nothing,
        "clerk",
        "须于",
        "clerk_other",
        "本部门",
    ),
    (
        "扶贫变更 {project} 投资额度=90 说明=追加 审定=2026-09-30",
        _nothing,
        "poverty",
        "2026-10-20",
        "finance",
        "不能变更",
    ),
    ("扶贫更新 2027", _nothing, "poverty", "已提出整体更新发布", "clerk", "不能整体更新"),
    ("导入 事项", _nothing, "clerk", "请在10分钟内发送事项清单", "auditor", "不能导入"),
]


@pytest.mark.parametrize(
    ("text", "setup", "allowed", "ok", "forbidden", "refusal"),
    CASES,
    ids=[case[0].split()[0] for case in CASES],
)
async def test_command_allowed_and_forbidden(
    desk: Desk, text: str, setup: Setup, allowed: str, ok: str, forbidden: str, refusal: str
) -> None:
    await setup(desk)
    text = text.format(
        fund=desk.world.fund_id,
        project=desk.world.project_id,
        allocation=desk.world.allocation_id,
    )
    refused = await desk.chat.say(forbidden, text)  # refused at once, never asked to confirm
    assert refusal in refused, refused
    reply = await desk.chat.do(allowed, text)
    assert ok in reply, reply


async def test_confirmation_expires_and_can_be_cancelled(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers.staff import confirmation

    assert "须确认" in await desk.chat.say("clerk", f"作废 {W.LIVE} 依据")
    assert "已取消" in await desk.chat.say("clerk", "取消")
    assert "须确认" in await desk.chat.say("clerk", f"作废 {W.LIVE} 依据")
    monkeypatch.setattr(confirmation, "CONFIRM_SECONDS", -1.0)
    assert "须确认" in await desk.chat.say("clerk", f"作废 {W.LIVE} 依据")
    assert "超过2分钟" in await desk.chat.say("clerk", "确认")
    async with desk.sessions() as session:
        assert (await session.scalars(select(ChangeRequest))).first() is None


async def test_import_a_file_sent_through_wecom(desk: Desk) -> None:
    header = "事项编码,事项名称,事项类别,实施主体,咨询电话\n"
    new = "\ufeff" + header + ",养老机构备案,其他,天祝县民政局,0935-3121001\n"
    desk.fake.media["m1"] = (new.encode("utf-8"), "items.csv")
    assert "请在10分钟内" in await desk.chat.say("clerk", "导入 事项")
    reply = await desk.chat.say("clerk", "", MsgType="file", MediaId="m1", FileName="items.csv")
    assert "新增 1 条" in reply and "草稿" in reply, reply
    async with desk.sessions() as session:
        item = (await session.scalars(select(Item).where(Item.name == "养老机构备案"))).one()
        assert item.status == "draft" and item.department_id == desk.world.civil_id
    # A file that would change a published item is refused as a whole.
    edit = "\ufeff" + header + f"{W.LIVE},社会团体成立登记,行政许可,天祝县民政局,0935-1\n"
    desk.fake.media["m2"] = (edit.encode("utf-8"), "edit.csv")
    reply = await desk.chat.say("clerk", "", MsgType="file", MediaId="m2", FileName="edit.csv")
    assert "不能修改已发布" in reply, reply
    async with desk.sessions() as session:
        live = (await session.scalars(select(Item).where(Item.code == W.LIVE))).one()
        assert live.phone == "0935-3121000"
    # Another department's clerk may not import this department's items.
    other = "\ufeff" + header + ",殡葬服务备案,其他,天祝县民政局,\n"
    desk.fake.media["m3"] = (other.encode("utf-8"), "other.csv")
    reply = await desk.chat.say("clerk_other", "", MsgType="file", MediaId="m3", FileName="o.csv")
    assert "本部门" in reply, reply


async def test_bound_staff_reach_the_staff_router_on_the_official_account(desk: Desk) -> None:
    from catalogue import staff as registry
    from handlers.guards.privacy import openid_hash

    settings = Settings(ZWBOT_HASH_KEY="staff-tests-hash-key")  # type: ignore[call-arg]
    async with desk.sessions() as session:
        await registry.bind_openid(session, "clerk", openid_hash("o_clerk", settings))
        await session.commit()
    dispatcher = Dispatcher(storage=MemoryStorage(), sessions=desk.sessions)
    dispatcher.include_router(bound_staff_router(settings))
    citizens = Router(name="citizens")  # included after the staff router, as in the app
    dispatcher.include_router(citizens)

    @citizens.text()
    async def citizen(event: Any) -> str:
        return "citizen answer"

    chat = Chat(dispatcher, desk.world)
    assert "状态：草稿" in await chat.say("o_clerk", f"查 {W.DRAFT}")
    assert await chat.say("o_clerk", "开网吧") == "citizen answer"
    assert await chat.say("o_someone", f"查 {W.DRAFT}") == "citizen answer"


async def test_daily_duties_are_sent_once_per_responsible_member(desk: Desk) -> None:
    await _budget(desk)
    client = client_for(desk.fake)
    try:
        done = await send_duty_summaries(desk.sessions, client.send_text, date(2027, 2, 5))
    finally:
        await client.aclose()
    # 2026 fund list (both finance reviewers); 2027 refresh (the whole poverty office)
    assert set(done.sent) == {"finance", "finance2", "poverty", "poverty2"}
    to = sorted((m["touser"], m["agentid"]) for m in desk.fake.sent)
    assert to == [(user, 1000002) for user in ("finance", "finance2", "poverty", "poverty2")]
    finance = next(m for m in desk.fake.sent if m["touser"] == "finance")
    assert (
        "已逾期" in finance["text"]["content"] and "2026 年度专项资金" in finance["text"]["content"]
    )


async def test_staff_events_and_other_messages_never_look_like_strangers(desk: Desk) -> None:
    reply = await desk.chat.say("clerk", "", MsgType="event", Event="enter_agent")
    assert reply == ""
    assert "没有这个命令" in await desk.chat.say("clerk", "你好")
    assert "没有这个命令" in await desk.chat.say("clerk", "", MsgType="image", MediaId="x")
    assert "未登记" in await desk.chat.say("nobody", "", MsgType="event", Event="enter_agent")


async def test_the_report_is_for_the_review_office_and_the_county_office(desk: Desk) -> None:
    await desk.chat.say("clerk", f"变更 {W.LIVE} 电话=0935-3120000")
    for who in ("review", "admin", "approver"):
        reply = await desk.chat.say(who, "通报")
        assert "【部门工作通报】" in reply and "第二十二条" in reply and W.LIVE in reply
    assert "不能查看部门工作通报" in await desk.chat.say("clerk", "通报")


async def test_a_fund_year_and_a_poverty_year_through_the_chat(desk: Desk) -> None:
    chat = desk.chat
    assert "2026-01-30 前公开" in await chat.do("finance", "预算批准 2026 2026-01-10")
    corrected = await chat.do("finance", "预算批准 2026 2026-01-12 说明=决议日期录错")
    assert "#1" in corrected and "原日期保留" in corrected, corrected
    assert "本人" in await chat.do("finance", "通过 #1")
    assert "复核通过" in await chat.do("finance2", "通过 #1")
    assert "原登记 2026-01-10" in await chat.do("finance", "发布 #1")
    proposed = await chat.do("finance", "资金发布 2026")
    assert "#2" in proposed and "1 个项目" in proposed, proposed
    assert "待县财政局复核" in await chat.do("finance2", "待办")
    assert "复核通过" in await chat.do("finance2", "通过 #2")
    published = await chat.do("finance", "发布 #2")
    assert "已发布，共 1 个项目" in published and "按原登记的批准日期 2026-01-10" in published

    assert "将来的日期" in await chat.do("poverty", "扶贫变更 1 投资额度=90 说明=x 审定=2030-01-01")
    assert "#3" in await chat.do("poverty", "扶贫更新 2027")
    todo = await chat.do("poverty2", "待办")
    assert "#3" in todo and "待登记县扶贫开发领导小组和市扶贫办审核" in todo, todo
    assert "扶贫审核" in await chat.do("poverty2", "通过 #3")
    city = "扶贫审核 #3 市扶贫办 审核人=李四 日期=2026-11-25 文号=武扶贫发〔2026〕30号"
    assert "须先登记县扶贫开发领导小组" in await chat.do("poverty2", city)
    county = "扶贫审核 #3 领导小组 审核人=张三 日期=2026-11-20 文号=天扶组发〔2026〕4号"
    assert "还须登记市扶贫办" in await chat.do("poverty2", county)
    assert "可以发布" in await chat.do("poverty2", city)
    assert "项目 1 个，资金分配 1 条" in await chat.do("poverty", "发布 #3")


async def test_new_list_commands_explain_what_is_missing(desk: Desk) -> None:
    assert "批准日期" in await desk.chat.do("finance", "预算批准 2026")
    assert "审核机关" in await desk.chat.do("poverty2", "扶贫审核 #1")
    assert "不是审核机关" in await desk.chat.do("poverty2", "扶贫审核 #1 县长 审核人=x")
    assert "审定日期" in await desk.chat.do("poverty", "扶贫资金变更 1 金额=3 说明=x")


async def test_list_changes_take_the_field_names_the_list_declares(desk: Desk) -> None:
    fund = desk.world.fund_id
    unknown = await desk.chat.do("clerk", f"资金变更 {fund} 地区=x 说明=y")
    assert "没有“地区”这个字段" in unknown and "预算数额、管理办法" in unknown, unknown
    amount = await desk.chat.do("clerk", f"资金变更 {fund} 预算=十万 说明=y")
    assert "金额“十万”不对" in amount, amount
    nothing = await desk.chat.do("clerk", f"资金变更 {fund} 说明=y")
    assert "请写明要变更的字段，例如 项目名称=…" in nothing, nothing
    by_alias = await desk.chat.do("clerk", f"资金变更 {fund} 预算金额=130万元 说明=追加")
    assert "另一位复核人员" in by_alias, by_alias


async def test_withdrawn_request_frees_the_item(desk: Desk) -> None:
    await _pending_change(desk)
    reply = await desk.chat.say("clerk", f"变更 {W.LIVE} 电话=0935-3120002")
    assert "该事项已有待处理的申请 #1" in reply and "撤回" in reply, reply
    assert "已撤回" in await desk.chat.say("clerk", f"撤回 {W.LIVE}")
    assert "已提交变更申请 #2" in await desk.chat.say("clerk", f"变更 {W.LIVE} 电话=0935-3120002")


async def test_publish_all_lists_what_it_left_and_why(desk: Desk) -> None:
    await _approved_change(desk)  # #1 on LIVE, then LIVE changes under it
    async with desk.sessions() as session:
        await session.execute(
            update(Item)
            .where(Item.code == W.LIVE)
            .values(location="大厅", version=Item.version + 1)  # as an import does
        )
        await session.commit()
    assert "已提交" in await desk.chat.do("clerk", f"变更 {W.LIVE2} 电话=0935-3120005")
    assert "审核通过" in await desk.chat.do("review", f"通过 {W.LIVE2}")
    reply = await desk.chat.do("clerk", "发布 全部")
    assert "已发布 1 项，1 项未发布" in reply and "#2 变更已生效" in reply, reply
    assert "未发布：\n#1 变更" in reply and "已被他人修改（版本 1 → 2）" in reply, reply
    log = await desk.chat.say("auditor", f"日志 {W.LIVE2}")
    assert "item.change.apply" in log and "最近变更：变更（第九条（四））：联系电话" in log, log


async def test_a_merger_with_a_suspended_item_must_say_how(desk: Desk) -> None:
    await _suspended(desk)
    reply = await desk.chat.do("clerk", f"合并 {W.LIVE} {W.LIVE2} 社会团体登记")
    assert f"{W.LIVE} 处于暂停状态" in reply and "暂停=保持" in reply, reply
    reply = await desk.chat.do("clerk", f"合并 {W.LIVE} {W.LIVE2} 社会团体登记 暂停=保持")
    assert "已提交合并申请" in reply and "合并后的事项保持暂停" in reply, reply
    assert "“社会团体登记”" in reply


async def test_a_new_body_gives_a_new_code_and_the_old_one_says_so(desk: Desk) -> None:
    reply = await desk.chat.do("clerk", f"变更 {W.LIVE} 实施主体=文旅局")
    assert "第九条（二）" in reply and "赋予新编码" in reply, reply
    assert "提请县政府审定" in await desk.chat.do("review", f"通过 {W.LIVE}")
    assert "县政府审定通过" in await desk.chat.do("approver", f"通过 {W.LIVE}")
    new_code = f"{W.CULTURE_BODY}—XK00001000"
    reply = await desk.chat.do("review", "发布 #1")
    assert f"事项编码由 {W.LIVE} 变更为 {new_code}" in reply, reply
    assert f"该编码已变更为 {new_code}" in await desk.chat.say("clerk", f"查 {W.LIVE}")
    assert "状态：已发布" in await desk.chat.say("clerk_other", f"查 {new_code}")


def test_every_refusal_has_staff_words() -> None:
    from dataclasses import is_dataclass

    from catalogue.workflow import errors
    from handlers.staff.refusals import EXPLANATIONS

    typed = {
        kind
        for kind in vars(errors).values()
        if isinstance(kind, type) and issubclass(kind, errors.WorkflowError) and is_dataclass(kind)
    }
    assert typed and typed <= set(EXPLANATIONS), typed - set(EXPLANATIONS)
