"""Chat answers about public money: a place's poverty funds and projects, the fund list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from catalogue.models import FundItem, FundType, PovertyProject
from catalogue.queries import Document, FundList, Place, RegionFunds, YearFunds
from catalogue.queries.poverty import CANCELLED
from handlers.citizen import texts
from handlers.citizen.amounts import wan
from handlers.citizen.cards import shorten
from handlers.citizen.fitting import fit
from handlers.citizen.fund_details import DETAIL_LABELS, detail_text
from handlers.citizen.links import funds_url, village_url
from handlers.citizen.parsing import Ranking
from handlers.citizen.taps import tap

MAX_COMPARED = 3  # funds compared with the year before in one answer


def says_row(text: str, about: str) -> bool:
    """Whether a row's name holds the words said of it, in order, other words between
    (「人饮」: 人畜饮水工程; 「路」: 通村道路硬化)."""
    rest = iter(text)
    return bool(about) and all(char in rest for char in about)


def row_names(funds: RegionFunds) -> list[str]:
    """What each allocation (its purpose) and project (its name) of a place is called."""
    return [
        name
        for year_funds in funds.years
        for name in (
            *(a.purpose for a in year_funds.allocations),
            *(p.name for p in year_funds.projects),
        )
    ]


def _only_named(year_funds: YearFunds, about: str) -> YearFunds:
    """The year's rows whose names say `about`."""
    return replace(
        year_funds,
        allocations=[a for a in year_funds.allocations if says_row(a.purpose, about)],
        projects=[p for p in year_funds.projects if says_row(p.name, about)],
    )


def place_funds_answer(
    funds: RegionFunds,
    base_url: str,
    year: int | None,
    projects_first: bool = False,
    about: str = "",
    sources: bool = False,
) -> str:
    """Totals per year, then each allocation and project with amount, document and unit (the
    projects before the allocations when the question was about projects: the list may be
    cut to fit one message). Given `about` (「民宿」 of 「民宿的进展咋样」), only the rows whose
    names say it, with their totals, when there are such rows; `sources` (「钱从哪来的」):
    each row with where its money comes from."""
    place = funds.place
    url = village_url(base_url, place.code, year)
    if funds.empty:
        when = f"{year}年" if year else ""
        # nothing published to show: a person may know why, or when it will be
        none = texts.FUNDS_NONE.format(place=place.label, year=when)
        return "\n".join((none, f"全部公开信息：{url}", texts.OFFER_HUMAN))
    years = funds.years
    named = [y for y in (_only_named(y, about) for y in years) if y.allocations or y.projects]
    if about and named:
        years = named
    demo = texts.DEMO_MARK if funds.is_demo else ""
    # a few rows shown: what each project earns fits beside them (many: their lines are cut)
    shown = sum(len(y.allocations) + len(y.projects) for y in years)
    detailed = shown <= DETAILED_ROWS
    scope = {"town": "（含所辖各村）", "county": "（全县）"}.get(place.level, "")
    what = f"：“{about}”" if years is named else ""
    head = [f"【{place.label}{scope} 扶贫资金和项目{what}】{demo}"]
    with_allocations = [y.year for y in years if y.allocations]
    if len(with_allocations) > 1:
        # 「三年一共多少」: the years together first
        total = sum((y.allocation_total for y in years), Decimal(0))
        first, last = min(with_allocations), max(with_allocations)
        head.append(texts.PLACE_YEARS_TOGETHER.format(first=first, last=last, total=wan(total)))
    details: list[str] = []
    for year_funds in years:
        head.append(year_summary(year_funds, projects_first))
        details.append(f"—— {year_funds.year}年明细 ——")
        money: list[str] = []
        for allocation in year_funds.allocations:
            purpose = f" {shorten(allocation.purpose, 30)}" if allocation.purpose else ""
            village = (
                f" {allocation.region.short_name or allocation.region.name}"
                if place.level in ("town", "county")
                else ""
            )
            money.append(
                f"· {wan(allocation.amount)}万元{village}{purpose}（{allocation.document_number}）"
                + (_source(allocation.fund_source) if sources else "")
            )
        works = [
            line
            for project in year_funds.projects
            for line in project_lines(project, detailed, sources)
        ]
        details += works + money if projects_first else money + works
    return fit(head, details, [f"明细和往年数据：{url}"], "……更多明细见下方链接。")


