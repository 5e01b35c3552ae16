"""Typed dependencies of the web routes: a read-only session, the settings, the search index."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.citizen.searching import Searcher
from handlers.settings import Settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session per request; pages only read, so nothing is committed."""
    async with request.app.state.sessions() as session:
        yield session


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_search(request: Request) -> Searcher:
    """The live search index."""
    searcher: Searcher = request.app.state.search
    return searcher


SessionDep = Annotated[AsyncSession, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SearchDep = Annotated[Searcher, Depends(get_search)]
