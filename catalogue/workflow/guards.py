"""The one place where an item's readiness for a step of its lifecycle is checked.

Every path that moves an item — proposing (提交、变更…), approving (通过) and publishing (发布)
— calls `guard_transition` before it changes anything, so a rule about whether a record may
take a step (its status per `rules.ITEM_LIFECYCLE`, and checks such as the completeness of
its required fields) is written here once and holds on every channel.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Item, PublicationStatus
from catalogue.workflow.errors import WrongItemStatus
from catalogue.workflow.rules import ITEM_LIFECYCLE, Action, Step


async def guard_transition(session: AsyncSession, item: Item, action: Action, step: Step) -> None:
    """Refuse unless `item` may take `step` of `action` now.

    Proposals need a status the action may be proposed from; publishing needs one it may be
    applied from; an approval leaves the status alone (the request holds the item).
    """
    transition = ITEM_LIFECYCLE[action]
    allowed = {
        Step.PROPOSE: transition.proposable_from,
        Step.PUBLISH: transition.applies_from,
    }.get(step)
    if allowed is not None and item.status not in allowed:
        raise WrongItemStatus(
            item.code,
            item.name,
            item.status,
            action.value,
            tuple(status.value for status in PublicationStatus if status in allowed),
        )
