"""Poverty-alleviation allocation plans (扶贫资金分配计划) and project lists (扶贫项目清单)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, TimestampMixin, status_column
from catalogue.models.regions import Region

project_villages = Table(
    "poverty_project_villages",
    Base.metadata,
    Column("project_id", ForeignKey("poverty_projects.id", ondelete="CASCADE"), primary_key=True),
    Column("region_code", ForeignKey("regions.code"), primary_key=True),
)


class PovertyAllocation(TimestampMixin, Base):
    """An amount allocated to one town or village in one year by one document."""

    __tablename__ = "poverty_allocations"
    __table_args__ = (UniqueConstraint("year", "region_code", "document_number", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    amount: Mapped[Decimal]  # 万元
    document_number: Mapped[str] = mapped_column(String(100))  # 文号, e.g. 天扶贫发〔2016〕12号
    purpose: Mapped[str] = mapped_column(String(300), default="")
    fund_source: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = status_column()
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_demo: Mapped[bool] = mapped_column(default=False)

    region: Mapped[Region] = relationship(lazy="selectin")

    __mapper_args__ = {"version_id_col": version}


class PovertyProject(TimestampMixin, Base):
    """A row of the poverty project list (甘办发〔2014〕66号 第二十五条 columns)."""

    __tablename__ = "poverty_projects"
    __table_args__ = (UniqueConstraint("year", "name", "approval_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(300))  # 项目名称
    approval_number: Mapped[str] = mapped_column(String(100), default="")  # 审批文号
    investment: Mapped[Decimal]  # 投资额度, 万元
    construction_content: Mapped[str] = mapped_column(Text, default="")  # 主要建设内容
    benefits: Mapped[str] = mapped_column(Text, default="")  # 新增经济效益和扶贫效益
    competent_unit: Mapped[str] = mapped_column(String(200), default="")  # 项目主管单位
    implementing_unit: Mapped[str] = mapped_column(String(200), default="")  # 项目实施单位
    households_benefited: Mapped[int | None] = mapped_column(default=None)
    persons_benefited: Mapped[int | None] = mapped_column(default=None)
    fund_source: Mapped[str] = mapped_column(String(300), default="")
    # planned | in_progress | completed | cancelled
    progress: Mapped[str] = mapped_column(String(20), default="planned")
    status: Mapped[str] = status_column()
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    changed_on: Mapped[date | None] = mapped_column(default=None)  # 调整变更审定日期
    change_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_demo: Mapped[bool] = mapped_column(default=False)

    villages: Mapped[list[Region]] = relationship(secondary=project_villages, lazy="selectin")

    __mapper_args__ = {"version_id_col": version}

    @property
    def village_codes(self) -> list[str]:
        """The codes of the villages the project is in."""
        return [village.code for village in self.villages]
