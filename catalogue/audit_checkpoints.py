"""Signed checkpoints of the audit chain's head, kept outside the database.

A checkpoint line records the head (sequence number and hash), where the chain was last
purged and where it became keyed, and carries an HMAC under the audit key. Lines are only ever
appended to a file (opened O_APPEND, mode 0600) and are also sent to the administrators, so a
database administrator who empties the audit tables or cuts entries off the chain's end cannot
make `verify` pass against the last checkpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from catalogue.audit import HeadState

VERSION = 1


class CheckpointFileError(ValueError):
    """The checkpoint file holds a line that is not a checkpoint signed with the audit key."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain's head at a moment, signed."""

    at: datetime
    head: HeadState

    def body(self) -> dict[str, Any]:
        """The signed fields, in a fixed form."""
        return {
            "v": VERSION,
            "at": self.at.astimezone(UTC).isoformat(timespec="seconds"),
            "seq": self.head.seq,
            "hash": self.head.last_hash,
            "purged_through": self.head.purged_through,
            "anchor_hash": self.head.anchor_hash,
            "keyed_from": self.head.keyed_from,
        }


def _mac(body: dict[str, Any], key: bytes) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hmac.new(key, b"checkpoint:" + canonical, hashlib.sha256).hexdigest()


def signed_line(checkpoint: Checkpoint, key: bytes) -> str:
    """One JSON line with the checkpoint and its HMAC (no newline)."""
    body = checkpoint.body()
    return json.dumps({**body, "mac": _mac(body, key)}, sort_keys=True, separators=(",", ":"))


def parse_line(line: str, key: bytes) -> Checkpoint:
    """A checkpoint from its line; raises `CheckpointFileError` when it is not validly signed."""
    try:
        data = json.loads(line)
        mac = str(data.pop("mac"))
        head = HeadState(
            seq=int(data["seq"]),
            last_hash=str(data["hash"]),
            purged_through=int(data["purged_through"]),
            anchor_hash=str(data["anchor_hash"]),
            keyed_from=int(data["keyed_from"]),
        )
        at = datetime.fromisoformat(str(data["at"]))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise CheckpointFileError(f"not a checkpoint line: {error}") from error
    if not hmac.compare_digest(mac, _mac(data, key)):
        raise CheckpointFileError("signature does not match the audit key")
    return Checkpoint(at, head)


def append(path: Path, line: str) -> None:
    """Append one line durably; the file is created owner-only and never rewritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (line + "\n").encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@dataclass(frozen=True, slots=True)
class CheckpointFile:
    """What the checkpoint file says: its last valid checkpoint, and any line that is not one."""

    last: Checkpoint | None
    bad_lines: tuple[int, ...]


def read(path: Path, key: bytes) -> CheckpointFile:
    """The last validly signed checkpoint of `path` (none when the file does not exist)."""
    if not path.exists():
        return CheckpointFile(None, ())
    last: Checkpoint | None = None
    bad: list[int] = []
    with path.open(encoding="utf-8", errors="replace") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                checkpoint = parse_line(line, key)
            except CheckpointFileError:
                bad.append(number)
                continue
            if last is None or checkpoint.head.seq >= last.head.seq:
                last = checkpoint
            else:  # a later line with an older head: the chain went back between checkpoints
                bad.append(number)
    return CheckpointFile(last, tuple(bad))
