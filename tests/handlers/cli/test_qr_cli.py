"""`zwbot qr make|list`: permanent QR codes per town and village through the fake WeChat API,
idempotent, within the account's limit."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from catalogue.db import create_engine, session_factory
from catalogue.models import PlaceQrCode, Region
from handlers.cli import app as cli
from handlers.settings import get_settings
from tests.kits import citizen as kit
from tools.fakes import FakeWeChatApi

seed = kit.seed


@pytest.fixture
def fake(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeWeChatApi]:
    asyncio.run(kit.seed_database(sqlite_url))
    api = FakeWeChatApi(app_id=kit.APP_ID, app_secret="qr-secret")
    with api.serve() as url:
        monkeypatch.setenv("DATABASE_URL", sqlite_url)
        monkeypatch.setenv("WECHAT_APP_ID", kit.APP_ID)
        monkeypatch.setenv("WECHAT_APP_SECRET", "qr-secret")
        monkeypatch.setenv("WECHAT_API_BASE", url)
        get_settings.cache_clear()
        try:
            yield api
        finally:
            get_settings.cache_clear()


def _places(sqlite_url: str) -> tuple[int, int]:
    async def count() -> tuple[int, int]:
        engine = create_engine(sqlite_url)
        try:
            async with session_factory(engine)() as session:
                places = await session.scalar(
                    select(func.count())
                    .select_from(Region)
                    .where(Region.level.in_(("town", "village")))
                )
                codes = await session.scalar(select(func.count()).select_from(PlaceQrCode))
                return int(places or 0), int(codes or 0)
        finally:
            await engine.dispose()

    return asyncio.run(count())


def test_make_one_then_all_is_idempotent(fake: FakeWeChatApi, sqlite_url: str) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["qr", "make", "--place", seed.HONGDA])
    assert first.exit_code == 0, first.output
    assert "新生成1个，已有0个" in first.output
    assert list(fake.qr_codes) == [f"place:{seed.HONGDA}"]
    again = runner.invoke(cli, ["qr", "make", "--place", seed.HONGDA])
    assert "新生成0个，已有1个" in again.output
    everything = runner.invoke(cli, ["qr", "make", "--all"])
    assert everything.exit_code == 0, everything.output
    places, codes = _places(sqlite_url)
    assert codes == places == len(fake.qr_codes) and places > 5
    assert f"新生成{places - 1}个，已有1个" in everything.output
    listed = json.loads(runner.invoke(cli, ["qr", "list", "--json"]).output)
    hongda = next(row for row in listed if row["code"] == seed.HONGDA)
    assert hongda["scene"] == f"place:{seed.HONGDA}" and hongda["url"].startswith("http")
    assert len(listed) == places


def test_the_permanent_code_limit_is_respected(
    fake: FakeWeChatApi, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZWBOT_QR_LIMIT", "3")
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["qr", "make", "--all"])
    assert result.exit_code == 1 and "永久二维码最多3个" in result.output
    assert fake.qr_codes == {} and _places(sqlite_url)[1] == 0


def test_bad_requests_are_told_plainly(fake: FakeWeChatApi) -> None:
    runner = CliRunner()
    unknown = runner.invoke(cli, ["qr", "make", "--place", "620623999999"])
    assert unknown.exit_code == 1 and "没有这些乡镇或村：620623999999" in unknown.output
    neither = runner.invoke(cli, ["qr", "make"])
    assert neither.exit_code == 2 and "二者选一" in neither.output
    assert fake.qr_codes == {}
