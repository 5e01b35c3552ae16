"""Finding the item or change request a staff command names (codes and numbers already parsed)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.codes import BASIC_CODE_LENGTH, normalize_code_text
from catalogue.models import (
    ChangeRequest,
    Item,
    PublicationStatus,
    RequestHold,
    RetiredCode,
    StaffMember,
)
from catalogue.workflow import permissions
from catalogue.workflow.errors import (
    AmbiguousCode,
    CodeRetired,
    ItemNotFound,
    NoOpenRequest,
    RequestNotFound,
)

RequestRef = int | str  # a request number, or the canonical code of an item with an open request


async def retired_successor(session: AsyncSession, code: str) -> RetiredCode | None:
    """The retired-code record of `code`, if it was retired."""
    return await session.get(RetiredCode, code)


async def find_item(session: AsyncSession, code: str, staff: StaffMember | None = None) -> Item:
    """The item a canonical code names: a full 32-character code, or a basic code held by one
    item. A retired code is refused with its successor; drafts of other departments are not
    shown to clerks."""
    if len(normalize_code_text(code)) == BASIC_CODE_LENGTH:
        items = (await session.scalars(select(Item).where(Item.basic_code == code))).all()
        if len(items) > 1:
            raise AmbiguousCode(code, tuple((item.code, item.name) for item in items[:10]))
    else:
        items = (await session.scalars(select(Item).where(Item.code == code))).all()
    if not items:
        retired = await retired_successor(session, code)
        if retired is not None:
            raise CodeRetired(
                code, retired.name, retired.reason, retired.merged_into, retired.retired_at
            )
        raise ItemNotFound(code)
    item = items[0]
    if (
        staff is not None
        and not permissions.sees_all_drafts(staff)
        and item.status in (PublicationStatus.DRAFT.value, PublicationStatus.PENDING_REVIEW.value)
        and item.department_id != staff.department_id
    ):
        raise ItemNotFound(code)
    return item


async def find_request(
    session: AsyncSession, ref: RequestRef, staff: StaffMember | None = None
) -> ChangeRequest:
    """A change request by number, or the one open request on the item a code names."""
    if isinstance(ref, int):
        request = await session.get(ChangeRequest, ref, populate_existing=True)
        if request is None:
            raise RequestNotFound(ref)
        return request
    item = await find_item(session, ref, staff)
    request = await open_request(session, "item", item.id)
    if request is None:
        raise NoOpenRequest(item.code)
    return request


async def open_request(session: AsyncSession, kind: str, target_id: int) -> ChangeRequest | None:
    """The request holding a record (at most one at a time; a merger holds all its items)."""
    return await session.scalar(
        select(ChangeRequest)
        .join(RequestHold, RequestHold.request_id == ChangeRequest.id)
        .where(RequestHold.target_kind == kind, RequestHold.target_id == target_id)
        .execution_options(populate_existing=True)
    )
