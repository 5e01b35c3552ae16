"""Async client of the WeCom (企业微信 / 政务微信) server API for the staff app: access token,
application text messages (replies past the deadline, daily duty summaries), files (import
templates), media download, the UserID of a web-authorisation code (the staff console's
sign-in)."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any

import httpx

from bot.errors import WeChatApiError
from bot.replies import NewsReply, Reply, TextReply, split_text

log = logging.getLogger("handlers.wecom.api")

DEFAULT_BASE = "https://qyapi.weixin.qq.com"
# 40014 invalid access_token, 42001 expired, 40001 invalid credential.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
TOKEN_MARGIN = 300.0
_FILENAME = re.compile(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', re.IGNORECASE)


def _network(error: httpx.HTTPError) -> str:
    """A network failure as `handlers.delivery.sending` reads it: its type first (a timeout
    after the request left may have been carried out)."""
    return f"{type(error).__name__}: {error}"


class WeComClient:
    """One self-built app (corp id, secret, agent id); errors raise `WeChatApiError`."""

    def __init__(
        self,
        corp_id: str,
        secret: str,
        agent_id: str,
        *,
        base_url: str = DEFAULT_BASE,
        http: httpx.AsyncClient | None = None,
        timeout: float = 5.0,
    ) -> None:
        self.corp_id = corp_id
        self._secret = secret
        self.agent_id = agent_id
        self.base_url = base_url.rstrip("/")
        self._own_http = http is None
        self.http = http or httpx.AsyncClient(timeout=timeout)
        self._token: tuple[str, float] | None = None
        self._lock = asyncio.Lock()

    async def aclose(self) -> None:
        """Close the HTTP client if this client created it."""
        if self._own_http:
            await self.http.aclose()

    @staticmethod
    def _check(data: dict[str, Any], path: str) -> dict[str, Any]:
        code = int(data.get("errcode", 0) or 0)
        if code:
            raise WeChatApiError(code, str(data.get("errmsg", "")), path=path)
        return data

    async def access_token(self, *, refresh: bool = False) -> str:
        """The cached app access token, fetched once per expiry by one caller."""
        async with self._lock:
            if not refresh and self._token and self._token[1] > time.time():
                return self._token[0]
            path = "/cgi-bin/gettoken"
            try:
                response = await self.http.get(
                    self.base_url + path,
                    params={"corpid": self.corp_id, "corpsecret": self._secret},
                )
            except httpx.HTTPError as error:
                raise WeChatApiError(-2, _network(error), path=path) from error
            data = self._check(response.json(), path)
            lifetime = float(data.get("expires_in", 7200))
            self._token = (str(data["access_token"]), time.time() + lifetime - TOKEN_MARGIN)
            return self._token[0]

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        for attempt in (1, 2):
            token = await self.access_token(refresh=attempt == 2)
            try:
                response = await self.http.post(
                    self.base_url + path, params={"access_token": token}, json=body
                )
            except httpx.HTTPError as error:
                raise WeChatApiError(-2, _network(error), path=path) from error
            data = response.json()
            code = int(data.get("errcode", 0) or 0)
            if code in TOKEN_ERRORS and attempt == 1:
                log.warning("%s refused the access token (errcode %s); refreshing", path, code)
                continue
            return self._check(data, path)
        raise AssertionError("unreachable")

    async def user_of_code(self, code: str) -> str:
        """The UserID behind a web-authorisation code (网页授权, `auth/getuserinfo`); a code
        works once. Someone outside the corp (an `openid` only) raises `WeChatApiError`."""
        path = "/cgi-bin/auth/getuserinfo"
        for attempt in (1, 2):
            token = await self.access_token(refresh=attempt == 2)
            try:
                response = await self.http.get(
                    self.base_url + path, params={"access_token": token, "code": code}
                )
            except httpx.HTTPError as error:
                raise WeChatApiError(-2, _network(error), path=path) from error
            data = response.json()
            if int(data.get("errcode", 0) or 0) in TOKEN_ERRORS and attempt == 1:
                continue
            user_id = str(self._check(data, path).get("userid") or "")
            if not user_id:
                raise WeChatApiError(-3, "not a member of the corp (openid only)", path=path)
            return user_id
        raise AssertionError("unreachable")

    async def send_text(self, user_id: str, content: str) -> None:
        """An application text message to one member (long text in several messages; the
        job queue sends each part as a job of its own, `handlers.delivery.staff_messages`)."""
        for part in split_text(content):
            await self._post(
                "/cgi-bin/message/send",
                {
                    "touser": user_id,
                    "msgtype": "text",
                    "agentid": int(self.agent_id) if self.agent_id.isdigit() else self.agent_id,
                    "text": {"content": part},
                },
            )

    async def upload_file(self, content: bytes, file_name: str) -> str:
        """Upload a temporary file (kept three days by WeCom); its media id."""
        path = "/cgi-bin/media/upload"
        for attempt in (1, 2):
            token = await self.access_token(refresh=attempt == 2)
            try:
                response = await self.http.post(
                    self.base_url + path,
                    params={"access_token": token, "type": "file"},
                    files={"media": (file_name, content, "application/octet-stream")},
                )
            except httpx.HTTPError as error:
                raise WeChatApiError(-2, _network(error), path=path) from error
            data = response.json()
            if int(data.get("errcode", 0) or 0) in TOKEN_ERRORS and attempt == 1:
                continue
            return str(self._check(data, path)["media_id"])
        raise AssertionError("unreachable")

    async def send_file(self, user_id: str, content: bytes, file_name: str) -> None:
        """An application file message to one member."""
        media_id = await self.upload_file(content, file_name)
        await self._post(
            "/cgi-bin/message/send",
            {
                "touser": user_id,
                "msgtype": "file",
                "agentid": int(self.agent_id) if self.agent_id.isdigit() else self.agent_id,
                "file": {"media_id": media_id},
            },
        )

    async def send_reply(self, user_id: str, reply: Reply) -> None:
        """A `Sender` for the webhook: replies that missed the 5-second deadline."""
        if isinstance(reply, TextReply):
            await self.send_text(user_id, reply.content)
        elif isinstance(reply, NewsReply):
            article = reply.article
            await self.send_text(user_id, f"{article.title}\n{article.url}".strip())

    async def download_media(self, media_id: str) -> tuple[bytes, str]:
        """A temporary media file (a staff member's uploaded spreadsheet) and its file name."""
        path = "/cgi-bin/media/get"
        for attempt in (1, 2):
            token = await self.access_token(refresh=attempt == 2)
            try:
                response = await self.http.get(
                    self.base_url + path, params={"access_token": token, "media_id": media_id}
                )
            except httpx.HTTPError as error:
                raise WeChatApiError(-2, _network(error), path=path) from error
            if "application/json" in response.headers.get("content-type", ""):
                data = response.json()
                code = int(data.get("errcode", 0) or 0)
                if code in TOKEN_ERRORS and attempt == 1:
                    continue
                self._check(data, path)
            match = _FILENAME.search(response.headers.get("content-disposition", ""))
            return response.content, match.group(1) if match else ""
        raise AssertionError("unreachable")
