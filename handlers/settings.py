"""The one settings object of the application, read from the environment (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from catalogue.region_directory import COUNTY_CODE
from catalogue.scope import RegionScope

# Values that ship in `.env.example`; refused in production, like the development defaults.
PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "placeholder", "secret", "token"})
# Development defaults shared by `zwbot serve` and `zwbot chat`, so the two talk out of the box
# (safe mode, as a real account would be configured). Production refuses them.
DEV_WECHAT_TOKEN = "development-token"
DEV_WECHAT_APP_ID = "wxdevelopment0000"
DEV_WECHAT_AES_KEY = "developmentAESkeyForLocalUseOnly00000000000"


class Settings(BaseSettings):
    """Every key here is listed in `.env.example`; the upper-case names are fixed."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    environment: Literal["development", "test", "production"] = Field(
        "development", alias="ZWBOT_ENV"
    )
    data_dir: Path = Field(Path("data"), alias="ZWBOT_DATA_DIR")
    database_url: str = Field("", alias="DATABASE_URL")
    redis_url: str = Field("", alias="REDIS_URL")

    wechat_token: SecretStr = Field(SecretStr(DEV_WECHAT_TOKEN), alias="WECHAT_TOKEN")
    wechat_app_id: str = Field(DEV_WECHAT_APP_ID, alias="WECHAT_APP_ID")
    wechat_app_secret: SecretStr = Field(SecretStr(""), alias="WECHAT_APP_SECRET")
    wechat_aes_key: SecretStr = Field(SecretStr(DEV_WECHAT_AES_KEY), alias="WECHAT_AES_KEY")
    wechat_api_base: str = Field("https://api.weixin.qq.com", alias="WECHAT_API_BASE")

    wecom_corp_id: str = Field("", alias="WECOM_CORP_ID")
    wecom_agent_id: str = Field("", alias="WECOM_AGENT_ID")
    wecom_token: SecretStr = Field(SecretStr(""), alias="WECOM_TOKEN")
    wecom_aes_key: SecretStr = Field(SecretStr(""), alias="WECOM_AES_KEY")
    wecom_secret: SecretStr = Field(SecretStr(""), alias="WECOM_SECRET")

    public_base_url: str = Field("http://127.0.0.1:8000", alias="PUBLIC_BASE_URL")

    host: str = Field("127.0.0.1", alias="ZWBOT_HOST")
    port: int = Field(8000, alias="ZWBOT_PORT")
    reply_deadline_seconds: float = Field(4.5, alias="ZWBOT_REPLY_DEADLINE")
    max_body_bytes: int = Field(64 * 1024, alias="ZWBOT_MAX_BODY_BYTES")
    rate_limit_per_minute: int = Field(20, alias="ZWBOT_RATE_LIMIT_PER_MINUTE")
    message_log_days: int = Field(30, alias="ZWBOT_MESSAGE_LOG_DAYS")
    state_ttl_seconds: int = Field(48 * 3600, alias="ZWBOT_STATE_TTL")
    # Distinct recent queries whose search results a worker keeps (0: search every time).
    search_cache_size: int = Field(4096, ge=0, alias="ZWBOT_SEARCH_CACHE_SIZE")
    hash_key: SecretStr = Field(SecretStr("development-only-hash-key"), alias="ZWBOT_HASH_KEY")
    log_level: str = Field("INFO", alias="ZWBOT_LOG_LEVEL")
    # The GB/T 2260 code of the region this account serves: its items, its towns' and villages',
    # and its province's and city's are answered; any other region's stored items are not.
    # `*` serves every region: only for evaluating search and load over a multi-region
    # reference file (`zwbot bench`, `zwbot search --batch`), never for a real account.
    home_region: str = Field(COUNTY_CODE, alias="ZWBOT_HOME_REGION")

    @property
    def effective_database_url(self) -> str:
        """`DATABASE_URL`, or an SQLite file in the data folder when it is empty."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'zwbot.sqlite3').as_posix()}"

    @model_validator(mode="after")
    def _check_home_region(self) -> Settings:
        RegionScope(self.home_region)  # raises on a malformed code
        return self

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.environment != "production":
            return self
        weak = [
            name
            for name in ("wechat_token", "wechat_app_secret", "wechat_aes_key", "hash_key")
            if _is_placeholder(getattr(self, name).get_secret_value())
        ]
        if self.wechat_app_id.strip() in ("", DEV_WECHAT_APP_ID):
            weak.append("wechat_app_id")
        if weak:
            raise ValueError(
                "production refuses empty or placeholder secrets: " + ", ".join(sorted(weak))
            )
        return self


def _is_placeholder(value: str) -> bool:
    return value.strip().lower() in PLACEHOLDER_SECRETS or value.startswith("development")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own `Settings(...)` instead)."""
    return Settings()
