"""Structured JSON logs (structlog) in which every openid is replaced by its keyed hash."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from handlers.guards.privacy import keyed_hash
from handlers.settings import Settings

# Field names (lower-cased, without `_` and `-`) whose values identify a person.
USER_ID_FIELDS = frozenset(
    {"openid", "fromusername", "fromuser", "tousername", "touser", "userid", "user", "unionid"}
)
# `openid=…` in URLs (WeChat puts the sender's openid in the webhook query string), the sender
# and receiver elements of callback XML, and bare 28-character WeChat openids in free text.
_QUERY = re.compile(r"(?i)(\b(?:openid|unionid|fromusername|tousername)=)([^&\s\"']+)")
_XML = re.compile(
    r"(?i)(<(FromUserName|ToUserName|OpenID)>\s*(?:<!\[CDATA\[)?)(.*?)((?:\]\]>)?\s*</\2>)"
)
_BARE_OPENID = re.compile(r"(?<![0-9A-Za-z_-])o[0-9A-Za-z_-]{27}(?![0-9A-Za-z_-])")
_SHORT = 16  # hex characters of the hash shown in logs: enough to follow one user


class HashUserIds:
    """A structlog processor: user-identifying fields and openids inside strings become hashes."""

    def __init__(self, key: str) -> None:
        self._key = key

    def user(self, value: str) -> str:
        """The log form of one user id (a prefix of its keyed hash)."""
        return "u:" + keyed_hash(value, self._key)[:_SHORT] if value else value

    def scrub(self, text: str) -> str:
        """`text` with every recognisable openid replaced by its hash."""
        text = _QUERY.sub(lambda m: m.group(1) + self.user(m.group(2)), text)
        text = _XML.sub(lambda m: m.group(1) + self.user(m.group(3)) + m.group(4), text)
        return _BARE_OPENID.sub(lambda m: self.user(m.group(0)), text)

    def _value(self, name: str, value: Any) -> Any:
        if name.replace("_", "").replace("-", "").lower() in USER_ID_FIELDS:
            return self.user(value) if isinstance(value, str) else self._clean(value)
        return self._clean(value)

    def _clean(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, Mapping):
            return {k: self._value(str(k), v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self._clean(v) for v in value]
        return value

    def __call__(self, _logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
        for name, value in list(event_dict.items()):
            event_dict[name] = self._value(name, value)
        return event_dict


def _shared_processors(settings: Settings) -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        structlog.processors.format_exc_info,
        HashUserIds(settings.hash_key.get_secret_value()),
    ]


def configure_logging(settings: Settings, *, stream: TextIO | None = None) -> None:
    """One JSON object per line on stdout for structlog and stdlib loggers (uvicorn too).

    Idempotent; call it in every worker process (the app factory does)."""
    shared = _shared_processors(settings)
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
    )
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(formatter)
    # Loggers lowered for metrics (see bridge.py) must not print below the configured level.
    handler.setLevel(settings.log_level.upper())
    handler.set_name("zwbot-json")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "zwbot-json"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
        # ZWBOT_LOG_LEVEL decides, whatever uvicorn's own logging config set before.
        uvicorn_logger.setLevel(logging.NOTSET)
        uvicorn_logger.disabled = False


def get_logger(name: str | None = None) -> Any:
    """A structlog logger (`log.info("event", key=value)`)."""
    return structlog.get_logger(name)