def year_summary(year_funds: YearFunds, projects_first: bool = False) -> str:
    """「2017年 分配资金2笔，合计188.70万元；项目1个，投资合计150.00万元」."""
    summary = []
    if year_funds.allocations:
        summary.append(
            f"分配资金{len(year_funds.allocations)}笔，"
            f"合计{wan(year_funds.allocation_total)}{texts.UNIT}"
        )
    if year_funds.active_projects:
        summary.append(
            f"项目{len(year_funds.active_projects)}个，"
            f"投资合计{wan(year_funds.project_total)}{texts.UNIT}"
        )
    if year_funds.cancelled_projects:
        summary.append(f"另有{len(year_funds.cancelled_projects)}个项目已取消，不计入合计")
    if projects_first and not year_funds.projects:
        summary.append(texts.NO_PROJECTS_LISTED)  # 「建了啥项目」: the list names none
    return f"{year_funds.year}年 " + "；".join(summary)


def two_places_answer(
    first: RegionFunds, second: RegionFunds, year: int | None, base_url: str
) -> str:
    """「2016年哈溪镇 双龙村分配资金…万元，旦马乡 大水村…万元，双龙村多…万元。」 then each
    place's years (their totals) and its page; a place with nothing published says so."""
    when = f"{year}年" if year is not None else texts.EVERY_YEAR_PUBLISHED
    one, other = first.allocation_total, second.allocation_total
    if one == other:
        verdict = texts.TWO_PLACES_SAME
    else:
        more, less = (first, second) if one > other else (second, first)
        verdict = texts.TWO_PLACES_MORE.format(
            place=more.place.label, change=wan(abs(one - other)), less=less.place.label
        )
    lines = [
        texts.TWO_PLACES.format(
            when=when,
            first=first.place.label,
            one=wan(one),
            second=second.place.label,
            other=wan(other),
            verdict=verdict,
        ),
        texts.TWO_PLACES_SUM.format(total=wan(one + other)),
    ]
    for funds in (first, second):
        demo = texts.DEMO_MARK if funds.is_demo else ""
        lines.append(f"【{funds.place.label}】{demo}")
        if funds.empty:
            lines.append(texts.FUNDS_NONE.format(place=funds.place.label, year=when))
        lines += [year_summary(year_funds) for year_funds in funds.years]
        lines.append(f"明细：{village_url(base_url, funds.place.code, year)}")
    return "\n".join(lines)


PROGRESS = {
    "planned": "计划实施",
    "in_progress": "实施中",
    "completed": "已完工",
    "cancelled": "已取消",
}


def projects_by_progress_answer(
    funds: RegionFunds, base_url: str, year: int | None, progress: tuple[str, ...]
) -> str:
    """「哪些扶贫项目取消了」: the place's projects of that progress, each on its line with its
    adjustment; how many, and their investment (never counted in totals when cancelled)."""
    place = funds.place
    url = village_url(base_url, place.code, year)
    label = "、".join(PROGRESS[state] for state in progress)
    chosen = [p for y in funds.years for p in y.projects if p.progress in progress]
    when = f"{year}年" if year else ""
    if not chosen:
        return texts.PROJECTS_NONE.format(place=place.label, year=when, label=label) + (
            f"\n全部公开信息：{url}"
        )
    demo = texts.DEMO_MARK if funds.is_demo else ""
    total = wan(sum((p.investment for p in chosen), Decimal(0)))
    head = [
        f"【{place.label} {when}{label}的扶贫项目】{demo}",
        texts.PROJECTS_COUNTED.format(count=len(chosen), total=total)
        + (texts.PROJECTS_NOT_COUNTED if CANCELLED in progress else ""),
    ]
    lines = [line for project in chosen for line in project_lines(project)]
    return fit(head, lines, [f"明细和往年数据：{url}"], "……更多明细见下方链接。")


CONTENT_CHARS = 50  # of a project's construction content on its line (what and how much)


DETAILED_ROWS = 4  # rows of a place shown at most for its projects' lines to tell their 效益


def _source(fund_source: str | None) -> str:
    """「，资金来源：中央和省级财政专项扶贫资金」, or what says none was published."""
    return f"，资金来源：{shorten(fund_source, SOURCE_CHARS)}" if fund_source else texts.NO_SOURCE


SOURCE_CHARS = 40


