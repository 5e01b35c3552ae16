"""Backups and restores of the catalogue database: SQLite online copy, pg_dump/pg_restore.

A backup holds everything, staff TOTP secrets and citizens' tickets included, so it is written
encrypted (Fernet: AES-128-CBC with HMAC-SHA256, from the `cryptography` package) with a key
kept outside the database and the backup folder, and readable by its owner only (0600).
A restore replaces the live database only when nothing uses it, and never lets a ticket or
change-request number that was already handed out be handed out again.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.engine import URL, make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
ENVELOPE_MAGIC = b"ZWBOT-BACKUP-1\n"  # then one Fernet token of the database copy
# pg_dump of a county catalogue takes seconds; a hung server must not hang the caller forever.
PG_TIMEOUT_SECONDS = 600
# Numbers told to people: tickets to citizens (工单号), change requests to staff (#12).
NUMBERED_TABLES = ("tickets", "change_requests")
OWNER_ONLY = 0o600


class BackupError(Exception):
    """A backup or restore could not be made; the message says why."""


def new_key() -> str:
    """A fresh backup key (for `ZWBOT_BACKUP_KEY`)."""
    return Fernet.generate_key().decode("ascii")


def _fernet(key: str) -> Fernet:
    if not key:
        raise BackupError(
            "ZWBOT_BACKUP_KEY is not set: backups are encrypted. Create a key with "
            "`zwbot backup --new-key`, keep it outside the backup folder, and set it."
        )
    try:
        return Fernet(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise BackupError(
            "ZWBOT_BACKUP_KEY is not a backup key (32 url-safe base64-encoded bytes); "
            "create one with `zwbot backup --new-key`"
        ) from error


def default_backup_path(url: str, folder: Path, now: datetime) -> Path:
    """`zwbot-YYYYmmdd-HHMMSS.sqlite3.enc` or `.pgdump.enc` in `folder`, by database kind."""
    suffix = ".sqlite3" if _backend(make_url(url)) == "sqlite" else ".pgdump"
    return folder / f"zwbot-{now:%Y%m%d-%H%M%S}{suffix}.enc"


@contextmanager
def _private_folder(near: Path) -> Iterator[Path]:
    """A temporary folder only the owner can read, on the same file system as `near`."""
    near.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".zwbot-", dir=near) as folder:
        os.chmod(folder, 0o700)
        yield Path(folder)


def _write_private(path: Path, data: bytes) -> None:
    """`data` to `path`, owner-only from its first byte; a killed write leaves no such file."""
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(partial, OWNER_ONLY)  # an existing partial file keeps its old mode otherwise
    partial.replace(path)


def backup(url: str, output: Path, key: str) -> Path:
    """Write an encrypted, owner-only copy of the database at `url` while it stays online."""
    parsed = make_url(url)
    fernet = _fernet(key)
    with _private_folder(output.parent) as folder:
        plain = folder / "copy"
        if _backend(parsed) == "sqlite":
            _sqlite_copy(_sqlite_path(parsed), plain, standalone=True)
        else:
            _run_pg(["pg_dump", "--format=custom", "--no-owner", "--file", str(plain)], parsed)
        _write_private(output, ENVELOPE_MAGIC + fernet.encrypt(plain.read_bytes()))
    return output


def restore(url: str, source: Path, key: str) -> None:
    """Replace the content of the database at `url` with the backup `source`.

    Refused while the database is in use (a server, worker or command connected to it): stop
    `zwbot serve` first. Ticket and change-request numbers continue after the highest one the
    replaced database had handed out, so no number reaches a second person."""
    parsed = make_url(url)
    if not source.is_file():
        raise BackupError(f"backup file {source} does not exist")
    with _private_folder(source.parent) as folder:
        plain = _decrypted(source, key, folder / "copy")
        head = _head(plain)
        if _backend(parsed) == "sqlite":
            if not head.startswith(SQLITE_MAGIC):
                raise BackupError(f"{source} is not an SQLite backup")
            _check_sqlite(plain)
            target = _sqlite_path(parsed)
            with _sqlite_exclusive(target):
                floors = _sqlite_floors(target)
                _sqlite_copy(plain, target)
                _sqlite_raise_floors(target, floors)
            return
        if not head.startswith(PG_CUSTOM_MAGIC):
            raise BackupError(f"{source} is not a pg_dump custom-format backup")
        _refuse_pg_in_use(parsed)
        floors = _pg_floors(parsed)
        # One transaction: a failing restore leaves the database as it was.
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges"]
        _run_pg([*command, "--single-transaction", "--exit-on-error", str(plain)], parsed)
        _pg_raise_floors(parsed, floors)


def _decrypted(source: Path, key: str, target: Path) -> Path:
    data = source.read_bytes()
    if not data.startswith(ENVELOPE_MAGIC):
        raise BackupError(
            f"{source} is not an encrypted zwbot backup: restore only files that "
            "`zwbot backup` wrote"
        )
    try:
        plain = _fernet(key).decrypt(data[len(ENVELOPE_MAGIC) :])
    except InvalidToken as error:
        raise BackupError(
            f"{source} cannot be decrypted with ZWBOT_BACKUP_KEY: wrong key, or the file was "
            "changed or cut short"
        ) from error
    _write_private(target, plain)
    return target


# --- in use --------------------------------------------------------------------------------


def in_use_path(database: Path) -> Path:
    """The lock file beside an SQLite database that every process using it holds shared."""
    return database.with_name(database.name + ".inuse")


@contextmanager
def sqlite_in_use(database: Path) -> Iterator[None]:
    """Mark the SQLite database as used by this process for the block (a shared lock)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    with in_use_path(database).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _sqlite_exclusive(database: Path) -> Iterator[None]:
    database.parent.mkdir(parents=True, exist_ok=True)
    with in_use_path(database).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(
                f"the database {database} is in use (zwbot serve or another zwbot command is "
                "running): stop it, then restore"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# Connections closed just before a restore (a service stopped) leave the server a moment
# later: seconds to wait for them, and how often to look.
LEAVING_SECONDS = 3.0
LEAVING_POLL = 0.2


def _refuse_pg_in_use(url: URL) -> None:
    deadline = time.monotonic() + LEAVING_SECONDS
    while True:
        others = _psql(
            url,
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        if not others or int(others) == 0 or time.monotonic() >= deadline:
            break
        time.sleep(LEAVING_POLL)
    if others and int(others) > 0:
        raise BackupError(
            f"the database {url.database} is in use ({others} other connections: zwbot serve, "
            "a worker or another client): stop them, then restore"
        )


# --- numbers never handed out twice ---------------------------------------------------------


def _sqlite_floors(database: Path) -> dict[str, int]:
    """The highest number each numbered table of the live database has handed out."""
    if not database.is_file():
        return {}
    connection = sqlite3.connect(database, timeout=30)
    try:
        floors = {}
        for table in NUMBERED_TABLES:
            try:
                (highest,) = connection.execute(
                    f"SELECT coalesce(max(id), 0) FROM {table}"
                ).fetchone()
            except sqlite3.OperationalError:
                continue  # not migrated yet: nothing handed out
            floors[table] = int(highest)
        try:
            for name, seq in connection.execute("SELECT name, seq FROM sqlite_sequence"):
                if name in floors:
                    floors[name] = max(floors[name], int(seq))
        except sqlite3.OperationalError:
            pass  # no AUTOINCREMENT table yet
        return floors
    finally:
        connection.close()


def _sqlite_raise_floors(database: Path, floors: dict[str, int]) -> None:
    connection = sqlite3.connect(database, timeout=30)
    try:
        with connection:
            for table, floor in floors.items():
                updated = connection.execute(
                    "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (floor, table)
                ).rowcount
                if not updated:
                    connection.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, floor)
                    )
    except sqlite3.OperationalError as error:
        raise BackupError(
            f"restored, but the numbers could not be protected ({error}): run `zwbot db upgrade` "
            "and restore again"
        ) from error
    finally:
        connection.close()


