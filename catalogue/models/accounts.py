"""Official accounts one deployment serves: each with its own keys, home region and texts.

The secrets (token, EncodingAESKey, AppSecret) are stored encrypted (`catalogue.accounts`);
the key that opens them is never in the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, TimestampMixin


class OfficialAccount(TimestampMixin, Base):
    """One WeChat official account, served at `/wechat/<name>`."""

    __tablename__ = "official_accounts"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # The path segment of its callback URL and the name staff use (`tianzhu`, `karamay`).
    name: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(100), default="")  # e.g. 天祝县政务服务
    app_id: Mapped[str] = mapped_column(String(32), unique=True)
    # The account's original id (gh_…): the ToUserName of every message it receives.
    original_id: Mapped[str] = mapped_column(String(64), unique=True)
    home_region: Mapped[str] = mapped_column(String(6))
    # Fernet tokens of the secrets (`catalogue.accounts.SecretBox`).
    token_sealed: Mapped[str] = mapped_column(Text)
    aes_key_sealed: Mapped[str] = mapped_column(Text)
    secret_sealed: Mapped[str] = mapped_column(Text, default="")
    welcome: Mapped[str] = mapped_column(Text, default="")  # empty: the standard welcome
    menu: Mapped[dict[str, Any] | None] = mapped_column(default=None)  # empty: the standard menu
    template_ids: Mapped[dict[str, Any]] = mapped_column(default=dict)  # purpose → template id
    public_base_url: Mapped[str] = mapped_column(String(200), default="")
    staff_channel: Mapped[str] = mapped_column(String(200), default="")  # WeCom UserIDs a|b
    active: Mapped[bool] = mapped_column(Boolean, default=True)
