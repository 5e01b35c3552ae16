"""What the chat bot keeps in the database while its shared store (Redis) is unreachable.

Every worker reaches the same database, so a message is still claimed once across workers
and a conversation continues on whichever worker gets its next message. Rows carry their
own expiry (seconds since the epoch); expired rows are dead and swept."""

from __future__ import annotations

from sqlalchemy import Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base


class BotDelivery(Base):
    """A claimed delivery of a message (or a remembered request nonce) and its answer.

    Unanswered, a claim lives for its lease only: past it, its worker is taken for dead."""

    __tablename__ = "bot_deliveries"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    answer: Mapped[str | None] = mapped_column(Text, default=None)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class BotConversation(Base):
    """A user's conversation state and data (JSON text), by the storage's key name."""

    __tablename__ = "bot_conversations"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200), default=None)
    data: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[float] = mapped_column(Float, index=True)