def _pg_floors(url: URL) -> dict[str, int]:
    floors = {}
    for table in NUMBERED_TABLES:
        found = _psql(
            url,
            f"SELECT CASE WHEN to_regclass('{table}') IS NULL THEN NULL ELSE "
            f"(SELECT greatest(coalesce(max(id), 0), "
            f"(SELECT last_value FROM {table}_id_seq)) FROM {table}) END",
            quiet_errors=True,
        )
        if found:
            floors[table] = int(found)
    return floors


def _pg_raise_floors(url: URL, floors: dict[str, int]) -> None:
    for table, floor in floors.items():
        _psql(
            url,
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"greatest({int(floor)}, (SELECT coalesce(max(id), 0) FROM {table}), 1))",
        )


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


def _psql(url: URL, sql: str, *, quiet_errors: bool = False) -> str:
    """One value of one query, through `psql` (the password by environment)."""
    try:
        return _run_pg(["psql", "--no-psqlrc", "--tuples-only", "--no-align", "-c", sql], url)
    except BackupError:
        if quiet_errors:
            return ""
        raise


def _run_pg(command: list[str], url: URL) -> str:
    """Run a PostgreSQL client tool; the password goes by environment, not the command line.
    Its standard output, stripped."""
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
    return finished.stdout.strip()
