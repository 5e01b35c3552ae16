"""Every list's files come from its declaration: one column table gives the importer's
schema, the templates and the export headers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from catalogue.importing.report import ImportReport
from catalogue.importing.runner import kind_of
from catalogue.importing.schema import EXPORT_ONLY, FORM_PARSERS, schema_of
from catalogue.importing.templates import template_csv
from catalogue.lists.declarations import (
    FILED,
    FUNDS,
    ITEMS,
    PUBLICATION_COLUMNS,
    Field,
    ListDeclaration,
)
from catalogue.lists.forms import Form

LAID_OUT = list(FILED.values())

# The templates staff already fill in (`zwbot template`): unchanged by the derivation.
TEMPLATES = {
    "regions": "区划代码*,名称*,级别*,上级代码,简称,来源",
    "departments": "部门名称*,简称,组织机构代码,统一社会信用代码,所在区划代码,地址,电话",
    "items": "事项编码,事项名称*,主项名称,子项名称,事项类别,事项类型代码,实施主体*,承办股室,"
    "实施主体统一社会信用代码,下放区划代码,国家基本目录编码,国家实施编码,法定办结时限,承诺办结时限,"
    "受理条件,办理要件,设定依据,办理流程,流程图,收费标准,办理地点,办理时间,咨询电话,监督电话,"
    "监督方式,服务内容,管理要求,是否涉密,来源,来源编号,许可协议,所属地区,所属地区代码",
    "responsibilities": "事项编码,实施主体,事项名称,序号,责任事项*,责任内容,追责情形",
    "cases": "事项编码*,事项名称,年度*,办件量*",
    "funds": "预算年度*,资金类型*,主管部门*,项目名称*,预算金额（万元）*,管理办法,分配使用,"
    "绩效评价,竞争性分配,申报指南,评审结果,分配结果,预算批准日期,发布日期,变更说明",
    "poverty-allocations": "年度*,乡镇或村*,金额（万元）*,文号*,用途,资金来源",
    "poverty-projects": "年度*,项目名称*,审批文号,投资额度（万元）*,主要建设内容,"
    "新增经济效益和扶贫效益,项目主管单位,项目实施单位,涉及村,受益户数,受益人数,资金来源,进度,"
    "变更日期,变更说明",
}


def test_every_importable_list_is_laid_out_by_its_declaration() -> None:
    assert sorted(FILED) == sorted(TEMPLATES)
    for kind, declaration in FILED.items():
        assert kind_of(kind).schema == schema_of(declaration, _own_parsers(kind))


@pytest.mark.parametrize("declaration", LAID_OUT, ids=lambda d: d.name)
def test_the_importer_reads_the_declared_columns(declaration: ListDeclaration) -> None:
    layout = declaration.layout
    assert layout is not None
    schema = kind_of(layout.kind).schema
    declared = [c for c in schema.columns if c not in EXPORT_ONLY]
    assert (len(declared) < len(schema.columns)) is layout.exported
    assert [c.key for c in declared] == [c.key for c in layout.columns]
    for column, file_column in zip(declared, layout.columns, strict=True):
        if file_column.field:  # a declared field: its name and form unless the file says so
            field = declaration.field(file_column.field)
            assert column.header == (file_column.header or field.label)
            own = file_column.key in _own_parsers(layout.kind)  # e.g. no future years
            if field.form in FORM_PARSERS and file_column.form is None and not own:
                assert column.parse is FORM_PARSERS[field.form]
    assert set(schema.key) <= {c.key for c in layout.columns}


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_templates_keep_their_headers(kind: str) -> None:
    assert template_csv(kind) == "\ufeff" + TEMPLATES[kind] + "\r\n"


def test_renaming_a_field_renames_its_column_everywhere() -> None:
    fields = tuple(
        Field(f.attribute, "评审结论", f.form, f.aliases) if f.attribute == "review_results" else f
        for f in FUNDS.fields
    )
    schema = schema_of(replace(FUNDS, fields=fields))
    assert schema.column("review_results").header == "评审结论"
    assert schema.column("competitive").parse is FORM_PARSERS[Form.FLAG]
    assert schema.column("fund_type").parse is None  # the importer's own parser is not declared


def _own_parsers(kind: str) -> dict[str, object]:
    """The parsers a list's importer gives beside its declaration (those no form implies)."""
    schema = kind_of(kind).schema
    return {
        column.key: column.parse
        for column in schema.columns
        if column.parse is not None and column.parse not in FORM_PARSERS.values()
    }


def test_several_sources_name_one_items_column() -> None:
    schema = kind_of("items").schema
    for header in ("事项编码", "county_code", "编码", "code"):
        report = ImportReport("items", "test", schema.title)
        found = schema.resolve([header, "name", "实施主体", "类别"], report)
        assert found[0] == schema.column("code"), header
        assert not report.errors
    assert schema.column("time_limit_promise").header == "承诺办结时限"  # the file's own name
    assert ITEMS.label("promised_time_limit") == "承诺时限"  # the field's, for staff
    report = ImportReport("items", "test", schema.title)
    schema.resolve(["事项名称", "实施主体"], report)
    expected = "至少需要「事项类别」或「事项类型代码」中的一列"
    assert [problem.reason for problem in report.errors] == [expected]


def test_the_publication_columns_are_those_imports_ignore() -> None:
    assert tuple(column.key for column in EXPORT_ONLY) == PUBLICATION_COLUMNS
    for declaration in LAID_OUT:
        assert declaration.layout is not None
        assert set(declaration.layout.published) <= set(PUBLICATION_COLUMNS)
