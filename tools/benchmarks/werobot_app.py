"""The WeRoBot side of `zwbot bench load`: the same search on the same data, served by WeRoBot.

`uvicorn tools.benchmarks.werobot_app:application --interface wsgi --workers 2` with the
same environment as `zwbot serve` (DATABASE_URL, WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_AES_KEY).
Each worker builds the search index from the published catalogue at start, exactly as the
zwbot app does, and answers a text message with the best items — WeRoBot's idiomatic app:
one decorated handler, WeRoBot's own signature check, AES and reply rendering."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import werobot

from handlers.db.database import open_database
from handlers.searching.service import build_index as build_search_index
from handlers.settings import Settings, get_settings
from search.index import SearchIndex

NOT_FOUND = "没有找到相关事项，请换个说法试试。"


async def _load(settings: Settings) -> SearchIndex:
    async with open_database(settings, upgrade=False) as (_, sessions):
        return await build_search_index(sessions)


def build_index(settings: Settings) -> SearchIndex:
    """The live index of the published catalogue (built off any running event loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _load(settings)).result()


def answer(index: SearchIndex, query: str) -> str:
    """The reply text: the five best items, numbered, as the zwbot list reply does."""
    hits = index.search(query, top=5, citizen=True)
    if not hits:
        return NOT_FOUND
    lines = [f"{n}. {hit.document.name}" for n, hit in enumerate(hits, 1)]
    return "为您找到以下事项：\n" + "\n".join(lines) + "\n回复序号查看详情。"


def create_robot(settings: Settings, index: SearchIndex) -> werobot.WeRoBot:
    """A WeRoBot answering text messages from `index`."""
    robot = werobot.WeRoBot(
        token=settings.wechat_token.get_secret_value(),
        app_id=settings.wechat_app_id,
        encoding_aes_key=settings.wechat_aes_key.get_secret_value() or None,
        SESSION_STORAGE=False,
    )

    @robot.text  # type: ignore[untyped-decorator]
    def text(message: Any) -> str:
        return answer(index, str(message.content))

    return robot


def _application() -> Any:
    settings = get_settings()
    return create_robot(settings, build_index(settings)).wsgi


application = _application()
