"""The request queue of reviewers, deciders and publishers: each request with its diff and a
preview of the public page as it will look; approve, reject or publish many at once with one
TOTP code, each request's own result listed."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import ChangeRequest, Department, Item, StaffMember
from catalogue.staff import needs_second_factor
from catalogue.workflow import publishing, review, runner, views
from catalogue.workflow.apply import lay_over
from catalogue.workflow.errors import WorkflowError
from catalogue.workflow.lookup import find_item, find_request
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.rules import RequestState
from handlers.staff import refusals
from handlers.web.console import diff
from handlers.web.console.auth import Refused, Signed, SignedDep, form_of, text_field
from handlers.web.console.rendering import page
from handlers.web.console.runs import run
from handlers.web.params import optional_int

router = APIRouter(prefix="/console", include_in_schema=False)
MAX_BATCH = 200
VERBS = {"approve": "通过", "reject": "驳回", "publish": "发布"}


@dataclass(frozen=True, slots=True)
class Queued:
    """A request waiting for the signed-in member, with its diff."""

    request: ChangeRequest
    proposer: str
    rows: tuple[diff.Row, ...]
    previewable: bool


@dataclass(frozen=True, slots=True)
class Result:
    """What became of one request of a batch."""

    request_id: int
    ok: bool
    message: str


async def _queued(session: AsyncSession, request: ChangeRequest) -> Queued:
    proposer = await session.get(StaffMember, request.proposer_id)
    rows = tuple(await diff.rows_of(session, request))
    return Queued(
        request,
        proposer.name if proposer is not None else "",
        rows,
        request.target_kind == "item" and request.target_id is not None,
    )


async def _queue_page(
    request: Request,
    signed: Signed,
    *,
    results: list[Result] | None = None,
    problem: str = "",
    status_code: int = 200,
) -> Response:
    async with signed.sessions() as session:
        staff = await session.get(StaffMember, signed.staff.id)
        assert staff is not None
        waiting = [await _queued(session, r) for r in await views.pending_requests(session, staff)]
    return page(
        request,
        "console/queue.html",
        {
            "signed": signed,
            "queued": waiting,
            "approved_state": RequestState.APPROVED.value,
            "results": results or [],
            "problem": problem,
            "nonce": secrets.token_urlsafe(12),
            "totp": needs_second_factor(signed.actor.role),
        },
        status_code=status_code,
    )


@router.get("/queue")
async def queue(request: Request, signed: SignedDep) -> Response:
    return await _queue_page(request, signed)


async def _visible_request(session: AsyncSession, signed: Signed, number: int) -> ChangeRequest:
    """A request by number; a clerk sees no other department's drafts (the chat's rule)."""
    staff = await session.get(StaffMember, signed.staff.id)
    try:
        found = await find_request(session, number, staff)
        if found.target_kind == "item" and found.target_id is not None:
            item = await session.get(Item, found.target_id)
            if item is not None:
                await find_item(session, item.code, staff)
    except WorkflowError as error:
        raise Refused(refusals.explain(error), 404) from error
    return found


@router.get("/requests/{number}")
async def request_detail(request: Request, number: str, signed: SignedDep) -> Response:
    request_id = optional_int(number)
    assert request_id is not None
    async with signed.sessions() as session:
        found = await _visible_request(session, signed, request_id)
        queued = await _queued(session, found)
    return page(request, "console/request.html", {"signed": signed, "q": queued})


@router.get("/requests/{number}/preview")
async def request_preview(request: Request, number: str, signed: SignedDep) -> Response:
    """The public item page as it will look once the request is published; drawn from the
    item with the proposed fields laid over, in a session that is never committed."""
    request_id = optional_int(number)
    assert request_id is not None
    async with signed.sessions() as session:
        found = await _visible_request(session, signed, request_id)
        item = await session.get(Item, found.target_id) if found.target_kind == "item" else None
        if item is None:
            raise Refused("这个申请没有可预览的事项页面。", 404)
        with session.no_autoflush:
            proposed = dict(found.payload.get("fields") or {})
            lay_over(item, proposed)
            if "department_id" in proposed:
                item.department = await session.get(Department, item.department_id)
            response = page(
                request,
                "console/preview.html",
                {
                    "item": item,
                    "request_id": found.id,
                    "action": found.action,
                    "demo": item.is_demo,
                },
            )
        await session.rollback()
    return response


def _ids(values: list[str]) -> list[int]:
    ids = []
    for value in values:
        if not value.isdigit() or len(value) > 9:
            raise Refused("申请号不正确。", 400)
        ids.append(int(value))
    return list(dict.fromkeys(ids))


@router.post("/decide")
async def decide(request: Request, signed: SignedDep) -> Response:
    form = await form_of(request, signed)
    verb = text_field(form, "verb", limit=10)
    if verb not in VERBS:
        raise Refused("请选择通过、驳回或发布。", 400)
    ids = _ids([v for v in form.getlist("request") if isinstance(v, str)])
    if not ids:
        return await _queue_page(request, signed, problem="请先勾选申请。", status_code=400)
    if len(ids) > MAX_BATCH:
        raise Refused(f"一次最多办理 {MAX_BATCH} 个申请。", 400)
    reason = text_field(form, "reason", limit=500)
    if verb == "reject" and not reason:
        return await _queue_page(request, signed, problem="驳回须填写理由。", status_code=400)
    nonce = text_field(form, "nonce", limit=40)
    if needs_second_factor(signed.actor.role):
        # One code for the whole batch (the chat's secret, replay rule and lockout).
        problem = await runner.check_second_factor(
            signed.sessions,
            signed.actor,
            text_field(form, "totp", limit=12),
            explain=refusals.second_factor,
        )
        if problem is not None:
            return await _queue_page(
                request, signed, problem=f"{problem}所选申请均未办理。", status_code=400
            )
    results = await _apply(request, signed, verb, ids, reason, nonce)
    return await _queue_page(request, signed, results=results)


def _key(signed: Signed, nonce: str, request_id: int | str) -> str | None:
    # A form posted twice (a double click, a resent page) applies each step once.
    return f"console:{signed.actor.user_id}:{nonce}:{request_id}"[:128] if nonce else None


async def _apply(
    request: Request, signed: Signed, verb: str, ids: list[int], reason: str, nonce: str
) -> list[Result]:
    if verb == "publish":
        # One publication of several: each applied or skipped with its reason (发布 #1 #2 …).
        async def publish(session: AsyncSession, staff: StaffMember) -> Outcome:
            return await publishing.publish(session, staff, list(ids))

        words = " ".join(f"#{i}" for i in ids)
        outcome = await run(
            request, signed, f"发布 {words}", publish, key=_key(signed, nonce, "publish")
        )
        return [Result(0, not outcome.refused, outcome.message)]
    results = []
    for request_id in ids:
        if verb == "approve":

            async def op(
                session: AsyncSession, staff: StaffMember, rid: int = request_id
            ) -> Outcome:
                return await review.approve(session, staff, rid)

            command = f"通过 #{request_id}"
        else:

            async def op(
                session: AsyncSession, staff: StaffMember, rid: int = request_id
            ) -> Outcome:
                return await review.reject(session, staff, rid, reason)

            command = f"驳回 #{request_id} {reason}"
        outcome = await run(request, signed, command, op, key=_key(signed, nonce, request_id))
        results.append(Result(request_id, not outcome.refused, outcome.message))
    return results
