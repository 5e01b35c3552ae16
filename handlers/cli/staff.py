"""`zwbot staff add|list|disable|bind|enrol|unlock`: the staff registry (every change is
audited)."""

from __future__ import annotations

import asyncio
import getpass
from typing import Annotated

import typer

from catalogue import audit
from catalogue import staff as registry
from handlers.db.database import open_database
from handlers.guards.privacy import openid_hash
from handlers.settings import get_settings

staff_app = typer.Typer(help="Staff accounts of the WeCom staff app.", no_args_is_help=True)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"[:64]


def _fail(error: Exception) -> typer.Exit:
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(1)


@staff_app.command("add")
def add(
    user_id: Annotated[str, typer.Argument(help="WeCom UserID of the staff member.")],
    name: Annotated[str, typer.Option("--name", help="Real name.")],
    role: Annotated[
        str,
        typer.Option(
            "--role",
            help="clerk, review, legal, finance, poverty, approver, admin or auditor.",
        ),
    ],
    department: Annotated[
        str | None, typer.Option("--department", help="Department name or id (clerks).")
    ] = None,
) -> None:
    """Register a staff member; prints the TOTP enrolment URI once for second-factor roles."""

    async def run() -> registry.NewAccount:
        async with open_database() as (_, sessions), sessions() as session:
            parsed = registry.parse_role(role)
            dept = await registry.find_department(session, department) if department else None
            account = await registry.add_staff(
                session, wecom_user_id=user_id, name=name, role=parsed, department=dept
            )
            await audit.append(
                session,
                audit.Record(
                    actor=_actor(),
                    role="admin",
                    action="staff.add",
                    target=user_id,
                    command=f"staff add {user_id} --role {parsed.value}",
                    after={"role": parsed.value, "department": dept.name if dept else ""},
                    result="ok",
                ),
            )
            await session.commit()
            return account

    try:
        account = asyncio.run(run())
    except registry.StaffError as error:
        raise _fail(error) from error
    typer.echo(f"added {user_id} ({account.staff.role})")
    if account.totp_uri:
        typer.echo("TOTP enrolment (scan once with an authenticator app, then keep it secret):")
        typer.echo(account.totp_uri)


@staff_app.command("list")
def list_(
    active_only: Annotated[bool, typer.Option("--active", help="Only active accounts.")] = False,
) -> None:
    """Every staff account: UserID, role, department, state."""

    async def run() -> list[str]:
        async with open_database() as (_, sessions), sessions() as session:
            rows = await registry.list_staff(session, include_inactive=not active_only)
            return [
                "\t".join(
                    [
                        s.wecom_user_id,
                        s.name,
                        s.role,
                        s.department.name if s.department else "-",
                        "active" if s.active else "disabled",
                        "bound" if s.openid_hash else "-",
                        "locked" if registry.is_locked(s) else "",
                    ]
                ).rstrip()
                for s in rows
            ]

    for line in asyncio.run(run()):
        typer.echo(line)


def _change(user_id: str, action: str, command: str, openid: str | None = None) -> None:
    async def run() -> None:
        async with open_database() as (_, sessions), sessions() as session:
            if openid is None:
                await registry.disable_staff(session, user_id)
            else:
                await registry.bind_openid(session, user_id, openid_hash(openid, get_settings()))
            await audit.append(
                session,
                audit.Record(
                    actor=_actor(),
                    role="admin",
                    action=action,
                    target=user_id,
                    command=command,
                    result="ok",
                ),
            )
            await session.commit()

    try:
        asyncio.run(run())
    except registry.StaffError as error:
        raise _fail(error) from error


@staff_app.command("disable")
def disable(user_id: Annotated[str, typer.Argument(help="WeCom UserID.")]) -> None:
    """Disable an account at once (it is kept for the audit trail)."""
    _change(user_id, "staff.disable", f"staff disable {user_id}")
    typer.echo(f"disabled {user_id}")


@staff_app.command("bind")
def bind(
    user_id: Annotated[str, typer.Argument(help="WeCom UserID.")],
    openid: Annotated[str, typer.Argument(help="The member's official-account openid.")],
) -> None:
    """Let the member use the staff commands on the official account too."""
    _change(user_id, "staff.bind", f"staff bind {user_id}", openid)
    typer.echo(f"bound {user_id} to an official-account openid")


def _account_action(user_id: str, action: str, command: str) -> str | None:
    """Enrol a new TOTP secret (returns its URI) or unlock an account; audited."""

    async def run() -> str | None:
        async with open_database() as (_, sessions), sessions() as session:
            uri = None
            if action == "staff.enrol":
                uri = await registry.enrol(session, user_id)
            else:
                await registry.unlock(session, user_id)
            await audit.append(
                session,
                audit.Record(
                    actor=_actor(),
                    role="admin",
                    action=action,
                    target=user_id,
                    command=command,
                    result="ok",
                ),
            )
            await session.commit()
            return uri

    try:
        return asyncio.run(run())
    except registry.StaffError as error:
        raise _fail(error) from error


@staff_app.command("enrol")
def enrol(user_id: Annotated[str, typer.Argument(help="WeCom UserID.")]) -> None:
    """A new TOTP secret (new phone, or an account made before its role needed one)."""
    uri = _account_action(user_id, "staff.enrol", f"staff enrol {user_id}")
    typer.echo("TOTP enrolment (scan once with an authenticator app, then keep it secret):")
    typer.echo(uri or "")


@staff_app.command("unlock")
def unlock(user_id: Annotated[str, typer.Argument(help="WeCom UserID.")]) -> None:
    """Lift a TOTP lockout before its 15 minutes are over."""
    _account_action(user_id, "staff.unlock", f"staff unlock {user_id}")
    typer.echo(f"unlocked {user_id}")


def register(app: typer.Typer) -> None:
    """Add `zwbot staff`."""
    app.add_typer(staff_app, name="staff")
