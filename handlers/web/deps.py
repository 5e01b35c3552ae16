"""Typed dependencies of the web routes: a read-only session, the settings, the search index."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.accounts.web import SITE, HostedSite
from handlers.citizen.searching import Searcher
from handlers.settings import Settings


def _site(request: Request) -> HostedSite | None:
    """The hosted account a request came to by its host name, if any (`handlers.accounts`)."""
    site = request.scope.get(SITE)
    return site if isinstance(site, HostedSite) else None


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session per request (of the host's region); pages only read, nothing is committed."""
    site = _site(request)
    sessions = site.view.sessions if site is not None else request.app.state.sessions
    async with sessions() as session:
        yield session


def get_settings(request: Request) -> Settings:
    """The app's settings (as the host's account sees them)."""
    site = _site(request)
    settings: Settings = site.settings if site is not None else request.app.state.settings
    return settings


def get_search(request: Request) -> Searcher:
    """The live search index (of the host's region)."""
    site = _site(request)
    searcher: Searcher = site.view.search if site is not None else request.app.state.search
    return searcher


SessionDep = Annotated[AsyncSession, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SearchDep = Annotated[Searcher, Depends(get_search)]
