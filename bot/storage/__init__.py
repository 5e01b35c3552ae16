"""FSM storages and the turn of each message: in memory, in Redis, and the resilient pair."""

from bot.storage.base import BaseStorage, Delivery, StorageUnavailable, Turn
from bot.storage.memory import MemoryStorage
from bot.storage.redis import RedisStorage
from bot.storage.resilient import Breaker, ResilientStorage

__all__ = [
    "BaseStorage",
    "Breaker",
    "Delivery",
    "MemoryStorage",
    "RedisStorage",
    "ResilientStorage",
    "StorageUnavailable",
    "Turn",
]
