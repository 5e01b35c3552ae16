"""A small county for the staff-workflow tests: two departments, one account of every role,
published, draft and other-department items, a fund list and a poverty list (test seed).

Imported as `from tests.kits import staff_world as W` by tests/catalogue/test_workflow*.py,
tests/handlers/test_staff*.py and the staff kits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue import staff as registry
from catalogue.models import (
    Department,
    FundItem,
    PovertyAllocation,
    PovertyProject,
    PowerItem,
    Region,
    Responsibility,
    Role,
    StaffMember,
)

CIVIL_ORG = "008778693"  # real GB 11714 codes with valid check characters
CULTURE_ORG = "MB1A21304"
CIVIL_BODY = f"620623000000{CIVIL_ORG}0"
CULTURE_BODY = f"620623000000{CULTURE_ORG}0"
PUBLISHED_AT = datetime(2025, 3, 5, 9, 30, tzinfo=UTC)


def code(body: str, basic: str) -> str:
    """A canonical 32-character item code."""
    return f"{body}—{basic}"


LIVE = code(CIVIL_BODY, "XK00001000")  # 民政局, published
LIVE2 = code(CIVIL_BODY, "XK00002000")  # 民政局, published (merged with LIVE)
DRAFT = code(CIVIL_BODY, "XK00003000")  # 民政局, draft
OTHER = code(CULTURE_BODY, "CF00001000")  # 文旅局, published

ROLES = {
    "clerk": (Role.CLERK, "civil"),
    "clerk_other": (Role.CLERK, "culture"),
    "review": (Role.REVIEW_OFFICE, None),
    "review2": (Role.REVIEW_OFFICE, None),
    "legal": (Role.LEGAL_OFFICE, None),
    "approver": (Role.APPROVER, None),
    "admin": (Role.ADMIN, None),
    "finance": (Role.FINANCE, None),
    "finance2": (Role.FINANCE, None),  # the second finance reviewer
    "poverty": (Role.POVERTY_OFFICE, None),
    "poverty2": (Role.POVERTY_OFFICE, None),  # records the reviews of 《扶贫办法》第三条
    "auditor": (Role.AUDITOR, None),
}


@dataclass
class World:
    """Ids of what was seeded; `staff[name]` is the account, `secrets[name]` its TOTP secret."""

    staff: dict[str, StaffMember] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    civil_id: int = 0
    culture_id: int = 0
    fund_id: int = 0
    project_id: int = 0
    allocation_id: int = 0


def _item(code_text: str, name: str, department: Department, status: str) -> PowerItem:
    body, basic = code_text.split("—")
    return PowerItem(
        code=code_text,
        subject_code=body,
        basic_code=basic,
        category=basic[:2],
        main_no=int(basic[2:7]),
        sub_no=int(basic[7:]),
        name=name,
        department=department,
        legal_basis="《社会团体登记管理条例》",
        phone="0935-3121000",
        requirements=[{"name": "申请书", "originals": 1, "copies": 0, "required": True}],
        # Every field 第十条（一）、第十一条 require, so the workflow may move the items.
        handling_office="业务股",
        procedure=["受理", "审查", "决定"],
        promised_limit_value=10,
        promised_limit_unit="工作日",
        supervision_way="县政务服务中心投诉窗口",
        responsibilities=[Responsibility(title="受理责任", content="公示材料，一次告知", seq=1)],
        keywords=["社团"],
        status=status,
        published_at=PUBLISHED_AT if status == "published" else None,
    )


def _project_columns(implementing: str) -> dict[str, str]:
    """The columns of 《扶贫办法》第三条 a project row needs besides name, number, amount."""
    return {
        "construction_content": "硬化道路 3 公里",
        "benefits": "受益农户 120 户",
        "competent_unit": "天祝县扶贫办",
        "implementing_unit": implementing,
    }


async def build_world(sessions: async_sessionmaker[AsyncSession]) -> World:
    """Seed the county and commit; returns the ids."""
    world = World()
    async with sessions() as session:
        session.add(Region(code="620623", name="天祝藏族自治县", level="county"))
        civil = Department(name="天祝县民政局", short_name="民政局", org_code=CIVIL_ORG)
        culture = Department(
            name="天祝县文体广电和旅游局", short_name="文旅局", org_code=CULTURE_ORG
        )
        session.add_all([civil, culture])
        await session.flush()
        departments = {"civil": civil, "culture": culture}
        for name, (role, department) in ROLES.items():
            account = await registry.add_staff(
                session,
                wecom_user_id=name,
                name=name,
                role=role,
                department=departments[department] if department else None,
            )
            world.staff[name] = account.staff
            if account.staff.totp_secret:
                world.secrets[name] = account.staff.totp_secret
        items = {
            LIVE: _item(LIVE, "社会团体成立登记", civil, "published"),
            LIVE2: _item(LIVE2, "社会团体变更登记", civil, "published"),
            DRAFT: _item(DRAFT, "慈善组织认定", civil, "draft"),
            OTHER: _item(OTHER, "对擅自从事营业性演出的处罚", culture, "published"),
        }
        session.add_all(items.values())
        fund = FundItem(
            budget_year=2026,
            fund_type="department_budget",
            department=civil,
            project_name="城乡低保提标补助",
            budget_amount=Decimal("120.5"),
            competitive=True,
            application_guide="县民政局城乡低保提标补助申报指南",
        )
        project = PovertyProject(
            year=2026,
            name="朵什乡产业路硬化",
            approval_number="天扶贫发〔2026〕3号",
            investment=Decimal("85"),
            **_project_columns("朵什乡人民政府"),
            status="published",
            published_at=PUBLISHED_AT,
        )
        draft_project = PovertyProject(
            year=2027,
            name="打柴沟镇光伏帮扶",
            approval_number="天扶贫发〔2026〕9号",
            investment=Decimal("40"),
            **_project_columns("打柴沟镇人民政府"),
        )
        session.add_all([fund, project, draft_project])
        allocation = PovertyAllocation(
            year=2027,
            region_code="620623",
            amount=Decimal("12"),
            document_number="天扶贫发〔2026〕21号",
        )
        session.add(allocation)
        await session.commit()
        world.items = {code_text: item.id for code_text, item in items.items()}
        world.civil_id, world.culture_id = civil.id, culture.id
        world.fund_id, world.project_id = fund.id, project.id
        world.allocation_id = allocation.id
    return world
