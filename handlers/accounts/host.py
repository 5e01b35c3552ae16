"""Serves the official accounts stored as data, each at `/wechat/<name>`, beside the default.

At the app's start, and every `interval` seconds after, the host reads the active accounts:
a new one is built and its callback path opened; a disabled or removed one stops (its path
answers 404 again); a changed one (keys, region, texts) is rebuilt. So `zwbot account add`
or `disable` takes effect in every worker within `interval` seconds, without a restart.
An account whose secrets cannot be opened (another ZWBOT_ACCOUNT_KEY sealed them) is left
out with one error line; the other accounts are served.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.exc import SQLAlchemyError

from bot.storage import BaseStorage
from bot.webhook import Webhook
from catalogue.accounts import (
    AccountError,
    AccountKeys,
    SecretBox,
    active_accounts,
    list_accounts,
)
from handlers.accounts.bots import AccountBot, account_settings, build_bot
from handlers.accounts.regions import RegionViews
from handlers.accounts.web import HostedSite, host_of
from handlers.accounts.wording import region_wording
from handlers.delivery.citizen_post import CitizenPost
from handlers.delivery.message_logs import MessageLogWriter
from handlers.delivery.notices import NoticeRoute
from handlers.delivery.outbox import JobFeed, ReplyRoute
from handlers.jobs.periodic import Periodic
from handlers.observability.logs import get_logger
from handlers.settings import Settings

log = get_logger(__name__)
POLL_SECONDS = 30.0
#: The purpose (`zwbot account add --template notice=ID`) of the template notices fall back to.
NOTICE_TEMPLATE = "notice"


@dataclass(slots=True)
class _Served:
    keys: AccountKeys
    bot: AccountBot
    stack: AsyncExitStack


class AccountHost(Periodic):
    """`host = AccountHost(...)`; `await host.sync()` at start, `host.start()`, `host.close()`."""

    def __init__(
        self,
        settings: Settings,
        storage: BaseStorage,
        views: RegionViews,
        message_logs: MessageLogWriter,
        *,
        add_lane: Callable[[Webhook], None],
        remove_lane: Callable[[str], None],
        redis: Redis | None = None,
        interval: float = POLL_SECONDS,
        sites: dict[str, HostedSite] | None = None,
    ) -> None:
        self.settings = settings
        self.storage = storage
        self.views = views
        self.message_logs = message_logs
        self.add_lane = add_lane
        self.remove_lane = remove_lane
        self.redis = redis
        self.interval = interval
        self.served: dict[str, _Served] = {}
        # host name → site, for the pages of accounts with a public base URL of their own
        self.sites = sites if sites is not None else {}
        key = settings.account_key.get_secret_value()
        self._box = SecretBox(key) if key.strip() else None
        self._told = False
        self.feed: JobFeed | None = None  # the job queue late replies go to (set at start)

    @property
    def has_key(self) -> bool:
        """Whether stored accounts can be served (ZWBOT_ACCOUNT_KEY is set)."""
        return self._box is not None

    def receivers(self) -> list[str]:
        """The original ids of the accounts served (the default's mail is every other)."""
        return [served.keys.original_id for served in self.served.values()]

    def post_of(self, original_id: str) -> CitizenPost | None:
        """The citizen post of the served account `original_id`, if any."""
        for served in self.served.values():
            if served.keys.original_id == original_id:
                return served.bot.post
        return None

    def notice_route(self, name: str) -> NoticeRoute | None:
        """How the served account `name` sends notices to its followers (None: it is not
        served here, or has no API client): its own client and `notice` template id."""
        served = self.served.get(name)
        if served is None or served.bot.wechat is None:
            return None
        return NoticeRoute(served.bot.wechat, served.keys.template_ids.get(NOTICE_TEMPLATE, ""))

    def reply_route(self, name: str) -> ReplyRoute | None:
        """How the served account `name` sends customer-service replies (None: it is not
        served here, or has no API client)."""
        served = self.served.get(name)
        return served.bot.reply_route if served is not None else None

    def bot(self, name: str) -> AccountBot | None:
        """The bot serving account `name` in this worker, if any."""
        served = self.served.get(name)
        return served.bot if served is not None else None

    async def _accounts(self) -> list[AccountKeys]:
        if self._box is None:
            if not self._told:  # accounts stored, but no key to open them: say so once
                self._told = True
                async with self.views.sessions() as session:
                    stored = await list_accounts(session)
                if any(row.active for row in stored):
                    log.error(
                        "stored accounts not served: ZWBOT_ACCOUNT_KEY is empty",
                        accounts=len(stored),
                    )
            return []
        async with self.views.sessions() as session:
            active = await active_accounts(session, self._box)
        for name, why in active.unopenable.items():
            log.error("account not served", account=name, error=why)
        return active.opened

    async def sync(self) -> int:
        """Serve exactly the active accounts; how many are served."""
        wanted = {keys.name: keys for keys in await self._accounts()}
        for name in [
            name for name, served in self.served.items() if wanted.get(name) != served.keys
        ]:
            await self._stop(name)
        for name, keys in wanted.items():
            if name not in self.served:
                await self._serve(keys)
        return len(self.served)

    async def _serve(self, keys: AccountKeys) -> None:
        settings = account_settings(self.settings, keys)
        view = await self.views.get(keys.home_region)
        stack = AsyncExitStack()
        bot = build_bot(
            settings, self.storage, name=keys.name, receiver=keys.original_id, redis=self.redis
        )
        # its fixed sentences name its own place and province, not the default's; its ticket
        # answers are signed with its title
        wording = await region_wording(self.views.sessions, keys.home_region)
        bot.dispatcher["wording"] = wording
        bot.post.signature = keys.title or f"{wording.place}政务服务"
        bot.start(view, self.message_logs, stack, self.feed)
        self.served[keys.name] = _Served(keys, bot, stack)
        host = host_of(keys.public_base_url)
        if host and host != host_of(self.settings.public_base_url):
            self.sites[host] = HostedSite(settings, view)
        self.add_lane(bot.webhook)
        log.info(
            "account served", account=keys.name, region=keys.home_region, path=bot.webhook.path
        )

    async def _stop(self, name: str) -> None:
        served = self.served.pop(name)
        self.remove_lane(served.bot.webhook.path)  # new requests get 404 at once
        self.sites.pop(host_of(served.keys.public_base_url), None)
        await served.stack.aclose()
        log.info("account no longer served", account=name)

    async def tick(self) -> None:
        """One sync; a database or key error waits a round."""
        try:
            await self.sync()
        except (SQLAlchemyError, OSError, AccountError) as error:
            log.warning("accounts not re-read this round", error=str(error))

    async def close(self) -> None:
        """Stop polling and every account's bot."""
        await self.stop()
        for name in list(self.served):
            await self._stop(name)
