"""Signing in to the console: WeCom web authorisation (网页授权) says who the member is, their
TOTP code (the chat's secret, replay rule and lockout) completes the sign-in; sign-out, the
idle timeout and CSRF tokens. Every step is on the audit chain."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import FormData

from bot.errors import WeChatApiError
from catalogue import staff as registry
from catalogue.models import ConsoleSession, StaffMember
from catalogue.staff import needs_second_factor
from catalogue.workflow import permissions, runner
from catalogue.workflow.runner import Actor
from handlers.settings import Settings
from handlers.staff import refusals
from handlers.web.console import sessions as store
from handlers.web.console.rendering import page
from handlers.wecom.api import WeComClient

router = APIRouter(prefix="/console", include_in_schema=False)
CHANNEL = "console"
MAX_FORM_FIELD = 4000
WHY = {
    "idle": "您长时间没有操作，已自动退出，请重新登录。",
    "expired": "登录已过期，请重新登录。",
    "account": "账号已停用或已锁定，不能登录。",
    "signedout": "您已安全退出。",
}


class Redirect(Exception):
    """Leave this page for `location` (303): not signed in, or signed in only halfway."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


class Refused(Exception):
    """A form without its session's CSRF token, or a request the console cannot take."""

    def __init__(self, message: str, status_code: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


@dataclass(frozen=True)
class Signed:
    """The signed-in staff member of a request."""

    staff: StaffMember
    actor: Actor
    csrf: str
    sessions: async_sessionmaker[AsyncSession]

    @property
    def supervises(self) -> bool:
        """Whether the reports (通报, 第二十二条) are theirs to read."""
        return permissions.role_of(self.staff) in permissions.SUPERVISORS


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _idle(request: Request) -> timedelta:
    return timedelta(minutes=_settings(request).console_idle_minutes)


def _sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    return sessions


async def _audit(
    request: Request, actor: str, role: str, action: str, result: str, command: str = ""
) -> None:
    await runner.record_event(
        _sessions(request),
        actor=actor[:64],
        role=role,
        action=action,
        result=result,
        command=command,
    )


async def _current(request: Request) -> tuple[ConsoleSession | None, StaffMember | None]:
    """The session of the request's cookie (ended ones are deleted and audited)."""
    async with _sessions(request)() as session:
        found = await store.find(session, request.cookies.get(store.COOKIE), _idle(request))
        await session.commit()
    if found.ended and found.staff is not None:
        await _audit(
            request,
            found.staff.wecom_user_id,
            found.staff.role,
            "console.signout",
            f"session ended: {found.ended}",
        )
        raise Redirect(f"/console/login?why={found.ended}")
    return found.row, found.staff


async def signed_in(request: Request) -> Signed:
    """Dependency: the signed-in member, or a redirect to the sign-in (or its TOTP step)."""
    row, staff = await _current(request)
    if row is None or staff is None:
        raise Redirect("/console/login")
    if row.stage != store.SIGNED_IN:
        raise Redirect("/console/totp")
    return Signed(staff, Actor.of(staff), row.csrf_token, _sessions(request))


SignedDep = Annotated[Signed, Depends(signed_in)]


async def form_of(request: Request, signed: Signed) -> FormData:
    """The posted form, once its CSRF token matched the session's (else refused, audited)."""
    form = await request.form(max_files=1, max_fields=400)
    token = form.get("csrf")
    if not isinstance(token, str) or not store.same(token, signed.csrf):
        await _audit(
            request,
            signed.actor.user_id,
            signed.actor.role,
            "console.csrf",
            "refused: missing or wrong CSRF token",
            request.url.path,
        )
        raise Refused("页面已过期或来源不明，操作未执行。请刷新页面后重试。")
    return form


def text_field(form: FormData, name: str, *, limit: int = MAX_FORM_FIELD) -> str:
    """A text field of a form, trimmed; too long is refused rather than cut."""
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    if len(value) > limit:
        raise Refused(f"填写的内容太长（最多 {limit} 字）。", 400)
    return value.strip()


def _cookie(response: Response, token: str) -> None:
    # Strict: no other site's page can make the browser send it (CSRF, with the tokens).
    response.set_cookie(
        store.COOKIE, token, secure=True, httponly=True, samesite="strict", path="/"
    )


def _authorize_url(settings: Settings, state: str) -> str:
    redirect = settings.public_base_url.rstrip("/") + "/console/oauth"
    query = urlencode(
        {
            "appid": settings.wecom_corp_id,
            "redirect_uri": redirect,
            "response_type": "code",
            "scope": "snsapi_base",
            "state": state,
            "agentid": settings.wecom_agent_id,
        },
        quote_via=quote,
    )
    return (
        f"{settings.wecom_oauth_base.rstrip('/')}/connect/oauth2/authorize?{query}#wechat_redirect"
    )


def _wecom_client(request: Request) -> WeComClient | None:
    mount = getattr(request.app.state, "wecom", None)
    client = getattr(mount, "client", None)
    return client if isinstance(client, WeComClient) else None


def _login_page(request: Request, notice: str, status_code: int = 200) -> Response:
    """The sign-in page: WeCom's authorisation, and the desktop form (UserID + TOTP code)
    whose login-CSRF token is a double-submit cookie."""
    token = secrets.token_urlsafe(16)
    response = page(
        request,
        "console/login.html",
        {"notice": notice, "ready": _wecom_client(request) is not None, "login_csrf": token},
        status_code=status_code,
    )
    response.set_cookie(
        store.LOGIN_COOKIE,
        token,
        max_age=600,
        secure=True,
        httponly=True,
        samesite="strict",
        path="/",
    )
    return response


@router.get("/login")
async def login(request: Request, why: str = "") -> Response:
    row, _ = await _current(request)
    if row is not None and row.stage == store.SIGNED_IN:
        return RedirectResponse("/console", status_code=303)
    return _login_page(request, WHY.get(why, ""))


@router.post("/login")
async def desktop_login(request: Request) -> Response:
    """A desktop browser outside WeCom: the staff member's WeCom UserID and a code of their
    authenticator — the same code check, replay rule and lockout as the chat's TOTP."""
    form = await request.form(max_files=0, max_fields=8)
    if not store.same(
        text_field(form, "login_csrf", limit=64), request.cookies.get(store.LOGIN_COOKIE, "")
    ):
        await _audit(request, "console", "", "auth.denied", "refused: desktop sign-in CSRF")
        return _login_page(request, "登录页已过期，请重新输入。", 400)
    user_id = text_field(form, "user", limit=64)
    code = text_field(form, "code", limit=12)
    async with _sessions(request)() as session:
        staff = await registry.active_by_wecom(session, user_id) if user_id else None
    if staff is None:
        await _audit(request, user_id[:64], "", "auth.denied", "console desktop: not registered")
        return _login_page(request, "账号或动态码不对。", 403)
    if not needs_second_factor(staff.role):  # no authenticator: only WeCom can vouch for them
        return _login_page(request, "您的账号请在企业微信（政务微信）中打开控制台。", 403)
    actor = Actor.of(staff)
    problem = await runner.check_second_factor(
        _sessions(request), actor, code, explain=refusals.second_factor
    )
    if problem is not None:
        return _login_page(request, problem, 403)
    async with _sessions(request)() as session:
        token = await store.start(session, staff, second_factor=False)
        await session.commit()
    await _audit(request, staff.wecom_user_id, staff.role, "console.signin", "ok (desktop, TOTP)")
    response = RedirectResponse("/console", status_code=303)
    response.delete_cookie(store.LOGIN_COOKIE, path="/", secure=True, httponly=True)
    _cookie(response, token)
    return response


@router.get("/oauth/start")
async def oauth_start(request: Request) -> Response:
    if _wecom_client(request) is None:
        return page(
            request,
            "console/login.html",
            {"notice": "企业微信应用未配置，暂不能登录控制台。", "ready": False},
            status_code=503,
        )
    state = secrets.token_urlsafe(16)
    response = RedirectResponse(_authorize_url(_settings(request), state), status_code=302)
    # Lax: it must come back with WeCom's top-level redirect to /console/oauth.
    response.set_cookie(
        store.STATE_COOKIE,
        state,
        max_age=600,
        secure=True,
        httponly=True,
        samesite="lax",
        path="/",
    )
    return response


def _refusal(request: Request, message: str, status_code: int) -> Response:
    response = page(
        request, "console/login.html", {"notice": message, "ready": True}, status_code=status_code
    )
    response.delete_cookie(store.STATE_COOKIE, path="/", secure=True, httponly=True)
    return response


@router.get("/oauth")
async def oauth_back(request: Request, code: str = "", state: str = "") -> Response:
    expected = request.cookies.get(store.STATE_COOKIE, "")
    if not code or len(code) > 512 or not store.same(state, expected):
        await _audit(request, "console", "", "auth.denied", "refused: OAuth state mismatch")
        return _refusal(request, "登录请求已失效，请重新登录。", 400)
    client = _wecom_client(request)
    if client is None:
        return _refusal(request, "企业微信应用未配置，暂不能登录控制台。", 503)
    try:
        user_id = await client.user_of_code(code)
    except WeChatApiError as error:
        await _audit(request, "console", "", "auth.denied", f"refused: WeCom code ({error.code})")
        return _refusal(request, "企业微信未能确认您的身份，请在企业微信中重新打开控制台。", 403)
    async with _sessions(request)() as session:
        staff = await registry.active_by_wecom(session, user_id)
        token = None
        if staff is not None:
            token = await store.start(session, staff, second_factor=needs_second_factor(staff.role))
            await session.commit()
    if staff is None or token is None:
        await _audit(request, user_id, "", "auth.denied", "console: not registered or disabled")
        return _refusal(request, "您不是登记的工作人员，不能使用控制台。", 403)
    await _audit(request, staff.wecom_user_id, staff.role, "console.signin", "identified by WeCom")
    # The TOTP form is this page itself: a Strict cookie is not sent on the rest of a
    # redirect chain that began on another site.
    response = await _second_step(request, token, staff)
    response.delete_cookie(store.STATE_COOKIE, path="/", secure=True, httponly=True)
    _cookie(response, token)
    return response


async def _second_step(request: Request, token: str, staff: StaffMember) -> Response:
    async with _sessions(request)() as session:
        found = await store.find(session, token, _idle(request), touch=False)
    row = found.row
    if row is None:
        raise Redirect("/console/login")
    if row.stage == store.SIGNED_IN:  # no second factor for this role (the read-only auditor)
        await _audit(request, staff.wecom_user_id, staff.role, "console.signin", "ok (read only)")
        return page(request, "console/welcome.html", {"name": staff.name})
    return page(request, "console/totp.html", {"csrf": row.csrf_token, "name": staff.name})


@router.get("/totp")
async def totp_page(request: Request) -> Response:
    row, staff = await _current(request)
    if row is None or staff is None:
        raise Redirect("/console/login")
    if row.stage == store.SIGNED_IN:
        return RedirectResponse("/console", status_code=303)
    return page(request, "console/totp.html", {"csrf": row.csrf_token, "name": staff.name})


@router.post("/totp")
async def totp_check(request: Request) -> Response:
    row, staff = await _current(request)
    if row is None or staff is None:
        raise Redirect("/console/login")
    if row.stage == store.SIGNED_IN:
        return RedirectResponse("/console", status_code=303)
    signed = Signed(staff, Actor.of(staff), row.csrf_token, _sessions(request))
    form = await form_of(request, signed)
    code = text_field(form, "code", limit=12)
    problem = await runner.check_second_factor(
        signed.sessions, signed.actor, code, explain=refusals.second_factor
    )
    if problem is not None:
        return page(
            request,
            "console/totp.html",
            {"csrf": row.csrf_token, "name": staff.name, "problem": problem},
            status_code=400,
        )
    async with signed.sessions() as session:
        current = await session.get(ConsoleSession, row.token_hash)
        if current is None:
            raise Redirect("/console/login")
        token = await store.promote(session, current)
        await session.commit()
    await _audit(request, staff.wecom_user_id, staff.role, "console.signin", "ok (TOTP)")
    response = RedirectResponse("/console", status_code=303)
    _cookie(response, token)
    return response


@router.post("/logout")
async def logout(request: Request, signed: SignedDep) -> Response:
    await form_of(request, signed)
    async with signed.sessions() as session:
        await store.end(session, request.cookies.get(store.COOKIE))
        await session.commit()
    await _audit(request, signed.actor.user_id, signed.actor.role, "console.signout", "ok")
    response = RedirectResponse("/console/login?why=signedout", status_code=303)
    response.delete_cookie(store.COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response
