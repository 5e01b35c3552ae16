"""The official accounts of a deployment as data: checked, stored with sealed secrets, listed.

A province or city hosts its counties' accounts in one deployment; each account answers for
its own home region (`catalogue.scope`). The token, EncodingAESKey and AppSecret are sealed
with Fernet (AES-128-CBC with HMAC-SHA256, `cryptography`) under a key the deployment keeps
outside the database (`ZWBOT_ACCOUNT_KEY`); nothing here ever returns them in a listing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import OfficialAccount, Region
from catalogue.scope import ALL_REGIONS, RegionScope, RegionScopeError

# The path segment `/wechat/<name>`: lower-case letters, digits and dashes.
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
APP_ID_PATTERN = re.compile(r"^wx[0-9A-Za-z]{14,30}$")
ORIGINAL_ID_PATTERN = re.compile(r"^gh_[0-9A-Za-z]{6,40}$")
# WeChat allows a token of 3–32 letters or digits; fewer than 16 are guessable, as production
# refuses for WECHAT_TOKEN. An EncodingAESKey is 43 letters or digits.
TOKEN_PATTERN = re.compile(r"^[0-9A-Za-z]{16,32}$")
AES_KEY_PATTERN = re.compile(r"^[0-9A-Za-z]{43}$")
URL_PATTERN = re.compile(r"^https?://[^\s/]+(/\S*)?$")
# Names an account may not take: the single-account setting is served at `/wechat` as `default`.
RESERVED_NAMES = frozenset({"default"})


class AccountError(ValueError):
    """An account that cannot be added or changed; the message says precisely why."""


def new_key() -> str:
    """A fresh key for `ZWBOT_ACCOUNT_KEY` (url-safe base64 of 32 random bytes)."""
    return Fernet.generate_key().decode("ascii")


class SecretBox:
    """Seals and opens account secrets with the deployment's key."""

    def __init__(self, key: str) -> None:
        if not key.strip():
            raise AccountError(
                "ZWBOT_ACCOUNT_KEY is empty: create one with `zwbot account new-key` and keep "
                "it outside the database"
            )
        try:
            self._fernet = Fernet(key.strip().encode("ascii"))
        except (ValueError, UnicodeEncodeError) as error:
            raise AccountError(
                "ZWBOT_ACCOUNT_KEY is not a key of `zwbot account new-key` "
                "(44 url-safe base64 characters)"
            ) from error

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode("utf-8")).decode("ascii") if secret else ""

    def open(self, sealed: str, *, what: str) -> str:
        if not sealed:
            return ""
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError) as error:
            raise AccountError(
                f"{what} cannot be opened with ZWBOT_ACCOUNT_KEY (another key sealed it)"
            ) from error


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """What `add` needs (secrets in clear: they are sealed before they are stored)."""

    name: str
    app_id: str
    original_id: str
    home_region: str
    token: str
    aes_key: str
    secret: str = ""
    title: str = ""
    welcome: str = ""
    menu: dict[str, Any] | None = None
    template_ids: dict[str, str] = field(default_factory=dict)
    public_base_url: str = ""
    staff_channel: str = ""


@dataclass(frozen=True, slots=True)
class AccountKeys:
    """An active account with its secrets opened: what a worker serves it with."""

    name: str
    title: str
    app_id: str
    original_id: str
    home_region: str
    token: str
    aes_key: str
    secret: str
    welcome: str
    menu: dict[str, Any] | None
    template_ids: dict[str, str]
    public_base_url: str
    staff_channel: str

    def __repr__(self) -> str:  # never the secrets, in a log or a traceback
        return f"AccountKeys(name={self.name!r}, app_id={self.app_id!r})"


STAFF_USER_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


def staff_users(channel: str) -> list[str]:
    """The WeCom UserIDs of an account's staff channel (`zhangsan|lisi`, commas and spaces
    also separate): told of the account's new tickets instead of the duty staff."""
    return [user for user in re.split(r"[|,\s]+", channel) if user]


