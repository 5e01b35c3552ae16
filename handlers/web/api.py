"""The read-only JSON API under `/api` (OpenAPI docs at `/api/docs`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse

from catalogue import queries
from catalogue.categories import CATEGORIES
from catalogue.models import FundType
from catalogue.queries import Place
from catalogue.queries.poverty import MAX_YEAR, MIN_YEAR
from handlers.citizen.searching import find
from handlers.web import schemas
from handlers.web.deps import SearchDep, SessionDep, SettingsDep

# Why a code answers 410, by the retired-code store's reason.
RETIRED_DETAIL = {
    "merged": "该编码已合并。",
    "abolished": "该编码已作废。",
    "recoded": "该编码已变更为 {successor}。",
}

# Every operation may answer 429 (handlers.web.throttle) besides its own statuses.
router = APIRouter(
    tags=["公开数据"],
    responses={429: {"model": schemas.ErrorOut, "description": "访问太频繁，见 Retry-After"}},
)
Year = Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR, description="年度")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": schemas.ErrorOut, "description": "没有这个公开记录"}
}


def _place(place: Place) -> schemas.PlaceOut:
    return schemas.PlaceOut(
        code=place.code,
        name=place.short_name or place.name,
        level=place.level,
        town_code=place.town_code,
        label=place.label,
    )


@router.get("/items", response_model=schemas.ItemPageOut, summary="事项列表", responses=NOT_FOUND)
async def items(
    session: SessionDep,
    settings: SettingsDep,
    category: Annotated[
        str | None, Query(pattern="^[A-Za-z]{2}$", description="类别，如 XK")
    ] = None,
    department: Annotated[int | None, Query(ge=1, le=10**9, description="部门编号")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> schemas.ItemPageOut:
    """已发布（含暂停）的非涉密事项，按类别和部门筛选，分页。"""
    code = category.upper() if category else None
    if code is not None and code not in CATEGORIES:
        raise HTTPException(404, "没有这个类别。")
    result = await queries.items_page(
        session=session, category=code, department_id=department, page=page, per_page=per_page
    )
    return schemas.ItemPageOut(
        total=result.total,
        page=result.page,
        pages=result.pages,
        per_page=result.per_page,
        items=[schemas.ItemSummary.of(i, settings.public_base_url) for i in result.items],
    )


@router.get(
    "/items/{code}",
    response_model=schemas.ItemDetail,
    summary="一个事项的完整办事指南",
    responses={**NOT_FOUND, 410: {"model": schemas.RetiredOut, "description": "编码已作废或合并"}},
)
async def item(
    code: str, session: SessionDep, settings: SettingsDep
) -> schemas.ItemDetail | JSONResponse:
    """编码可写成任意形式（带或不带破折号、大小写均可）。已作废或合并的编码返回 410。"""
    lookup = await queries.look_up_code(session=session, text=code[:200])
    found = lookup.item or (lookup.candidates[0] if lookup.candidates else None)
    if found is not None:
        return schemas.ItemDetail.of(found, settings.public_base_url)
    if lookup.retired is not None:
        retired = lookup.retired
        body = schemas.RetiredOut(
            detail=RETIRED_DETAIL.get(retired.reason, "该编码已作废。").format(
                successor=retired.merged_into
            ),
            code=retired.code,
            name=retired.name,
            reason=retired.reason,
            merged_into=retired.merged_into,
            basis=retired.basis,
            retired_at=retired.retired_at,
        )
        return JSONResponse(body.model_dump(mode="json"), status_code=410)
    raise HTTPException(404, "没有这个编码的公开事项。")


@router.get("/search", response_model=list[schemas.SearchHitOut], summary="搜索事项")
async def search(
    session: SessionDep,
    settings: SettingsDep,
    searcher: SearchDep,
    q: Annotated[str, Query(min_length=1, max_length=100, description="群众的说法，如“开网吧”")],
    top: Annotated[int, Query(ge=1, le=25)] = 5,
) -> list[schemas.SearchHitOut]:
    """和公众号相同的搜索。"""
    found = await find(searcher, session, q)
    return [
        schemas.SearchHitOut(
            score=round(f.hit.score, 4),
            reasons=list(f.hit.reasons),
            item=schemas.ItemSummary.of(f.item, settings.public_base_url),
        )
        for f in found[:top]
    ]


@router.get("/departments", response_model=list[schemas.DepartmentOut], summary="部门列表")
async def departments(session: SessionDep) -> list[schemas.DepartmentOut]:
    """各实施部门及其公开事项数。"""
    return [
        schemas.DepartmentOut(
            id=s.department.id,
            name=s.department.name,
            short_name=s.department.short_name,
            address=s.department.address,
            phone=s.department.phone,
            item_count=s.item_count,
        )
        for s in await queries.departments(session=session)
    ]


@router.get("/places", response_model=schemas.PlaceMatchOut, summary="按名称查找村镇")
async def places(
    session: SessionDep,
    name: Annotated[
        str, Query(min_length=1, max_length=60, description="村或镇名，可不写“村”“镇”")
    ],
) -> schemas.PlaceMatchOut:
    """同名的村会全部返回（ambiguous 为 true）。"""
    match = await queries.find_regions(session=session, name=name)
    return schemas.PlaceMatchOut(
        ambiguous=match.ambiguous, places=[_place(p) for p in match.places]
    )


@router.get(
    "/places/{code}/poverty",
    response_model=schemas.RegionFundsOut,
    summary="一个村或镇的扶贫资金和项目",
    responses=NOT_FOUND,
)
async def place_poverty(
    code: str, session: SessionDep, year: Year = None
) -> schemas.RegionFundsOut:
    """镇的数据包含所辖各村。合计为各条记录金额的精确和（万元）。"""
    funds = await queries.region_funds(session=session, region_code=code[:12], year=year)
    if funds is None:
        raise HTTPException(404, "没有这个村或镇。")
    return schemas.RegionFundsOut(
        place=_place(funds.place),
        allocation_total=funds.allocation_total,
        project_total=funds.project_total,
        years=[
            schemas.YearFundsOut(
                year=y.year,
                allocation_total=y.allocation_total,
                project_total=y.project_total,
                allocations=[
                    schemas.AllocationOut(
                        region_code=a.region_code,
                        region_name=a.region.short_name or a.region.name,
                        amount=a.amount,
                        document_number=a.document_number,
                        purpose=a.purpose,
                        fund_source=a.fund_source,
                        demo=a.is_demo,
                    )
                    for a in y.allocations
                ],
                projects=[
                    schemas.ProjectOut(
                        name=p.name,
                        approval_number=p.approval_number,
                        investment=p.investment,
                        construction_content=p.construction_content,
                        benefits=p.benefits,
                        competent_unit=p.competent_unit,
                        implementing_unit=p.implementing_unit,
                        villages=[v.code for v in p.villages],
                        demo=p.is_demo,
                    )
                    for p in y.projects
                ],
            )
            for y in funds.years
        ],
    )


@router.get("/funds", response_model=schemas.FundListOut, summary="财政专项资金管理清单")
async def funds(
    session: SessionDep,
    year: Year = None,
    department: Annotated[int | None, Query(ge=1, le=10**9, description="部门编号")] = None,
    type: Annotated[FundType | None, Query(description="资金类型")] = None,
) -> schemas.FundListOut:
    """已公开的专项资金，合计为精确和（万元）。"""
    result = await queries.fund_list(
        session=session,
        year=year,
        department_ids=[department] if department is not None else None,
        fund_type=type,
    )
    return schemas.FundListOut(
        total=result.total,
        count=len(result.rows),
        rows=[
            schemas.FundOut(
                budget_year=r.budget_year,
                fund_type=r.fund_type,
                fund_type_name=FundType(r.fund_type).label,
                department=r.department.name,
                project_name=r.project_name,
                budget_amount=r.budget_amount,
                management_measures=r.management_measures,
                allocation_and_use=r.allocation_and_use,
                performance_evaluation=r.performance_evaluation,
                competitive=r.competitive,
                published_on=r.published_on,
                demo=r.is_demo,
            )
            for r in result.rows
        ],
    )
