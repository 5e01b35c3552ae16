"""The citizens' and village officials' side of the bot: one router tree, wired in one place."""

from __future__ import annotations

from bot.router import Router
from handlers.citizen import (
    centre,
    checklist,
    conversation,
    following,
    funds,
    items,
    life_events,
    menu,
    outside,
    prerequisites,
    ratings,
    subscription,
    tickets,
    villages,
)
from handlers.citizen.common import message_log, one_message_states
from handlers.db.session import DatabaseSession


def citizen_router() -> Router:
    """Every citizen handler, in the order questions are recognised.

    Needs in the dispatcher's workflow data: `sessions` (an async_sessionmaker),
    `settings` and `search` (the live index). The conversation layer
    (`understanding`) reads each message once; small talk, complaints and other requests are
    answered before any search, and item search comes last: it takes any other text.
    """
    root = Router(name="citizen")
    root.outer_middleware(DatabaseSession())
    root.middleware(message_log)
    root.middleware(one_message_states)
    root.include_routers(
        following.router(),  # QR scans of a place; 关注/取消关注 a village before search
        subscription.router(),
        menu.router(),
        outside.urgent_router(),  # 「着火了」 「老人走失了」: the number at once
        tickets.router(),
        ratings.router(),
        checklist.router(),  # 「都要办吗」 「然后呢」 right after a checklist, before small talk
        conversation.router(),
        centre.router(),  # the service centre itself, and hours asked of a time (周末上班吗)
        villages.router(),
        funds.router(),
        outside.router(),  # matters the catalogue does not hold: who handles them
        prerequisites.router(),  # a paper said missing: the item issuing it first
        life_events.router(),  # 一件事: an ordered checklist of the items a life event needs
        items.router(),
    )
    return root