def project_lines(
    project: PovertyProject, detailed: bool = False, sources: bool = False
) -> list[str]:
    """A project's line (`detailed`: with what it earns; `sources`: where its money comes
    from) and, when it was adjusted, the adjustment (《扶贫办法》第四条)."""
    lines = [project_line(project, detailed) + (_source(project.fund_source) if sources else "")]
    if project.change_note:
        when = f"{project.changed_on.isoformat()} " if project.changed_on else ""
        lines.append(f"  调整：{when}{shorten(project.change_note, 80)}")
    return lines


def project_line(project: PovertyProject, detailed: bool = False) -> str:
    """「· 项目【已完工】：名称 90.00万元（文号），实施单位：…，受益48户196人，建设内容：…」
    (`detailed`: 「，效益：…」 too); or 已取消."""
    number = f"（{project.approval_number}）" if project.approval_number else ""
    unit = f"，实施单位：{project.implementing_unit}" if project.implementing_unit else ""
    state = PROGRESS.get(project.progress, "")
    mark = f"【{state}】" if state else ""
    amount = f"{wan(project.investment)}万元"
    if project.progress == "cancelled":
        amount += "（不计入合计）"
    content = (project.construction_content or "").strip()
    built = f"，建设内容：{shorten(content, CONTENT_CHARS)}" if content else ""
    earned = (project.benefits or "").strip() if detailed else ""
    earns = f"，效益：{shorten(earned, CONTENT_CHARS)}" if earned else ""
    return (
        f"· 项目{mark}：{shorten(project.name, 40)} {amount}{number}{unit}"
        f"{benefit_words(project)}{built}{earns}"
    )


def benefits_line(funds: RegionFunds, year: int | None) -> str:
    """「2016年 天祝藏族自治县（全县）的扶贫项目5个，受益合计660户2677人（已取消的不算）。」"""
    projects = [p for y in funds.years for p in y.active_projects]
    households = sum(p.households_benefited or 0 for p in projects)
    persons = sum(p.persons_benefited or 0 for p in projects)
    unknown = sum(1 for p in projects if not p.households_benefited)
    return texts.BENEFITS_TOGETHER.format(
        when=f"{year}年" if year is not None else "",
        place=funds.place.label,
        count=len(projects),
        households=households,
        persons=persons,
        unknown=texts.BENEFITS_UNKNOWN.format(count=unknown) if unknown else "",
    )


def benefit_words(project: PovertyProject) -> str:
    """「，受益186户743人」 from the project's published beneficiary counts; empty without them."""
    households = f"{project.households_benefited}户" if project.households_benefited else ""
    persons = f"{project.persons_benefited}人" if project.persons_benefited else ""
    return f"，受益{households}{persons}" if households or persons else ""


MAX_PLACES_RANKED = 10  # places listed under a ranking; the count says how many have rows


def places_ranked_answer(
    ranked: list[tuple[Place, Decimal]],
    *,
    most: bool,
    villages: bool,
    when: str,
    where: str,
    demo: bool,
) -> str:
    """「最多的是天堂镇：188.70万元（含所辖各村）。」 then the places in that order with their
    totals, how many have rows and their sum; `when`: 「2017年」 or 「2015—2017年合计」,
    `where`: 「各乡镇」 or 「天堂镇各村」."""
    kind = "村" if villages else "乡镇"
    if not ranked:
        return texts.PLACES_RANKED_NONE.format(when=when, kind=kind)
    top, amount = ranked[0]
    lines = [
        texts.PLACES_RANKED_HEAD.format(
            when=when, where=where, demo=texts.DEMO_MARK if demo else ""
        ),
        texts.PLACES_RANKED_TOP.format(
            which="最多" if most else "最少",
            place=top.label,
            amount=wan(amount),
            within="" if villages else "（含所辖各村）",
        ),
    ]
    shown = ranked[:MAX_PLACES_RANKED]
    lines += [f"{n}. {place.label} {wan(total)}万元" for n, (place, total) in enumerate(shown, 1)]
    more = len(ranked) - len(shown)
    lines.append(
        texts.PLACES_RANKED_COUNT.format(
            count=len(ranked),
            kind=kind,
            total=wan(sum((total for _, total in ranked), Decimal(0))),
            more=f"，上面列了{len(shown)}个" if more else "",
        )
    )
    if villages:
        lines.append(texts.PLACES_RANKED_TOWN_ROWS)
    lines.append(texts.PLACES_RANKED_HINT)
    return "\n".join(lines)


