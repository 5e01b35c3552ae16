"""Every setting the application reads is listed in `.env.example`, with its environment name."""

from __future__ import annotations

import re
from pathlib import Path

from handlers.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_in_env_example() -> None:
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    names = {field.alias for field in Settings.model_fields.values() if field.alias}
    assert names - listed == set()
