"""Power items (行政权力事项), convenience-service items (便民服务), their responsibilities,
the retired-code store (代码废止库) and staff-maintained search synonyms."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, composite, mapped_column, relationship

from catalogue.categories import CATEGORIES
from catalogue.models.base import (
    Base,
    PublicationStatus,
    TimestampMixin,
    status_column,
    utcnow,
)
from catalogue.models.regions import Department


@dataclasses.dataclass
class TimeLimit:
    """A 办结时限: a number, its unit (工作日/日/小时/即办) and a free note."""

    value: int | None = None
    unit: str | None = None
    note: str | None = None

    def __bool__(self) -> bool:
        return self.value is not None or bool(self.note)

    def __str__(self) -> str:
        if self.value is None:
            return self.note or ""
        text = (
            f"{self.value}个{self.unit}"
            if self.unit == "工作日"
            else f"{self.value}{self.unit or '日'}"
        )
        return f"{text}（{self.note}）" if self.note else text


class Item(TimestampMixin, Base):
    """One catalogue item; `kind` tells a power item from a convenience-service item.

    Both kinds carry a county 32-character code: convenience services are listed under
    category QT (其他) as the national type 20 (公共服务) has no letter code in table 1.
    """

    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)  # power | service
    # Canonical county code: 22-character subject code, "—", 10-character basic code.
    code: Mapped[str] = mapped_column(String(33))
    subject_code: Mapped[str] = mapped_column(String(22), index=True)
    basic_code: Mapped[str] = mapped_column(String(10), index=True)
    category: Mapped[str] = mapped_column(String(2), index=True)
    main_no: Mapped[int] = mapped_column(Integer)
    sub_no: Mapped[int] = mapped_column(Integer, default=0)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL"), index=True, default=None
    )
    name: Mapped[str] = mapped_column(String(500), index=True)
    parent_name: Mapped[str] = mapped_column(String(500), default="")
    sub_name: Mapped[str] = mapped_column(String(500), default="")
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id"), index=True, default=None
    )
    # Region where the power is exercised (town/village only when devolved there).
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), default="620623")
    handling_office: Mapped[str] = mapped_column(String(200), default="")  # 承办股室
    legal_basis: Mapped[str] = mapped_column(Text, default="")  # 设定依据
    conditions: Mapped[str] = mapped_column(Text, default="")  # 受理条件
    # [{"name": str, "originals": int, "copies": int, "required": bool, "note": str}]
    requirements: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    procedure: Mapped[list[str]] = mapped_column(default=list)  # 办理程序 / 服务流程, steps
    flowchart: Mapped[str] = mapped_column(Text, default="")  # 流程图: text steps or a URL
    fee: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(500), default="")
    hours: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(Text, default="")  # real guides hold contact blocks
    supervision_phone: Mapped[str] = mapped_column(String(200), default="")
    supervision_way: Mapped[str] = mapped_column(Text, default="")

    legal_limit_value: Mapped[int | None] = mapped_column(default=None)
    legal_limit_unit: Mapped[str | None] = mapped_column(String(10), default=None)
    legal_limit_note: Mapped[str | None] = mapped_column(String(300), default=None)
    promised_limit_value: Mapped[int | None] = mapped_column(default=None)
    promised_limit_unit: Mapped[str | None] = mapped_column(String(10), default=None)
    promised_limit_note: Mapped[str | None] = mapped_column(String(300), default=None)
    legal_time_limit: Mapped[TimeLimit] = composite(
        TimeLimit, "legal_limit_value", "legal_limit_unit", "legal_limit_note"
    )
    promised_time_limit: Mapped[TimeLimit] = composite(
        TimeLimit, "promised_limit_value", "promised_limit_unit", "promised_limit_note"
    )

    # Convenience services (第十二条): 服务内容 and 管理要求; 责任单位 is the department,
    # 服务流程 the procedure, 办结时限 the promised time limit.
    service_content: Mapped[str] = mapped_column(Text, default="")
    management_requirements: Mapped[str] = mapped_column(Text, default="")

    national_item_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    national_implementation_code: Mapped[str | None] = mapped_column(
        String(128), index=True, default=None
    )
    aliases: Mapped[list[str]] = mapped_column(default=list)
    keywords: Mapped[list[str]] = mapped_column(default=list)

    status: Mapped[str] = status_column()
    suspension_class: Mapped[str | None] = mapped_column(String(4), default=None)  # 一…四
    suspension_reason: Mapped[str | None] = mapped_column(Text, default=None)
    suspended_at: Mapped[datetime | None] = mapped_column(default=None)
    classified: Mapped[bool] = mapped_column(Boolean, default=False)  # 涉密: never published
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    # The last published change (更新日期 shown to the public) and what it changed.
    revised_at: Mapped[datetime | None] = mapped_column(default=None)
    revision_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    last_case_on: Mapped[date | None] = mapped_column(default=None)  # for 第十条(二)
    version: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(300), default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    department: Mapped[Department | None] = relationship(lazy="selectin")
    parent: Mapped[Item | None] = relationship(remote_side=[id], lazy="raise")
    responsibilities: Mapped[list[Responsibility]] = relationship(
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="Responsibility.seq",
        lazy="selectin",
    )

    __mapper_args__ = {
        "polymorphic_on": "kind",
        "polymorphic_identity": "item",
        "version_id_col": version,
    }

    @property
    def status_enum(self) -> PublicationStatus:
        """`status` as the enum."""
        return PublicationStatus(self.status)

    @property
    def category_label(self) -> str:
        """The Chinese name of its category (公共服务 for a convenience service)."""
        return "公共服务" if self.kind == "service" else CATEGORIES[self.category]

    @property
    def devolved_region(self) -> str:
        """The town or village the power is devolved to; empty when the county exercises it."""
        return self.region_code if len(self.region_code) > 6 else ""

    @property
    def updated_at_public(self) -> datetime | None:
        """更新日期: the last published change, else the first publication."""
        return self.revised_at or self.published_at

    @property
    def is_public(self) -> bool:
        """Visible to citizens and pages: published or suspended, and never classified."""
        return not self.classified and self.status in (
            PublicationStatus.PUBLISHED.value,
            PublicationStatus.SUSPENDED.value,
        )


class PowerItem(Item):
    """行政权力事项 (approval items are category XK with a full guide)."""

    __mapper_args__ = {"polymorphic_identity": "power"}


class ServiceItem(Item):
    """便民服务事项."""

    __mapper_args__ = {"polymorphic_identity": "service"}


class Responsibility(Base):
    """部门责任事项: the duties attached to a power item; it uses the item's code."""

    __tablename__ = "responsibilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(200))  # 受理责任, 审查责任, 决定责任 …
    content: Mapped[str] = mapped_column(Text, default="")
    accountability: Mapped[str] = mapped_column(Text, default="")  # 追责情形

    item: Mapped[Item] = relationship(back_populates="responsibilities", lazy="raise")


class RetiredCode(Base):
    """代码废止库: a retired code is kept for look-ups and never assigned again."""

    __tablename__ = "retired_codes"

    code: Mapped[str] = mapped_column(String(33), primary_key=True)
    basic_code: Mapped[str] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(String(10))  # abolished | merged | recoded
    # The code that replaced it: the merged item's, or the item's new code after a change
    # of 实施主体 (recoded).
    merged_into: Mapped[str | None] = mapped_column(String(33), default=None)
    basis: Mapped[str] = mapped_column(Text, default="")  # 依据
    retired_at: Mapped[datetime] = mapped_column(default=utcnow)
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL"), default=None
    )


class Synonym(TimestampMixin, Base):
    """A word citizens use (colloquial) for a formal term, added by staff at run time."""

    __tablename__ = "synonyms"
    __table_args__ = (UniqueConstraint("colloquial", "formal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    colloquial: Mapped[str] = mapped_column(String(100), index=True)
    formal: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(100), default="")


__all__ = [
    "Item",
    "PowerItem",
    "PublicationStatus",
    "Responsibility",
    "RetiredCode",
    "ServiceItem",
    "Synonym",
    "TimeLimit",
]
