"""Backups and restores of the catalogue database: SQLite online copy, pg_dump/pg_restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
# pg_dump of a county catalogue takes seconds; a hung server must not hang the caller forever.
PG_TIMEOUT_SECONDS = 600


class BackupError(Exception):
    """A backup or restore could not be made; the message says why."""


def default_backup_path(url: str, folder: Path, now: datetime) -> Path:
    """`zwbot-YYYYmmdd-HHMMSS.sqlite3` or `.pgdump` in `folder`, by database kind."""
    suffix = ".sqlite3" if _backend(make_url(url)) == "sqlite" else ".pgdump"
    return folder / f"zwbot-{now:%Y%m%d-%H%M%S}{suffix}"


def backup(url: str, output: Path) -> Path:
    """Write a consistent copy of the database at `url` to `output` while it stays online."""
    parsed = make_url(url)
    output.parent.mkdir(parents=True, exist_ok=True)
    if _backend(parsed) == "sqlite":
        _sqlite_copy(_sqlite_path(parsed), output, standalone=True)
    else:
        partial = output.with_name(output.name + ".partial")
        _run_pg(["pg_dump", "--format=custom", "--no-owner", "--file", str(partial)], parsed)
        partial.replace(output)  # a killed dump never leaves a file that looks complete
    return output


def restore(url: str, source: Path) -> None:
    """Replace the content of the database at `url` with the backup `source`."""
    parsed = make_url(url)
    if not source.is_file():
        raise BackupError(f"backup file {source} does not exist")
    head = _head(source)
    if _backend(parsed) == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            raise BackupError(f"{source} is not an SQLite backup")
        _check_sqlite(source)
        _sqlite_copy(source, _sqlite_path(parsed))
        return
    if not head.startswith(PG_CUSTOM_MAGIC):
        raise BackupError(f"{source} is not a pg_dump custom-format backup")
    # One transaction: a failing restore leaves the database as it was.
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges"]
    _run_pg([*command, "--single-transaction", "--exit-on-error", str(source)], parsed)


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(16)


def _backend(url: URL) -> str:
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {backend}")
    return backend


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path, *, standalone: bool = False) -> None:
    """The sqlite3 online backup API: page by page, consistent, writers keep working."""
    if not source.is_file():
        raise BackupError(f"SQLite database {source} does not exist")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
        if standalone:  # one self-contained file, no -wal/-shm beside it
            dst.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:
        raise BackupError(f"SQLite copy {source} → {target} failed: {error}") from error
    finally:
        dst.close()
        src.close()


def _check_sqlite(path: Path) -> None:
    connection = sqlite3.connect(path)
    try:
        (verdict,) = connection.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database: {error}") from error
    finally:
        connection.close()
    if verdict != "ok":
        raise BackupError(f"{path} fails the SQLite integrity check: {verdict}")


def _run_pg(command: list[str], url: URL) -> None:
    """Run a PostgreSQL client tool; the password goes by environment, not the command line."""
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools)")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    try:
        finished = subprocess.run(
            [program, "--dbname", libpq, *command[1:]],
            env=env,
            capture_output=True,
            text=True,
            timeout=PG_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BackupError(f"{command[0]} took longer than {PG_TIMEOUT_SECONDS} s") from error
    if finished.returncode != 0:
        raise BackupError(f"{command[0]} failed ({finished.returncode}): {finished.stderr.strip()}")
