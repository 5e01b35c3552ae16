"""The pages, open data and API of each account's region on the account's own host name.

An account stored with a public base URL (`https://zw.karamay.example`) has its links point
there; a request whose Host is that name is answered from the account's region (its
sessions, index and settings), every other request from the default account's. Links in
pages are paths, so a citizen stays on the host they came to."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from handlers.accounts.regions import RegionView
from handlers.settings import Settings

#: Scope entry of a request answered for a hosted account (read by `handlers.web.deps`).
SITE = "zwbot.site"


@dataclass(frozen=True, slots=True)
class HostedSite:
    """What a host name serves: the account's settings and its region's view."""

    settings: Settings
    view: RegionView


def host_of(base_url: str) -> str:
    """The host name of a public base URL, lower case, without port ('' if none)."""
    return (urlsplit(base_url).hostname or "").lower()


class SitesByHost:
    """ASGI middleware: marks a request to a hosted account's host name with its site."""

    def __init__(self, app: ASGIApp, sites: dict[str, HostedSite]) -> None:
        self.app = app
        self.sites = sites  # filled and emptied by the account host as accounts come and go

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.sites:
            for name, value in scope["headers"]:
                if name == b"host":
                    host = value.decode("latin-1").rsplit(":", 1)[0].lower()
                    site = self.sites.get(host)
                    if site is not None:
                        scope[SITE] = site
                    break
        await self.app(scope, receive, send)
