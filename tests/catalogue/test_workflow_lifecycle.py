"""The item lifecycle beyond one step: withdrawal, batch publication that one stale request
does not block, a new code after a change of 实施主体, mergers that keep duties and ask about
suspensions, and what a published change leaves visible (更新日期, version, note, log)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue import queries
from catalogue.models import ChangeRequest, Item, Responsibility, RetiredCode, StaffMember
from catalogue.workflow import errors, fields, proposals, publishing, review, views
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.results import Applied, ItemLog, Published
from catalogue.workflow.rules import RequestState, SuspendedSource, SuspensionReason
from catalogue.workflow.runner import Actor, run
from handlers.staff import parsing
from tests.kits import staff_world as W

Op = Callable[[AsyncSession, StaffMember], Awaitable[Outcome]]
NOW = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)


class Desk:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], world: Any) -> None:
        self.sessions = sessions
        self.world = world

    async def __call__(self, who: str, op: Op) -> Outcome:
        return await run(self.sessions, Actor.of(self.world.staff[who]), f"test:{who}", op)

    async def ok(self, who: str, op: Op) -> Outcome:
        outcome = await self(who, op)
        assert not outcome.refused, outcome.error
        return outcome

    async def refused(self, who: str, op: Op, kind: type[Exception]) -> Any:
        outcome = await self(who, op)
        assert outcome.refused and isinstance(outcome.error, kind), outcome.error
        return outcome.error

    async def item(self, code: str) -> Item:
        async with self.sessions() as session:
            return (await session.scalars(select(Item).where(Item.code == code))).one()


def change(code: str, name: str, value: str) -> Op:
    spec = fields.field_spec(name)
    parsed = parsing.field_value(spec, value)
    return lambda s, m: proposals.propose_change(s, m, code, [(spec, parsed)])


def approve(ref: int | str) -> Op:
    return lambda s, m: review.approve(s, m, ref)


def publish(*refs: int | str, now: datetime = NOW) -> Op:
    return lambda s, m: publishing.publish(s, m, list(refs) if refs else None, now=now)


async def test_the_proposer_withdraws_their_own_request(
    sessions: async_sessionmaker[AsyncSession], world: Any
) -> None:
    desk = Desk(sessions, world)
    filed = await desk.ok("clerk", lambda s, m: proposals.submit(s, m, W.DRAFT))
    number = filed.result.request.id
    await desk.refused("review", lambda s, m: review.withdraw(s, m, number), errors.NotProposer)
    await desk.refused("auditor", lambda s, m: review.withdraw(s, m, number), errors.RoleForbidden)
    out = await desk.ok("clerk", lambda s, m: review.withdraw(s, m, W.DRAFT))
    assert out.result.request.state == RequestState.WITHDRAWN.value
    assert (await desk.item(W.DRAFT)).status == "draft"  # the submission returns to 草稿
    error = await desk.refused("clerk", lambda s, m: review.withdraw(s, m, number), Exception)
    assert isinstance(error, errors.WrongRequestState) and error.state == "withdrawn"
    await desk.refused("review", approve(number), errors.WrongRequestState)
    # The record is free again: a new request may be filed at once.
    await desk.ok("clerk", lambda s, m: proposals.submit(s, m, W.DRAFT))


async def test_an_approved_request_can_be_withdrawn_before_it_is_published(
    sessions: async_sessionmaker[AsyncSession], world: Any
) -> None:
    desk = Desk(sessions, world)
    filed = await desk.ok("clerk", change(W.LIVE, "电话", "0935-3120001"))
    number = filed.result.request.id
    await desk.ok("review", approve(number))
    await desk.ok("clerk", lambda s, m: review.withdraw(s, m, number))
    await desk.refused("clerk", publish(number), errors.WrongRequestState)
    assert (await desk.item(W.LIVE)).phone == "0935-3121000"


async def test_publish_all_publishes_what_it_can_and_lists_the_rest(
    sessions: async_sessionmaker[AsyncSession], world: Any
) -> None:
    desk = Desk(sessions, world)
    # A stale change: approved, then the item is changed by an import before publication.
    stale = (await desk.ok("clerk", change(W.LIVE, "电话", "0935-3120001"))).result.request.id
    await desk.ok("review", approve(stale))
    async with sessions() as session:
        item = (await session.scalars(select(Item).where(Item.code == W.LIVE))).one()
        item.location = "县政务大厅"
        await session.commit()
    # A 2-day resumption waiting behind it.
    suspend = lambda s, m: proposals.propose_suspension(  # noqa: E731
        s, m, W.LIVE2, SuspensionReason.BETWEEN_CYCLES, "年度认定期已结束"
    )
    await desk.ok("review", approve((await desk.ok("clerk", suspend)).result.request.id))
    await desk.ok("clerk", publish())
    resume = await desk.ok("clerk", lambda s, m: proposals.propose_resumption(s, m, W.LIVE2))
    await desk.ok("review", approve(resume.result.request.id))

    out = await desk.ok("clerk", publish())
    result = out.result
    assert isinstance(result, Published)
    assert [a.request.id for a in result.applied if isinstance(a, Applied)] == [
        resume.result.request.id
    ]
    assert [s.request.id for s in result.skipped] == [stale]
    assert isinstance(result.skipped[0].error, errors.ItemChangedMeanwhile)
    assert (await desk.item(W.LIVE2)).status == "published"
    async with sessions() as session:
        left = await session.get(ChangeRequest, stale)
        assert left is not None and left.state == RequestState.APPROVED.value
    # Named together, the same holds: the stale one never blocks the other.
    await desk.ok("review", lambda s, m: review.reject(s, m, stale, "内容已过时"))


async def test_a_new_implementing_body_gives_the_item_a_new_code(
    sessions: async_sessionmaker[AsyncSession], world: Any
) -> None:
    desk = Desk(sessions, world)
    filed = await desk.ok("clerk", change(W.LIVE, "实施主体", "文旅局"))
    assert filed.result.decision_follows  # 第九条（二）
    number = filed.result.request.id
    await desk.ok("review", approve(number))
    await desk.ok("approver", approve(number))
    out = await desk.ok("review2", publish(number))
    new_code = f"{W.CULTURE_BODY}—XK00001000"
    (applied,) = out.result.applied
    assert isinstance(applied, Applied)
    assert applied.item.code == new_code and applied.recoded_from == W.LIVE
    assert out.unindex == [W.LIVE] and out.reindex == [world.items[W.LIVE]]
    item = await desk.item(new_code)
    assert item.department_id == world.culture_id and item.subject_code == W.CULTURE_BODY
    async with sessions() as session:
        retired = await session.get(RetiredCode, W.LIVE)
        assert retired is not None
        assert (retired.reason, retired.merged_into) == ("recoded", new_code)
        # The public look-up answers the old code with the new one.
        lookup = await queries.look_up_code(session=session, text=W.LIVE)
        assert lookup.item is None and lookup.retired is not None
        assert lookup.merged_into is not None and lookup.merged_into.code == new_code
    error = await desk.refused(
        "clerk_other", lambda s, m: views.show_item(s, m, W.LIVE), errors.CodeRetired
    )
    assert (error.reason, error.successor) == ("recoded", new_code)
    # The log under the new code shows the steps taken under the old one.
    log = (await desk.ok("auditor", lambda s, m: views.item_log(s, m, new_code))).result
    assert isinstance(log, ItemLog) and log.codes == (new_code, W.LIVE)
    assert {"item.change.propose", "request.review", "item.change.apply"} <= {
        e.action for e in log.entries
    }


async def test_a_change_to_a_department_without_an_organisation_code_is_refused(
    sessions: async_sessionmaker[AsyncSession], world: Any
) -> None:
    from catalogue.models import Department

    async with sessions() as session:
        session.add(Department(name="天祝县某临时机构", short_name="临时机构"))
        await session.commit()
    desk = Desk(sessions, world)
    await desk.refused("clerk", change(W.LIVE, "实施主体", "临时机构"), errors.NoOrganisationCode)
    await desk.refused("clerk", change(W.LIVE, "实施主体", "民政局"), errors.SameDepartment)
    await desk.refused("clerk", change(W.LIVE, "实施主体", "没有这个局"), errors.UnknownDepartment)


async def _duties(sessions: async_sessionmaker[AsyncSession], code: str, *titles: str) -> None:
    """The item's 责任事项 become exactly these (the world's complete items have their own)."""
    async with sessions() as session:
        item = (await session.scalars(select(Item).where(Item.code == code))).one()
        await session.execute(delete(Responsibility).where(Responsibility.item_id == item.id))
        for seq, title in enumerate(titles, 1):
            session.add(Responsibility(item_id=item.id, seq=seq, title=title, content=title))
        await session.commit()


async def _merge(desk: Desk, choice: SuspendedSource | None = None) -> Outcome:
    return await desk(
        "clerk",
        lambda s, m: proposals.propose_merger(s, m, [W.LIVE, W.LIVE2], "社会团体登记", choice),
    )


async def test_a_merger_keeps_every_duty_and_asks_about_a_suspended_source(
    sessions: async_sessionmaker[AsyncSession], world: Any
) -> None:
    desk = Desk(sessions, world)
    await _duties(sessions, W.LIVE, "受理责任", "审查责任", "决定责任")
    await _duties(sessions, W.LIVE2, "受理责任", "送达责任", "事后监管责任")
    suspend = lambda s, m: proposals.propose_suspension(  # noqa: E731
        s, m, W.LIVE2, SuspensionReason.NO_CASES, "2022年以来无办件"
    )
    await desk.ok("review", approve((await desk.ok("clerk", suspend)).result.request.id))
    await desk.ok("clerk", publish())

    out = await _merge(desk)
    assert out.refused and isinstance(out.error, errors.SuspendedSourceChoice)
    assert out.error.codes == (W.LIVE2,)
    filed = await _merge(desk, SuspendedSource.KEEP_SUSPENDED)
    assert not filed.refused, filed.error
    number = filed.result.request.id
    await desk.ok("review", approve(number))
    await desk.ok("approver", approve(number))
    out = await desk.ok("clerk", publish(number))
    merged = await desk.item(out.target)
    assert merged.status == "suspended" and merged.suspension_class == "二"
    async with sessions() as session:
        duties = (
            await session.scalars(
                select(Responsibility.title)
                .where(Responsibility.item_id == merged.id)
                .order_by(Responsibility.seq)
            )
        ).all()
    assert duties == ["受理责任", "审查责任", "决定责任", "送达责任", "事后监管责任"]


async def test_a_merger_may_resume_a_suspended_source(
    sessions: async_sessionmaker[AsyncSession], world: Any
) -> None:
    desk = Desk(sessions, world)
    suspend = lambda s, m: proposals.propose_suspension(  # noqa: E731
        s, m, W.LIVE, SuspensionReason.OTHER, "系统升级"
    )
    await desk.ok("review", approve((await desk.ok("clerk", suspend)).result.request.id))
    await desk.ok("clerk", publish())
    number = (await _merge(desk, SuspendedSource.RESUME)).result.request.id
    await desk.ok("review", approve(number))
    await desk.ok("approver", approve(number))
    out = await desk.ok("clerk", publish(number))
    assert out.result.applied[0].suspended_source is SuspendedSource.RESUME
    assert (await desk.item(out.target)).status == "published"


async def test_a_published_change_moves_the_date_the_version_and_the_note(
    sessions: async_sessionmaker[AsyncSession], world: Any
) -> None:
    desk = Desk(sessions, world)
    before = await desk.item(W.LIVE)
    assert before.updated_at_public == W.PUBLISHED_AT
    number = (await desk.ok("clerk", change(W.LIVE, "电话", "0935-3120009"))).result.request.id
    await desk.ok("review", approve(number))
    await desk.ok("clerk", publish(number))
    after = await desk.item(W.LIVE)
    assert after.updated_at_public == NOW and after.version == before.version + 1
    assert "联系电话" in after.revision_note and "第九条（四）" in after.revision_note

    # A (五) change touches only the duties table, and still bumps the version.
    later = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
    duty = (await desk.ok("clerk", change(W.LIVE, "责任", "受理责任：当场受理"))).result
    await desk.ok("legal", approve(duty.request.id))
    await desk.ok("clerk", publish(duty.request.id, now=later))
    last = await desk.item(W.LIVE)
    assert last.version == after.version + 1 and last.updated_at_public == later
    assert "第九条（五）" in last.revision_note


async def test_the_log_shows_a_batch_publication_on_each_record(
    sessions: async_sessionmaker[AsyncSession], world: Any
) -> None:
    desk = Desk(sessions, world)
    for code in (W.LIVE, W.LIVE2):
        number = (await desk.ok("clerk", change(code, "电话", "0935-3120007"))).result.request.id
        await desk.ok("review", approve(number))
    out = await desk.ok("clerk", publish())
    assert len(out.result.applied) == 2
    for code in (W.LIVE, W.LIVE2):
        log = (await desk.ok("auditor", lambda s, m, c=code: views.item_log(s, m, c))).result
        applies = [e for e in log.entries if e.action == "item.change.apply"]
        assert len(applies) == 1 and applies[0].actor == "clerk"


async def test_a_long_log_says_older_entries_were_left_out(
    sessions: async_sessionmaker[AsyncSession], world: Any
) -> None:
    from catalogue import audit

    async with sessions() as session:
        for n in range(views.LOG_LINES):
            await audit.append(
                session, audit.Record(actor="clerk", role="clerk", action=f"x{n}", target=W.LIVE)
            )
        await session.commit()
    desk = Desk(sessions, world)
    log = (await desk.ok("auditor", lambda s, m: views.item_log(s, m, W.LIVE))).result
    assert len(log.entries) == views.LOG_LINES and not log.more
    await desk.ok("clerk", change(W.LIVE, "电话", "0935-3120008"))
    log = (await desk.ok("auditor", lambda s, m: views.item_log(s, m, W.LIVE))).result
    assert log.entries[0].action == "item.change.propose" and log.more
