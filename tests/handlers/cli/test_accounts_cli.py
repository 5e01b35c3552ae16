"""`zwbot account …`: accounts as data, their secrets sealed, checked, listed, disabled."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalogue import accounts as registry
from catalogue.db import create_engine, session_factory
from catalogue.migrate import upgrade
from catalogue.regions import load_shipped_regions
from handlers.cli import app
from handlers.settings import get_settings

runner = CliRunner()
TOKEN = "tianzhuToken2026abc"
AES_KEY = "A" * 20 + "b" * 20 + "123"
SECRET = "appsecret0123456789abcdef"


@pytest.fixture
def key() -> str:
    return registry.new_key()


@pytest.fixture
def configured(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, key: str
) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ZWBOT_AUDIT_CHECKPOINT_FILE", str(tmp_path / "checkpoints.log"))
    monkeypatch.setenv("ZWBOT_ACCOUNT_KEY", key)
    get_settings.cache_clear()

    async def regions() -> None:
        engine = create_engine(database_url)
        try:
            await upgrade(engine)
            async with session_factory(engine)() as session:
                await load_shipped_regions(session)
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(regions())
    yield database_url
    get_settings.cache_clear()


def zwbot(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.output


def _rows(url: str) -> list[dict[str, object]]:
    async def run() -> list[dict[str, object]]:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                result = await connection.execute(sa.text("SELECT * FROM official_accounts"))
                return [dict(row._mapping) for row in result]
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _add(name: str, app_id: str, original_id: str, *extra: str) -> tuple[int, str]:
    return zwbot(
        "account", "add", name, "--app-id", app_id, "--original-id", original_id,
        "--region", "620623", *extra,
        env={
            "ZWBOT_NEW_ACCOUNT_TOKEN": TOKEN,
            "ZWBOT_NEW_ACCOUNT_AES_KEY": AES_KEY,
            "ZWBOT_NEW_ACCOUNT_SECRET": SECRET,
        },
    )  # fmt: skip


def test_add_list_disable_with_sealed_secrets(configured: str, key: str, tmp_path: Path) -> None:
    menu = tmp_path / "menu.json"
    menu.write_text(json.dumps({"button": [{"type": "click", "name": "办事", "key": "X"}]}))
    code, out = _add(
        "tianzhu", "wx1234567890abcdef", "gh_0123456789ab", "--title", "天祝政务",
        "--welcome", "欢迎关注天祝县政务服务", "--menu", str(menu),
        "--template", "ticket=TPL_1", "--base-url", "https://tz.example.cn/",
    )  # fmt: skip
    assert code == 0, out
    assert "/wechat/tianzhu" in out and TOKEN not in out
    (row,) = _rows(configured)
    # Secrets are stored sealed: none appears in the row, and the key opens them again.
    stored = json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False)
    for secret in (TOKEN, AES_KEY, SECRET):
        assert secret not in stored
    box = registry.SecretBox(key)
    assert box.open(str(row["token_sealed"]), what="token") == TOKEN
    assert box.open(str(row["aes_key_sealed"]), what="key") == AES_KEY
    assert box.open(str(row["secret_sealed"]), what="secret") == SECRET
    assert row["public_base_url"] == "https://tz.example.cn"
    # Another key cannot open them, and says so.
    with pytest.raises(registry.AccountError, match="another key"):
        registry.SecretBox(registry.new_key()).open(str(row["token_sealed"]), what="token")

    # The same appid, original id or name again is refused with the account that has it.
    code, out = _add("other", "wx1234567890abcdef", "gh_99999999zz")
    assert code == 1 and "appid" in out and "tianzhu" in out
    code, out = _add("tianzhu", "wx0000000000000099", "gh_99999999zz")
    assert code == 1 and "name" in out

    code, out = zwbot("account", "list")
    assert code == 0 and TOKEN not in out and SECRET not in out
    lines = out.strip().splitlines()
    assert lines[0].startswith("default\t") and "/wechat\t" not in lines[0]
    assert lines[1].split("\t")[:6] == [
        "tianzhu", "wx1234567890abcdef", "gh_0123456789ab", "620623", "active", "/wechat/tianzhu",
    ]  # fmt: skip
    assert zwbot("account", "disable", "tianzhu")[0] == 0
    assert "\tdisabled\t" in zwbot("account", "list")[1]
    code, out = zwbot("account", "disable", "nobody")
    assert code == 1 and "no account named 'nobody'" in out


@pytest.mark.parametrize(
    ("name", "app_id", "original_id", "region", "message"),
    [
        ("Bad_Name", "wx1234567890abcdef", "gh_0123456789ab", "620623", "name 'Bad_Name'"),
        ("default", "wx1234567890abcdef", "gh_0123456789ab", "620623", "not 'default'"),
        ("ok-name", "1234567890abcdef", "gh_0123456789ab", "620623", "appid"),
        ("ok-name", "wx1234567890abcdef", "0123456789ab", "620623", "original id"),
        ("ok-name", "wx1234567890abcdef", "gh_0123456789ab", "*", "never for an account"),
        ("ok-name", "wx1234567890abcdef", "gh_0123456789ab", "6206", "6-digit"),
    ],
)
def test_bad_accounts_are_refused(
    name: str, app_id: str, original_id: str, region: str, message: str
) -> None:
    spec = registry.AccountSpec(name, app_id, original_id, region, TOKEN, AES_KEY)
    with pytest.raises(registry.AccountError, match=re.escape(message)):
        registry.check_spec(spec)


def test_a_staff_channel_is_wecom_user_ids() -> None:
    spec = registry.AccountSpec(
        "ok-name", "wx1234567890abcdef", "gh_0123456789ab", "620623", TOKEN, AES_KEY,
        staff_channel="kmy_duty| lead.wang ,",
    )  # fmt: skip
    registry.check_spec(spec)
    assert registry.staff_users(spec.staff_channel) == ["kmy_duty", "lead.wang"]
    bad = registry.AccountSpec(
        "ok-name", "wx1234567890abcdef", "gh_0123456789ab", "620623", TOKEN, AES_KEY,
        staff_channel="值班群",
    )  # fmt: skip
    with pytest.raises(registry.AccountError, match="staff channel '值班群'"):
        registry.check_spec(bad)


def test_unknown_region_and_missing_key_are_refused(
    configured: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = zwbot(
        "account", "add", "karamay", "--app-id", "wx1234567890abcdef",
        "--original-id", "gh_0123456789ab", "--region", "650200",
        "--token", TOKEN, "--aes-key", AES_KEY, "--secret", "",
    )  # fmt: skip
    assert code == 1 and "650200 is not in the regions table" in out
    code, out = _add("Bad_Name", "wx1234567890abcdef", "gh_0123456789ab")
    assert code == 1 and "name 'Bad_Name'" in out
    code, out = zwbot(
        "account", "add", "short", "--app-id", "wx1234567890abcdef",
        "--original-id", "gh_0123456789ab", "--region", "620623",
        "--token", TOKEN, "--aes-key", "tooshort", "--secret", "",
    )  # fmt: skip
    assert code == 1 and "EncodingAESKey" in out and "tooshort" not in out
    monkeypatch.setenv("ZWBOT_ACCOUNT_KEY", "")
    get_settings.cache_clear()
    code, out = _add("tianzhu", "wx1234567890abcdef", "gh_0123456789ab")
    assert code == 1 and "ZWBOT_ACCOUNT_KEY is empty" in out
    assert _rows(configured) == []


def test_menu_push_for_a_stored_account(
    configured: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers.citizen.menu import build_menu
    from tools.fakes import FakeWeChatApi

    own = {"button": [{"type": "click", "name": "办事", "key": "GUIDE"}]}
    menu = tmp_path / "menu.json"
    menu.write_text(json.dumps(own, ensure_ascii=False), encoding="utf-8")
    assert _add("tianzhu", "wx1234567890abcdef", "gh_0123456789ab", "--menu", str(menu))[0] == 0
    assert (
        _add("plain", "wx00000000000000aa", "gh_00000000aa", "--base-url", "https://p.cn")[0] == 0
    )
    fake = FakeWeChatApi(other_apps={"wx1234567890abcdef": SECRET, "wx00000000000000aa": SECRET})
    with fake.serve() as url:
        monkeypatch.setenv("WECHAT_API_BASE", url)
        get_settings.cache_clear()
        code, out = zwbot("menu", "push", "--account", "tianzhu")
        assert code == 0, out
        assert fake.menu == own
        code, out = zwbot("menu", "push", "--account", "plain")
        assert code == 0, out
        assert fake.menu == build_menu("https://p.cn")  # the standard menu, its own links
        code, out = zwbot("menu", "push", "--account", "nobody")
        assert code == 1 and "no account named 'nobody'" in out


def test_short_tokens_and_malformed_keys_are_refused() -> None:
    from pydantic import ValidationError

    from handlers.settings import Settings

    spec = registry.AccountSpec(
        "ok-name", "wx1234567890abcdef", "gh_0123456789ab", "620623", "abc123", AES_KEY
    )
    with pytest.raises(registry.AccountError, match="16–32"):
        registry.check_spec(spec)
    with pytest.raises(ValidationError, match="account new-key"):
        Settings(ZWBOT_ACCOUNT_KEY="not-a-fernet-key")
    assert Settings(ZWBOT_ACCOUNT_KEY=registry.new_key()).account_key.get_secret_value()


def test_chat_with_a_stored_account_uses_its_url_and_keys(configured: str) -> None:
    from fastapi import FastAPI

    from bot import Dispatcher, TextMessage, Webhook, WeChatEnvelope
    from tools.fakes import serve_app

    assert _add("tianzhu", "wx1234567890abcdef", "gh_0123456789ab")[0] == 0
    dp = Dispatcher()

    @dp.text()
    async def echo(message: TextMessage) -> str:
        return f"您说：{message.content}"

    api = FastAPI()
    envelope = WeChatEnvelope(TOKEN, "wx1234567890abcdef", AES_KEY)
    webhook = Webhook(dp, envelope, path="/wechat/tianzhu", receiver="gh_0123456789ab")
    api.include_router(webhook.router)
    with serve_app(api) as base_url:
        code, out = zwbot("chat", "--account", "tianzhu", "--url", f"{base_url}/wechat/tianzhu",
                          "--say", "你好")  # fmt: skip
        assert code == 0 and "您说：你好" in out, out
        # the default keys on this account's URL: refused
        code, out = zwbot("chat", "--url", f"{base_url}/wechat/tianzhu", "--say", "你好")
        assert code == 1 and "您说" not in out
    code, out = zwbot("chat", "--account", "nobody", "--say", "你好")
    assert code == 1 and "no account named 'nobody'" in out
