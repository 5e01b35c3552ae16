"""Keyed hashes of citizens' openids: stored and logged instead of the raw id."""

from __future__ import annotations

import functools
import hashlib
import hmac

from handlers.settings import Settings, get_settings

HASH_CACHE_SIZE = 4096


@functools.lru_cache(maxsize=HASH_CACHE_SIZE)
def keyed_hash(value: str, key: str) -> str:
    """HMAC-SHA256 of `value` under `key`, 64 hex characters (fits the `*_hash` columns).

    The last `HASH_CACHE_SIZE` are remembered: a citizen's openid is hashed for every
    message (logs, rate limit, staff check), and a conversation is several messages."""
    return hmac.new(key.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()


def openid_hash(openid: str, settings: Settings | None = None) -> str:
    """The stored form of an openid: stable for one `ZWBOT_HASH_KEY`, useless without it."""
    settings = settings or get_settings()
    return keyed_hash(openid, settings.hash_key.get_secret_value())
