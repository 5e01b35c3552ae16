"""Sending a queued notice to a follower of a place.

First as a customer-service news message (allowed within 48 hours of the follower's last
message). When WeChat refuses it for the window (45015) or the follower's count (45047) — so
it surely did not arrive — as the account's template message when one is configured
(`ZWBOT_NOTICE_TEMPLATE_ID`); else the follower is not reachable now and the job is settled
`unreached` (counted for staff in `zwbot queue`). Other failures go back to the worker, which
retries or gives up by `handlers.delivery.sending.classify`.
"""

from __future__ import annotations

from bot.client import WeChatClient
from bot.errors import WeChatApiError
from bot.replies import Article
from handlers.delivery import sending
from handlers.delivery.queue import Job
from handlers.delivery.queue_worker import Unreachable
from handlers.delivery.sending import Verdict


class NoticeSender:
    """The queue handler of kind `notice` (`handlers.jobs.place_notices`)."""

    def __init__(self, client: WeChatClient, template_id: str = "") -> None:
        self.client = client
        self.template_id = template_id

    async def __call__(self, job: Job) -> None:
        payload = job.payload
        openid = str(payload["openid"])
        article = Article(
            title=str(payload["title"]),
            description=str(payload["description"]),
            url=str(payload["url"]),
        )
        try:
            await self.client.send_news(openid, article)
        except WeChatApiError as error:
            if sending.classify(error) is not Verdict.HOLD_UNTIL_MESSAGE:
                raise
            if not self.template_id:
                raise Unreachable(f"{error.code}, no template message configured") from error
            await self.client.send_template(
                openid,
                self.template_id,
                {
                    "first": article.title,
                    "keyword1": str(payload.get("place", "")),
                    "keyword2": f"{payload.get('year', '')}年",
                    "remark": article.description,
                },
                url=article.url,
            )
