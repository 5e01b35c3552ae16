"""Official accounts as WeChat sees them: an account's keys and ids (`account`), and a follower
posting encrypted messages to its callback URL as WeChat's servers do in safe mode."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from xml.sax.saxutils import escape

import httpx
from defusedxml import ElementTree
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import to_text


@dataclass(frozen=True)
class Account:
    name: str
    region: str
    app_id: str
    original_id: str
    token: str
    aes_key: str

    @property
    def path(self) -> str:
        return f"/wechat/{self.name}"

    @property
    def base_url(self) -> str:
        return f"https://{self.name}.example.cn"


def account(name: str, region: str) -> Account:
    digest = hashlib.sha256(name.encode()).hexdigest()
    return Account(
        name,
        region,
        app_id=f"wx{digest[:16]}",
        original_id=f"gh_{digest[16:28]}",
        token=secrets.token_hex(8),
        aes_key=secrets.token_hex(22)[:43],
    )


def parse(xml: str) -> dict[str, str]:
    root = ElementTree.fromstring(xml)
    return {child.tag: (child.text or "") for child in root.iter() if len(child) == 0}


class Follower:
    """One follower of `account` posting as WeChat's servers do in safe mode; `keys` (another
    account's) to sign and encrypt with, `to` to address another account."""

    def __init__(self, http: httpx.AsyncClient, account: Account, openid: str) -> None:
        self.http = http
        self.account = account
        self.openid = openid

    def _xml(self, text: str, to: str, event: str = "") -> str:
        head = (
            f"<xml><ToUserName><![CDATA[{to}]]></ToUserName>"
            f"<FromUserName><![CDATA[{self.openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime>"
        )
        if event:
            return head + f"<MsgType><![CDATA[event]]></MsgType><Event>{event}</Event></xml>"
        return head + (
            f"<MsgType><![CDATA[text]]></MsgType><Content>{escape(text)}</Content>"
            f"<MsgId>{secrets.randbelow(2**62)}</MsgId></xml>"
        )

    async def post(
        self,
        text: str,
        *,
        keys: Account | None = None,
        path: str | None = None,
        to: str = "",
        event: str = "",
    ) -> tuple[int, str]:
        keys = keys or self.account
        crypto = WeChatCrypto(keys.token, keys.aes_key, keys.app_id)
        timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**9))
        xml = self._xml(text, to or self.account.original_id, event)
        sealed = parse(crypto.encrypt_message(xml, nonce, timestamp))
        signature = hashlib.sha1("".join(sorted([keys.token, timestamp, nonce])).encode())
        params = {
            "signature": signature.hexdigest(),
            "timestamp": timestamp,
            "nonce": nonce,
            "openid": self.openid,
            "encrypt_type": "aes",
            "msg_signature": sealed["MsgSignature"],
        }
        body = f"<xml><Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt></xml>"
        response = await self.http.post(path or self.account.path, params=params, content=body)
        if response.status_code != 200 or not response.text.startswith("<"):
            return response.status_code, response.text
        outer = parse(response.text)
        plain = crypto.decrypt_message(
            response.text, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"]
        )
        fields = parse(to_text(plain))
        assert fields["FromUserName"] == self.account.original_id
        return 200, fields.get("Content") or f"{fields.get('Title')}\n{fields.get('Description')}"
