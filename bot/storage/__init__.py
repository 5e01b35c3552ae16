"""FSM storages with their per-user isolation and delivery log: in memory or in Redis."""

from bot.storage.base import BaseDeliveryLog, BaseEventIsolation, BaseStorage
from bot.storage.memory import MemoryStorage
from bot.storage.redis import RedisStorage

__all__ = [
    "BaseDeliveryLog",
    "BaseEventIsolation",
    "BaseStorage",
    "MemoryStorage",
    "RedisStorage",
]
