"""A local fake of the WeChat API (tokens, customer-service, template, menu, permanent QR
codes) for tests and demos.

It answers like the documented API: `errcode`/`errmsg` JSON, 40001 for an unknown token,
42001 for an expired one, 45015 when a user has not talked to the account for 48 hours,
45047 past the customer-service quota, and any error queued with `fail()` (e.g. -1 busy,
45009 daily quota). `hang()` makes the next sends take the message and answer only after a
delay, as a WeChat that delivered but did not say so in time.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tools.fakes.server import serve_app

ERRMSG = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40013: "invalid appid",
    40125: "invalid appsecret",
    40016: "invalid button size",
    42001: "access_token expired",
    44002: "empty post data",
    45009: "reach max api daily quota limit",
    40097: "invalid args",
    45002: "content size out of limit",
    45008: "article size out of limit",
    45015: "response out of time limit or subscription is canceled",
    45047: "out of response count limit",
    47001: "data format error",
}


@dataclass
class SentMessage:
    """A message the fake accepted: its endpoint and JSON body."""

    path: str
    body: dict[str, Any]
    app_id: str = ""  # the account whose token sent it

    @property
    def touser(self) -> str:
        return str(self.body.get("touser", ""))


@dataclass
class _Fault:
    errcode: int
    status: int = 200


@dataclass
class FakeWeChatApi:
    """The fake server's state; `app` is the ASGI app, `client()` an httpx client bound to it."""

    app_id: str = "wx_fake_app"
    app_secret: str = "fake-secret"
    # Further official accounts served by the same fake (appid → secret), each with its own
    # stable token; what each sent is told by `SentMessage.app_id`.
    other_apps: dict[str, str] = field(default_factory=dict)
    token_lifetime: int = 7200
    cs_quota: int = 20
    tokens: dict[str, float] = field(default_factory=dict)
    sent: list[SentMessage] = field(default_factory=list)
    token_requests: int = 0
    calls: list[str] = field(default_factory=list)
    silent_users: set[str] = field(default_factory=set)
    menu: dict[str, Any] | None = None
    qr_codes: dict[str, str] = field(default_factory=dict)  # scene → ticket
    # Seconds every customer-service send takes, and errcodes injected at random into that
    # share of sends ({-1: 0.01}: one in a hundred answers "system busy", nothing sent).
    latency: float = 0.0
    fault_rates: dict[int, float] = field(default_factory=dict)
    seed: int = 13
    _faults: dict[str, deque[_Fault]] = field(default_factory=dict)
    _hangs: dict[str, deque[float]] = field(default_factory=dict)
    _cs_counts: dict[str, int] = field(default_factory=dict)
    _stable: str | None = None
    _stables: dict[str, str] = field(default_factory=dict)  # of `other_apps`
    _token_apps: dict[str, str] = field(default_factory=dict)  # token → appid

    def __post_init__(self) -> None:
        self.app = self._build_app()
        self._random = random.Random(self.seed)

    # controls used by tests

    def fail(self, path: str, errcode: int, *, times: int = 1, status: int = 200) -> None:
        """The next `times` calls of `path` answer `errcode` (or HTTP `status` when not 200)."""
        queue = self._faults.setdefault(path, deque())
        queue.extend(_Fault(errcode, status) for _ in range(times))

    def heal(self) -> None:
        """Forget every fault still waiting (`fail`): the API works again."""
        self._faults.clear()

    def hang(self, path: str, seconds: float, *, times: int = 1) -> None:
        """The next `times` successful calls of `path` are carried out (a message is sent)
        but answered only after `seconds`."""
        self._hangs.setdefault(path, deque()).extend([seconds] * times)

    async def _hang(self, path: str) -> None:
        queue = self._hangs.get(path)
        if queue:
            await asyncio.sleep(queue.popleft())

    def expire_tokens(self) -> None:
        """Every issued token expires now (the next call gets 42001)."""
        for token in self.tokens:
            self.tokens[token] = time.time() - 1

    def revoke_tokens(self) -> None:
        """Forget every issued token (the next call gets 40001)."""
        self.tokens.clear()
        self._stable = None
        self._stables.clear()

    def messages_to(self, openid: str) -> list[SentMessage]:
        return [message for message in self.sent if message.touser == openid]

    def texts_to(self, openid: str) -> list[str]:
        return [
            str(m.body["text"]["content"])
            for m in self.messages_to(openid)
            if m.body.get("msgtype") == "text"
        ]

    def user_interacted(self, openid: str) -> None:
        """The user wrote to the account: the 48-hour window and the quota start again."""
        self.silent_users.discard(openid)
        self._cs_counts.pop(openid, None)

    def client(self) -> httpx.AsyncClient:
        """An httpx client that talks to this fake in-process (no socket)."""
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://wechat-fake"
        )

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve on a loopback port in a thread; yields the base URL."""
        with serve_app(self.app, host, port) as base_url:
            yield base_url

    # the API

    def _issue(self, app_id: str = "") -> str:
        token = "FAKE_" + secrets.token_urlsafe(24)
        self.tokens[token] = time.time() + self.token_lifetime
        self._token_apps[token] = app_id or self.app_id
        return token

    def _secret_of(self, app_id: object) -> str | None:
        if app_id == self.app_id:
            return self.app_secret
        return self.other_apps.get(str(app_id))

    def _error(self, code: int) -> JSONResponse:
        return JSONResponse({"errcode": code, "errmsg": ERRMSG.get(code, "error")})

    def _fault(self, path: str) -> Response | None:
        queue = self._faults.get(path)
        if not queue:
            return None
        fault = queue.popleft()
        if fault.status != 200:
            return Response("upstream trouble", status_code=fault.status)
        return self._error(fault.errcode)

    def _token_error(self, token: str | None) -> int:
        if not token or token not in self.tokens:
            return 40001
        if self.tokens[token] <= time.time():
            return 42001
        return 0

    def _build_app(self) -> FastAPI:
        app = FastAPI(title="fake WeChat API")

        @app.post("/cgi-bin/stable_token")
        async def stable_token(request: Request) -> Response:
            self.token_requests += 1
            self.calls.append("/cgi-bin/stable_token")
            fault = self._fault("/cgi-bin/stable_token")
            if fault is not None:
                return fault
            body = await request.json()
            app_id = str(body.get("appid", ""))
            secret = self._secret_of(app_id)
            if secret is None:
                return self._error(40013)
            if body.get("secret") != secret:
                return self._error(40125)
            own = app_id == self.app_id
            current = self._stable if own else self._stables.get(app_id)
            if body.get("force_refresh") or current is None or self._token_error(current):
                current = self._issue(app_id)
                if own:
                    self._stable = current
                else:
                    self._stables[app_id] = current
            remaining = int(self.tokens[current] - time.time())
            return JSONResponse({"access_token": current, "expires_in": remaining})

        @app.get("/cgi-bin/token")
        async def token(appid: str = "", secret: str = "", grant_type: str = "") -> Response:
            self.token_requests += 1
            self.calls.append("/cgi-bin/token")
            fault = self._fault("/cgi-bin/token")
            if fault is not None:
                return fault
            if appid != self.app_id:
                return self._error(40013)
            if secret != self.app_secret:
                return self._error(40125)
            # The classic endpoint invalidates the previous token.
            self.tokens.clear()
            return JSONResponse({"access_token": self._issue(), "expires_in": self.token_lifetime})

        async def authorised(request: Request, path: str) -> Response | dict[str, Any]:
            self.calls.append(path)
            fault = self._fault(path)
            if fault is not None:
                return fault
            code = self._token_error(request.query_params.get("access_token"))
            if code:
                return self._error(code)
            try:
                body = await request.json()
            except ValueError:
                return self._error(44002)
            return body if isinstance(body, dict) else self._error(47001)

        @app.post("/cgi-bin/message/custom/send")
        async def custom_send(request: Request) -> Response:
            path = "/cgi-bin/message/custom/send"
            body = await authorised(request, path)
            if isinstance(body, Response):
                return body
            if self.latency:
                await asyncio.sleep(self.latency)
            for code, rate in self.fault_rates.items():
                if self._random.random() < rate:
                    return self._error(code)
            user = str(body.get("touser", ""))
            if user in self.silent_users:
                return self._error(45015)
            if self._cs_counts.get(user, 0) >= self.cs_quota:
                return self._error(45047)
            kind = body.get("msgtype")
            if kind == "text":
                content = str(body.get("text", {}).get("content", ""))
                if not content or len(content.encode("utf-8")) > 2048:
                    return self._error(45002)
            elif kind == "news":
                if len(body.get("news", {}).get("articles", [])) != 1:
                    return self._error(45008)
            else:
                return self._error(47001)
            self._cs_counts[user] = self._cs_counts.get(user, 0) + 1
            token = request.query_params.get("access_token", "")
            self.sent.append(SentMessage(path, body, self._token_apps.get(token, self.app_id)))
            await self._hang(path)
            return JSONResponse({"errcode": 0, "errmsg": "ok"})

        @app.post("/cgi-bin/message/template/send")
        async def template_send(request: Request) -> Response:
            path = "/cgi-bin/message/template/send"
            body = await authorised(request, path)
            if isinstance(body, Response):
                return body
            if not body.get("touser") or not body.get("template_id"):
                return self._error(47001)
            token = request.query_params.get("access_token", "")
            self.sent.append(SentMessage(path, body, self._token_apps.get(token, self.app_id)))
            return JSONResponse({"errcode": 0, "errmsg": "ok", "msgid": len(self.sent)})

        @app.post("/cgi-bin/qrcode/create")
        async def qrcode_create(request: Request) -> Response:
            body = await authorised(request, "/cgi-bin/qrcode/create")
            if isinstance(body, Response):
                return body
            scene = body.get("action_info", {}).get("scene", {}).get("scene_str")
            action = body.get("action_name")
            if action != "QR_LIMIT_STR_SCENE" or not isinstance(scene, str):
                return self._error(40097)
            if not 1 <= len(scene) <= 64:
                return self._error(40097)
            # A permanent code: the same scene gets the same ticket again.
            ticket = self.qr_codes.setdefault(scene, "FAKEQR_" + secrets.token_urlsafe(24))
            url = f"http://weixin.qq.com/q/{ticket[7:29]}"
            return JSONResponse({"ticket": ticket, "url": url})

        @app.post("/cgi-bin/menu/create")
        async def menu_create(request: Request) -> Response:
            body = await authorised(request, "/cgi-bin/menu/create")
            if isinstance(body, Response):
                return body
            buttons = body.get("button")
            if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
                return self._error(40016)
            self.menu = body
            return JSONResponse({"errcode": 0, "errmsg": "ok"})

        return app
