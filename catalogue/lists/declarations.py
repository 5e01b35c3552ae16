"""Each county list declared once: its fields (attribute, Chinese name, other names staff
write, form) and, per kind of record, the fields the regulations require, with the article.

Kinds: ``power`` (every 行政权力事项), ``approval`` (行政审批: 行政许可 items, XK, which also
need the 第十一条 fields), ``service`` (便民服务), ``responsibility`` (a power's 责任事项),
``fund`` (财政专项资金管理清单 row), ``poverty_allocation`` (扶贫资金分配计划 row) and
``poverty_project`` (扶贫项目清单 row). The staff chat's field names, the change-request
field tables and the completeness check all read these tables.
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

DECLARATIONS = (ITEMS, RESPONSIBILITIES, FUNDS, POVERTY_ALLOCATIONS, POVERTY_PROJECTS)
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
