"""Chat answers fit one WeChat text (2048 bytes) however long the record, and keep the link."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from catalogue.models import (
    Department,
    FundItem,
    PovertyAllocation,
    PovertyProject,
    PowerItem,
    Region,
    RetiredCode,
)
from catalogue.queries import FundList, Place, RegionFunds, YearFunds
from handlers.citizen import cards, fund_answers
from handlers.citizen.amounts import wan
from handlers.citizen.fitting import utf8_len

BASE = "https://zw.example"
LONG = "很长的说明文字" * 80


def _huge_item() -> PowerItem:
    item = PowerItem(
        code="620623000000013670253" + "0—XK00001000",
        kind="power",
        category="XK",
        name="一个名称很长的事项" * 10,
        requirements=[
            {"name": f"第{n}份材料" + "附带说明" * 20, "originals": 1, "copies": 2, "note": LONG}
            for n in range(1, 80)
        ],
        legal_limit_value=20,
        legal_limit_unit="工作日",
        legal_limit_note=LONG[:200],
        promised_limit_value=5,
        promised_limit_unit="工作日",
        fee=LONG,
        location=LONG,
        hours=LONG,
        phone=LONG,
        supervision_phone=LONG,
        conditions=LONG,
        status="suspended",
        suspension_class="二",
        suspension_reason=LONG,
        published_at=datetime(2024, 1, 2, tzinfo=UTC),
        is_demo=True,
    )
    item.department = Department(name="天祝藏族自治县某某局", address=LONG, phone=LONG)
    return item


def test_card_fits_one_text_and_keeps_the_essentials():
    item = _huge_item()
    card = cards.card(item, BASE)
    assert utf8_len(card) <= 2048
    assert "（演示数据）" in card and "暂停办理（依据第十条第二项）" in card
    assert "1. 第1份材料" in card and "……共79项材料，全部见下方链接。" in card
    assert "法定办结时限：20个工作日" in card and "更新日期：2024-01-02" in card
    assert card.splitlines()[-2].startswith(f"完整办事指南：{BASE}/items/")
    assert "评1" in card.splitlines()[-1]


def test_every_answer_fits_one_text():
    item = _huge_item()
    for intent in (None, "materials", "time", "where", "fee"):
        assert utf8_len(cards.answer(item, BASE, intent)) <= 2048, intent
    listed = cards.item_list([item] * 5, page=1, pages=3)
    assert utf8_len(listed) <= 2048 and "下一页" in listed


def test_retired_answers():
    retired = RetiredCode(
        code="X" * 33,
        basic_code="XK00001000",
        name="旧事项",
        reason="abolished",
        basis="县政府决定",
        retired_at=datetime(2023, 5, 6, tzinfo=UTC),
    )
    assert "已于2023-05-06作废" in cards.retired_answer(retired, None, BASE)


def test_fund_answers_fit_and_sum_exactly():
    region = Region(code="620623100200", name="红大村委会", short_name="红大村", level="village")
    allocations = [
        PovertyAllocation(
            year=2016,
            region_code=region.code,
            amount=Decimal("0.0001") * n,
            document_number=f"天扶贫发〔2016〕{n}号",
            purpose=LONG[:50],
        )
        for n in range(1, 200)
    ]
    for allocation in allocations:
        allocation.region = region
    projects = [
        PovertyProject(
            year=2016,
            name=f"项目{n}" + LONG[:30],
            approval_number=f"文{n}号",
            investment=Decimal("1.1111"),
            implementing_unit="镇政府",
        )
        for n in range(1, 50)
    ]
    place = Place(region.code, region.name, region.short_name, "village", "620623100", "华藏寺镇")
    funds = RegionFunds(place=place, years=[YearFunds(2016, allocations, projects)])
    text = fund_answers.place_funds_answer(funds, BASE, 2016)
    assert utf8_len(text) <= 2048
    assert f"合计{wan(sum((a.amount for a in allocations), Decimal(0)))}万元" in text
    assert "合计1.99万元" in text and "投资合计54.4439万元" in text
    assert text.endswith(f"{BASE}/villages/620623100200?year=2016")
    department = Department(name="天祝藏族自治县农牧局", short_name="农牧局")
    rows = [
        FundItem(
            budget_year=2015,
            fund_type="department_budget",
            project_name=f"资金{n}",
            budget_amount=Decimal("10.5"),
            is_demo=False,
        )
        for n in range(1, 150)
    ]
    for row in rows:
        row.department = department
    listing = fund_answers.fund_list_answer(
        FundList(2015, None, None, rows), BASE, what="2015年", department_id=None
    )
    assert utf8_len(listing) <= 2048 and "共149项，合计1564.50万元" in listing


def test_amounts_are_written_exactly():
    assert [wan(Decimal(v)) for v in ("1234.5678", "120.5000", "100", "0.0001", "1E+2")] == [
        "1234.5678",
        "120.50",
        "100.00",
        "0.0001",
        "100.00",
    ]


def _thin_item(**fields: object) -> PowerItem:
    """A guide that leaves things out, as many real ones do."""
    values: dict[str, object] = {
        "code": "620623000000013670253" + "0—QT00001000",
        "kind": "power",
        "category": "QT",
        "name": "某某补贴发放",
        "requirements": [],
        "procedure": [],
        "fee": "不收费",
        "phone": "未公布",
    }
    values.update(fields)
    item = PowerItem(**values)
    item.department = Department(
        name="天祝藏族自治县民政局", address="华藏寺镇", phone="0935-3121306"
    )
    return item


def test_every_answer_of_every_aspect_fits_one_text():
    for aspect in cards.ANSWERS:
        assert utf8_len(cards.answer(_huge_item(), BASE, aspect)) <= 2048, aspect


def test_a_missing_field_gives_the_departments_place_and_phone_not_a_dead_end():
    item = _thin_item()
    materials = cards.materials_answer(item, BASE)
    assert "材料清单暂未公布" in materials
    assert "0935-3121306" in materials and "华藏寺镇" in materials
    assert "请电话咨询" not in materials
    phone = cards.phone_answer(item, BASE)
    assert "0935-3121306（天祝藏族自治县民政局）" in phone


def test_without_any_published_phone_the_answer_is_12345():
    item = _thin_item()
    assert item.department is not None
    item.department.phone = ""
    assert "12345" in cards.time_answer(item, BASE)


def test_the_original_guide_is_linked_when_the_data_names_it():
    item = _thin_item(phone="电话：未公布；网址：https://zwfw.example.cn/guide/123")
    assert "原办事指南：https://zwfw.example.cn/guide/123" in cards.materials_answer(item, BASE)


def test_a_benefit_amount_is_the_published_standard_or_whom_to_ask_never_the_fee():
    published = _thin_item(service_content="按每人每月100元的标准发放；按季度发放。")
    answer = cards.benefit_answer(published, BASE)
    assert "每人每月100元" in answer and "收费" not in answer
    unpublished = cards.benefit_answer(_thin_item(), BASE)
    assert "没有公布具体发放标准" in unpublished and "0935-3121306" in unpublished
    assert "收费" not in unpublished


def test_online_says_what_the_guide_says_or_where_to_go():
    online = _thin_item(procedure=["申请：通过甘肃政务服务网提交申请", "受理：窗口审查"])
    assert "可以网上申请" in cards.online_answer(online, BASE)
    offline = cards.online_answer(_thin_item(location="县政务服务中心6号窗口"), BASE)
    assert "没有写明可以网上办理" in offline and "6号窗口" in offline


def test_entries_sharing_a_name_are_told_apart_by_department() -> None:
    county, town = (
        PowerItem(name="乡村建设规划许可证核发"),
        PowerItem(name="乡村建设规划许可证核发"),
    )
    county.department = Department(name="天祝藏族自治县自然资源局", short_name="县自然资源局")
    town.department = Department(name="天祝藏族自治县华藏寺镇人民政府")
    other = PowerItem(name="林木采伐许可证核发")
    other.department = Department(name="天祝藏族自治县林业和草原局")
    names = [county.name, town.name, other.name]
    assert cards.told_apart(county, names) == "（县自然资源局）"
    assert cards.told_apart(town, names) == "（天祝藏族自治县华藏寺镇人民政府）"
    assert cards.told_apart(other, names) == ""


def test_who_may_apply_without_published_conditions_tells_whom_the_item_serves():
    serving = _thin_item(service_content="为年满60周岁、家庭困难的老年人发放生活补贴。")
    answer = cards.conditions_answer(serving, BASE)
    assert "年满60周岁" in answer and "未单独公布" in answer and "0935-3121306" in answer
    bare = cards.conditions_answer(_thin_item(), BASE)
    assert "服务内容" not in bare and "0935-3121306" in bare


def test_a_fee_answer_adds_what_the_guide_says_of_costs():
    item = _thin_item(
        management_requirements="申请不收费；证件工本费按国家标准收取。代办须带身份证。"
    )
    answer = cards.fee_answer(item, BASE)
    assert "收费：不收费" in answer and "工本费按国家标准收取" in answer
    assert "代办" not in answer


def test_notes_follow_an_answer_within_one_text():
    answer = cards.with_notes(cards.fee_answer(_thin_item(), BASE), ["长" * 2000])
    assert utf8_len(answer) <= 2048 and "收费：不收费" in answer


def test_the_card_shows_the_steps_by_their_labels_and_the_procedure_what_to_bring():
    item = _thin_item(
        procedure=["挂失：先打电话挂失", "申请：到网点申请", "领取：当场领取"],
        requirements=[{"name": "身份证", "originals": 1}, {"name": "旧证", "originals": 1}],
    )
    assert "办理流程：挂失 → 申请 → 领取" in cards.card(item, BASE)
    assert "要带的材料：身份证、旧证" in cards.procedure_answer(item, BASE)
    unlabelled = _thin_item(procedure=["先到窗口申请，再等通知"])
    assert "办理流程" not in cards.card(unlabelled, BASE)


def test_where_adds_the_places_the_guides_steps_send_one_to():
    item = _thin_item(
        location="县政务服务中心6号窗口", procedure=["申请：向村民委员会提出", "审核：窗口审核"]
    )
    answer = cards.where_answer(item, BASE)
    assert "6号窗口" in answer and "申请：向村民委员会提出" in answer
    assert "审核：窗口审核" not in answer
    # the town a step sends one to, not the town's own work
    town = _thin_item(
        location="县政务服务中心6号窗口",
        procedure=["申请：到户籍所在地乡政府申请", "审核：乡镇初审"],
    )
    answer = cards.where_answer(town, BASE)
    assert "申请：到户籍所在地乡政府申请" in answer and "乡镇初审" not in answer


def test_someone_else_applying_is_what_the_guide_says_or_whom_to_ask():
    item = _thin_item(
        procedure=["申请：本人或监护人向乡镇提出申请", "发放：按月发放至本人银行账户"],
        requirements=[{"name": "身份证", "originals": 1}],
    )
    answer = cards.proxy_answer(item, BASE)
    assert "本人或监护人向乡镇提出申请" in answer and "要带的材料：身份证" in answer
    assert "银行账户" not in answer  # 本人 of 本人银行账户 says nothing of who applies
    silent = cards.proxy_answer(_thin_item(), BASE)
    assert "没有写明能不能由别人代办" in silent and "0935-3121306" in silent
    online = _thin_item(procedure=["申请：在甘肃政务服务网提交"])
    answer = cards.proxy_answer(online, BASE)
    assert "甘肃政务服务网" in answer  # no one needs to go
    # ... but the guide still does not say whether someone else may apply
    assert "没有写明能不能由别人代办" in answer, answer


def test_how_a_benefit_is_paid_is_what_the_guide_says_or_whom_to_ask():
    item = _thin_item(procedure=["审核：乡镇审核", "发放：按季度发放至一卡通账户"])
    answer = cards.payment_answer(item, BASE)
    assert "按季度发放至一卡通账户" in answer and "乡镇审核" not in answer
    silent = cards.payment_answer(_thin_item(procedure=["审核：乡镇审核"]), BASE)
    assert "没有写明怎么发放" in silent and "0935-3121306" in silent
