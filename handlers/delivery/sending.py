"""What a failed customer-service send means, and what to do with the answer.

WeChat documents these refusals of `message/custom/send`:

* 45015 — the citizen has not written for 48 hours (the customer-service window is closed);
  45047 — the per-citizen count of messages without a reply from them is used up. Both open
  again when the citizen writes: the answer is held until then.
* 45009 — the account's daily API quota is used up; it resets at midnight (China time): the
  answer is held until then.
* -1 "system busy", HTTP 5xx, a refused connection — surely not delivered: try again.
* A request that timed out or whose connection broke after it was sent may have been
  delivered: WeChat has no idempotency key, and a second copy is worse for a citizen than a
  rare lost one, so it is never repeated (counted as a give-up, reason "ambiguous").
* Anything else (an unknown openid, a message WeChat will never take) is given up.

Every give-up is counted in `zwbot_sends_given_up_total{reason}`, every hold in
`zwbot_sends_held_total{reason}`.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta

from bot.errors import WeChatApiError
from bot.replies import Article, NewsReply, Reply, TextReply
from catalogue.workflow.workdays import CHINA_OFFSET, china_date

WINDOW_CLOSED = 45015
CITIZEN_QUOTA = 45047
DAILY_QUOTA = 45009
#: How long after the citizen's last message customer-service messages are allowed.
WINDOW = timedelta(hours=48)
# errcode -1: system busy; -2: the bot client's code for network and HTTP 5xx failures.
RETRYABLE_CODES = frozenset({-1, -2})
# Network failures after the request may have been delivered: never repeated.
AMBIGUOUS = ("ReadTimeout", "RemoteProtocolError", "ReadError", "WriteTimeout")


class Verdict(enum.StrEnum):
    """What to do after a refused send."""

    RETRY = "retry"  # surely not delivered, may work in a moment
    HOLD_UNTIL_MESSAGE = "hold_until_message"  # 45015, 45047
    HOLD_UNTIL_RESET = "hold_until_reset"  # 45009
    AMBIGUOUS = "ambiguous"  # may have been delivered: never repeated
    REFUSED = "refused"  # will never work


#: Refusals that pass: the reply is kept rather than given up.
HOLDS = frozenset({Verdict.HOLD_UNTIL_MESSAGE, Verdict.HOLD_UNTIL_RESET})


def classify(error: WeChatApiError) -> Verdict:
    """The verdict on one failed send."""
    if error.code in (WINDOW_CLOSED, CITIZEN_QUOTA):
        return Verdict.HOLD_UNTIL_MESSAGE
    if error.code == DAILY_QUOTA:
        return Verdict.HOLD_UNTIL_RESET
    if error.code == -2 and error.message.startswith(AMBIGUOUS):
        return Verdict.AMBIGUOUS
    if error.code in RETRYABLE_CODES:
        return Verdict.RETRY
    return Verdict.REFUSED


#: WeCom's (企业微信) refusals of `message/send` that pass with time: 45009 API call frequency,
#: 45033 concurrent calls.
WECOM_LIMITS = frozenset({45009, 45033})


def classify_wecom(error: WeChatApiError) -> Verdict:
    """The verdict on one failed WeCom application message (staff). WeCom's limits are per
    minute and hour, not daily, and there is no 48-hour window: -1 busy, a network failure
    before sending, 45009 (call frequency) and 45033 (concurrent calls) are retried with
    back-off; a request that may have arrived is ambiguous; anything else (an unknown UserID
    81013/60111, an app not allowed …) is refused."""
    if error.code == -2 and error.message.startswith(AMBIGUOUS):
        return Verdict.AMBIGUOUS
    if error.code in RETRYABLE_CODES or error.code in WECOM_LIMITS:
        return Verdict.RETRY
    return Verdict.REFUSED


def reason_of(error: WeChatApiError) -> str:
    """A short fixed metric label for an error: the errcode, or 'ambiguous'/'network'."""
    if classify(error) is Verdict.AMBIGUOUS:
        return "ambiguous"
    if error.code == -2:
        return "network"
    return str(error.code)


def quota_reset(now: datetime) -> datetime:
    """The next midnight, China time (when WeChat's daily API quotas reset), as UTC."""
    tomorrow = china_date(now) + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=UTC) - CHINA_OFFSET


def window_open(last_message: datetime | None, now: datetime) -> bool:
    """Whether a citizen who last wrote at `last_message` may get customer-service messages."""
    if last_message is None:
        return False
    if last_message.tzinfo is None:
        last_message = last_message.replace(tzinfo=UTC)
    return now - last_message < WINDOW


def dump_reply(reply: Reply) -> dict[str, str]:
    """A reply as JSON-ready data (kept in the database while it waits)."""
    if isinstance(reply, NewsReply):
        article = reply.article
        return {
            "kind": "news",
            "title": article.title,
            "description": article.description,
            "url": article.url,
            "pic_url": article.pic_url,
        }
    assert isinstance(reply, TextReply)
    return {"kind": "text", "content": reply.content}


def load_reply(data: dict[str, str]) -> Reply:
    """The reply kept by `dump_reply`."""
    if data.get("kind") == "news":
        return NewsReply(
            Article(
                title=data.get("title", ""),
                description=data.get("description", ""),
                url=data.get("url", ""),
                pic_url=data.get("pic_url", ""),
            )
        )
    return TextReply(data.get("content", ""))
