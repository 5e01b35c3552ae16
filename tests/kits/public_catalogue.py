"""A small catalogue with every kind of record the public side must show or hide (test seed).

Test modules import it as `from tests.kits import public_catalogue as seed`; names below are real
towns and villages of the county, items and amounts are made up for the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.checkdigits import org_code_check_char
from catalogue.models import (
    Department,
    FundItem,
    PovertyAllocation,
    PovertyProject,
    PowerItem,
    Region,
    Responsibility,
    RetiredCode,
    ServiceItem,
)

PUBLISHED_AT = datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
CULTURE_ORG = "01367025"
FARMING_ORG = "01367012"
SOCIAL_ORG = "01367099"

# Names that must never reach citizens, pages, the API or exports.
HIDDEN_NAMES = ("草稿中的网吧年检", "涉密的网吧保密审查", "待审核的网吧变更", "已作废的网吧备案")
HIDDEN_PROJECT = "未发布的红大村草稿项目"
HIDDEN_FUND = "未发布的农牧草稿资金"


def body(org8: str) -> str:
    """The county's 22-character subject code of a department."""
    return f"620623000000{org8}{org_code_check_char(org8)}0"


def code(org8: str, category: str, main: int, sub: int = 0) -> str:
    """A canonical 32-character item code."""
    return f"{body(org8)}—{category}{main:05d}{sub:03d}"


NETBAR = code(CULTURE_ORG, "XK", 1)
ENTERTAINMENT = code(CULTURE_ORG, "XK", 2)
PERFORMANCE = code(CULTURE_ORG, "XK", 3)  # suspended
DRAFT = code(CULTURE_ORG, "XK", 4)
CLASSIFIED = code(CULTURE_ORG, "XK", 5)
PENDING = code(CULTURE_ORG, "XK", 6)
ABOLISHED = code(CULTURE_ORG, "XK", 7)
MERGED_AWAY = code(CULTURE_ORG, "XK", 8)
SEED = code(FARMING_ORG, "XK", 9)
GRASSLAND = code(FARMING_ORG, "CF", 10)
PENSION = code(SOCIAL_ORG, "QT", 11)

HONGDA = "620623100200"
HUACANGSI_TOWN = "620623100"
DAWAN_DACHAIGOU = "620623101215"
DAWAN_TIANTANG = "620623108211"


@dataclass(frozen=True)
class Seeded:
    """Ids the tests need."""

    culture_id: int
    farming_id: int
    social_id: int


def item(cls: type[PowerItem] | type[ServiceItem], full_code: str, name: str, **fields: object):
    basic = full_code[-10:]
    values: dict[str, object] = {
        "code": full_code,
        "subject_code": full_code[:22],
        "basic_code": basic,
        "category": basic[:2],
        "main_no": int(basic[2:7]),
        "sub_no": int(basic[7:]),
        "name": name,
        "status": "published",
        "published_at": PUBLISHED_AT,
    }
    values.update(fields)
    return cls(**values)


def _published(status: str) -> dict[str, object]:
    return {"status": status, "published_at": PUBLISHED_AT if status == "published" else None}


def _town(code: str, name: str) -> Region:
    return Region(code=code, name=name, short_name=name, level="town", parent_code="620623")


def _village(code: str, short_name: str, town: str) -> Region:
    return Region(
        code=code,
        name=f"{short_name}委会",
        short_name=short_name,
        level="village",
        parent_code=town,
    )


def _fund(
    year: int, fund_type: str, department_id: int, name: str, amount: str, status: str, **extra: str
) -> FundItem:
    return FundItem(
        budget_year=year,
        fund_type=fund_type,
        department_id=department_id,
        project_name=name,
        budget_amount=Decimal(amount),
        **extra,
        **_published(status),
    )


def _allocation(
    year: int, region: str, amount: str, document: str, purpose: str, status: str = "published"
) -> PovertyAllocation:
    return PovertyAllocation(
        year=year,
        region_code=region,
        amount=Decimal(amount),
        document_number=document,
        purpose=purpose,
        **_published(status),
    )


def _project(
    year: int,
    name: str,
    approval: str,
    investment: str,
    villages: list[Region | None],
    status: str = "published",
    **extra: str,
) -> PovertyProject:
    return PovertyProject(
        year=year,
        name=name,
        approval_number=approval,
        investment=Decimal(investment),
        villages=villages,
        **extra,
        **_published(status),
    )


