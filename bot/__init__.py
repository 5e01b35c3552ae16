"""An aiogram-style async framework for WeChat official accounts, on top of wechatpy."""

from bot.client import WeChatClient
from bot.dispatcher import Dispatcher
from bot.errors import BadCallback, WeChatApiError
from bot.events import (
    ClickEvent,
    Event,
    ImageMessage,
    Kind,
    LinkMessage,
    LocationEvent,
    LocationMessage,
    ScanEvent,
    SubscribeEvent,
    TextMessage,
    UnknownEvent,
    UnsubscribeEvent,
    ViewEvent,
    VoiceMessage,
)
from bot.filters import Command, CommandObject, EventKey, Filter, Regex, StateFilter, Text
from bot.fsm import FSMContext, State, StatesGroup
from bot.magic import F
from bot.replies import Article, NewsReply, Reply, TextReply, news, split_text, text
from bot.responder import Responder
from bot.router import Router
from bot.storage import Delivery, MemoryStorage, RedisStorage, ResilientStorage, Turn
from bot.tokens import MemoryTokenStore, RedisTokenStore, SharedTokenStore
from bot.types import UNHANDLED, Data, Middleware, NextHandler, Sender, SkipHandler
from bot.webhook import Webhook
from bot.wire import WeChatEnvelope, WeComEnvelope

__all__ = [
    "UNHANDLED",
    "Article",
    "BadCallback",
    "ClickEvent",
    "Command",
    "CommandObject",
    "Data",
    "Delivery",
    "Dispatcher",
    "Event",
    "EventKey",
    "F",
    "FSMContext",
    "Filter",
    "ImageMessage",
    "Kind",
    "LinkMessage",
    "LocationEvent",
    "LocationMessage",
    "MemoryStorage",
    "MemoryTokenStore",
    "Middleware",
    "NewsReply",
    "NextHandler",
    "RedisStorage",
    "RedisTokenStore",
    "Regex",
    "Reply",
    "ResilientStorage",
    "Responder",
    "Router",
    "ScanEvent",
    "Sender",
    "SharedTokenStore",
    "SkipHandler",
    "State",
    "StateFilter",
    "StatesGroup",
    "SubscribeEvent",
    "Text",
    "TextMessage",
    "TextReply",
    "Turn",
    "UnknownEvent",
    "UnsubscribeEvent",
    "ViewEvent",
    "VoiceMessage",
    "WeChatApiError",
    "WeChatClient",
    "WeChatEnvelope",
    "WeComEnvelope",
    "Webhook",
    "news",
    "split_text",
    "text",
]
