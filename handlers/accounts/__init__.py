"""Several official accounts on one deployment: each account's bot, its region's view of the
catalogue, and the host that serves the accounts stored as data at `/wechat/<name>`."""

from handlers.accounts.bots import AccountBot, account_settings, build_bot
from handlers.accounts.host import AccountHost
from handlers.accounts.regions import RegionView, RegionViews

__all__ = [
    "AccountBot",
    "AccountHost",
    "RegionView",
    "RegionViews",
    "account_settings",
    "build_bot",
]
