"""好差评: a 1–5 rating of the last item card."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event
from bot.fsm import FSMContext
from bot.router import Router
from catalogue.models import Rating
from handlers.citizen import texts
from handlers.citizen.common import on_said
from handlers.citizen.filters import Rating as RatingFilter
from handlers.citizen.memory import recall
from handlers.privacy import keyed_hash
from handlers.settings import Settings


async def rate(
    event: Event,
    score: int,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
) -> str:
    """Store the rating against the last card shown."""
    if not 1 <= score <= 5:
        return texts.RATE_RANGE
    memory = await recall(state)
    if not memory.card_code:
        return texts.RATE_WHAT
    session.add(
        Rating(
            openid_hash=keyed_hash(event.user_id, settings.hash_key.get_secret_value()),
            item_code=memory.card_code,
            score=score,
        )
    )
    trace.update(answer="rating", code=memory.card_code)
    return texts.RATED.format(score=score)


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-ratings")
    on_said(router, RatingFilter())(rate)
    return router
