"""The completeness rule: exactly which fields each kind of record lacks or has malformed, by
their Chinese names and articles; the forms of phones, dates, amounts and document numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from catalogue.lists import completeness, forms
from catalogue.lists.declarations import BY_KIND, KIND_LABELS, KINDS
from catalogue.models import TimeLimit

TODAY = date(2026, 12, 2)


def _missing(kinds: tuple[str, ...], values: dict[str, Any]) -> list[str]:
    return [s.label for s in completeness.check(kinds, values, TODAY) if s.missing]


def _complete_power() -> dict[str, Any]:
    return {
        "code": "620623000000008778693" + "0—XK00001000",
        "name": "社会团体成立登记",
        "category": "XK",
        "legal_basis": "《社会团体登记管理条例》",
        "department_id": 1,
        "promised_time_limit": TimeLimit(10, "工作日"),
        "flowchart": "",
        "procedure": ["受理", "审查", "决定"],
        "supervision_way": "投诉窗口",
        "responsibilities": [{"title": "受理责任", "content": "一次告知"}],
        "requirements": [{"name": "申请书"}],
        "handling_office": "业务股",
        "phone": "0935-3121000",
    }


def test_every_kind_is_declared_with_chinese_names_and_articles() -> None:
    assert (
        set(KINDS)
        == set(KIND_LABELS)
        == {
            "power",
            "approval",
            "service",
            "responsibility",
            "fund",
            "poverty_allocation",
            "poverty_project",
        }
    )
    for kind in KINDS:
        declaration = BY_KIND[kind]
        for requirement in declaration.requirements[kind]:
            assert "第" in requirement.article and "条" in requirement.article
            assert all(declaration.field(a) for a in requirement.attributes)


def test_every_declared_list_names_its_table_and_fields() -> None:
    from catalogue.lists.declarations import FILED

    for declaration in FILED.values():
        model = completeness.model_of(declaration)
        for field in declaration.fields:
            assert hasattr(model, field.attribute), (declaration.name, field.attribute)
        for attribute in declaration.naming:
            assert hasattr(model, attribute), (declaration.name, attribute)
    assert [completeness.row_kind(d) for d in completeness.ROW_LISTS] == [
        "fund",
        "poverty_allocation",
        "poverty_project",
    ]


def test_a_row_is_known_by_its_declared_reference_and_name() -> None:
    from catalogue.models import FundItem, PovertyAllocation

    fund = FundItem(id=12, project_name="草原补奖")
    allocation = PovertyAllocation(
        id=7, year=2026, region_code="620623101", document_number="天扶发〔2026〕3号"
    )
    assert completeness.record_kind(fund) == "fund"
    assert completeness.record_kind(allocation) == "poverty_allocation"
    assert (completeness.record_ref(fund), completeness.record_name(fund)) == (
        "fund:12",
        "草原补奖",
    )
    assert completeness.record_ref(allocation) == "allocation:7"
    assert completeness.record_name(allocation) == "2026 620623101 天扶发〔2026〕3号"


def test_an_item_with_only_name_category_and_department_lacks_the_rest() -> None:
    bare = {"name": "养老机构备案", "category": "XK", "department_id": 3, "responsibilities": []}
    assert _missing(("power",), bare) == [
        "编码",
        "设定依据",
        "办结时限",
        "流程图（或办理流程）",
        "监督方式",
        "责任事项",
    ]
    assert _missing(("power", "approval"), bare)[-3:] == ["办理要件", "办理程序", "承办股室"]
    shortfalls = completeness.check(("power",), bare, TODAY)
    assert {s.article for s in shortfalls} >= {
        "《建设运行办法》第十条（一）",
        "《建设运行办法》第十条（一）、《权责办法》第十四条（二）",
    }


def test_a_complete_power_passes_and_either_time_limit_or_flow_will_do() -> None:
    values = _complete_power()
    assert completeness.check(("power", "approval"), values, TODAY) == []
    values.update(promised_time_limit=TimeLimit(), legal_time_limit=TimeLimit(20, "日"))
    values.update(procedure=[], flowchart="https://example.org/flow.png")
    assert _missing(("power",), values) == []
    # 第十一条 wants the 办理程序 itself, not only a flowchart.
    assert _missing(("power", "approval"), values) == ["办理程序"]


def test_malformed_fields_are_named_with_what_is_wrong() -> None:
    values = _complete_power()
    values.update(code="XK00001000", phone="请咨询窗口", supervision_phone="0935-31")
    values["responsibilities"] = [{"title": "受理责任", "content": ""}]
    found = {s.label: s.problem for s in completeness.check(("power",), values, TODAY)}
    assert set(found) == {"编码", "联系电话", "监督电话", "责任事项"}
    assert "32位" in found["编码"]
    assert "没有可拨打的电话号码" in found["联系电话"]
    assert "“0935-31”" in found["监督电话"] or "没有可拨打" in found["监督电话"]
    assert "受理责任" in found["责任事项"]


def test_service_items_need_the_fields_of_article_12() -> None:
    assert _missing(("service",), {"name": "婚姻登记预约"}) == [
        "责任单位",
        "服务内容",
        "服务流程",
        "办结时限",
        "管理要求",
    ]
    full = {
        "name": "婚姻登记预约",
        "department_id": 2,
        "service_content": "预约",
        "procedure": ["预约", "办理"],
        "promised_time_limit": TimeLimit(0, "即办", "即办"),
        "management_requirements": "按序办理",
    }
    assert completeness.check(("service",), full, TODAY) == []


def test_responsibilities_need_title_and_content() -> None:
    assert _missing(("responsibility",), {"title": "", "content": ""}) == ["责任事项", "责任内容"]
    assert _missing(("responsibility",), {"title": "决定责任", "content": "依法作出决定"}) == []


def test_fund_rows_need_article_4_and_a_competitive_fund_its_guide() -> None:
    row = {"budget_year": 2026, "competitive": False, "budget_amount": Decimal("0")}
    shortfalls = completeness.check(("fund",), row, TODAY)
    assert [s.label for s in shortfalls if s.missing] == ["资金类型", "项目主管部门", "项目名称"]
    assert [s.label for s in shortfalls if not s.missing] == ["预算数额"]
    full = {
        "budget_year": 2026,
        "fund_type": "department_budget",
        "department_id": 1,
        "project_name": "低保提标",
        "budget_amount": Decimal("120.5"),
        "competitive": True,
        "budget_approved_on": date(2027, 1, 1),
    }
    found = completeness.check(("fund",), full, TODAY)
    assert [(s.label, s.missing) for s in found] == [("申报指南", True), ("预算批准日期", False)]
    assert found[0].article == "《资金办法》第八条"
    assert "将来的日期" in found[1].problem


def test_poverty_projects_need_the_seven_columns_of_article_3() -> None:
    assert _missing(("poverty_project",), {"year": 2026}) == [
        "项目名称",
        "审批文号",
        "投资额度",
        "主要建设内容",
        "新增经济效益和扶贫效益",
        "项目主管单位",
        "项目实施单位",
    ]
    wrong = {"approval_number": "天扶贫发2026-3", "investment": Decimal("1.23456")}
    found = {
        s.label: s.problem
        for s in completeness.check(("poverty_project",), wrong, TODAY)
        if not s.missing
    }
    assert "甘办发〔2014〕66号" in found["审批文号"] and "四位小数" in found["投资额度"]


def test_poverty_allocations_need_place_amount_and_document() -> None:
    assert _missing(("poverty_allocation",), {"year": 2027}) == ["乡镇或村", "金额", "文号"]
    ok = {
        "year": 2027,
        "region_code": "620623",
        "amount": Decimal("12"),
        "document_number": "天扶贫发〔2026〕21号",
    }
    assert completeness.check(("poverty_allocation",), ok, TODAY) == []


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("0935-3121234", True),
        ("09353121234", True),
        ("（0935）3121234", True),
        ("13909351234", True),
        ("12345", True),
        ("咨询：0935-3121234；监督：0935-3125678", True),
        ("0935-1", False),
        ("请到窗口咨询", False),
        ("0935-3121234、0935-31", False),
    ],
)
def test_phone_form(text: str, ok: bool) -> None:
    assert (forms.phone_problem(text) is None) is ok


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("甘办发〔2014〕66号", True),
        ("甘办发[2014]66号", True),
        ("天扶贫发〔2026〕3号", True),
        ("天扶贫发〔2027〕3号", False),  # a year still to come
        ("天扶贫发〔2026〕0号", False),
        ("66号", False),
        ("甘办发2014年66号", False),
    ],
)
def test_document_number_form(text: str, ok: bool) -> None:
    assert (forms.document_number_problem(text, TODAY) is None) is ok


def test_amount_and_date_forms() -> None:
    assert forms.amount_problem(Decimal("12.5")) is None
    assert forms.amount_problem("0") is not None and forms.amount_problem("-1") is not None
    assert forms.amount_problem("abc") is not None and forms.amount_problem("1e15") is not None
    assert forms.date_problem(TODAY, TODAY) is None
    assert forms.date_problem(date(2027, 2, 3), TODAY) is not None
