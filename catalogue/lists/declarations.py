"""Each county list declared once: its fields (attribute, Chinese name, other names staff
write, form) and, per kind of record, the fields the regulations require, with the article.

Kinds: ``power`` (every 行政权力事项), ``approval`` (行政审批: 行政许可 items, XK, which also
need the 第十一条 fields), ``service`` (便民服务), ``responsibility`` (a power's 责任事项),
``fund`` (财政专项资金管理清单 row), ``poverty_allocation`` (扶贫资金分配计划 row) and
``poverty_project`` (扶贫项目清单 row). The staff chat's field names, the change-request
field tables and the completeness check all read these tables; so do, from each list's
`layout`, the importer's schema, the templates and the open-data exports (their columns,
headers and the attribute each is read from). The reference tables (regions, departments)
and the case counts declare a layout only: no requirements, no reviewed changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from catalogue.lists.forms import Form

# The regulations, as cited in answers.
BUILD_RULES = "《建设运行办法》"  # 天祝政务服务网建设运行管理暂行办法
POWER_RULES = "《权责办法》"  # 天祝县权责清单管理暂行办法
FUND_RULES = "《资金办法》"  # 县级财政专项资金管理清单上网发布暂行办法
POVERTY_RULES = "《扶贫办法》"  # 扶贫清单上网发布管理暂行办法


@dataclass(frozen=True, slots=True)
class Field:
    """A column of a list: model attribute, Chinese name, other accepted names, form."""

    attribute: str
    label: str
    form: Form = Form.TEXT
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Requirement:
    """Fields the regulations require: any one of `attributes` filled satisfies it.

    `label` is the name the article uses (defaults to the first field's name); `applies`
    restricts the requirement to some records (a competitive fund's 申报指南).
    """

    attributes: tuple[str, ...]
    article: str
    label: str = ""
    applies: Callable[[Mapping[str, Any]], bool] | None = None


@dataclass(frozen=True, slots=True)
class FileColumn:
    """A column of the list's files (import, template, export), in file order.

    `key` is the importer's name for it; `field` the declared field it carries, whose label
    is the header and whose form chooses the parser unless `header`/`form` say otherwise.
    Columns that are no field (an import's bookkeeping) give their own header and form.
    `aliases` are the other headers accepted in files: the names several sources give the
    same column (the national directory's English `county_code` beside the county's 编码).

    `export` is where an export reads the column on a record: "" the field's attribute (or,
    for a column that is no field, the attribute named like the key), else a dotted path
    (``department.name``); None: the column is imported only.
    """

    key: str
    header: str = ""
    aliases: tuple[str, ...] = ()  # other headers accepted in files
    field: str = ""
    form: Form | None = None
    required: bool = False
    max_length: int | None = None
    stored: bool = True  # False: recognised in files but not kept
    note: str = ""  # what to write, when the form's own note does not say it
    export: str | None = ""

    def export_path(self) -> tuple[str, ...] | None:
        """The attributes an export follows from a record to this column's value."""
        if self.export is None:
            return None
        return tuple((self.export or self.field or self.key).split("."))


# The publication columns an export may add after a list's own (state, version, 更新日期,
# the last change, demo marking); imports recognise and ignore them.
PUBLICATION_COLUMNS = ("status", "version", "updated_on", "revision_note", "demo")


@dataclass(frozen=True, slots=True)
class FileLayout:
    """How a list is written in files: its file kind and title, columns and natural key.

    `one_of`: groups of columns a file must hold at least one of. `published`: the
    publication columns (`PUBLICATION_COLUMNS`) its export adds; `exported`: False for a
    list that is imported but never published as open data.
    """

    kind: str
    title: str
    columns: tuple[FileColumn, ...]
    key: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...] = ()
    published: tuple[str, ...] = ()
    exported: bool = True

    def exported_columns(self) -> tuple[FileColumn, ...]:
        """The columns an export writes, in file order (the publication columns follow)."""
        return tuple(column for column in self.columns if column.export is not None)


@dataclass(frozen=True, slots=True, eq=False)
class ListDeclaration:
    """One list: its title, its fields, and the requirements of each kind it holds."""

    name: str
    title: str
    fields: tuple[Field, ...]
    requirements: Mapping[str, tuple[Requirement, ...]]
    # Fields staff may change on a published row through a reviewed change request (the
    # rest is fixed once published, or changes through its own procedure).
    changeable: tuple[str, ...] = ()
    # Its import files, templates and exports.
    layout: FileLayout | None = None
    # The class in `catalogue.models` holding its records (lists of their own table), the
    # fields that name a record to staff, and the prefix of its reference (`fund:12`).
    model: str = ""
    naming: tuple[str, ...] = ()
    ref: str = ""

    def field(self, attribute: str) -> Field:
        """A field by attribute."""
        for item in self.fields:
            if item.attribute == attribute:
                return item
        raise KeyError(attribute)

    def label(self, attribute: str) -> str:
        """The Chinese name of a field."""
        return self.field(attribute).label

    def by_name(self) -> dict[str, Field]:
        """Every name staff may write (label, alias, attribute) → field."""
        table: dict[str, Field] = {}
        for item in self.fields:
            for name in (item.label, *item.aliases, item.attribute):
                table.setdefault(name, item)
        return table

    def changeable_fields(self) -> tuple[Field, ...]:
        """The fields a change request may set, in declaration order."""
        return tuple(item for item in self.fields if item.attribute in self.changeable)

    def changeable_field(self, name: str) -> Field | None:
        """The changeable field staff named (label, alias or attribute), if any."""
        found = self.by_name().get(name.strip())
        return found if found is not None and found.attribute in self.changeable else None

    def column_header(self, column: FileColumn) -> str:
        """The Chinese header of a file column (its field's name unless it says otherwise)."""
        return column.header or self.label(column.field)

    def column_form(self, column: FileColumn) -> Form:
        """How a file column's cells are written."""
        if column.form is not None:
            return column.form
        return self.field(column.field).form if column.field else Form.TEXT

    def requirement_label(self, requirement: Requirement) -> str:
        """The Chinese name a shortfall is reported under."""
        return requirement.label or self.label(requirement.attributes[0])


ITEMS = ListDeclaration(
    name="items",
    title="行政权力和便民服务事项",
    fields=(
        Field("code", "编码", Form.CODE, ("事项编码",)),
        Field("name", "名称", aliases=("事项名称", "项目名称")),
        Field("category", "类型", Form.CATEGORY, ("事项类型", "类别", "权力类别")),
        Field("legal_basis", "设定依据", aliases=("依据", "权力依据", "设立依据")),
        Field("legal_time_limit", "法定时限", Form.TIME_LIMIT, ("法定办结时限",)),
        Field(
            "department_id",
            "实施主体",
            Form.DEPARTMENT,
            ("部门", "实施机关", "行使主体", "责任单位"),
        ),
        Field("handling_office", "承办股室", aliases=("承办机构",)),
        Field("conditions", "受理条件", aliases=("办理条件",)),
        Field("procedure", "办理流程", Form.STEPS, ("流程", "办理程序", "服务流程")),
        Field("flowchart", "流程图"),
        Field(
            "promised_time_limit", "承诺时限", Form.TIME_LIMIT, ("时限", "办结时限", "承诺办结时限")
        ),
        Field("fee", "收费标准", aliases=("收费",)),
        Field("management_requirements", "管理要求"),
        Field("location", "办公地点", aliases=("地点", "地址", "办理地点")),
        Field("hours", "办公时间", aliases=("办理时间",)),
        Field("phone", "联系电话", Form.PHONE, ("电话", "咨询电话")),
        Field("supervision_phone", "监督电话", Form.PHONE),
        Field("supervision_way", "监督方式"),
        Field("service_content", "服务内容"),
        Field("requirements", "申请材料", Form.MATERIALS, ("材料", "办理要件")),
        Field("responsibilities", "责任事项", Form.DUTIES, ("责任",)),
        Field("aliases", "别名", Form.WORDS),
        Field("keywords", "关键词", Form.WORDS),
    ),
    requirements={
        # 第十条（一）: 名称、编码、类型、依据、行使主体、办结时限、流程图和监督方式, and the
        # 责任事项 of each power; 《权责办法》第十四条（二）: the published flowchart.
        "power": (
            Requirement(("name",), f"{BUILD_RULES}第十条（一）"),
            Requirement(("code",), f"{BUILD_RULES}第十条（一）"),
            Requirement(("category",), f"{BUILD_RULES}第十条（一）"),
            Requirement(("legal_basis",), f"{BUILD_RULES}第十条（一）"),
            Requirement(("department_id",), f"{BUILD_RULES}第十条（一）", "行使主体"),
            Requirement(
                ("promised_time_limit", "legal_time_limit"),
                f"{BUILD_RULES}第十条（一）",
                "办结时限",
            ),
            Requirement(
                ("flowchart", "procedure"),
                f"{BUILD_RULES}第十条（一）、{POWER_RULES}第十四条（二）",
                "流程图（或办理流程）",
            ),
            Requirement(("supervision_way",), f"{BUILD_RULES}第十条（一）"),
            Requirement(("responsibilities",), f"{BUILD_RULES}第十条（一）"),
        ),
        # 第十一条: 项目名称、设立依据、办理要件、办理程序、办结时限、承办股室、实施机关.
        "approval": (
            Requirement(("requirements",), f"{BUILD_RULES}第十一条", "办理要件"),
            Requirement(("procedure",), f"{BUILD_RULES}第十一条", "办理程序"),
            Requirement(("handling_office",), f"{BUILD_RULES}第十一条"),
        ),
        # 第十二条: 责任单位、服务内容、服务流程、办结时限和管理要求.
        "service": (
            Requirement(("name",), f"{BUILD_RULES}第十二条"),
            Requirement(("department_id",), f"{BUILD_RULES}第十二条", "责任单位"),
            Requirement(("service_content",), f"{BUILD_RULES}第十二条"),
            Requirement(("procedure",), f"{BUILD_RULES}第十二条", "服务流程"),
            Requirement(
                ("promised_time_limit", "legal_time_limit"), f"{BUILD_RULES}第十二条", "办结时限"
            ),
            Requirement(("management_requirements",), f"{BUILD_RULES}第十二条"),
        ),
    },
    layout=FileLayout(
        kind="items",
        title="行政权力和便民服务事项",
        # The county template's Chinese headers, and beside them the English ones of
        # `service_items.csv`-style national directories.
        columns=(
            FileColumn(
                "code",
                "事项编码",
                ("county_code", "编码"),
                field="code",
                max_length=40,
                note="32位县编码，空则自动赋码",
            ),
            FileColumn("name", "事项名称", ("name",), field="name", required=True, max_length=500),
            FileColumn(
                "parent_item",
                "主项名称",
                ("parent_item", "主项"),
                max_length=500,
                export="parent_name",
            ),
            FileColumn(
                "sub_item", "子项名称", ("sub_item", "子项"), max_length=500, export="sub_name"
            ),
            FileColumn(
                "category",
                "事项类别",
                ("category", "权力类别", "事项类型", "类别"),
                field="category",
                export="category_label",
            ),
            FileColumn("category_code", "事项类型代码", ("category_code", "类型代码"), export=None),
            FileColumn(
                "department",
                aliases=("department", "行使主体", "实施机关", "责任单位"),
                field="department_id",
                required=True,
                max_length=200,
                export="department.name",
            ),
            FileColumn(
                "undertaking_unit",
                aliases=("undertaking_unit", "承办机构"),
                field="handling_office",
                max_length=200,
            ),
            FileColumn(
                "implementing_body_uscc",
                "实施主体统一社会信用代码",
                ("implementing_body_uscc", "统一社会信用代码"),
                export=None,
            ),
            FileColumn("devolved_region", "下放区划代码", ("devolved_region",)),
            FileColumn(
                "item_code",
                "国家基本目录编码",
                ("item_code",),
                max_length=64,
                export="national_item_code",
            ),
            FileColumn(
                "implementation_code",
                "国家实施编码",
                ("implementation_code",),
                max_length=128,
                export="national_implementation_code",
            ),
            FileColumn(
                "time_limit_legal",
                "法定办结时限",
                ("time_limit_legal", "法定时限"),
                field="legal_time_limit",
            ),
            FileColumn(
                "time_limit_promise",
                "承诺办结时限",
                ("time_limit_promise", "承诺时限", "办结时限"),
                field="promised_time_limit",
            ),
            FileColumn("conditions", aliases=("conditions", "办理条件"), field="conditions"),
            FileColumn(
                "requirements", "办理要件", ("requirements", "申请材料"), field="requirements"
            ),
            FileColumn("basis", aliases=("basis", "法律依据", "实施依据"), field="legal_basis"),
            FileColumn("procedure", aliases=("procedure", "服务流程"), field="procedure"),
            FileColumn("flowchart", aliases=("flowchart",), field="flowchart"),
            FileColumn("fee", aliases=("fee", "收费"), field="fee"),
            FileColumn(
                "location", "办理地点", ("location", "地址"), field="location", max_length=500
            ),
            FileColumn("hours", "办理时间", ("hours",), field="hours", max_length=200),
            FileColumn("phone", "咨询电话", ("phone", "电话"), field="phone"),
            FileColumn(
                "supervision_phone",
                aliases=("supervision_phone",),
                field="supervision_phone",
                max_length=200,
            ),
            FileColumn("supervision_way", aliases=("supervision_way",), field="supervision_way"),
            FileColumn("service_content", aliases=("service_content",), field="service_content"),
            FileColumn(
                "management_requirements",
                aliases=("management_requirements",),
                field="management_requirements",
            ),
            FileColumn(
                "classified", "是否涉密", ("classified", "涉密"), form=Form.FLAG, export=None
            ),
            FileColumn("source", "来源", ("source",), max_length=200),
            FileColumn("source_id", "来源编号", ("id",), max_length=40, export=None),
            FileColumn("licence", "许可协议", ("licence", "license"), max_length=40, export=None),
            # The region whose catalogue a row belongs to (empty: the county's own); another
            # region's row keeps its region and national codes and gets no county code.
            FileColumn("region", "所属地区", ("region", "原地区"), max_length=100, export=None),
            FileColumn("region_code", "所属地区代码", ("region_code", "原地区代码"), export=None),
            # Bookkeeping of the source directory.
            FileColumn("url", "原网址", ("url",), stored=False, export=None),
            FileColumn("admin_level", "原层级", ("admin_level",), stored=False, export=None),
            FileColumn(
                "implementing_level_raw",
                "原实施层级",
                ("implementing_level_raw",),
                stored=False,
                export=None,
            ),
            FileColumn("data_year", "数据年份", ("data_year",), stored=False, export=None),
        ),
        key=("department", "name"),
        one_of=(("category", "category_code"),),
        published=PUBLICATION_COLUMNS,
    ),
    model="Item",
    naming=("name",),
)

RESPONSIBILITIES = ListDeclaration(
    name="responsibilities",
    title="部门责任清单",
    fields=(
        Field("title", "责任事项"),
        Field("content", "责任内容"),
        Field("accountability", "追责情形"),
    ),
    requirements={
        # 第十条（一）: 逐一理清与行政权力相对应的责任事项，明确责任主体.
        "responsibility": (
            Requirement(("title",), f"{BUILD_RULES}第十条（一）"),
            Requirement(("content",), f"{BUILD_RULES}第十条（一）"),
        ),
    },
    layout=FileLayout(
        kind="responsibilities",
        title="部门责任清单",
        # A row names its item by code, or by 实施主体 + 事项名称.
        columns=(
            FileColumn(
                "code", "事项编码", ("item_code", "编码"), max_length=40, export="item.code"
            ),
            FileColumn(
                "department", "实施主体", ("department", "责任主体"), max_length=200, export=None
            ),
            FileColumn("name", "事项名称", ("name", "item_name"), max_length=500, export=None),
            FileColumn("seq", "序号", ("seq",), form=Form.COUNT),
            FileColumn("title", aliases=("title",), field="title", required=True, max_length=200),
            FileColumn("content", aliases=("content",), field="content"),
            FileColumn("accountability", aliases=("accountability",), field="accountability"),
        ),
        key=("code", "department", "name", "title"),
        one_of=(("code", "name"),),
    ),
    model="Responsibility",
    naming=("title",),
)


def _competitive(values: Mapping[str, Any]) -> bool:
    return bool(values.get("competitive"))


FUNDS = ListDeclaration(
    name="funds",
    title="财政专项资金管理清单",
    fields=(
        Field("budget_year", "预算年度", Form.YEAR, ("年度",)),
        Field("fund_type", "资金类型", aliases=("资金类别",)),
        Field("department_id", "项目主管部门", Form.DEPARTMENT, ("主管部门",)),
        Field("project_name", "项目名称", aliases=("名称",)),
        Field("budget_amount", "预算数额", Form.AMOUNT, ("金额", "预算", "预算金额")),
        Field("management_measures", "管理办法"),
        Field("allocation_and_use", "分配使用", aliases=("分配使用情况",)),
        Field("performance_evaluation", "绩效评价"),
        Field("competitive", "竞争性分配", Form.FLAG),
        Field("application_guide", "申报指南", aliases=("项目申报指南",)),
        Field("review_results", "评审结果"),
        Field("allocation", "资金分配", aliases=("分配结果", "资金分配结果", "资金分配情况")),
        Field("budget_approved_on", "预算批准日期", Form.DATE),
        Field("published_on", "发布日期", Form.DATE),
    ),
    changeable=(
        "project_name",
        "budget_amount",
        "management_measures",
        "allocation_and_use",
        "performance_evaluation",
        "application_guide",
        "review_results",
        "allocation",
    ),
    layout=FileLayout(
        kind="funds",
        title="财政专项资金管理清单",
        columns=(
            FileColumn(
                "budget_year", aliases=("budget_year", "年度"), field="budget_year", required=True
            ),
            FileColumn(
                "fund_type",
                aliases=("fund_type", "资金类别"),
                field="fund_type",
                required=True,
                export="fund_type_label",
            ),
            FileColumn(
                "department",
                "主管部门",
                ("department", "项目主管部门"),
                field="department_id",
                required=True,
                max_length=200,
                export="department.name",
            ),
            FileColumn(
                "project_name",
                aliases=("project_name",),
                field="project_name",
                required=True,
                max_length=300,
            ),
            FileColumn(
                "budget_amount",
                "预算金额（万元）",
                ("budget_amount", "预算金额", "预算数额", "金额"),
                field="budget_amount",
                required=True,
            ),
            FileColumn(
                "management_measures", aliases=("management_measures",), field="management_measures"
            ),
            FileColumn(
                "allocation_and_use",
                aliases=("allocation_and_use", "分配使用情况"),
                field="allocation_and_use",
            ),
            FileColumn(
                "performance_evaluation",
                aliases=("performance_evaluation",),
                field="performance_evaluation",
            ),
            FileColumn(
                "competitive", aliases=("competitive", "是否竞争性分配"), field="competitive"
            ),
            FileColumn(
                "application_guide",
                aliases=("application_guide", "项目申报指南"),
                field="application_guide",
            ),
            FileColumn("review_results", aliases=("review_results",), field="review_results"),
            FileColumn(
                "allocation", "分配结果", ("allocation", "资金分配结果"), field="allocation"
            ),
            FileColumn(
                "budget_approved_on", aliases=("budget_approved_on",), field="budget_approved_on"
            ),
            FileColumn("published_on", aliases=("published_on", "公开日期"), field="published_on"),
            FileColumn("change_note", "变更说明", ("change_note", "调整说明")),
        ),
        key=("budget_year", "department", "project_name"),
        published=("status", "demo"),
    ),
    model="FundItem",
    naming=("project_name",),
    ref="fund",
    requirements={
        # 第四条: 按部门预算专项资金和转移支付专项资金分别列示，明确项目主管部门、项目名称和
        # 预算数额; 第八条: a competitive fund publishes its 申报指南 (before the list goes out;
        # 评审结果 and 资金分配 follow as duties, catalogue.duties).
        "fund": (
            Requirement(("budget_year",), f"{FUND_RULES}第四条"),
            Requirement(("fund_type",), f"{FUND_RULES}第四条"),
            Requirement(("department_id",), f"{FUND_RULES}第四条"),
            Requirement(("project_name",), f"{FUND_RULES}第四条"),
            Requirement(("budget_amount",), f"{FUND_RULES}第四条"),
            Requirement(("application_guide",), f"{FUND_RULES}第八条", applies=_competitive),
        ),
    },
)

POVERTY_ALLOCATIONS = ListDeclaration(
    name="poverty_allocations",
    title="财政专项扶贫资金分配计划",
    fields=(
        Field("year", "年度", Form.YEAR),
        Field("region_code", "乡镇或村", Form.REGION, ("村", "乡镇", "地区")),
        Field("amount", "金额", Form.AMOUNT, ("分配金额", "资金")),
        Field("document_number", "文号", Form.DOCUMENT_NUMBER, ("分配文号", "依据文号")),
        Field("purpose", "用途"),
        Field("fund_source", "资金来源"),
    ),
    changeable=("amount", "document_number", "purpose", "fund_source"),
    layout=FileLayout(
        kind="poverty-allocations",
        title="扶贫资金分配计划",
        columns=(
            FileColumn("year", aliases=("year",), field="year", required=True),
            FileColumn(
                "region",
                aliases=("region", "区划代码", "村", "乡镇", "地区"),
                field="region_code",
                required=True,
                max_length=100,
            ),
            FileColumn(
                "region_name", "乡镇或村名称", ("region_name",), stored=False, export="region.name"
            ),
            FileColumn(
                "amount",
                "金额（万元）",
                ("amount", "金额", "分配金额", "资金"),
                field="amount",
                required=True,
            ),
            FileColumn(
                "document_number",
                aliases=("document_number", "分配文号", "依据文号"),
                field="document_number",
                required=True,
                max_length=100,
            ),
            FileColumn("purpose", aliases=("purpose", "项目名称"), field="purpose", max_length=300),
            FileColumn(
                "fund_source", aliases=("fund_source",), field="fund_source", max_length=300
            ),
        ),
        key=("year", "region", "document_number", "purpose"),
        published=("status", "demo"),
    ),
    model="PovertyAllocation",
    naming=("year", "region_code", "document_number"),
    ref="allocation",
    requirements={
        # 《扶贫办法》第三条: 资金分配下达计划; 《建设运行办法》第十条（三）: 精准到村、到户.
        "poverty_allocation": (
            Requirement(("year",), f"{POVERTY_RULES}第三条"),
            Requirement(("region_code",), f"{BUILD_RULES}第十条（三）"),
            Requirement(("amount",), f"{POVERTY_RULES}第三条"),
            Requirement(("document_number",), f"{POVERTY_RULES}第三条"),
        ),
    },
)

POVERTY_PROJECTS = ListDeclaration(
    name="poverty_projects",
    title="扶贫项目清单",
    fields=(
        Field("year", "年度", Form.YEAR),
        Field("name", "项目名称", aliases=("名称",)),
        Field("approval_number", "审批文号", Form.DOCUMENT_NUMBER, ("文号",)),
        Field("investment", "投资额度", Form.AMOUNT, ("投资", "投资额")),
        Field("construction_content", "主要建设内容", aliases=("建设内容",)),
        Field("benefits", "新增经济效益和扶贫效益", aliases=("效益", "扶贫效益")),
        Field("competent_unit", "项目主管单位", aliases=("主管单位",)),
        Field("implementing_unit", "项目实施单位", aliases=("实施单位",)),
        Field("progress", "进度", aliases=("项目进度",)),
        Field("changed_on", "变更日期", Form.DATE, ("审定日期",)),
    ),
    changeable=(
        "name",
        "approval_number",
        "investment",
        "construction_content",
        "benefits",
        "competent_unit",
        "implementing_unit",
        "progress",
    ),
    layout=FileLayout(
        kind="poverty-projects",
        title="扶贫项目清单",
        columns=(
            FileColumn("year", aliases=("year",), field="year", required=True),
            FileColumn(
                "name",
                aliases=("name", "project_name"),
                field="name",
                required=True,
                max_length=300,
            ),
            FileColumn(
                "approval_number",
                aliases=("approval_number", "文号"),
                field="approval_number",
                max_length=100,
            ),
            FileColumn(
                "investment",
                "投资额度（万元）",
                ("investment", "投资额度", "投资额", "投资规模", "investment_wan_yuan"),
                field="investment",
                required=True,
            ),
            FileColumn(
                "construction_content",
                aliases=("construction_content", "建设内容"),
                field="construction_content",
            ),
            FileColumn("benefits", aliases=("benefits", "扶贫效益", "benefit"), field="benefits"),
            FileColumn(
                "competent_unit",
                aliases=("competent_unit", "主管单位"),
                field="competent_unit",
                max_length=200,
            ),
            FileColumn(
                "implementing_unit",
                aliases=("implementing_unit", "实施单位", "责任单位"),
                field="implementing_unit",
                max_length=200,
            ),
            FileColumn(
                "villages", "涉及村", ("villages", "项目村", "建设地点"), export="village_codes"
            ),
            FileColumn(
                "households",
                "受益户数",
                ("households_benefited", "受益户"),
                form=Form.COUNT,
                export="households_benefited",
            ),
            FileColumn(
                "persons",
                "受益人数",
                ("persons_benefited", "受益人口"),
                form=Form.COUNT,
                export="persons_benefited",
            ),
            FileColumn("fund_source", "资金来源", ("fund_source",), max_length=300),
            FileColumn("progress", aliases=("progress", "项目进度"), field="progress"),
            FileColumn("changed_on", aliases=("changed_on", "调整日期"), field="changed_on"),
            FileColumn("change_note", "变更说明", ("change_note", "调整说明")),
        ),
        key=("year", "name", "approval_number"),
        published=("status", "demo"),
    ),
    model="PovertyProject",
    naming=("name",),
    ref="poverty",
    requirements={
        # 《扶贫办法》第三条 (甘办发〔2014〕66号 第二十五条): the seven columns.
        "poverty_project": tuple(
            Requirement((attribute,), f"{POVERTY_RULES}第三条")
            for attribute in (
                "name",
                "approval_number",
                "investment",
                "construction_content",
                "benefits",
                "competent_unit",
                "implementing_unit",
            )
        ),
    },
)

CASES = ListDeclaration(
    name="cases",
    title="办件量统计",
    fields=(Field("year", "年度", Form.YEAR), Field("cases", "办件量", Form.COUNT)),
    requirements={},
    layout=FileLayout(
        kind="cases",
        title="办件量统计",
        columns=(
            FileColumn("code", "事项编码", ("item_code", "编码"), required=True, max_length=40),
            FileColumn(
                "name",
                "事项名称",
                ("name", "item_name"),
                max_length=500,
                note="便于核对，不导入",
            ),
            FileColumn("year", aliases=("year", "统计年度"), field="year", required=True),
            FileColumn(
                "cases", aliases=("cases", "办件数", "办件数量"), field="cases", required=True
            ),
        ),
        key=("code", "year"),
        exported=False,
    ),
    model="CaseCount",
)

# The reference tables items and lists point to: imported and exported, never reviewed.
REGIONS = ListDeclaration(
    name="regions",
    title="行政区划",
    fields=(),
    requirements={},
    layout=FileLayout(
        kind="regions",
        title="行政区划",
        columns=(
            FileColumn("code", "区划代码", ("gbt2260_code", "代码"), required=True),
            FileColumn("name", "名称", ("name", "区划名称"), required=True, max_length=100),
            FileColumn("level", "级别", ("level",), required=True, note="省/市/县/乡镇/村"),
            FileColumn("parent_code", "上级代码", ("parent_code", "parent_gbt2260")),
            FileColumn("short_name", "简称", ("short_name",), max_length=100),
            FileColumn("source", "来源", ("source",), max_length=300),
            FileColumn(
                "stats_code_12", "统计用区划代码", ("stats_code_12",), stored=False, export=None
            ),
            FileColumn("data_year", "数据年份", ("data_year",), stored=False, export=None),
        ),
        key=("code",),
    ),
    model="Region",
)

DEPARTMENTS = ListDeclaration(
    name="departments",
    title="部门（行使主体）",
    fields=(),
    requirements={},
    layout=FileLayout(
        kind="departments",
        title="部门（行使主体）",
        columns=(
            FileColumn(
                "name",
                "部门名称",
                ("name", "department", "行使主体", "实施主体"),
                required=True,
                max_length=200,
            ),
            FileColumn("short_name", "简称", ("short_name",), max_length=100),
            FileColumn("org_code", "组织机构代码", ("org_code",)),
            FileColumn("uscc", "统一社会信用代码", ("uscc",)),
            FileColumn("region_code", "所在区划代码", ("region_code",), max_length=12),
            FileColumn("address", "地址", ("address",), max_length=300),
            FileColumn("phone", "电话", ("phone",), max_length=100),
        ),
        key=("name",),
        published=("demo",),
    ),
    model="Department",
    naming=("name",),
)

# The county lists, whose records the regulations require fields of.
DECLARATIONS = (ITEMS, RESPONSIBILITIES, FUNDS, POVERTY_ALLOCATIONS, POVERTY_PROJECTS)
# Every list read from and written to files, by its file kind (`zwbot import KIND`).
FILED: dict[str, ListDeclaration] = {
    declaration.layout.kind: declaration
    for declaration in (REGIONS, DEPARTMENTS, *DECLARATIONS, CASES)
    if declaration.layout is not None
}
# kind → the list declaring it
BY_KIND: dict[str, ListDeclaration] = {
    kind: declaration for declaration in DECLARATIONS for kind in declaration.requirements
}
KINDS = tuple(BY_KIND)
KIND_LABELS = {
    "power": "行政权力事项",
    "approval": "行政审批事项",
    "service": "便民服务事项",
    "responsibility": "责任事项",
    "fund": "专项资金",
    "poverty_allocation": "扶贫资金分配",
    "poverty_project": "扶贫项目",
}
