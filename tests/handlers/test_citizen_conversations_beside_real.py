"""Conversations of the test set played through the real /wechat webhook on the demo with the
real 6,318-item file loaded beside it (three other regions, PUBLISHED as their sources published
them, `--published-at-source`: a plain first load keeps the file as drafts, which would leave
nothing to leak; `tools.benchmarks.beside_real`): no reply ever shows another region's item,
department or code."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from catalogue.db import create_engine, session_factory
from handlers.app import create_app
from tools.benchmarks.beside_real import Foreign, read_foreign
from tools.benchmarks.conversation_set import load
from tools.benchmarks.conversations import bench_settings, play, prepare_database

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
        foreign = await read_foreign(session)
    await engine.dispose()
    # the file is really there
    assert foreign.other_items > 6000 and len(foreign.departments) > 100

    conversations = load("all")[::SAMPLE_EVERY]
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            played = [
                await play(http, c, foreign.local_names, n) for n, c in enumerate(conversations)
            ]
    leaks = [
        (turn.turn.value, leak)
        for result in played
        for turn in result.turns
        for leak in foreign.leaks(turn.turn.value, turn.reply)
    ]
    assert len(played) >= 60 and len({r.conversation.kind for r in played}) >= 14
    assert leaks == []


def test_a_leak_is_told_by_code_department_card_and_list_entry() -> None:
    foreign = Foreign(
        local_codes=frozenset({"620623000000DM62010780XK00001000"}),
        local_names=frozenset({"居民身份证办理", "草原等级评定(县级)"}),
        foreign_names=frozenset({"港澳通行证签发", "草原等级评定"}),
        departments=("广州市公安局",),
        other_items=1,
    )
    assert (
        foreign.leaks("身份证", "【居民身份证办理】\n编码：620623000000DM62010780-XK00001000") == []
    )
    assert len(foreign.leaks("港澳", "【港澳通行证签发】\n实施部门：广州市公安局")) == 2
    assert foreign.leaks("港澳", "编码：440100000000XK00001000000000") != []
    # a question that is a piece of the county's code shown leaves no other region's code
    own = "【居民身份证办理】\n编码：620623000000DM62010780—XK00001000"
    assert foreign.leaks("XK00001000", own) == []
    assert foreign.leaks("XK00001000", "编码：440100000000DM44010780—XK00002000") != []
    listed = "找到以下事项：\n1. 居民身份证办理\n2. 港澳通行证签发\n3. 草原等级评定(县级)"
    assert foreign.leaks("证", listed) == ["another region's item listed: 港澳通行证签发"]


def test_a_card_whose_title_holds_the_question_is_no_list_of_its_materials() -> None:
    foreign = Foreign(
        local_codes=frozenset(),
        local_names=frozenset({"居民身份证办理"}),
        foreign_names=frozenset({"户口簿遗失补领"}),
        departments=(),
        other_items=1,
    )
    card = "（演示数据）【居民身份证办理】\n申请材料：\n1. 户口簿遗失补领（原件1份）\n2. 照片"
    assert foreign.leaks("身份证办理", card) == []
    assert foreign.leaks("身份证", "1. 居民身份证办理\n2. 户口簿遗失补领") != []
