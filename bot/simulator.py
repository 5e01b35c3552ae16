"""Plays WeChat against a running webhook: builds, signs, encrypts, posts and reads replies."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Literal

import httpx

from bot.wire import WeChatEnvelope, build_xml, parse_xml

Mode = Literal["plain", "compatible", "safe"]


@dataclass(frozen=True, slots=True)
class Exchange:
    """One delivery: the HTTP status, the raw body and the decrypted reply fields."""

    status: int
    body: str
    reply: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        """The reply as a person would see it in WeChat."""
        if self.status >= 400:
            return f"（服务器拒绝了请求：HTTP {self.status}）"
        kind = self.reply.get("MsgType", "")
        if kind == "text":
            return self.reply.get("Content", "")
        if kind == "news":
            title, url = self.reply.get("Title", ""), self.reply.get("Url", "")
            return f"【{title}】\n{self.reply.get('Description', '')}\n{url}".strip()
        if self.body.strip() in ("", "success"):
            return "（没有即时回复；如有答复将通过客服消息送达）"
        return self.body


class Simulator:
    """A WeChat user (`openid`) writing to the account behind `url`."""

    def __init__(
        self,
        url: str,
        envelope: WeChatEnvelope,
        *,
        mode: Mode | None = None,
        openid: str = "o_simulated_user",
        account: str = "gh_simulated",
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.url = url
        self.envelope = envelope
        self.mode: Mode = mode or ("safe" if envelope.box is not None else "plain")
        self.openid = openid
        self.account = account
        self._own_http = http is None
        self.http = http or httpx.AsyncClient(timeout=15.0)
        self._last_time = 0

    async def aclose(self) -> None:
        if self._own_http:
            await self.http.aclose()

    async def verify(self) -> bool:
        """The GET URL verification WeChat does when the server address is saved."""
        echo = secrets.token_hex(8)
        query, _ = self.envelope.wrap("<xml/>", encrypted=False)
        response = await self.http.get(self.url, params={**query, "echostr": echo})
        return response.status_code == 200 and response.text == echo

    def _fields(self, msg_type: str, **extra: str | int) -> dict[str, str | int]:
        # Events are deduplicated on sender + CreateTime: a fast script must not reuse a second.
        self._last_time = max(int(time.time()), self._last_time + 1)
        fields: dict[str, str | int] = {
            "ToUserName": self.account,
            "FromUserName": self.openid,
            "CreateTime": self._last_time,
            "MsgType": msg_type,
        }
        fields.update(extra)
        if msg_type != "event":
            fields["MsgId"] = secrets.randbelow(2**63)
        return fields

    async def post(self, fields: dict[str, str | int]) -> Exchange:
        """Deliver one message or event as WeChat does in the simulator's mode."""
        query, body = self.envelope.wrap(
            build_xml(fields),
            encrypted=self.mode != "plain",
            compatible=self.mode == "compatible",
        )
        response = await self.http.post(
            self.url,
            params=query,
            content=body.encode("utf-8"),
            headers={"Content-Type": "text/xml"},
        )
        text = response.text
        reply: dict[str, str] = {}
        if response.status_code == 200 and text.strip().startswith("<"):
            reply = parse_xml(self.envelope.unwrap_reply(text))
        return Exchange(response.status_code, text, reply)

    async def say(self, content: str) -> Exchange:
        return await self.post(self._fields("text", Content=content))

    async def voice(self, recognition: str) -> Exchange:
        media = secrets.token_hex(8)
        return await self.post(
            self._fields("voice", MediaId=media, Format="amr", Recognition=recognition)
        )

    async def image(self, pic_url: str) -> Exchange:
        return await self.post(self._fields("image", PicUrl=pic_url, MediaId=secrets.token_hex(8)))

    async def location(self, latitude: float, longitude: float, label: str = "") -> Exchange:
        return await self.post(
            self._fields(
                "location",
                Location_X=str(latitude),
                Location_Y=str(longitude),
                Scale=15,
                Label=label,
            )
        )

    async def link(self, title: str, url: str, description: str = "") -> Exchange:
        return await self.post(self._fields("link", Title=title, Description=description, Url=url))

    async def click(self, key: str) -> Exchange:
        return await self.post(self._fields("event", Event="CLICK", EventKey=key))

    async def view(self, url: str) -> Exchange:
        return await self.post(self._fields("event", Event="VIEW", EventKey=url))

    async def subscribe(self, scene: str | None = None) -> Exchange:
        extra: dict[str, str | int] = {"Event": "subscribe"}
        if scene:
            extra.update(EventKey=f"qrscene_{scene}", Ticket=secrets.token_hex(8))
        return await self.post(self._fields("event", **extra))

    async def unsubscribe(self) -> Exchange:
        return await self.post(self._fields("event", Event="unsubscribe"))

    async def scan(self, scene: str) -> Exchange:
        return await self.post(
            self._fields("event", Event="SCAN", EventKey=scene, Ticket=secrets.token_hex(8))
        )

    async def command(self, line: str) -> Exchange | None:
        """One line of the chat CLI: plain text, or `/voice …`, `/click KEY`, `/subscribe` ..."""
        if not line.startswith("/") or line.startswith("//"):
            return await self.say(line[1:] if line.startswith("//") else line)
        name, _, arg = line[1:].partition(" ")
        arg = arg.strip()
        if name == "voice":
            return await self.voice(arg)
        if name == "click":
            return await self.click(arg)
        if name == "view":
            return await self.view(arg)
        if name == "subscribe":
            return await self.subscribe(arg or None)
        if name == "unsubscribe":
            return await self.unsubscribe()
        if name == "scan":
            return await self.scan(arg)
        if name == "image":
            return await self.image(arg)
        if name == "location":
            parts = arg.split(maxsplit=2)
            if len(parts) < 2:
                return None
            try:
                lat, lng = float(parts[0]), float(parts[1])
            except ValueError:
                return None
            return await self.location(lat, lng, parts[2] if len(parts) > 2 else "")
        return None


HELP = """命令：
  直接输入文字           发送文本消息（以 / 开头的文字请写成 //…）
  /voice 文字           发送语音消息（文字作为语音识别结果）
  /click KEY            点击菜单（CLICK 事件）
  /view URL             打开菜单链接（VIEW 事件）
  /subscribe [场景值]    关注（可带二维码场景）
  /unsubscribe          取消关注
  /scan 场景值           已关注用户扫码
  /location 纬度 经度 [地名]  发送位置
  /image URL            发送图片
  /help                 显示本帮助
  /quit                 退出"""