MAX_PROJECTS_RANKED = 5


def _measure(project: PovertyProject, by_benefit: bool) -> Decimal:
    """What projects are ranked by: households benefited, or investment (万元)."""
    return Decimal(project.households_benefited or 0) if by_benefit else project.investment


def projects_ranked_answer(
    funds: RegionFunds,
    projects: list[PovertyProject],
    year: int | None,
    base_url: str,
    *,
    most: bool,
    by_benefit: bool,
) -> str:
    """「投资最多的是…：260.00万元（…）」 then the projects in that order (cancelled ones are
    left out: they are not counted)."""
    place = funds.place
    when = f"{year}年" if year is not None else ""
    if not projects:
        return texts.PROJECTS_NONE.format(place=place.label, year=when, label="实施")
    counted = [p for p in projects if not by_benefit or p.households_benefited]
    what = "受益户数" if by_benefit else "投资"
    if not counted:
        return texts.PROJECTS_NO_BENEFITS.format(place=place.label, year=when)
    ordered = sorted(
        counted,
        key=lambda p: (-_measure(p, by_benefit) if most else _measure(p, by_benefit), p.id),
    )
    demo = texts.DEMO_MARK if funds.is_demo else ""
    top = ordered[0]
    lines = [
        f"【{place.label} {when}扶贫项目按{what}】{demo}",
        texts.PROJECT_RANKED_TOP.format(what=what, which="最多" if most else "最少", name=top.name),
    ]
    lines += [line for p in ordered[:MAX_PROJECTS_RANKED] for line in project_lines(p)]
    url = village_url(base_url, place.code, year)
    return fit(lines[:2], lines[2:], [f"明细：{url}"], "……更多明细见下方链接。")


def places_choice(name: str, places: list[Place], heading: str = "", more: int = 0) -> str:
    """Ask which of several same-named places was meant (under `heading`, when not asked by
    name; `more` not shown)."""
    lines = [heading or texts.PLACE_WHICH.format(name=name)]
    # with its code: the choice tells them apart, and 「大湾村的代码」 is answered by it
    lines += [f"{n}. {place.label}（{place.code}）" for n, place in enumerate(places, start=1)]
    if more:
        lines.append(texts.PARTIAL_REGION_MORE.format(count=more))
    lines.append(texts.PLACE_HINT)
    return "\n".join(lines)


def fund_list_answer(
    funds: FundList, base_url: str, *, what: str, department_id: int | None
) -> str:
    """The published fund rows asked for, with the exact total."""
    url = funds_url(base_url, year=funds.year, department_id=department_id)
    if not funds.rows:
        return texts.FUND_LIST_NONE.format(what=what) + f"\n全部清单：{url}"
    demo = texts.DEMO_MARK if funds.is_demo else ""
    total = f"共{len(funds.rows)}项，合计{wan(funds.total)}{texts.UNIT}"
    lines = [f"【{what} 财政专项资金】{demo}", total + _by_type(funds.rows) + "："]
    for number, row in enumerate(funds.rows, start=1):
        kind = type_label(row.fund_type)
        owner = (
            ""
            if department_id is not None
            else f"，{row.department.short_name or row.department.name}"
        )
        year = "" if funds.year is not None else f"{row.budget_year}年 "
        lines.append(
            f"{number}. {year}{shorten(row.project_name, 40)} {wan(row.budget_amount)}万元"
            f"（{kind}{owner}）"
        )
    return fit(lines[:2], lines[2:], [f"管理办法和分配情况：{url}"], "……更多见下方链接。")


def type_label(kind: str) -> str:
    """A fund type's name as citizens read it (转移支付专项资金), or the stored value."""
    return FundType(kind).label if kind in set(FundType) else kind


def _by_type(rows: list[FundItem]) -> str:
    """「（其中转移支付专项资金…万元，部门预算专项资金…万元）」 when the rows hold both types."""
    totals: dict[str, Decimal] = {}
    for row in rows:
        totals[row.fund_type] = totals.get(row.fund_type, Decimal(0)) + row.budget_amount
    if len(totals) < 2:
        return ""
    parts = [
        f"{type_label(kind)}{wan(amount)}万元"
        for kind, amount in sorted(totals.items(), key=lambda pair: -pair[1])
    ]
    return "（其中" + "，".join(parts) + "）"


