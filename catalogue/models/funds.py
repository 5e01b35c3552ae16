"""The special fiscal fund list (财政专项资金管理清单), one row per project and budget year."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, TimestampMixin, status_column
from catalogue.models.regions import Department


class FundType(enum.StrEnum):
    """第四条: the list shows department-budget and transfer-payment funds separately."""

    DEPARTMENT_BUDGET = "department_budget"
    TRANSFER_PAYMENT = "transfer_payment"

    @property
    def label(self) -> str:
        """The Chinese name."""
        return "部门预算专项资金" if self is FundType.DEPARTMENT_BUDGET else "转移支付专项资金"


class FundItem(TimestampMixin, Base):
    """One special fund of one budget year, amounts in 万元."""

    __tablename__ = "fund_items"
    __table_args__ = (UniqueConstraint("budget_year", "department_id", "project_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_year: Mapped[int] = mapped_column(Integer, index=True)
    fund_type: Mapped[str] = mapped_column(String(20), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    project_name: Mapped[str] = mapped_column(String(300))
    budget_amount: Mapped[Decimal]  # 万元
    management_measures: Mapped[str] = mapped_column(Text, default="")  # 管理办法
    allocation_and_use: Mapped[str] = mapped_column(Text, default="")  # 分配使用
    performance_evaluation: Mapped[str] = mapped_column(Text, default="")  # 绩效评价
    competitive: Mapped[bool] = mapped_column(Boolean, default=False)  # 竞争性分配
    application_guide: Mapped[str] = mapped_column(Text, default="")  # 项目申报指南
    review_results: Mapped[str] = mapped_column(Text, default="")  # 评审结果
    allocation: Mapped[str] = mapped_column(Text, default="")  # 资金分配情况
    budget_approved_on: Mapped[date | None] = mapped_column(default=None)  # 人大批准预算
    published_on: Mapped[date | None] = mapped_column(default=None)
    change_note: Mapped[str] = mapped_column(Text, default="")  # 第八条: explain every update
    status: Mapped[str] = status_column()
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    department: Mapped[Department] = relationship(lazy="selectin")

    __mapper_args__ = {"version_id_col": version}

    @property
    def fund_type_label(self) -> str:
        """部门预算专项资金 or 转移支付专项资金."""
        return FundType(self.fund_type).label


class BudgetYear(Base):
    """第七条: when the county people's congress approved a year's budget, and when the fund
    list of that year was published (due within 20 days of the approval)."""

    __tablename__ = "budget_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    approved_on: Mapped[date]
    # The date first recorded, kept when an approved correction request changes
    # `approved_on`: lateness is also shown from it (None: never corrected).
    original_approved_on: Mapped[date | None] = mapped_column(default=None)
    recorded_by: Mapped[str] = mapped_column(String(64), default="")
    published_on: Mapped[date | None] = mapped_column(default=None)
