"""Production refuses secrets that are no secrets — empty, placeholders, short, repetitive or
printed in the WeChat/WeCom documentation — for every key, naming the variable, and a WeCom
staff app configured by halves; development and test keep their defaults."""

from __future__ import annotations

import json
import secrets
import string
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from handlers.settings import Settings


def _strong(length: int = 32) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _production(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "ZWBOT_ENV": "production",
        "ZWBOT_HASH_KEY": _strong(),
        "ZWBOT_AUDIT_KEY": _strong(48),
        "WECHAT_TOKEN": _strong(),
        "WECHAT_APP_ID": "wx" + _strong(16).lower(),
        "WECHAT_APP_SECRET": _strong(),
        "WECHAT_AES_KEY": _strong(43),
        "WECOM_CORP_ID": "ww" + _strong(16).lower(),
        "WECOM_AGENT_ID": "1000002",
        "WECOM_TOKEN": _strong(),
        "WECOM_SECRET": _strong(43),
        "WECOM_AES_KEY": _strong(43),
    }
    values.update(overrides)
    return values


def _refusal(**overrides: Any) -> str:
    with pytest.raises(ValidationError) as refused:
        Settings(**_production(**overrides))
    return str(refused.value)


def test_a_strong_production_configuration_starts() -> None:
    settings = Settings(**_production())
    assert settings.wecom_configured() and len(settings.audit_key_bytes()) == 48


@pytest.mark.parametrize(
    "variable",
    [
        "ZWBOT_HASH_KEY",
        "ZWBOT_AUDIT_KEY",
        "WECHAT_TOKEN",
        "WECHAT_APP_SECRET",
        "WECHAT_AES_KEY",
        "WECOM_TOKEN",
        "WECOM_SECRET",
        "WECOM_AES_KEY",
    ],
)
@pytest.mark.parametrize("weak", ["x", "a", "test", "change-me", "CHANGE-ME", "secret"])
def test_every_key_refuses_short_and_known_values(variable: str, weak: str) -> None:
    assert variable in _refusal(**{variable: weak})


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ZWBOT_HASH_KEY", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),  # long but one character
        ("ZWBOT_AUDIT_KEY", "a-sixteen-chars!"),  # fine for others, short for the audit key
        ("WECHAT_AES_KEY", _strong(40)),  # an EncodingAESKey is 43 characters
        ("WECOM_AES_KEY", _strong(44)),
        ("ZWBOT_HASH_KEY", "development-only-hash-key"),
    ],
    # Stable ids: the random keys would differ between pytest-xdist's workers.
    ids=["one-character", "short-audit-key", "aes-key-40", "wecom-key-44", "development-key"],
)
def test_repetitive_short_or_malformed_values_are_refused(variable: str, value: str) -> None:
    assert variable in _refusal(**{variable: value})


def test_documentation_sample_values_are_refused(shared_dir: Path) -> None:
    sample = json.loads((shared_dir / "wechat" / "official_sample_vectors.json").read_text())
    refusal = _refusal(
        WECHAT_TOKEN=sample["token"],
        WECHAT_AES_KEY=sample["encoding_aes_key"],
        WECHAT_APP_ID=sample["appid"],
    )
    assert "WECHAT_TOKEN" in refusal and "WECHAT_AES_KEY" in refusal
    assert "WECHAT_APP_ID" in refusal and "documentation" in refusal
    # The WeCom callback sample (WXBizMsgCrypt): token QDG6eK and its AES key.
    refusal = _refusal(
        WECOM_TOKEN="QDG6eK", WECOM_AES_KEY="jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
    )
    assert "WECOM_TOKEN" in refusal and "WECOM_AES_KEY is the public" in refusal


def test_a_half_configured_wecom_app_refuses_to_start() -> None:
    refusal = _refusal(WECOM_AES_KEY="")
    assert "half configured" in refusal and "WECOM_AES_KEY" in refusal
    refusal = _refusal(WECOM_CORP_ID="", WECOM_AGENT_ID="", WECOM_AES_KEY="")
    assert "WECOM_CORP_ID" in refusal
    # No WeCom at all is a choice (no staff channel): allowed.
    none = {name: "" for name in _production() if name.startswith("WECOM_")}
    assert not Settings(**_production(**none)).wecom_configured()


def test_the_audit_key_may_come_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "audit.key"
    key_file.write_text(_strong(64) + "\n")
    settings = Settings(**_production(ZWBOT_AUDIT_KEY="", ZWBOT_AUDIT_KEY_FILE=str(key_file)))
    assert settings.audit_key_bytes() == key_file.read_text().strip().encode()
    key_file.write_text("short\n")
    assert "ZWBOT_AUDIT_KEY_FILE" in _refusal(
        ZWBOT_AUDIT_KEY="", ZWBOT_AUDIT_KEY_FILE=str(key_file)
    )
    assert "cannot be read" in _refusal(
        ZWBOT_AUDIT_KEY="", ZWBOT_AUDIT_KEY_FILE=str(tmp_path / "missing.key")
    )
    assert "ZWBOT_AUDIT_KEY" in _refusal(ZWBOT_AUDIT_KEY="")


def test_development_keeps_its_defaults() -> None:
    settings = Settings(ZWBOT_ENV="development", WECOM_TOKEN="change-me")  # type: ignore[call-arg]
    assert settings.audit_key_bytes() == b"development-only-audit-key"
