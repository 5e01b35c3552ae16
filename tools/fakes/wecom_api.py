"""A local fake of the WeCom (企业微信 / 政务微信) server API for tests and demos: access token,
application messages (`message/send`, recorded in `sent`), temporary media (uploads are kept
in `media` as well), and web authorisation (网页授权): `/connect/oauth2/authorize` sends the
browser back with a one-time code for `signed_in` (the member "in" WeCom), which
`auth/getuserinfo` turns into the UserID.

It answers like the documented API: `errcode`/`errmsg` JSON, 40001 for a wrong secret, 40014
for an unknown token, 40007 for an unknown media id, 40029 for an unknown or used code, and
any error queued with `fail()`.
"""

from __future__ import annotations

import secrets
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from tools.fakes.server import serve_app


@dataclass
class FakeWeComApi:
    """The fake's state; `app` is the ASGI app, `serve()` runs it on a loopback port."""

    corp_id: str = "ww_fake_corp"
    secret: str = "wecom-fake-secret"
    sent: list[dict[str, Any]] = field(default_factory=list)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    # Who is signed in to WeCom in the browser that asks for authorisation ("" : nobody);
    # a UserID not in the corp is answered with an openid only, as WeCom does.
    signed_in: str = ""
    members: set[str] | None = None  # None: every UserID is a member
    codes: dict[str, str] = field(default_factory=dict)
    authorize_calls: list[dict[str, str]] = field(default_factory=list)
    _faults: dict[str, deque[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.app = self._build_app()

    def fail(self, path: str, errcode: int, *, times: int = 1) -> None:
        """The next `times` calls of `path` answer `errcode`."""
        self._faults.setdefault(path, deque()).extend([errcode] * times)

    def texts_to(self, user_id: str) -> list[str]:
        """The text messages sent to one member."""
        return [
            str(message["text"]["content"])
            for message in self.sent
            if message.get("msgtype") == "text"
            and user_id in str(message.get("touser", "")).split("|")
        ]

    def files_to(self, user_id: str) -> list[tuple[bytes, str]]:
        """The files (content, name) sent to one member."""
        return [
            self.media[str(message["file"]["media_id"])]
            for message in self.sent
            if message.get("msgtype") == "file"
            and user_id in str(message.get("touser", "")).split("|")
        ]

    def client(self) -> httpx.AsyncClient:
        """An httpx client that talks to this fake in-process (no socket)."""
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://wecom-fake"
        )

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve on a loopback port in a thread; yields the base URL."""
        with serve_app(self.app, host, port) as base_url:
            yield base_url

    def _fault(self, path: str) -> JSONResponse | None:
        queue = self._faults.get(path)
        if not queue:
            return None
        return JSONResponse({"errcode": queue.popleft(), "errmsg": "injected"})

    def _build_app(self) -> FastAPI:
        app = FastAPI(title="fake WeCom API")

        @app.get("/cgi-bin/gettoken")
        async def token(corpid: str = "", corpsecret: str = "") -> Response:
            fault = self._fault("/cgi-bin/gettoken")
            if fault is not None:
                return fault
            if corpid != self.corp_id or corpsecret != self.secret:
                return JSONResponse({"errcode": 40001, "errmsg": "invalid credential"})
            issued = "WECOM_" + secrets.token_urlsafe(16)
            self.tokens.add(issued)
            return JSONResponse({"errcode": 0, "access_token": issued, "expires_in": 7200})

        @app.post("/cgi-bin/message/send")
        async def send(request: Request, access_token: str = "") -> Response:
            fault = self._fault("/cgi-bin/message/send")
            if fault is not None:
                return fault
            if access_token not in self.tokens:
                return JSONResponse({"errcode": 40014, "errmsg": "invalid access_token"})
            self.sent.append(await request.json())
            return JSONResponse({"errcode": 0, "errmsg": "ok"})

        @app.post("/cgi-bin/media/upload")
        async def upload(request: Request, access_token: str = "", type: str = "") -> Response:
            fault = self._fault("/cgi-bin/media/upload")
            if fault is not None:
                return fault
            if access_token not in self.tokens:
                return JSONResponse({"errcode": 40014, "errmsg": "invalid access_token"})
            form = await request.form()
            upload = form.get("media")
            if type not in ("file", "image", "voice", "video") or isinstance(upload, str | None):
                return JSONResponse({"errcode": 40004, "errmsg": "invalid media type"})
            media_id = "MEDIA_" + secrets.token_urlsafe(12)
            self.media[media_id] = (await upload.read(), upload.filename or "")
            return JSONResponse({"errcode": 0, "errmsg": "ok", "type": type, "media_id": media_id})

        @app.get("/cgi-bin/media/get")
        async def media(access_token: str = "", media_id: str = "") -> Response:
            if access_token not in self.tokens:
                return JSONResponse({"errcode": 40014, "errmsg": "invalid access_token"})
            if media_id not in self.media:
                return JSONResponse({"errcode": 40007, "errmsg": "invalid media_id"})
            content, name = self.media[media_id]
            return Response(
                content,
                media_type="application/octet-stream",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )

        @app.get("/connect/oauth2/authorize")
        async def authorize(request: Request) -> Response:
            params = dict(request.query_params)
            self.authorize_calls.append(params)
            if params.get("appid") != self.corp_id or not params.get("redirect_uri"):
                return JSONResponse({"errcode": 40013, "errmsg": "invalid corpid or redirect"})
            code = "CODE_" + secrets.token_urlsafe(12)
            self.codes[code] = self.signed_in
            joiner = "&" if "?" in params["redirect_uri"] else "?"
            target = f"{params['redirect_uri']}{joiner}code={code}&state={params.get('state', '')}"
            return RedirectResponse(target, status_code=302)

        @app.get("/cgi-bin/auth/getuserinfo")
        async def user_info(access_token: str = "", code: str = "") -> Response:
            fault = self._fault("/cgi-bin/auth/getuserinfo")
            if fault is not None:
                return fault
            if access_token not in self.tokens:
                return JSONResponse({"errcode": 40014, "errmsg": "invalid access_token"})
            user = self.codes.pop(code, None)
            if user is None:
                return JSONResponse({"errcode": 40029, "errmsg": "invalid code"})
            if self.members is not None and user not in self.members:
                return JSONResponse({"errcode": 0, "errmsg": "ok", "openid": "o" + user})
            return JSONResponse({"errcode": 0, "errmsg": "ok", "userid": user})

        return app
