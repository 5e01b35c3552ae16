"""An incomplete item is never submitted, approved or published, whatever step it is at."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from catalogue.models import Item, ServiceItem
from catalogue.workflow import fields, proposals, publishing, review
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.runner import Actor, run
from handlers.staff import parsing, wording
from handlers.staff.refusals import explain
from tests.kits import staff_world as W


async def _do(sessions: Any, world: Any, who: str, op: Any) -> Outcome:
    # Worded as the staff chat words results and refusals (the domain's errors are typed).
    return await run(
        sessions, Actor.of(world.staff[who]), "test", op, render=wording.render, explain=explain
    )


async def _strip(sessions: Any, code: str, **values: Any) -> None:
    """What an import of only name, category and department leaves behind."""
    async with sessions() as session:
        item = (await session.scalars(select(Item).where(Item.code == code))).one()
        for attribute, value in values.items():
            setattr(item, attribute, value)
        await session.commit()


async def test_a_bare_draft_is_not_submitted(sessions, world) -> None:  # type: ignore[no-untyped-def]
    await _strip(
        sessions,
        W.DRAFT,
        legal_basis="",
        procedure=[],
        flowchart="",
        promised_limit_value=None,
        promised_limit_unit=None,
        supervision_way="",
        handling_office="",
        requirements=[],
        responsibilities=[],
    )
    out = await _do(sessions, world, "clerk", lambda s, m: proposals.submit(s, m, W.DRAFT))
    assert out.refused and "不能提交" in out.message
    assert (
        "缺少：设定依据、办结时限、流程图（或办理流程）、监督方式、责任事项、办理要件、办理程序、承办股室"
        in out.message
    )
    assert "《建设运行办法》第十条（一）" in out.message and "第十一条" in out.message
    assert (await _item_status(sessions, W.DRAFT)) == "draft"


def _change(name: str, raw: str) -> Any:
    """变更 LIVE 字段=值, the value parsed as the chat parses it (inside the command)."""

    async def op(s: Any, m: Any) -> Any:
        spec = fields.field_spec(name)
        return await proposals.propose_change(
            s, m, W.LIVE, [(spec, parsing.field_value(spec, raw))]
        )

    return op


async def test_a_change_may_not_blank_a_required_field(sessions, world) -> None:  # type: ignore[no-untyped-def]
    out = await _do(
        sessions,
        world,
        "clerk",
        _change("监督方式", ""),
    )
    assert out.refused and "缺少：监督方式" in out.message
    out = await _do(
        sessions,
        world,
        "clerk",
        _change("电话", "请到窗口咨询"),
    )
    assert out.refused and "联系电话不对" in out.message


async def test_approval_and_publication_wait_for_a_record_that_fell_short(sessions, world) -> None:  # type: ignore[no-untyped-def]
    out = await _do(sessions, world, "clerk", lambda s, m: proposals.submit(s, m, W.DRAFT))
    assert not out.refused, out.message
    await _strip(sessions, W.DRAFT, supervision_way="")
    out = await _do(sessions, world, "review", lambda s, m: review.approve(s, m, W.DRAFT))
    assert out.refused and "不能通过" in out.message and "监督方式" in out.message
    await _strip(sessions, W.DRAFT, supervision_way="投诉窗口")
    out = await _do(sessions, world, "review", lambda s, m: review.approve(s, m, W.DRAFT))
    assert not out.refused, out.message
    await _strip(sessions, W.DRAFT, legal_basis="")
    out = await _do(sessions, world, "clerk", lambda s, m: publishing.publish(s, m, [W.DRAFT]))
    assert out.refused and "不能发布" in out.message and "设定依据" in out.message
    assert (await _item_status(sessions, W.DRAFT)) == "pending_review"


async def test_a_service_item_needs_the_fields_of_article_12(sessions, world) -> None:  # type: ignore[no-untyped-def]
    code = W.code(W.CIVIL_BODY, "QT00009000")
    async with sessions() as session:
        session.add(
            ServiceItem(
                code=code,
                subject_code=W.CIVIL_BODY,
                basic_code="QT00009000",
                category="QT",
                main_no=9,
                name="婚姻登记预约",
                department_id=world.civil_id,
                procedure=["预约", "办理"],
            )
        )
        await session.commit()
    out = await _do(sessions, world, "clerk", lambda s, m: proposals.submit(s, m, code))
    assert out.refused
    assert "缺少：服务内容、办结时限、管理要求" in out.message and "第十二条" in out.message


async def _item_status(sessions: Any, code: str) -> str:
    async with sessions() as session:
        item = (await session.scalars(select(Item).where(Item.code == code))).one()
        return item.status
