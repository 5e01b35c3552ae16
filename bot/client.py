"""Async WeChat API client: shared access token, customer-service, template and menu calls."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

import httpx

from bot.errors import WeChatApiError
from bot.replies import Article, NewsReply, Reply, TextReply, split_text
from bot.tokens import CachedToken, MemoryTokenStore, TokenStore

log = logging.getLogger("bot.client")

DEFAULT_API_BASE = "https://api.weixin.qq.com"
# 40001 invalid credential, 40014 invalid access_token, 42001 access_token expired.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
# -1 system busy: the documented advice is to try again a little later.
TRANSIENT_ERRORS = frozenset({-1})
NETWORK_ERROR = -2
# Tokens are refreshed this many seconds before WeChat says they expire.
TOKEN_MARGIN = 300.0
# WeChat's documentation gives its API up to 10 s to answer; a call given up sooner may still
# be carried out (a customer-service message delivered), so waiting less loses nothing but
# certainty.
DEFAULT_TIMEOUT = 10.0


class WeChatClient:
    """One official account's API; every call retries boundedly and raises `WeChatApiError`."""

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        *,
        base_url: str = DEFAULT_API_BASE,
        http: httpx.AsyncClient | None = None,
        tokens: TokenStore | None = None,
        attempts: int = 3,
        backoff: float = 0.2,
        timeout: float = DEFAULT_TIMEOUT,
        stable_token: bool = True,
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.app_id = app_id
        self._secret = app_secret
        self.base_url = base_url.rstrip("/")
        self._own_http = http is None
        self.http = http or httpx.AsyncClient(timeout=timeout)
        self.tokens = tokens or MemoryTokenStore()
        self.attempts = attempts
        self.backoff = backoff
        self.stable_token = stable_token

    async def aclose(self) -> None:
        if self._own_http:
            await self.http.aclose()

    # access token

    async def access_token(self, *, stale: str | None = None) -> str:
        """A valid token; `stale` names one WeChat just refused, which forces a refresh."""
        cached = await self.tokens.get()
        if self._usable(cached, stale):
            assert cached is not None
            return cached.token
        async with self.tokens.refresh_lock():
            cached = await self.tokens.get()  # another worker may have refreshed meanwhile
            if self._usable(cached, stale):
                assert cached is not None
                return cached.token
            fresh = await self._fetch_token(force=stale is not None)
            await self.tokens.set(fresh)
            return fresh.token

    @staticmethod
    def _usable(cached: CachedToken | None, stale: str | None) -> bool:
        return (
            cached is not None
            and cached.token != stale
            and cached.expires_at - TOKEN_MARGIN > time.time()
        )

    async def _fetch_token(self, *, force: bool) -> CachedToken:
        if self.stable_token:
            body = {
                "grant_type": "client_credential",
                "appid": self.app_id,
                "secret": self._secret,
                "force_refresh": force,
            }
            data = await self._request("POST", "/cgi-bin/stable_token", json=body)
        else:
            params = {"grant_type": "client_credential", "appid": self.app_id}
            params["secret"] = self._secret
            data = await self._request("GET", "/cgi-bin/token", params=params)
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise WeChatApiError(-3, "no access_token in the answer", path="token")
        expires_in = float(data.get("expires_in", 7200))
        log.info("access token refreshed (force=%s, expires_in=%.0f s)", force, expires_in)
        return CachedToken(token, time.time() + expires_in)

    # transport

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """One JSON call with bounded retries on network errors, 5xx and "system busy"."""
        last = WeChatApiError(NETWORK_ERROR, "not attempted", path=path)
        for attempt in range(self.attempts):
            if attempt:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = await self.http.request(
                    method, self.base_url + path, json=json, params=params
                )
            except httpx.HTTPError as exc:
                last = WeChatApiError(NETWORK_ERROR, f"{type(exc).__name__}: {exc}", path=path)
                continue
            if response.status_code >= 500:
                last = WeChatApiError(NETWORK_ERROR, f"HTTP {response.status_code}", path=path)
                continue
            try:
                data = response.json()
            except ValueError:
                last = WeChatApiError(NETWORK_ERROR, "answer is not JSON", path=path)
                continue
            if not isinstance(data, dict):
                raise WeChatApiError(-3, "answer is not a JSON object", path=path)
            code = int(data.get("errcode", 0) or 0)
            if code in TRANSIENT_ERRORS:
                last = WeChatApiError(code, str(data.get("errmsg", "")), path=path)
                continue
            if code:
                raise WeChatApiError(code, str(data.get("errmsg", "")), path=path)
            return data
        raise last

    async def call(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST `body` to an API `path` with the access token; one refresh on token errors."""
        token = await self.access_token()
        try:
            return await self._request("POST", path, json=body, params={"access_token": token})
        except WeChatApiError as exc:
            if exc.code not in TOKEN_ERRORS:
                raise
            log.warning("%s refused the access token (errcode %s); refreshing once", path, exc.code)
            token = await self.access_token(stale=token)
            return await self._request("POST", path, json=body, params={"access_token": token})

    # customer-service messages, templates, menu

    async def send_text(self, openid: str, content: str) -> None:
        """One customer-service text message (at most 2048 bytes; see `send_reply`)."""
        body = {"touser": openid, "msgtype": "text", "text": {"content": content}}
        await self.call("/cgi-bin/message/custom/send", body)

    async def send_news(self, openid: str, article: Article) -> None:
        """One customer-service news message with a single article."""
        item = {
            "title": article.title,
            "description": article.description,
            "url": article.url,
            "picurl": article.pic_url,
        }
        body = {"touser": openid, "msgtype": "news", "news": {"articles": [item]}}
        await self.call("/cgi-bin/message/custom/send", body)

    async def send_reply(self, openid: str, reply: Reply) -> None:
        """Any reply through customer-service messages; long text goes out in 2048-byte parts."""
        if isinstance(reply, NewsReply):
            await self.send_news(openid, reply.article)
            return
        assert isinstance(reply, TextReply)
        for part in split_text(reply.content):
            await self.send_text(openid, part)

    async def send_template(
        self,
        openid: str,
        template_id: str,
        data: Mapping[str, str],
        *,
        url: str | None = None,
    ) -> int:
        """A template message; `data` maps keyword names to values. Returns WeChat's msgid."""
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {name: {"value": value} for name, value in data.items()},
        }
        if url:
            body["url"] = url
        answer = await self.call("/cgi-bin/message/template/send", body)
        return int(answer.get("msgid", 0))

    async def create_qrcode(self, scene: str) -> tuple[str, str]:
        """A permanent parametric QR code whose scans carry `scene` (1 to 64 characters);
        WeChat's ticket and the URL the code encodes. An account has 100,000 of them."""
        if not 1 <= len(scene) <= 64:
            raise ValueError("a QR scene string has 1 to 64 characters")
        body = {"action_name": "QR_LIMIT_STR_SCENE", "action_info": {"scene": {"scene_str": scene}}}
        answer = await self.call("/cgi-bin/qrcode/create", body)
        ticket, url = answer.get("ticket"), answer.get("url")
        if not isinstance(ticket, str) or not isinstance(url, str) or not ticket or not url:
            raise WeChatApiError(-3, "no ticket or url in the answer", path="qrcode/create")
        return ticket, url

    async def create_menu(self, menu: Mapping[str, Any]) -> None:
        """Replace the custom menu (`{"button": [...]}`, at most 3 top-level buttons)."""
        await self.call("/cgi-bin/menu/create", menu)
