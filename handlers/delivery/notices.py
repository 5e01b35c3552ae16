"""Sending a queued notice to a follower of a place.

First as a customer-service news message (allowed within 48 hours of the follower's last
message). When WeChat refuses it for the window (45015) or the follower's count (45047) — so
it surely did not arrive — as the account's template message when one is configured
(`ZWBOT_NOTICE_TEMPLATE_ID` for the default account, `--template notice=…` for a stored
one); else the follower is not reachable now and the job is settled
`unreached` (counted for staff in `zwbot queue`). Other failures go back to the worker, which
retries or gives up by `handlers.delivery.sending.classify`.

A notice goes out through the official account its follower followed (the job's `account`:
"" for the default account, else a stored account's name) with that account's client and
template id, never another's: when that account is not served here (disabled, removed, or
without an AppSecret) the job is settled `unreached`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.client import WeChatClient
from bot.errors import WeChatApiError
from bot.replies import Article
from handlers.delivery import sending
from handlers.delivery.queue import Job
from handlers.delivery.queue_worker import Unreachable
from handlers.delivery.sending import Verdict


@dataclass(frozen=True, slots=True)
class NoticeRoute:
    """How one account sends notices: its API client and its notice template id ("": none)."""

    client: WeChatClient
    template_id: str = ""


#: The route of a stored account by name (None when it is not served in this process).
Routes = Callable[[str], NoticeRoute | None]


class NoticeSender:
    """The queue handler of kind `notice` (`handlers.jobs.place_notices`): `client` and
    `template_id` are the default account's, `routes` the stored accounts'."""

    def __init__(
        self,
        client: WeChatClient | None,
        template_id: str = "",
        *,
        routes: Routes | None = None,
    ) -> None:
        self.client = client
        self.template_id = template_id
        self.routes = routes

    def route(self, account: str) -> NoticeRoute:
        """The account's way out; `Unreachable` when this process cannot send as it."""
        if not account:
            if self.client is None:
                raise Unreachable("the default account has no API client")
            return NoticeRoute(self.client, self.template_id)
        route = self.routes(account) if self.routes is not None else None
        if route is None:
            raise Unreachable(f"account {account!r} is not served (or has no API client)")
        return route

    async def __call__(self, job: Job) -> None:
        route = self.route(job.account)
        payload = job.payload
        openid = str(payload["openid"])
        article = Article(
            title=str(payload["title"]),
            description=str(payload["description"]),
            url=str(payload["url"]),
            pic_url=str(payload.get("pic_url", "")),  # a chart's picture; jobs queued before: none
        )
        try:
            await route.client.send_news(openid, article)
        except WeChatApiError as error:
            if sending.classify(error) is not Verdict.HOLD_UNTIL_MESSAGE:
                raise
            if not route.template_id:
                raise Unreachable(f"{error.code}, no template message configured") from error
            await route.client.send_template(
                openid,
                route.template_id,
                {
                    "first": article.title,
                    "keyword1": str(payload.get("place", "")),
                    "keyword2": f"{payload.get('year', '')}年",
                    "remark": article.description,
                },
                url=article.url,
            )