NETBAR_REQUIREMENTS = [
    {"name": "申请书", "originals": 1, "copies": 0, "required": True, "note": ""},
    {"name": "法定代表人身份证", "originals": 1, "copies": 1, "required": True, "note": ""},
    {"name": "消防安全检查合格意见书", "originals": 0, "copies": 1, "required": True, "note": ""},
]


async def seed_public_catalogue(session: AsyncSession) -> Seeded:
    """Insert the seed and commit."""
    session.add_all(
        [
            Region(code="620623", name="天祝藏族自治县", level="county"),
            _town(HUACANGSI_TOWN, "华藏寺镇"),
            _town("620623101", "打柴沟镇"),
            _town("620623108", "天堂镇"),
        ]
    )
    await session.flush()
    session.add_all(
        [
            _village(HONGDA, "红大村", HUACANGSI_TOWN),
            _village("620623100205", "华藏寺村", HUACANGSI_TOWN),
            _village(DAWAN_DACHAIGOU, "大湾村", "620623101"),
            _village(DAWAN_TIANTANG, "大湾村", "620623108"),
        ]
    )
    culture = Department(
        name="天祝藏族自治县文化广电和旅游局",
        short_name="文旅局",
        org_code=CULTURE_ORG + org_code_check_char(CULTURE_ORG),
        region_code="620623",
        address="华藏寺镇政务服务中心二楼",
        phone="0935-3121234",
    )
    farming = Department(
        name="天祝藏族自治县农牧局",
        short_name="农牧局",
        org_code=FARMING_ORG + org_code_check_char(FARMING_ORG),
        region_code="620623",
    )
    social = Department(name="天祝藏族自治县人力资源和社会保障局", short_name="人社局")
    session.add_all([culture, farming, social])
    await session.flush()

    netbar = item(
        PowerItem,
        NETBAR,
        "互联网上网服务营业场所经营单位设立审批",
        department_id=culture.id,
        handling_office="文化市场股",
        legal_basis="《互联网上网服务营业场所管理条例》第十条",
        conditions="有与其经营活动相适应的资金、场所和设备。",
        requirements=NETBAR_REQUIREMENTS,
        procedure=["受理", "审查", "决定", "送达"],
        fee="不收费",
        location="天祝县政务服务中心一楼3号窗口",
        hours="工作日 8:30-12:00，14:30-18:00",
        phone="0935-3125678",
        supervision_phone="0935-3129999",
        supervision_way="县纪委监委派驻纪检组监督",
        legal_limit_value=20,
        legal_limit_unit="工作日",
        promised_limit_value=10,
        promised_limit_unit="工作日",
        aliases=["开网吧", "网吧审批"],
        keywords=["网吧", "上网"],
        responsibilities=[
            Responsibility(
                seq=1,
                title="受理责任",
                content="公示申请条件，一次性告知补正材料。",
                accountability="不依法受理的",
            ),
            Responsibility(
                seq=2,
                title="审查责任",
                content="对申请材料进行审查，必要时实地核查。",
                accountability="审查不严的",
            ),
        ],
    )
    session.add_all(
        [
            netbar,
            item(
                PowerItem,
                ENTERTAINMENT,
                "娱乐场所经营许可",
                department_id=culture.id,
                requirements=[
                    {"name": "营业执照", "originals": 1, "copies": 1, "required": True, "note": ""}
                ],
                legal_limit_value=20,
                legal_limit_unit="工作日",
                promised_limit_value=15,
                promised_limit_unit="工作日",
                fee="不收费",
                location="天祝县政务服务中心一楼3号窗口",
                phone="0935-3125678",
                keywords=["歌厅", "KTV"],
            ),
            item(
                PowerItem,
                PERFORMANCE,
                "营业性演出审批",
                department_id=culture.id,
                status="suspended",
                suspension_class="一",
                suspension_reason="法律法规调整，暂停办理，恢复后另行公告。",
                suspended_at=PUBLISHED_AT,
            ),
            item(
                PowerItem,
                DRAFT,
                HIDDEN_NAMES[0],
                department_id=culture.id,
                status="draft",
                published_at=None,
                keywords=["网吧"],
            ),
            item(
                PowerItem,
                CLASSIFIED,
                HIDDEN_NAMES[1],
                department_id=culture.id,
                classified=True,
                keywords=["网吧"],
            ),
            item(
                PowerItem,
                PENDING,
                HIDDEN_NAMES[2],
                department_id=culture.id,
                status="pending_review",
                keywords=["网吧"],
            ),
            item(
                PowerItem,
                ABOLISHED,
                HIDDEN_NAMES[3],
                department_id=culture.id,
                status="abolished",
                keywords=["网吧"],
            ),
            item(
                PowerItem,
                SEED,
                "农作物种子生产经营许可",
                department_id=farming.id,
                legal_limit_value=20,
                legal_limit_unit="工作日",
                fee="不收费",
                is_demo=True,
            ),
            item(PowerItem, GRASSLAND, "对违反草原法行为的处罚", department_id=farming.id),
            item(
                ServiceItem,
                PENSION,
                "城乡居民基本养老保险参保登记",
                department_id=social.id,
                service_content="为城乡居民办理养老保险参保登记。",
                promised_limit_value=1,
                promised_limit_unit="工作日",
            ),
        ]
    )
    session.add_all(
        [
            RetiredCode(
                code=ABOLISHED,
                basic_code=ABOLISHED[-10:],
                name=HIDDEN_NAMES[3],
                reason="abolished",
                basis="县政府决定取消",
            ),
            RetiredCode(
                code=MERGED_AWAY,
                basic_code=MERGED_AWAY[-10:],
                name="歌舞娱乐场所变更",
                reason="merged",
                merged_into=ENTERTAINMENT,
                basis="合并办理",
            ),
        ]
    )
    session.add_all(
        [
            _fund(
                2015,
                "department_budget",
                farming.id,
                "草原生态保护补助奖励资金",
                "1234.5678",
                "published",
                management_measures="《草原生态保护补助奖励资金管理办法》",
            ),
            _fund(
                2015, "transfer_payment", farming.id, "农业综合开发资金", "300.1000", "published"
            ),
            _fund(2015, "department_budget", farming.id, HIDDEN_FUND, "999.0000", "draft"),
            _fund(
                2016,
                "department_budget",
                culture.id,
                "公共文化服务体系建设资金",
                "88.0000",
                "published",
            ),
        ]
    )
    hongda = await session.get(Region, HONGDA)
    dawan_tiantang = await session.get(Region, DAWAN_TIANTANG)
    session.add_all(
        [
            _allocation(2016, HONGDA, "120.5000", "天扶贫发〔2016〕12号", "产业扶持"),
            _allocation(2016, HONGDA, "30.2500", "天扶贫发〔2016〕31号", "危房改造"),
            _allocation(2016, HONGDA, "999.0000", "天扶贫发〔2016〕99号", "草稿", "draft"),
            _allocation(2017, HONGDA, "50.0000", "天扶贫发〔2017〕5号", "产业扶持"),
            _allocation(2016, DAWAN_TIANTANG, "80.0000", "天扶贫发〔2016〕12号", "产业扶持"),
            _allocation(2016, DAWAN_DACHAIGOU, "70.0000", "天扶贫发〔2016〕12号", "产业扶持"),
            _project(
                2016,
                "红大村道路硬化工程",
                "天发改〔2016〕8号",
                "88.8800",
                [hongda],
                construction_content="硬化道路3公里",
                benefits="方便120户群众出行",
                competent_unit="县扶贫办",
                implementing_unit="华藏寺镇人民政府",
            ),
            _project(2016, HIDDEN_PROJECT, "", "500.0000", [hongda], status="draft"),
            _project(
                2017,
                "红大村养殖暖棚建设",
                "天扶贫发〔2017〕9号",
                "40.0100",
                [hongda],
                implementing_unit="华藏寺镇人民政府",
            ),
            _project(
                2016,
                "天堂镇大湾村饮水工程",
                "天水发〔2016〕3号",
                "65.0000",
                [dawan_tiantang],
                implementing_unit="县水务局",
            ),
        ]
    )
    await session.commit()
    return Seeded(culture_id=culture.id, farming_id=farming.id, social_id=social.id)
