"""The one settings object of the application, read from the environment (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from catalogue.region_directory import COUNTY_CODE
from catalogue.region_reading import DATABASE_URL_PREFIXES
from catalogue.scope import RegionScope

if TYPE_CHECKING:
    from catalogue.importing.tables import TableLimits

# Values that ship in `.env.example`; refused in production, like the development defaults.
PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "placeholder", "secret", "token"})
# Values that ship in `.env.example` or that people type when asked for "a secret"; refused in
# production, like the development defaults.
PLACEHOLDER_SECRETS = frozenset(
    {
        "",
        "change-me",
        "changeme",
        "change_me",
        "placeholder",
        "secret",
        "token",
        "test",
        "testing",
        "x",
        "xxx",
        "password",
        "passwd",
        "123456",
        "12345678",
        "admin",
        "default",
        "example",
        "key",
        "todo",
        "none",
        "null",
        "dev",
        "demo",
    }
)
# The values printed in the WeChat and WeCom message-encryption documentation and their sample
# code (WXBizMsgCrypt): public, so as good as no secret at all.
DOCUMENTATION_SECRETS = frozenset(
    {
        "spamtest",  # official account sample token
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",  # official account sample AES key
        "QDG6eK",  # WeCom sample token
        "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",  # WeCom sample AES key
    }
)
DOCUMENTATION_IDS = frozenset({"wx2c2769f8efd9abc2", "wx5823bf96d3bd56c7"})
# Shortest secret production accepts (WeChat tokens may be 3–32 characters: we ask for 16+).
MIN_SECRET_LENGTH = 16
# The audit key authenticates the audit chain: at least 256 bits.
MIN_AUDIT_KEY_BYTES = 32
AES_KEY_LENGTH = 43  # EncodingAESKey: 43 base64 characters (32 bytes)
DEV_AUDIT_KEY = "development-only-audit-key"
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
    # WeChat's documented slow answers take up to 10 s; a send that timed out may have
    # arrived and is never repeated, so a shorter wait would lose answers.
    wechat_api_timeout: float = Field(10.0, gt=0, alias="WECHAT_API_TIMEOUT")
    # Notices to followers of villages and towns (the durable job queue): sends a second per
    # worker process, and the template message for followers whose 48-hour window is closed
    # ("": none, they are counted as unreached).
    notify_rate: float = Field(20.0, gt=0, alias="ZWBOT_NOTIFY_RATE")
    notice_template_id: str = Field("", alias="ZWBOT_NOTICE_TEMPLATE_ID")
    # Permanent QR codes the account may create (WeChat allows 100,000 per account).
    qr_limit: int = Field(100_000, ge=0, le=100_000, alias="ZWBOT_QR_LIMIT")
    # The county's poverty-alleviation supervision hotline printed on village posters (with
    # the national 12317), and the headless Chromium that prints them.
    supervision_phone: str = Field("", max_length=60, alias="ZWBOT_SUPERVISION_PHONE")
    chromium: str = Field("chromium", alias="ZWBOT_CHROMIUM")

    wecom_corp_id: str = Field("", alias="WECOM_CORP_ID")
    wecom_agent_id: str = Field("", alias="WECOM_AGENT_ID")
    wecom_token: SecretStr = Field(SecretStr(""), alias="WECOM_TOKEN")
    wecom_aes_key: SecretStr = Field(SecretStr(""), alias="WECOM_AES_KEY")
    wecom_secret: SecretStr = Field(SecretStr(""), alias="WECOM_SECRET")
    wecom_api_base: str = Field("https://qyapi.weixin.qq.com", alias="WECOM_API_BASE")
    # Where the staff console sends browsers for WeCom's web authorisation (网页授权).
    wecom_oauth_base: str = Field("https://open.weixin.qq.com", alias="WECOM_OAUTH_BASE")
    # The staff console signs a browser out after this many idle minutes.
    console_idle_minutes: int = Field(15, ge=1, le=240, alias="ZWBOT_CONSOLE_IDLE_MINUTES")
    # WeCom UserIDs on duty for citizens' 人工 tickets (comma-separated; empty: active admins).
    duty_staff: str = Field("", alias="ZWBOT_DUTY_STAFF")
    ticket_batch_seconds: float = Field(60.0, ge=0, alias="ZWBOT_TICKET_BATCH_SECONDS")

    public_base_url: str = Field("http://127.0.0.1:8000", alias="PUBLIC_BASE_URL")
    # Seals the secrets of the official accounts stored as data (`zwbot account`); kept
    # outside the database. Empty: only the single account of the WECHAT_* settings is served.
    account_key: SecretStr = Field(SecretStr(""), alias="ZWBOT_ACCOUNT_KEY")
    # The standard welcome on follow is used when empty (an account's own replaces it).
    welcome_text: str = Field("", alias="ZWBOT_WELCOME_TEXT")

    host: str = Field("127.0.0.1", alias="ZWBOT_HOST")
    port: int = Field(8000, alias="ZWBOT_PORT")
    reply_deadline_seconds: float = Field(4.5, alias="ZWBOT_REPLY_DEADLINE")
    max_body_bytes: int = Field(64 * 1024, alias="ZWBOT_MAX_BODY_BYTES")
    rate_limit_per_minute: int = Field(20, alias="ZWBOT_RATE_LIMIT_PER_MINUTE")
    # Requests a minute per client address to the pages, downloads and API (0: no limit).
    web_rate_limit_per_minute: int = Field(300, ge=0, alias="ZWBOT_WEB_RATE_LIMIT_PER_MINUTE")
    # Bearer token `/metrics` requires; empty: only clients on this machine may read it.
    metrics_token: SecretStr = Field(SecretStr(""), alias="ZWBOT_METRICS_TOKEN")
    message_log_days: int = Field(30, alias="ZWBOT_MESSAGE_LOG_DAYS")
    state_ttl_seconds: int = Field(48 * 3600, alias="ZWBOT_STATE_TTL")
    # Distinct recent queries whose search results a worker keeps (0: search every time).
    search_cache_size: int = Field(4096, ge=0, alias="ZWBOT_SEARCH_CACHE_SIZE")
    hash_key: SecretStr = Field(SecretStr("development-only-hash-key"), alias="ZWBOT_HASH_KEY")
    # The audit chain's HMAC key: never in the database. `ZWBOT_AUDIT_KEY` or a file holding it.
    audit_key: SecretStr = Field(SecretStr(""), alias="ZWBOT_AUDIT_KEY")
    audit_key_file: Path | None = Field(None, alias="ZWBOT_AUDIT_KEY_FILE")
    # Append-only file of signed chain-head checkpoints (default: in the data folder).
    audit_checkpoint_file: Path | None = Field(None, alias="ZWBOT_AUDIT_CHECKPOINT_FILE")
    # Hours between automatic checkpoints taken by the server (at least daily).
    audit_checkpoint_hours: float = Field(24.0, gt=0, le=24, alias="ZWBOT_AUDIT_CHECKPOINT_HOURS")
    # What production does when the database role may change or delete audit rows.
    audit_grants: Literal["refuse", "warn"] = Field("refuse", alias="ZWBOT_AUDIT_GRANTS")
    # Longest staff command accepted, in characters (longer ones get one short refusal).
    max_command_chars: int = Field(2000, ge=100, alias="ZWBOT_MAX_COMMAND_CHARS")
    log_level: str = Field("INFO", alias="ZWBOT_LOG_LEVEL")
    # Encrypts backups (`zwbot backup --new-key` makes one); kept apart from the backups.
    backup_key: SecretStr = Field(SecretStr(""), alias="ZWBOT_BACKUP_KEY")
    # Bounds of an import file (CLI and staff channel), checked before it is parsed.
    import_max_mb: int = Field(20, ge=1, alias="ZWBOT_IMPORT_MAX_MB")
    import_max_rows: int = Field(20_000, ge=1, alias="ZWBOT_IMPORT_MAX_ROWS")
    import_max_columns: int = Field(100, ge=1, alias="ZWBOT_IMPORT_MAX_COLUMNS")
    import_max_cell_chars: int = Field(20_000, ge=1, alias="ZWBOT_IMPORT_MAX_CELL_CHARS")
    import_max_xlsx_expanded_mb: int = Field(100, ge=1, alias="ZWBOT_IMPORT_MAX_XLSX_EXPANDED_MB")

    @field_validator("account_key")
    @classmethod
    def _fernet_key(cls, key: SecretStr) -> SecretStr:
        """A key of `zwbot account new-key`, or empty (only the WECHAT_* account served)."""
        text = key.get_secret_value().strip()
        if text:
            try:
                Fernet(text.encode("ascii"))
            except (ValueError, UnicodeEncodeError):
                raise ValueError(
                    "ZWBOT_ACCOUNT_KEY is not a key of `zwbot account new-key` "
                    "(44 url-safe base64 characters)"
                ) from None
        return key

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, url: str) -> str:
        """The app talks to its database asynchronously: only the two async drivers work."""
        if url and not url.startswith(DATABASE_URL_PREFIXES):
            raise ValueError(
                f"DATABASE_URL must start with {' or '.join(DATABASE_URL_PREFIXES)} "
                "(e.g. sqlite+aiosqlite:///data/zwbot.sqlite3 or "
                "postgresql+asyncpg://postgres@127.0.0.1:5432/zwbot), not "
                f"{url.split(':', 1)[0]}:"
            )
        return url

    @property
    def import_limits(self) -> TableLimits:
        """The bounds every import file is read within."""
        # Imported here: the importer (and through it the ORM) is no part of reading settings,
        # which every process does at start (a worker, `zwbot code explain`).
        from catalogue.importing.tables import MIB, TableLimits

        return TableLimits(
            max_file_bytes=self.import_max_mb * MIB,
            max_rows=self.import_max_rows,
            max_columns=self.import_max_columns,
            max_cell_chars=self.import_max_cell_chars,
            max_xlsx_expanded_bytes=self.import_max_xlsx_expanded_mb * MIB,
        )

    @property
    def duty_user_ids(self) -> list[str]:
        """`ZWBOT_DUTY_STAFF` as a list of WeCom UserIDs."""
        return [
            part.strip() for part in self.duty_staff.replace("，", ",").split(",") if part.strip()
        ]

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

    @property
    def checkpoint_path(self) -> Path:
        """Where audit checkpoints are appended."""
        return self.audit_checkpoint_file or self.data_dir / "audit-checkpoints.log"

    def audit_key_bytes(self) -> bytes:
        """The audit HMAC key: the key file's content, else `ZWBOT_AUDIT_KEY`, else (outside
        production only) a development key."""
        if self.audit_key_file is not None:
            try:
                return self.audit_key_file.read_bytes().strip()
            except OSError as error:
                raise ValueError(f"ZWBOT_AUDIT_KEY_FILE cannot be read: {error}") from error
        value = self.audit_key.get_secret_value().strip()
        return (value or DEV_AUDIT_KEY).encode("utf-8")

    def wecom_configured(self) -> bool:
        """Whether the WeCom staff app is configured (every WECOM_* value is set)."""
        return not _wecom_missing(self) and bool(self.wecom_corp_id.strip())

    @model_validator(mode="after")
    def _check_home_region(self) -> Settings:
        RegionScope(self.home_region)  # raises on a malformed code
        return self

    @model_validator(mode="after")
    def _refuse_weak_configuration(self) -> Settings:
        if self.environment != "production":
            return self
        problems = wecom_half_configured(self) + _weak_secrets(self)
        if problems:
            raise ValueError("refusing to start: " + "; ".join(problems))
        return self


_WECOM_NAMES = {
    "wecom_corp_id": "WECOM_CORP_ID",
    "wecom_agent_id": "WECOM_AGENT_ID",
    "wecom_token": "WECOM_TOKEN",
    "wecom_aes_key": "WECOM_AES_KEY",
    "wecom_secret": "WECOM_SECRET",
}


def _text(value: str | SecretStr) -> str:
    return (value.get_secret_value() if isinstance(value, SecretStr) else value).strip()


def _wecom_missing(settings: Settings) -> list[str]:
    return [env for name, env in _WECOM_NAMES.items() if not _text(getattr(settings, name))]


def wecom_half_configured(settings: Settings) -> list[str]:
    """Some WECOM_* set and others empty: `/wecom` would silently not be mounted."""
    missing = _wecom_missing(settings)
    if not missing or len(missing) == len(_WECOM_NAMES):
        return []
    return [
        "the WeCom staff app is half configured: "
        + ", ".join(missing)
        + " empty (set every WECOM_* value, or none)"
    ]


def weakness(value: str, *, minimum: int = MIN_SECRET_LENGTH) -> str | None:
    """Why `value` is no secret (empty, known, documentation, short, repetitive), or None."""
    text = value.strip()
    if not text:
        return "empty"
    if text.lower() in PLACEHOLDER_SECRETS or text.lower().startswith("development"):
        return "a placeholder or development value"
    if text in DOCUMENTATION_SECRETS:
        return "the public WeChat/WeCom documentation sample value"
    if len(text) < minimum:
        return f"shorter than {minimum} characters"
    if len(set(text)) < 6:
        return "too few distinct characters"
    return None


def _weak_secrets(settings: Settings) -> list[str]:
    checks: list[tuple[str, str, int]] = [
        ("ZWBOT_HASH_KEY", _text(settings.hash_key), MIN_SECRET_LENGTH),
        ("WECHAT_TOKEN", _text(settings.wechat_token), MIN_SECRET_LENGTH),
        ("WECHAT_APP_SECRET", _text(settings.wechat_app_secret), MIN_SECRET_LENGTH),
        ("WECHAT_AES_KEY", _text(settings.wechat_aes_key), AES_KEY_LENGTH),
    ]
    if settings.wecom_configured():
        checks += [
            ("WECOM_TOKEN", _text(settings.wecom_token), MIN_SECRET_LENGTH),
            ("WECOM_SECRET", _text(settings.wecom_secret), MIN_SECRET_LENGTH),
            ("WECOM_AES_KEY", _text(settings.wecom_aes_key), AES_KEY_LENGTH),
        ]
    problems = []
    for env, value, minimum in checks:
        why = weakness(value, minimum=minimum)
        if why is None and minimum == AES_KEY_LENGTH and len(value) != AES_KEY_LENGTH:
            why = f"not {AES_KEY_LENGTH} characters long"
        if why is not None:
            problems.append(f"{env} is {why}")
    app_id = settings.wechat_app_id.strip()
    if app_id in ("", DEV_WECHAT_APP_ID) or app_id in DOCUMENTATION_IDS:
        problems.append("WECHAT_APP_ID is empty, the development value or a documentation sample")
    if settings.wecom_corp_id.strip() in DOCUMENTATION_IDS:
        problems.append("WECOM_CORP_ID is a documentation sample")
    problems += _weak_audit_key(settings)
    return problems


def _weak_audit_key(settings: Settings) -> list[str]:
    env = "ZWBOT_AUDIT_KEY_FILE" if settings.audit_key_file is not None else "ZWBOT_AUDIT_KEY"
    if settings.audit_key_file is None and not _text(settings.audit_key):
        return ["ZWBOT_AUDIT_KEY (or ZWBOT_AUDIT_KEY_FILE) is empty"]
    try:
        key = settings.audit_key_bytes().decode("utf-8", errors="replace")
    except ValueError as error:
        return [str(error)]
    why = weakness(key, minimum=MIN_AUDIT_KEY_BYTES)
    return [f"{env} is {why}"] if why else []


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own `Settings(...)` instead)."""
    return Settings()
