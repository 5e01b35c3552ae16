"""The fund and poverty lists' files come from their declarations: one column table gives
the importer's schema, the templates and the export headers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from catalogue.importing.runner import kind_of
from catalogue.importing.schema import EXPORT_ONLY, FORM_PARSERS, schema_of
from catalogue.importing.templates import template_csv
from catalogue.lists.declarations import DECLARATIONS, FUNDS, Field, ListDeclaration
from catalogue.lists.forms import Form

LAID_OUT = [d for d in DECLARATIONS if d.layout is not None]

# The templates staff already fill in (`zwbot template`): unchanged by the derivation.
TEMPLATES = {
    "funds": "预算年度*,资金类型*,主管部门*,项目名称*,预算金额（万元）*,管理办法,分配使用,"
    "绩效评价,竞争性分配,申报指南,评审结果,分配结果,预算批准日期,发布日期,变更说明",
    "poverty-allocations": "年度*,乡镇或村*,金额（万元）*,文号*,用途,资金来源",
    "poverty-projects": "年度*,项目名称*,审批文号,投资额度（万元）*,主要建设内容,"
    "新增经济效益和扶贫效益,项目主管单位,项目实施单位,涉及村,受益户数,受益人数,资金来源,进度,"
    "变更日期,变更说明",
}


def test_the_fund_and_poverty_lists_are_laid_out_by_their_declarations() -> None:
    assert sorted(d.layout.kind for d in LAID_OUT if d.layout) == sorted(TEMPLATES)


@pytest.mark.parametrize("declaration", LAID_OUT, ids=lambda d: d.name)
def test_the_importer_reads_the_declared_columns(declaration: ListDeclaration) -> None:
    layout = declaration.layout
    assert layout is not None
    schema = kind_of(layout.kind).schema
    declared = [c for c in schema.columns if c not in EXPORT_ONLY]
    assert [c.key for c in declared] == [c.key for c in layout.columns]
    for column, file_column in zip(declared, layout.columns, strict=True):
        if file_column.field:  # a declared field: its name and form unless the file says so
            field = declaration.field(file_column.field)
            assert column.header == (file_column.header or field.label)
            if field.form in FORM_PARSERS and file_column.form is None:
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
