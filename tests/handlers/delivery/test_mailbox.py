"""Several accounts on one deployment: each account's post sends only its own citizens'
ticket answers and held replies (with its own client and quota); the default account takes
what no stored account claims; a ticket answered through the staff channel goes to the
post of the citizen's account."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.client import WeChatClient
from bot.storage import MemoryStorage
from catalogue.models import HeldReply, Ticket, utcnow
from catalogue.tickets import TicketState
from handlers.delivery.citizen_post import CitizenPost
from handlers.delivery.held_replies import HeldReplies
from handlers.delivery.mailbox import Mailbox
from handlers.delivery.tickets import TicketPost
from handlers.settings import Settings
from tools.fakes import FakeWeChatApi

KARAMAY, GUANGAN = "gh_karamay0001", "gh_guangan0001"


def _hash(openid: str) -> str:
    return f"h:{openid}"


async def _mail(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """One answered ticket and one quota-held reply per account ("" is the default's)."""
    past = utcnow() - timedelta(hours=1)
    ids: dict[str, int] = {}
    async with sessions() as session:
        for account in (KARAMAY, GUANGAN, ""):
            ticket = Ticket(
                openid=f"o_{account or 'default'}",
                account=account,
                message="问一下",
                state=TicketState.ANSWERED.value,
                answer="答复",
                answered_at=past,
                retry_after=past,
            )
            session.add(ticket)
            session.add(
                HeldReply(
                    openid=f"o_{account or 'default'}",
                    account=account,
                    reply={"kind": "text", "content": "稍后"},
                    reason=45009,
                    retry_after=past,
                )
            )
            await session.flush()
            ids[account] = ticket.id
        await session.commit()
    return ids


async def test_each_account_sends_only_its_own_mail(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ids = await _mail(sessions)
    karamay = Mailbox(KARAMAY)
    served = [KARAMAY, GUANGAN]
    default = Mailbox(others=lambda: served)
    now = utcnow()

    def tickets(mailbox: Mailbox) -> TicketPost:
        return TicketPost(sessions, None, _hash, mailbox=mailbox)

    def held(mailbox: Mailbox) -> HeldReplies:
        return HeldReplies(sessions, None, _hash, mailbox=mailbox)

    assert await tickets(karamay).due(now) == [ids[KARAMAY]]
    assert await tickets(default).due(now) == [ids[""]]
    assert await held(karamay).openids() == {f"o_{KARAMAY}"}
    assert await held(default).openids() == {"o_default"}
    # an account no longer served: its mail falls to the default account again
    served.remove(GUANGAN)
    assert await tickets(default).due(now) == [ids[GUANGAN], ids[""]]
    # a single-account deployment: the default takes everything, as before
    assert len(await tickets(Mailbox()).due(now)) == 3


async def test_a_ticket_reaches_the_post_of_its_account(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ids = await _mail(sessions)
    settings = Settings(ZWBOT_ENV="test")
    karamay = CitizenPost(settings, None, MemoryStorage(), mailbox=Mailbox(KARAMAY))
    default = CitizenPost(
        settings, None, MemoryStorage(), mailbox=Mailbox(others=lambda: [KARAMAY])
    )
    for post in (karamay, default):
        post.bind(sessions)
    default.forward = {KARAMAY: karamay}.get
    assert await default.post_of(ids[KARAMAY]) is karamay
    assert await default.post_of(ids[""]) is None  # its own
    assert await default.post_of(ids[GUANGAN]) is None  # not served: the default sends it


async def test_a_stored_accounts_ticket_answer_is_signed_with_its_title(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ids = await _mail(sessions)
    api = FakeWeChatApi(cs_quota=1000)
    client = WeChatClient(api.app_id, api.app_secret, base_url="http://f", http=api.client())
    try:
        signed = TicketPost(
            sessions, client, _hash, mailbox=Mailbox(KARAMAY), signature="克拉玛依政务服务"
        )
        assert (await signed.deliver(ids[KARAMAY], citizen_wrote=True)).state == "delivered"
        default = TicketPost(sessions, client, _hash, mailbox=Mailbox())
        assert (await default.deliver(ids[""], citizen_wrote=True)).state == "delivered"
    finally:
        await client.aclose()
    (karamay,) = api.texts_to(f"o_{KARAMAY}")
    assert "\n——克拉玛依政务服务\n" in karamay and "天祝" not in karamay
    (tianzhu,) = api.texts_to("o_default")
    assert "\n——天祝县政务服务\n" in tianzhu