def ranked_line(rows: list[FundItem], ranking: Ranking, every_year: bool = False) -> str:
    """「最多的是县民政局：共3项，合计…万元。」 or 「最少的一项是…」: the largest or smallest
    fund, department or year (by its funds' total) among the rows; `every_year`: the rows are
    every year's, said so when departments are ranked."""
    which = "最多" if ranking.most else "最少"
    if every_year and ranking.by not in ("year", "fund"):
        years = sorted({row.budget_year for row in rows})
        span = f"{years[0]}—{years[-1]}" if len(years) > 1 else str(years[0])
        return texts.FUND_RANKED_SPAN.format(span=span) + ranked_line(rows, ranking)
    if ranking.by == "fund":
        row = (max if ranking.most else min)(rows, key=lambda r: r.budget_amount)
        return texts.FUND_RANKED_FUND.format(
            which=which,
            year=row.budget_year,
            name=row.project_name,
            amount=wan(row.budget_amount),
            owner=row.department.short_name or row.department.name,
        )
    totals: dict[str, list[Decimal]] = {}
    for row in rows:
        if ranking.by == "year":
            key = f"{row.budget_year}年"
        else:
            key = row.department.short_name or row.department.name
        totals.setdefault(key, []).append(row.budget_amount)
    name = (max if ranking.most else min)(totals, key=lambda n: sum(totals[n], Decimal(0)))
    amounts = totals[name]
    return texts.FUND_RANKED_GROUP.format(
        which=which, name=name, count=len(amounts), total=wan(sum(amounts, Decimal(0)))
    )


def totals_compared(funds: FundList, before: FundList) -> str:
    """「2017年合计26848.1674万元，比2016年（25092.02万元）多1756.1474万元。」"""
    change = funds.total - before.total
    return texts.FUND_TOTALS_COMPARED.format(
        year=funds.year,
        total=wan(funds.total),
        earlier=before.year,
        before=wan(before.total),
        way="多" if change >= 0 else "少",
        change=wan(abs(change)),
    )


def with_year_before(
    answer: str,
    rows: list[FundItem],
    before: list[FundItem],
    renamed: Callable[[list[FundItem], list[FundItem]], list[FundItem]],
    year: int,
) -> str:
    """The fund list answer with, for each fund, its amount in an earlier `year` (the year
    before: 「比上一年多了多少」) and the change; `renamed` finds a fund's row under the name
    it had then."""
    lines = []
    for row in rows[:MAX_COMPARED]:
        earlier = renamed(before, [row])
        if len(earlier) != 1:
            lines.append(texts.FUND_NOT_BEFORE.format(name=row.project_name, year=year))
            continue
        change = row.budget_amount - earlier[0].budget_amount
        lines.append(
            texts.FUND_CHANGE.format(
                name=row.project_name,
                year=year,
                now=row.budget_year,
                before=wan(earlier[0].budget_amount),
                how="多" if change >= 0 else "少",
                change=wan(abs(change)),
            )
        )
    return "\n".join((answer, *lines))


def fund_years_answer(funds: FundList, base_url: str) -> str:
    """「财政专项资金」 alone: each published year with its count and exact total, tappable."""
    url = funds_url(base_url)
    if not funds.rows:
        return texts.FUND_LIST_NONE.format(what="") + f"\n全部清单：{url}"
    years: dict[int, list[Decimal]] = {}
    for row in funds.rows:
        years.setdefault(row.budget_year, []).append(row.budget_amount)
    demo = texts.DEMO_MARK if funds.is_demo else ""
    lines = [f"【财政专项资金管理清单】{demo}", "已公开的年度（点年份查看明细）："]
    if len(years) > 1:
        # 「这三年加起来总共多少」: the years together, before each year's line
        lines[1] = (
            texts.FUND_YEARS_TOGETHER.format(
                first=min(years), last=max(years), count=len(funds.rows), total=wan(funds.total)
            )
            + lines[1]
        )
    for number, (year, amounts) in enumerate(sorted(years.items(), reverse=True), start=1):
        label = f"{year}年"
        lines.append(
            f"· {tap(label, f'{year}年 专项资金', number)} "
            f"共{len(amounts)}项，合计{wan(sum(amounts, Decimal(0)))}{texts.UNIT}"
        )
    tail = [texts.FUND_HOW, f"全部清单：{url}"]
    return fit(lines[:2], lines[2:], tail, "……更多年度见下方链接。", keep_tail=2)


