"""Which openids are bound to active staff: a per-process set, so a citizen's message needs
no staff query before it reaches the citizen routers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import StaffMember
from handlers.db.changes import CHANGES, Changes

TABLE = "staff_members"


class BoundOpenids:
    """The keyed hashes of openids bound to active staff, re-read when `staff_members` changes.

    Only a hash in the set is looked up in the database (which stays the authority: a
    deactivated member is refused at once). A binding made in this process counts from its
    commit, one made by `zwbot staff bind` or another worker within
    `handlers.db.changes.POLL_SECONDS` (while `ChangeWatcher` runs)."""

    def __init__(self, changes: Changes = CHANGES) -> None:
        self.changes = changes
        self._hashes: frozenset[str] | None = None
        self._generation = -1

    async def may_be_staff(self, session: AsyncSession, digest: str) -> bool:
        """Whether `digest` is bound to an active member as far as this process knows."""
        generation = self.changes.generation(TABLE)
        if self._hashes is not None and generation == self._generation:
            return digest in self._hashes
        rows = await session.scalars(
            select(StaffMember.openid_hash).where(
                StaffMember.active.is_(True), StaffMember.openid_hash.is_not(None)
            )
        )
        hashes = frozenset(h for h in rows if h)
        if self.changes.generation(TABLE) == generation:  # not changed while reading
            self._hashes, self._generation = hashes, generation
        return digest in hashes
