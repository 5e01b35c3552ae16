"""One official account's bot: its settings, dispatcher, API client, outbox, post and webhook.

The single account of the WECHAT_* settings is built here as the `default` account at
`/wechat`; every account stored as data (`catalogue.accounts`) the same way at
`/wechat/<name>`, with its own envelope (token, EncodingAESKey, appid), so a request signed
or encrypted with another account's keys is refused there.

What is per account, and how:
- settings: a copy of the deployment's with the account's appid, secrets, home region,
  public base URL and welcome (`account_settings`); every handler reads these.
- region: sessions scoped to its home region, its index and item cache (`RegionView`).
- dedup, FSM state, locks: keyed by the receiving account (ToUserName) in the shared
  storage; the webhook refuses a message addressed to any other account.
- nonces and rate-limit counts: under the account's name.
- access token: one per appid, in Redis when configured (one refresher across workers;
  each worker's own copy while Redis is away), the default account's too.
- customer-service sends: queued on the durable job queue under the account's name, sent
  by the queue's workers with the account's own client.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass

from pydantic import SecretStr
from redis.asyncio import Redis

from bot.client import WeChatClient
from bot.dispatcher import Dispatcher
from bot.storage import BaseStorage
from bot.tokens import SharedTokenStore, TokenStore
from bot.webhook import Webhook
from bot.wire import WeChatEnvelope
from catalogue.accounts import AccountKeys
from handlers.accounts.regions import RegionView
from handlers.citizen import citizen_router
from handlers.delivery.citizen_post import CitizenPost
from handlers.delivery.mailbox import Mailbox
from handlers.delivery.message_logs import MessageLogWriter
from handlers.delivery.outbox import JobFeed, Outbox, ReplyRoute
from handlers.guards.protection import protect
from handlers.settings import Settings
from handlers.staff import bound_staff_router

DEFAULT_ACCOUNT = "default"


def account_settings(base: Settings, account: AccountKeys) -> Settings:
    """The deployment's settings as one stored account sees them."""
    return base.model_copy(
        update={
            "wechat_app_id": account.app_id,
            "wechat_token": SecretStr(account.token),
            "wechat_aes_key": SecretStr(account.aes_key),
            "wechat_app_secret": SecretStr(account.secret),
            "home_region": account.home_region,
            "public_base_url": account.public_base_url or base.public_base_url,
            "welcome_text": account.welcome,
        }
    )


def wechat_client(settings: Settings, tokens: TokenStore | None = None) -> WeChatClient | None:
    """The account's API client (None without an appid and secret: passive replies only)."""
    secret = settings.wechat_app_secret.get_secret_value()
    if not settings.wechat_app_id or not secret:
        return None
    # one attempt per call; the job queue retries sends, and only those that surely failed
    # (a timed-out send may have arrived: repeating it could deliver it twice).
    return WeChatClient(
        settings.wechat_app_id,
        secret,
        base_url=settings.wechat_api_base,
        attempts=1,
        timeout=settings.wechat_api_timeout,
        tokens=tokens,
    )


def _envelope(settings: Settings) -> WeChatEnvelope:
    return WeChatEnvelope(
        settings.wechat_token.get_secret_value(),
        settings.wechat_app_id,
        settings.wechat_aes_key.get_secret_value(),
    )


@dataclass(slots=True)
class AccountBot:
    """Everything one account's callback needs; `start` once the database is open."""

    name: str
    settings: Settings
    dispatcher: Dispatcher
    wechat: WeChatClient | None
    post: CitizenPost
    outbox: Outbox | None
    webhook: Webhook

    @property
    def reply_route(self) -> ReplyRoute | None:
        """How the queue's workers send this account's replies (None: no API client)."""
        if self.wechat is None:
            return None
        return ReplyRoute(self.wechat, self.post.hold)

    def start(
        self,
        view: RegionView,
        message_logs: MessageLogWriter,
        stack: AsyncExitStack,
        feed: JobFeed | None = None,
    ) -> None:
        """Give the bot its region's view and its job queue (`feed`: late replies are queued
        there) and start its background work; everything started stops (in reverse order)
        with `stack`."""
        if self.wechat is not None:
            stack.push_async_callback(self.wechat.aclose)
        if self.outbox is not None and feed is not None:
            self.outbox.bind(feed)
        self.dispatcher["sessions"] = view.sessions
        self.dispatcher["search"] = view.search
        self.dispatcher["public_items"] = view.public_items
        self.dispatcher["message_logs"] = message_logs
        self.post.bind(view.sessions)
        self.post.start()
        stack.push_async_callback(self.post.close)
        stack.push_async_callback(self.webhook.close)


def build_bot(
    settings: Settings,
    storage: BaseStorage,
    *,
    name: str = DEFAULT_ACCOUNT,
    receiver: str | None = None,
    redis: Redis | None = None,
    mailbox: Mailbox | None = None,
) -> AccountBot:
    """The bot of one account: `default` at `/wechat`, any other at `/wechat/<name>`.

    `receiver` (the account's original id) refuses messages to other accounts and names its
    tickets and held replies (`mailbox`, the default's: every other); `redis` (shared by the
    worker's accounts, the default included) keeps the access token and rate-limit counts."""
    default = name == DEFAULT_ACCOUNT
    tokens = SharedTokenStore(redis, settings.wechat_app_id) if redis is not None else None
    wechat = wechat_client(settings, tokens)
    # `account_name` ("" for the default): what a citizen's follows record, so the notices
    # to a follower go out through the account followed.
    dispatcher = Dispatcher(
        storage=storage, settings=settings, wechat=wechat, account_name="" if default else name
    )
    # update metrics, rate limit, "系统繁忙" on DB outage
    protect(dispatcher, settings, account="" if default else name, redis=redis)
    dispatcher.include_router(bound_staff_router(settings))  # bound staff first
    dispatcher.include_router(citizen_router())
    # Ticket answers and replies refused for the 48-hour window or a quota: sent when the
    # citizen writes again (this middleware) or after the quota resets.
    post = CitizenPost(settings, wechat, storage, mailbox=mailbox or Mailbox(receiver or ""))
    dispatcher.outer_middleware(post)
    dispatcher["citizen_post"] = post
    outbox = Outbox("" if default else name) if wechat is not None else None
    webhook = Webhook(
        dispatcher,
        _envelope(settings),
        path="/wechat" if default else f"/wechat/{name}",
        sender=outbox.send if outbox is not None else None,
        deadline=settings.reply_deadline_seconds,
        max_body_bytes=settings.max_body_bytes,
        name="wechat" if default else f"wechat:{name}",
        receiver=receiver,
    )
    return AccountBot(name, settings, dispatcher, wechat, post, outbox, webhook)
