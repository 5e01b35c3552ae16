"""Keyed hashes of openids: stable per key, remembered for the last few thousand."""

from __future__ import annotations

import hashlib
import hmac

from handlers.guards.privacy import HASH_CACHE_SIZE, keyed_hash


def test_the_keyed_hash_is_hmac_sha256_and_remembered_within_bounds() -> None:
    expected = hmac.new(b"k1", b"o_user", hashlib.sha256).hexdigest()
    assert keyed_hash("o_user", "k1") == expected
    hits = keyed_hash.cache_info().hits
    assert keyed_hash("o_user", "k1") == expected
    assert keyed_hash.cache_info().hits == hits + 1
    assert keyed_hash("o_user", "k2") != expected  # another key, another hash
    for n in range(HASH_CACHE_SIZE + 10):
        keyed_hash(f"o_{n}", "k1")
    assert keyed_hash.cache_info().currsize == HASH_CACHE_SIZE
