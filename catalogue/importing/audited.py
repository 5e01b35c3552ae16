"""A file import as an administrator's act: who, which file (its SHA-256), how many records.

Loading a list from the command line bypasses the staff channel's review, so it is allowed
only to a named, active, unlocked administrator account and always leaves an audit entry in
the same transaction as the data: the account, the file and its digest, the counts, and
whether it was the initial publication of a catalogue. The import rules themselves (all or
nothing, published records never changed, publishing only as a catalogue's first load,
completeness) are those of `catalogue.importing`, whichever path calls them.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import audit
from catalogue.importing.options import COMPLETENESS_RULE, MissingFields
from catalogue.importing.report import ImportReport
from catalogue.importing.runner import import_file, kind_of
from catalogue.importing.tables import DEFAULT_LIMITS, TableLimits
from catalogue.models import Role, StaffMember
from catalogue.staff import UnknownStaffError, get_staff, is_locked

_CHUNK = 1 << 20


class Refused(enum.StrEnum):
    """Why a named account may not load lists from the command line."""

    UNKNOWN = "unknown"  # no such staff account
    DISABLED = "disabled"
    LOCKED = "locked"  # too many wrong second-factor codes; unlocked by an administrator
    NOT_ADMIN = "not_admin"  # other staff import through the staff channel, as drafts


class ImportRefusedError(PermissionError):
    """The account named `account` may not load lists, `why` (the CLI words it)."""

    def __init__(self, account: str, why: Refused) -> None:
        super().__init__(f"{account}: {why.value}")
        self.account = account
        self.why = why


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


async def administrator(session: AsyncSession, wecom_user_id: str) -> StaffMember:
    """The active, unlocked administrator account named on the command line."""
    try:
        staff = await get_staff(session, wecom_user_id.strip())
    except UnknownStaffError:
        raise ImportRefusedError(wecom_user_id, Refused.UNKNOWN) from None
    if not staff.active:
        raise ImportRefusedError(wecom_user_id, Refused.DISABLED)
    if is_locked(staff):
        raise ImportRefusedError(wecom_user_id, Refused.LOCKED)
    if staff.role != Role.ADMIN.value:
        raise ImportRefusedError(wecom_user_id, Refused.NOT_ADMIN)
    return staff


@dataclass(frozen=True)
class AuditedImport:
    """The report of one file and the digest that was recorded."""

    report: ImportReport
    sha256: str


async def import_file_as(
    session: AsyncSession,
    staff: StaffMember,
    kind: str,
    path: Path,
    *,
    publish: bool = False,
    command: str = "",
    missing_fields: MissingFields = COMPLETENESS_RULE,
    limits: TableLimits = DEFAULT_LIMITS,
) -> AuditedImport:
    """Import one file for `staff` (an administrator, see `administrator`) and, when it
    imported without error, append the audit entry in the same transaction."""
    digest = file_sha256(path) if path.is_file() else ""
    report = await import_file(
        session, kind, path, publish=publish, missing_fields=missing_fields, limits=limits
    )
    if report.ok:
        await audit.append(
            session,
            audit.Record(
                actor=staff.wecom_user_id,
                role=staff.role,
                action=f"import.{kind_of(kind).name}" + (".publish" if publish else ""),
                target=path.name[:64],
                command=command,
                after={
                    "file": str(path),
                    "sha256": digest,
                    "records": report.rows,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "published": report.published,
                    "drafts": report.drafts,
                    "rejected": len(report.rejected),
                    "initial_load": publish,
                },
                result="ok",
            ),
        )
    return AuditedImport(report, digest)
