"""Follow and unfollow: a short welcome with the privacy notice; unfollowing forgets the user."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event
from bot.fsm import FSMContext
from bot.router import Router
from handlers.citizen import texts
from handlers.citizen.follows import forget_follows
from handlers.citizen.villages import forget_binding
from handlers.guards.privacy import keyed_hash
from handlers.settings import Settings

log = logging.getLogger(__name__)


def privacy_notice(settings: Settings) -> str:
    """What is kept and for how long, from the configured retention."""
    return texts.PRIVACY.format(
        state_hours=max(1, settings.state_ttl_seconds // 3600),
        log_days=settings.message_log_days,
    )


async def welcome(
    event: Event, settings: Settings, state: FSMContext, wording: texts.Wording = texts.TIANZHU
) -> str:
    """What the bot can do, and what it keeps."""
    await state.clear()
    greeting = settings.welcome_text or wording.say(texts.WELCOME)
    return f"{greeting}\n\n{privacy_notice(settings)}"


async def goodbye(
    event: Event,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    account_name: str = "",
) -> None:
    """Delete the conversation state, the village binding and the places followed; WeChat
    shows no reply."""
    await state.clear()
    await forget_binding(session, keyed_hash(event.user_id, settings.hash_key.get_secret_value()))
    await forget_follows(session, event.user_id, account_name)
    log.info(texts.GOODBYE_LOG)


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-subscription")
    router.subscribe()(welcome)
    router.unsubscribe()(goodbye)
    return router
