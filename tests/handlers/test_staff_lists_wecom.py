"""A fund year and a poverty year through `/wecom` (WeCom-encrypted messages, an AES
implementation of the tests' own), as county staff of each role live them: complete records
only, a second person for every step, no future dates, the proposer may withdraw, and
what changed shows its date, version and note."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from catalogue import audit
from catalogue.models import ChangeRequest, FundItem, PovertyProject, StaffNotice
from tests.kits import staff_world as W
from tests.kits.staff_wecom import StaffSide, side

__all__ = ["side"]


async def test_a_fund_year_through_wecom(side: StaffSide) -> None:
    fund = side.world.fund_id
    finance, finance2 = side.member("finance"), side.member("finance2")
    # 第七条: the budget approval starts the 20 days; no date in the future
    assert "不能登记将来的日期" in await side.do("finance", "预算批准 2026 2030-01-01")
    assert "须于 2026-12-10 前公开" in await side.do("finance", "预算批准 2026 2026-11-20")
    # a fund row short of a 第四条 field keeps the whole year's list from publication
    async with side.sessions() as session:
        row = await session.get(FundItem, fund)
        assert row is not None
        name, row.project_name = row.project_name, ""
        await session.commit()
    refused = await side.do("finance", "资金发布 2026")
    assert "项目名称" in refused and "第四条" in refused, refused
    async with side.sessions() as session:
        row = await session.get(FundItem, fund)
        assert row is not None
        row.project_name = name
        await session.commit()
    filed = await side.do("finance", "资金发布 2026")
    assert "申请 #" in filed and "另一位复核人员" in filed, filed
    number = filed.split("申请 #")[1].split("，")[0]
    # 谁发布、谁审核: the proposer neither reviews it nor has it among their duties
    assert "本人提出" in await finance.say(f"通过 #{number}")
    assert f"#{number}" not in await finance.say("待办")
    assert f"#{number}" in await finance2.say("待办")
    assert "复核通过" in await side.do("finance2", f"通过 #{number}")
    published = await side.do("finance", f"发布 #{number}")
    assert "已发布" in published and "2026-12-10" in published, published

    # a change: the proposer withdraws it, files it again, a second person approves it
    assert "不能登记将来的日期" in await finance.say(
        f"资金变更 {fund} 金额=130 说明=追加 发生=2030-01-01"
    )
    first = await finance.say(f"资金变更 {fund} 金额=130 说明=追加")
    first_no = first.split("变更 #")[1].split("，")[0]
    assert "已有未办结的申请" in await finance2.say(f"资金变更 {fund} 金额=140 说明=再追加")
    assert "撤回 #" not in await finance2.say(f"撤回 #{first_no}")  # not theirs: refused
    assert "已撤回" in await finance.say(f"撤回 #{first_no}")
    again = await finance.say(f"资金变更 {fund} 金额=131 说明=追加低保提标资金")
    again_no = again.split("变更 #")[1].split("，")[0]
    assert "复核通过" in await side.do("finance2", f"通过 #{again_no}")
    assert "变更说明已公开" in await side.do("finance", f"发布 #{again_no}")
    async with side.sessions() as session:
        row = await session.get(FundItem, fund)
        assert row is not None and row.budget_amount == Decimal("131")
        assert row.status == "published" and "追加低保提标资金" in (row.change_note or "")
        states = dict((await session.execute(select(ChangeRequest.id, ChangeRequest.state))).all())
        assert states[int(first_no)] == "withdrawn" and states[int(again_no)] == "applied"
        # the second reviewer was told of each request that reached them
        told = (
            await session.scalars(
                select(StaffNotice.request_id).where(
                    StaffNotice.recipient_id == side.world.staff["finance2"].id
                )
            )
        ).all()
        assert {int(number), int(again_no)} <= set(told)
        assert (await audit.verify(session)).intact


async def test_a_poverty_year_through_wecom(side: StaffSide) -> None:
    poverty, poverty2 = side.member("poverty"), side.member("poverty2")
    # the 2027 list holds a project without its 审批文号 (《扶贫办法》第三条)
    async with side.sessions() as session:
        draft = (
            await session.scalars(select(PovertyProject).where(PovertyProject.year == 2027))
        ).one()
        draft.approval_number = ""
        await session.commit()
    refused = await side.do("poverty", "扶贫更新 2027")
    assert "审批文号" in refused and "第三条" in refused, refused
    async with side.sessions() as session:
        draft = (
            await session.scalars(select(PovertyProject).where(PovertyProject.year == 2027))
        ).one()
        draft.approval_number = "天扶贫发〔2026〕9号"
        await session.commit()
    filed = await side.do("poverty", "扶贫更新 2027")
    number = filed.split("申请 #")[1].split("。")[0]
    review = "审核人=张三 日期=2026-11-25 文号=天扶贫领发〔2026〕5号"
    city = "审核人=李四 日期=2026-11-26 文号=武扶贫发〔2026〕8号"
    # the proposer records no review of their own request; the leading group comes first
    assert "本人" in await poverty.say(f"扶贫审核 #{number} 领导小组 {review}")
    assert "须先登记县扶贫开发领导小组" in await poverty2.say(f"扶贫审核 #{number} 市扶贫办 {city}")
    assert "不能登记将来的日期" in await poverty2.say(
        f"扶贫审核 #{number} 领导小组 审核人=张三 日期=2030-01-01 文号=天扶贫领发〔2026〕5号"
    )
    assert "还须登记市扶贫办" in await poverty2.say(f"扶贫审核 #{number} 领导小组 {review}")
    assert "可以发布" in await poverty2.say(f"扶贫审核 #{number} 市扶贫办 {city}")
    assert "整体更新发布" in await side.do("poverty", f"发布 #{number}")

    # a change of the published 2026 project: 10 working days from its approval (第四条)
    project = side.world.project_id
    assert "不能登记将来的日期" in await poverty.say(
        f"扶贫变更 {project} 投资额度=90 说明=追加 审定=2030-01-01"
    )
    change = await poverty.say(f"扶贫变更 {project} 投资额度=90 说明=追加配套 审定=2026-11-20")
    assert "2026-12-04 前更新发布" in change, change
    change_no = change.split("变更 #")[1].split("（")[0]
    assert "已撤回" in await poverty.say(f"撤回 #{change_no}")
    change = await poverty.say(f"扶贫变更 {project} 投资额度=90 说明=追加配套 审定=2026-11-20")
    change_no = change.split("变更 #")[1].split("（")[0]
    await poverty2.say(f"扶贫审核 #{change_no} 领导小组 {review}")
    await poverty2.say(f"扶贫审核 #{change_no} 市扶贫办 {city}")
    assert "已" in await side.do("poverty", f"发布 #{change_no}")
    async with side.sessions() as session:
        row = await session.get(PovertyProject, project)
        assert row is not None and row.investment == Decimal("90") and row.version > 1
        assert "追加配套" in (row.change_note or "")
        assert (await audit.verify(session)).intact
    assert W.LIVE  # the item of the same county is untouched by the lists
