"""The specific errors of the bot framework: bad callbacks (4xx) and WeChat API failures."""

from __future__ import annotations


class BotError(Exception):
    """Base of every error raised by `bot`."""


class BadCallback(BotError):
    """A callback request that must be refused with a 4xx status; `reason` goes to the log."""

    status_code = 400

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SignatureMismatch(BadCallback):
    status_code = 403


class StaleTimestamp(BadCallback):
    status_code = 403


class ReplayedNonce(BadCallback):
    status_code = 403


class BodyTooLarge(BadCallback):
    status_code = 413


class MalformedXml(BadCallback):
    status_code = 400


class DecryptionFailed(BadCallback):
    status_code = 400


class WrongReceiver(BadCallback):
    """A message addressed (ToUserName) to another account than the callback URL's."""

    status_code = 403


class WeChatApiError(BotError):
    """The WeChat API answered with a non-zero `errcode` (or could not be reached: code -2)."""

    def __init__(self, code: int, message: str, *, path: str = "") -> None:
        super().__init__(f"{path}: errcode {code}: {message}")
        self.code = code
        self.message = message
        self.path = path
