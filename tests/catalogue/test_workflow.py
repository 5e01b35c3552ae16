"""The item workflow through its services and the command runner: whole life of an item,
two-person rule, roles, exactly-once keys, optimistic locking and the audit trail."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue import audit
from catalogue.models import ChangeRequest, Item, RetiredCode, StaffMember
from catalogue.workflow import errors, fields, proposals, publishing, review, views
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.results import Applied, Filed, ItemLog, ItemView, Moved, Published
from catalogue.workflow.rules import ChangeClass, RequestState, SuspensionReason
from catalogue.workflow.runner import Actor, run
from handlers.staff import parsing
from tests.kits import staff_world as W

Op = Callable[[AsyncSession, StaffMember], Awaitable[Outcome]]


PHONE = "0935-3121111"  # a well-formed phone number (forms are checked)


class Desk:
    """Runs commands as named staff through the real runner."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], world: object) -> None:
        self.sessions = sessions
        self.world = world

    async def __call__(self, who: str, op: Op, key: str | None = None) -> Outcome:
        staff = self.world.staff[who]  # type: ignore[attr-defined]
        return await run(self.sessions, Actor.of(staff), f"test:{who}", op, key=key)

    async def item(self, code: str) -> Item:
        async with self.sessions() as session:
            item = (await session.scalars(select(Item).where(Item.code == code))).one()
            return item


@pytest.fixture
def desk(sessions: async_sessionmaker[AsyncSession], world: object) -> Desk:
    return Desk(sessions, world)


def ok(outcome: Outcome) -> Outcome:
    assert not outcome.refused, outcome.message
    return outcome


def refused(outcome: Outcome, kind: type[Exception]) -> Outcome:
    assert outcome.refused and isinstance(outcome.error, kind), outcome.error
    return outcome


def change(name: str, value: str) -> tuple[fields.FieldSpec, object]:
    """A 字段=值 as the channels parse it."""
    spec = fields.field_spec(name)
    return spec, parsing.field_value(spec, value)


def applied(outcome: Outcome) -> Applied:
    result = outcome.result
    if isinstance(result, Published):
        (only,) = result.applied
        assert isinstance(only, Applied)
        return only
    assert isinstance(result, Applied), result
    return result