def fund_details_answer(rows: list[FundItem], details: list[str], base_url: str) -> str:
    """「牦牛藏羊产业发展资金咋申报」: each fund's amount and the published text of what was
    asked (申报指南, 评审结果, 资金分配 …), as the fund list publishes it."""
    lines: list[str] = []
    for row in rows:
        demo = texts.DEMO_MARK if row.is_demo else ""
        kind = type_label(row.fund_type)
        owner = row.department.short_name or row.department.name
        lines.append(f"【{row.budget_year}年 {row.project_name}】{demo}")
        lines.append(f"{wan(row.budget_amount)}{texts.UNIT}（{kind}，{owner}）")
        for detail in details:
            text = detail_text(row, detail)
            lines.append(f"{DETAIL_LABELS[detail]}：{text or '未公布'}")
    year = rows[0].budget_year if len({r.budget_year for r in rows}) == 1 else None
    url = funds_url(base_url, year=year)
    return fit(lines[:2], lines[2:], [f"管理办法和分配情况：{url}"], "……更多见下方链接。")


def document_ranked(document: Document, labels: dict[str, str], *, most: bool) -> str:
    """「最多的是大红沟镇：150.87万元。」 (places tied said together), then the document's
    allocations in that order."""
    rows = sorted(
        document.allocations, key=lambda a: (-a.amount if most else a.amount, a.region_code)
    )
    top = rows[0].amount
    tied = [labels.get(a.region_code, a.region_code) for a in rows if a.amount == top]
    lines = [
        texts.DOCUMENT_RANKED.format(
            number=document.number,
            which="最多" if most else "最少",
            places="、".join(tied) + ("（并列）" if len(tied) > 1 else ""),
            amount=wan(top),
        )
    ]
    lines += [
        f"{n}. {labels.get(a.region_code, a.region_code)} {wan(a.amount)}万元"
        for n, a in enumerate(rows, start=1)
    ]
    lines.append(PROJECTS_TOTAL.format(count=len(rows), total=wan(document.allocation_total)))
    return fit(lines[:1], lines[1:], [], "……")


PROJECTS_TOTAL = "共{count}笔，合计{total}万元。"


def document_answer(
    document: Document,
    base_url: str,
    labels: dict[str, str],
    places_first: bool = False,
    sources: bool = False,
) -> str:
    """What a document number decided: its projects (status, investment, content, unit) and
    its allocations (each place's amount and the exact total); each place by its `labels`
    (「天堂镇 大湾村」: two towns have a 大湾村); `places_first` (「都给了哪些村」): the places
    named in one line first; `sources`: each row with where its money comes from."""
    shown = any(a.is_demo for a in document.allocations) or any(
        p.is_demo for p in document.projects
    )
    demo = texts.DEMO_MARK if shown else ""
    head = [f"【{document.number}】{demo}"]
    details: list[str] = []
    places: set[str] = set()
    for project in document.projects:
        line = project_line(project).replace(f"（{document.number}）", "")
        details.append(line + (_source(project.fund_source) if sources else ""))
        if project.construction_content:
            details.append(f"  建设内容：{shorten(project.construction_content, 60)}")
        places |= {village.code for village in project.villages}
    if document.allocations:
        head.append(
            f"分配资金{len(document.allocations)}笔，"
            f"合计{wan(document.allocation_total)}{texts.UNIT}："
        )
        for allocation in document.allocations:
            purpose = f" {shorten(allocation.purpose, 30)}" if allocation.purpose else ""
            name = labels.get(allocation.region_code) or allocation.region.name
            source = _source(allocation.fund_source) if sources else ""
            details.append(f"· {wan(allocation.amount)}万元 {name}{purpose}{source}")
            places.add(allocation.region_code)
    if places_first and places:
        named = [labels.get(code, code) for code in sorted(places)]
        head.insert(1, texts.DOCUMENT_PLACES.format(count=len(named), places="、".join(named)))
    years = {a.year for a in document.allocations} | {p.year for p in document.projects}
    year = next(iter(years)) if len(years) == 1 else None
    if len(places) == 1:
        url = village_url(base_url, next(iter(places)), year)
    else:
        url = f"{base_url.rstrip('/')}/villages"
    return fit(head, details, [f"明细：{url}"], "……更多明细见下方链接。")