def check_spec(spec: AccountSpec) -> None:
    """Raise `AccountError` naming the first field that is wrong."""
    checks: list[tuple[bool, str]] = [
        (
            bool(NAME_PATTERN.match(spec.name)) and spec.name not in RESERVED_NAMES,
            f"name {spec.name!r}: 2–32 lower-case letters, digits or dashes, starting with a "
            "letter, not 'default'",
        ),
        (
            bool(APP_ID_PATTERN.match(spec.app_id)),
            f"appid {spec.app_id!r}: wx and 14–30 letters or digits",
        ),
        (
            bool(ORIGINAL_ID_PATTERN.match(spec.original_id)),
            f"original id {spec.original_id!r}: gh_ and 6–40 letters or digits",
        ),
        (
            bool(TOKEN_PATTERN.match(spec.token)),
            "token: 16–32 letters or digits (WeChat allows 3–32; shorter ones are guessable)",
        ),
        (bool(AES_KEY_PATTERN.match(spec.aes_key)), "EncodingAESKey: 43 letters or digits"),
        (
            not spec.public_base_url or bool(URL_PATTERN.match(spec.public_base_url)),
            f"public base URL {spec.public_base_url!r}: http(s)://host[/path]",
        ),
    ]
    for ok, problem in checks:
        if not ok:
            raise AccountError(problem)
    if spec.home_region == ALL_REGIONS:
        raise AccountError("home region '*' serves every region: never for an account")
    try:
        RegionScope(spec.home_region)
    except RegionScopeError as error:
        raise AccountError(str(error)) from error
    for user in staff_users(spec.staff_channel):
        if not STAFF_USER_PATTERN.match(user):
            raise AccountError(
                f"staff channel {user!r}: WeCom UserIDs (letters, digits, _ . @ -) joined by |"
            )
    for purpose, template in spec.template_ids.items():
        if not purpose.strip() or not str(template).strip():
            raise AccountError(f"template id {purpose!r}={template!r}: purpose=id, both given")


async def add_account(session: AsyncSession, spec: AccountSpec, box: SecretBox) -> OfficialAccount:
    """Check and store a new account (not committed); refuses a name, appid or original id
    already used and a home region the regions table does not know."""
    check_spec(spec)
    if await session.get(Region, spec.home_region) is None:
        raise AccountError(
            f"home region {spec.home_region} is not in the regions table "
            "(import the region's catalogue or regions first)"
        )
    for column, value, what in (
        (OfficialAccount.name, spec.name, "name"),
        (OfficialAccount.app_id, spec.app_id, "appid"),
        (OfficialAccount.original_id, spec.original_id, "original id"),
    ):
        taken = await session.scalar(select(OfficialAccount.name).where(column == value))
        if taken is not None:
            raise AccountError(f"{what} {value!r} is already used by account {taken!r}")
    account = OfficialAccount(
        name=spec.name,
        title=spec.title,
        app_id=spec.app_id,
        original_id=spec.original_id,
        home_region=spec.home_region,
        token_sealed=box.seal(spec.token),
        aes_key_sealed=box.seal(spec.aes_key),
        secret_sealed=box.seal(spec.secret),
        welcome=spec.welcome,
        menu=spec.menu,
        template_ids=dict(spec.template_ids),
        public_base_url=spec.public_base_url.rstrip("/"),
        staff_channel=spec.staff_channel,
        active=True,
    )
    session.add(account)
    await session.flush()
    return account


async def list_accounts(session: AsyncSession) -> list[OfficialAccount]:
    """Every account, by name (secrets stay sealed)."""
    return list(await session.scalars(select(OfficialAccount).order_by(OfficialAccount.name)))


async def set_active(session: AsyncSession, name: str, active: bool) -> OfficialAccount:
    """Disable (or enable again) the account `name` (not committed)."""
    account = await session.scalar(select(OfficialAccount).where(OfficialAccount.name == name))
    if account is None:
        raise AccountError(f"no account named {name!r}")
    account.active = active
    await session.flush()
    return account


def open_account(account: OfficialAccount, box: SecretBox) -> AccountKeys:
    """The account with its secrets opened."""
    return AccountKeys(
        name=account.name,
        title=account.title,
        app_id=account.app_id,
        original_id=account.original_id,
        home_region=account.home_region,
        token=box.open(account.token_sealed, what=f"token of {account.name}"),
        aes_key=box.open(account.aes_key_sealed, what=f"EncodingAESKey of {account.name}"),
        secret=box.open(account.secret_sealed, what=f"AppSecret of {account.name}"),
        welcome=account.welcome,
        menu=account.menu,
        template_ids={str(k): str(v) for k, v in (account.template_ids or {}).items()},
        public_base_url=account.public_base_url,
        staff_channel=account.staff_channel,
    )


@dataclass(frozen=True, slots=True)
class ActiveAccounts:
    """The active accounts opened, and those whose secrets could not be (name → why)."""

    opened: list[AccountKeys]
    unopenable: dict[str, str]


async def active_accounts(session: AsyncSession, box: SecretBox) -> ActiveAccounts:
    """Every active account with its secrets opened, by name; one that cannot be opened is
    named in `unopenable` rather than failing the others."""
    rows = await session.scalars(
        select(OfficialAccount)
        .where(OfficialAccount.active.is_(True))
        .order_by(OfficialAccount.name)
    )
    opened: list[AccountKeys] = []
    unopenable: dict[str, str] = {}
    for row in rows:
        try:
            opened.append(open_account(row, box))
        except AccountError as error:
            unopenable[row.name] = str(error)
    return ActiveAccounts(opened, unopenable)
