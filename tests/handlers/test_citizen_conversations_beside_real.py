"""Conversations of the test set played through the real /wechat webhook on the demo with the
real 6,318-item file loaded beside it (three other regions, PUBLISHED as their sources published
them, `--published-at-source`: a plain first load keeps the file as drafts, which would leave
nothing to leak; `tools.benchmarks.beside_real`): no reply ever shows another region's item,
department or code."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from catalogue.codes import normalize_code_text
from catalogue.db import create_engine, session_factory
from catalogue.models import Department, Item
from catalogue.queries.visibility import public_item
from handlers.app import create_app
from tools.benchmarks.conversation_judge import card_title, item_list, item_named
from tools.benchmarks.conversation_set import load
from tools.benchmarks.conversations import bench_settings, play, prepare_database

# A code as cards and links show it (「编码：620623…」, 「/items/620623…」).
SHOWN_CODE = re.compile(r"(?:编码：|/items/)([0-9A-Za-z—\-]{20,})")
SAMPLE_EVERY = 8  # about 65 conversations of the three parts, of every class


@pytest.fixture
def beside_real(tmp_path: Path, shared_dir: Path) -> Path:
    """The demo, then the real file imported as other regions' catalogues, as staff would
    (the same load as `zwbot bench conversations --beside-real`)."""
    real = shared_dir / "data" / "service_items.csv"
    asyncio.run(prepare_database(bench_settings(tmp_path), real))
    return tmp_path


async def test_no_reply_shows_another_regions_item(beside_real: Path) -> None:
    settings = bench_settings(beside_real)  # the county's account (home region 620623)
    engine = create_engine(settings.database_url)
    async with session_factory(engine)() as session:
        local = set((await session.scalars(select(Item.code).where(public_item()))).all())
        local_names = set((await session.scalars(select(Item.name).where(public_item()))).all())
        others = (await session.scalars(select(Item).where(~public_item()))).all()
        foreign_departments = (
            await session.scalars(select(Department.name).where(~Department.name.like("天祝%")))
        ).all()
    await engine.dispose()
    foreign_only = {i.name for i in others} - local_names
    every_name = local_names | foreign_only
    assert len(others) > 6000 and len(foreign_departments) > 100  # the file is really there
    local_codes = {normalize_code_text(code) for code in local}

    conversations = load("all")[::SAMPLE_EVERY]
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            played = [
                await play(http, c, frozenset(local_names), n) for n, c in enumerate(conversations)
            ]
    leaks = []
    for result in played:
        for turn in result.turns:
            reply = turn.reply
            said = turn.turn.value
            # a reply may quote the question back (「1」 is no question to take out)
            shown = reply.replace(said, "") if len(said) >= 4 else reply
            codes = {normalize_code_text(c) for c in SHOWN_CODE.findall(shown)}
            leaks += [(said, "code", c) for c in codes - local_codes]
            leaks += [(said, "department", d) for d in foreign_departments if d in shown]
            title = card_title(shown, foreign_only)
            if title:
                leaks.append((said, "card", title))
            # a card's numbered materials are no list (the card is known by any name)
            entries = item_list(shown, every_name).values()
            leaks += [(said, "list", e) for e in entries if item_named(e, foreign_only)]
    assert len(played) >= 60 and len({r.conversation.kind for r in played}) >= 14
    assert leaks == []