async def test_whole_life_of_an_item(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # draft → submit → review → publish
    refused(
        await desk("clerk_other", lambda s, m: proposals.submit(s, m, W.DRAFT)), errors.ItemNotFound
    )
    refused(
        await desk("auditor", lambda s, m: proposals.submit(s, m, W.DRAFT)), errors.RoleForbidden
    )
    out = ok(await desk("clerk", lambda s, m: proposals.submit(s, m, W.DRAFT)))
    assert isinstance(out.result, Filed) and not out.result.decision_follows
    assert out.result.item.status == "pending_review"
    refused(await desk("clerk", lambda s, m: review.approve(s, m, W.DRAFT)), errors.OwnRequest)
    out = refused(
        await desk("approver", lambda s, m: review.approve(s, m, W.DRAFT)), errors.RoleForbidden
    )
    assert out.error.operation is errors.Operation.REVIEW  # type: ignore[union-attr]
    ok(await desk("review", lambda s, m: review.approve(s, m, W.DRAFT)))
    # Another department's clerk neither sees the draft nor may publish its request.
    refused(
        await desk("clerk_other", lambda s, m: publishing.publish(s, m, [W.DRAFT])),
        errors.ItemNotFound,
    )
    async with desk.sessions() as session:
        number = await session.scalar(select(func.max(ChangeRequest.id)))
    assert number is not None
    refused(
        await desk("clerk_other", lambda s, m: publishing.publish(s, m, [number])),
        errors.OtherDepartment,
    )
    out = ok(await desk("clerk", lambda s, m: publishing.publish(s, m, [W.DRAFT])))
    item = await desk.item(W.DRAFT)
    assert item.status == "published" and out.reindex == [item.id]

    # change (四): review only
    out = ok(
        await desk(
            "clerk",
            lambda s, m: proposals.propose_change(
                s, m, W.DRAFT, [change("电话", "0935-3129999")], ChangeClass.STATIC
            ),
        )
    )
    assert out.result.request.change_class is ChangeClass.STATIC
    assert not out.result.decision_follows
    ok(await desk("legal", lambda s, m: review.approve(s, m, W.DRAFT)))
    ok(await desk("clerk", lambda s, m: publishing.publish(s, m, [W.DRAFT])))
    assert (await desk.item(W.DRAFT)).phone == "0935-3129999"

    # change (一) named as (四): still goes to the county government
    out = ok(
        await desk(
            "clerk",
            lambda s, m: proposals.propose_change(
                s,
                m,
                W.DRAFT,
                [change("名称", "慈善组织认定（登记）"), change("法定时限", "20个工作日")],
                ChangeClass.STATIC,
            ),
        )
    )
    assert out.result.request.change_class is ChangeClass.BASIS
    assert out.result.named_class is ChangeClass.STATIC and out.result.decision_follows
    out = ok(await desk("admin", lambda s, m: review.approve(s, m, W.DRAFT)))
    assert isinstance(out.result, Moved)
    assert out.result.request.state == RequestState.PENDING_DECISION.value
    refused(
        await desk("admin", lambda s, m: review.approve(s, m, W.DRAFT)),
        errors.ReviewerCannotDecide,
    )
    refused(
        await desk("clerk", lambda s, m: publishing.publish(s, m, [W.DRAFT])),
        errors.WrongRequestState,
    )
    ok(await desk("approver", lambda s, m: review.approve(s, m, W.DRAFT)))
    ok(await desk("clerk", lambda s, m: publishing.publish(s, m, [W.DRAFT])))
    item = await desk.item(W.DRAFT)
    assert item.name == "慈善组织认定（登记）" and str(item.legal_time_limit) == "20个工作日"

    # suspend (二) → still public, marked 暂停; resume within 2 days of review
    refused(
        await desk(
            "clerk",
            lambda s, m: proposals.propose_suspension(s, m, W.DRAFT, SuspensionReason.NO_CASES, ""),
        ),
        errors.MissingArgument,
    )
    ok(
        await desk(
            "clerk",
            lambda s, m: proposals.propose_suspension(
                s, m, W.DRAFT, SuspensionReason.NO_CASES, "2022年以来无办件"
            ),
        )
    )
    ok(await desk("review", lambda s, m: review.approve(s, m, W.DRAFT)))
    out = ok(await desk("clerk", lambda s, m: publishing.publish(s, m, None)))
    item = await desk.item(W.DRAFT)
    assert item.status == "suspended" and item.is_public and item.suspension_class == "二"
    assert applied(out).item.status == "suspended" and applied(out).item.suspension_class == "二"
    ok(await desk("clerk", lambda s, m: proposals.propose_resumption(s, m, W.DRAFT, "恢复办理")))
    reviewed_at = datetime(2026, 9, 30, 3, tzinfo=UTC)
    ok(await desk("review", lambda s, m: review.approve(s, m, W.DRAFT, now=reviewed_at)))
    async with sessions() as session:
        request = (
            await session.scalars(select(ChangeRequest).order_by(ChangeRequest.id.desc()))
        ).first()
        assert request is not None and request.due_on == date(2026, 10, 2)
    out = ok(
        await desk(
            "clerk",
            lambda s, m: publishing.publish(
                s, m, [W.DRAFT], now=datetime(2026, 10, 3, 2, tzinfo=UTC)
            ),
        )
    )
    assert applied(out).resumed_late and (await desk.item(W.DRAFT)).status == "published"

    # abolish: review + decision, then retired for good
    ok(
        await desk(
            "clerk", lambda s, m: proposals.propose_abolition(s, m, W.DRAFT, "国发〔2026〕1号取消")
        )
    )
    ok(await desk("review", lambda s, m: review.approve(s, m, W.DRAFT)))
    ok(await desk("approver", lambda s, m: review.approve(s, m, W.DRAFT)))
    out = ok(await desk("review2", lambda s, m: publishing.publish(s, m, [W.DRAFT])))
    assert out.unindex == [W.DRAFT] and out.reindex == []
    out = ok(await desk("clerk", lambda s, m: views.show_item(s, m, W.DRAFT)))
    assert isinstance(out.result, ItemView)  # 查 shows history, abolished items included
    assert out.result.item.status == "abolished" and out.result.retired is not None
    out = refused(
        await desk(
            "clerk",
            lambda s, m: proposals.propose_change(s, m, W.DRAFT, [change("电话", PHONE)]),
        ),
        errors.WrongItemStatus,
    )
    assert out.error.allowed == ("published", "suspended")  # type: ignore[union-attr]
    async with sessions() as session:
        retired = await session.get(RetiredCode, W.DRAFT)
        assert retired is not None and retired.reason == "abolished"
        assert (await audit.verify(session)).intact


async def test_merge_retires_old_codes_and_assigns_a_new_one(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    refused(
        await desk("clerk", lambda s, m: proposals.propose_merger(s, m, [W.LIVE, W.OTHER], "x")),
        errors.OtherDepartment,
    )
    ok(
        await desk(
            "clerk",
            lambda s, m: proposals.propose_merger(s, m, [W.LIVE, W.LIVE2], "社会团体登记"),
        )
    )
    # Both merged items are locked by the open merger.
    out = refused(
        await desk(
            "clerk",
            lambda s, m: proposals.propose_change(s, m, W.LIVE2, [change("电话", PHONE)]),
        ),
        errors.RequestAlreadyOpen,
    )
    assert out.error.action == "merge"  # type: ignore[union-attr]
    ok(await desk("review", lambda s, m: review.approve(s, m, W.LIVE)))
    ok(await desk("approver", lambda s, m: review.approve(s, m, W.LIVE)))
    out = ok(await desk("clerk", lambda s, m: publishing.publish(s, m, [W.LIVE])))
    new_code = f"{W.CIVIL_BODY}—XK00004000"  # after XK00001–3, never a reused number
    assert out.target == new_code and sorted(out.unindex) == sorted([W.LIVE, W.LIVE2])
    merged = await desk.item(new_code)
    assert merged.status == "published" and merged.name == "社会团体登记"
    assert "社会团体成立登记" in merged.aliases
    async with sessions() as session:
        rows = (await session.scalars(select(RetiredCode).order_by(RetiredCode.code))).all()
        assert [(r.code, r.reason, r.merged_into) for r in rows] == [
            (W.LIVE, "merged", new_code),
            (W.LIVE2, "merged", new_code),
        ]


async def test_reject_returns_a_draft_and_needs_a_reason(desk: Desk) -> None:
    ok(await desk("clerk", lambda s, m: proposals.submit(s, m, W.DRAFT)))
    refused(
        await desk("review", lambda s, m: review.reject(s, m, W.DRAFT, " ")), errors.MissingArgument
    )
    refused(
        await desk("finance", lambda s, m: review.reject(s, m, W.DRAFT, "x")), errors.RoleForbidden
    )
    out = ok(await desk("review", lambda s, m: review.reject(s, m, W.DRAFT, "依据不全")))
    assert isinstance(out.result, Moved) and out.result.request.state == "rejected"
    assert (await desk.item(W.DRAFT)).status == "draft"


async def test_views_for_readers(desk: Desk) -> None:
    out = ok(await desk("auditor", lambda s, m: views.show_item(s, m, W.DRAFT)))
    assert out.result.item.status == "draft"
    refused(
        await desk("clerk_other", lambda s, m: views.show_item(s, m, W.DRAFT)), errors.ItemNotFound
    )
    ok(await desk("clerk", lambda s, m: proposals.submit(s, m, W.DRAFT)))
    async with desk.sessions() as session:
        review_staff = await session.get(StaffMember, desk.world.staff["review"].id)  # type: ignore[attr-defined]
        clerk = await session.get(StaffMember, desk.world.staff["clerk"].id)  # type: ignore[attr-defined]
        assert review_staff is not None and clerk is not None
        assert len(await views.pending_requests(session, review_staff)) == 1
        assert await views.pending_requests(session, clerk) == []
    out = ok(await desk("auditor", lambda s, m: views.item_log(s, m, W.DRAFT)))
    assert isinstance(out.result, ItemLog)
    assert "item.publish.propose" in [line.action for line in out.result.entries]


async def test_redelivered_command_applies_once(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    def op(s: AsyncSession, m: StaffMember) -> Awaitable[Outcome]:
        return proposals.propose_change(s, m, W.LIVE, [change("电话", PHONE)])

    first = ok(await desk("clerk", op, key="wecom:msg:1"))
    again = await desk("clerk", op, key="wecom:msg:1")
    assert again.replayed and again.message == first.message == ""
    both = await asyncio.gather(
        desk("clerk", lambda s, m: proposals.submit(s, m, W.DRAFT), key="wecom:msg:2"),
        desk("clerk", lambda s, m: proposals.submit(s, m, W.DRAFT), key="wecom:msg:2"),
    )
    assert both[0].message == both[1].message
    async with sessions() as session:
        count = await session.scalar(select(func.count()).select_from(ChangeRequest))
        assert count == 2
        assert (await audit.verify(session)).intact


async def test_concurrent_edit_gets_a_conflict(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    a_loaded = asyncio.Event()
    b_done = asyncio.Event()

    async def edit_a(session: AsyncSession, staff: StaffMember) -> Outcome:
        item = (await session.scalars(select(Item).where(Item.code == W.LIVE))).one()
        a_loaded.set()
        await b_done.wait()
        item.phone = "A"
        await session.flush()
        return Outcome(action="item.edit", target=item.code, message="A")

    async def edit_b(session: AsyncSession, staff: StaffMember) -> Outcome:
        item = (await session.scalars(select(Item).where(Item.code == W.LIVE))).one()
        item.phone = "B"
        await session.flush()
        return Outcome(action="item.edit", target=item.code, message="B")

    first = asyncio.create_task(desk("clerk", edit_a))
    await a_loaded.wait()
    ok(await desk("admin", edit_b))
    b_done.set()
    refused(await first, errors.ConcurrentEdit)
    assert (await desk.item(W.LIVE)).phone == "B"


async def test_approved_change_on_a_changed_item_is_refused(
    desk: Desk, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ok(
        await desk(
            "clerk",
            lambda s, m: proposals.propose_change(s, m, W.LIVE, [change("电话", PHONE)]),
        )
    )
    ok(await desk("review", lambda s, m: review.approve(s, m, W.LIVE)))
    async with sessions() as session:  # someone else edits the item meanwhile (an import)
        item = (await session.scalars(select(Item).where(Item.code == W.LIVE))).one()
        item.location = "县政务大厅"
        await session.commit()
    out = refused(
        await desk("clerk", lambda s, m: publishing.publish(s, m, [W.LIVE])),
        errors.ItemChangedMeanwhile,
    )
    assert (out.error.base_version, out.error.version) == (1, 2)  # type: ignore[union-attr]
    assert (await desk.item(W.LIVE)).phone == "0935-3121000"
    async with sessions() as session:
        last = (
            await session.scalars(select(audit.AuditEntry).order_by(audit.AuditEntry.seq.desc()))
        ).first()
        assert last is not None and last.result.startswith("refused")


async def test_old_receipts_are_purged(sessions: async_sessionmaker[AsyncSession]) -> None:
    from catalogue.models import CommandReceipt
    from catalogue.workflow.runner import purge_receipts

    async with sessions() as session:
        session.add(CommandReceipt(key="old", actor="u", at=datetime(2025, 1, 1, tzinfo=UTC)))
        session.add(CommandReceipt(key="new", actor="u", at=datetime(2026, 9, 1, tzinfo=UTC)))
        await session.commit()
        assert await purge_receipts(session, datetime(2026, 1, 1, tzinfo=UTC)) == 1
        await session.commit()
        keys = (await session.scalars(select(CommandReceipt.key))).all()
        assert keys == ["new"]
