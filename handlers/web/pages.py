"""The public HTML pages: home, item lists and guides, departments, villages, funds, search."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from catalogue import queries
from catalogue.categories import CATEGORIES
from catalogue.codes import normalize_code_text
from catalogue.models import FundType
from handlers.citizen.searching import MAX_RESULTS, find
from handlers.web.deps import SearchDep, SessionDep, SettingsDep
from handlers.web.figures import fund_charts, place_charts
from handlers.web.params import optional_int, optional_year, page_number
from handlers.web.poster_files import posters_of
from handlers.web.rendering import page as render

router = APIRouter(include_in_schema=False)
MAX_QUERY = 100


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, session: SessionDep) -> Response:
    counts = await queries.category_counts(session=session)
    departments = await queries.departments(session=session)
    years = await queries.fund_years(session=session)
    towns = await queries.towns(session=session)
    return render(
        request,
        "home.html",
        {
            "counts": counts,
            "departments": [d for d in departments if d.item_count],
            "years": years,
            "towns": towns,
        },
    )


@router.get("/items", response_class=HTMLResponse)
async def item_list(
    request: Request,
    session: SessionDep,
    category: str | None = None,
    department: str | None = None,
    page: str | None = None,
) -> Response:
    category_code = (category or "").upper()[:2] or None
    if category_code is not None and category_code not in CATEGORIES:
        raise HTTPException(404)
    department_id = optional_int(department)
    chosen = None
    if department_id is not None:
        chosen = await queries.department_by_id(session=session, department_id=department_id)
        if chosen is None:
            raise HTTPException(404)
    number = page_number(page)
    result = await queries.items_page(
        session=session, category=category_code, department_id=department_id, page=number
    )
    if number > result.pages:
        raise HTTPException(404)
    return _render_list(request, result, category_code, chosen)


def _render_list(
    request: Request, result: queries.ItemPage, category: str | None, department: object
) -> Response:
    return render(
        request,
        "items.html",
        {
            "result": result,
            "category": category,
            "department": department,
            "demo": any(item.is_demo for item in result.items),
        },
    )


@router.get("/items/{code}", response_class=HTMLResponse)
async def item_page(request: Request, code: str, session: SessionDep) -> Response:
    lookup = await queries.look_up_code(session=session, text=code[:200])
    if lookup.item is not None:
        item = lookup.item
        compact = normalize_code_text(item.code)
        if code != compact:
            # A relative target: the Host header is the client's to choose, never trusted.
            return RedirectResponse(
                request.app.url_path_for("item_page", code=compact), status_code=301
            )
        return render(request, "item.html", {"item": item, "demo": item.is_demo})
    if lookup.candidates:
        return render(
            request,
            "items.html",
            {
                "result": queries.ItemPage(
                    items=lookup.candidates,
                    total=len(lookup.candidates),
                    page=1,
                    per_page=max(1, len(lookup.candidates)),
                ),
                "category": None,
                "department": None,
                "heading": f"基本编码 {lookup.canonical} 的实施事项",
                "demo": any(i.is_demo for i in lookup.candidates),
            },
        )
    if lookup.retired is not None:
        return render(
            request,
            "retired.html",
            {"retired": lookup.retired, "merged_into": lookup.merged_into},
            status_code=410,
        )
    raise HTTPException(404)


@router.get("/departments", response_class=HTMLResponse)
async def department_list(request: Request, session: SessionDep) -> Response:
    departments = await queries.departments(session=session)
    return render(request, "departments.html", {"departments": departments})


@router.get("/villages", response_class=HTMLResponse)
async def village_list(request: Request, session: SessionDep, q: str = "") -> Response:
    everything = await queries.places(session=session)
    towns = [p for p in everything if p.level == "town"]
    villages: dict[str, list[queries.Place]] = {t.code: [] for t in towns}
    for place in everything:
        if place.level == "village" and place.town_code in villages:
            villages[place.town_code].append(place)
    match = await queries.find_regions(session=session, name=q[:60]) if q.strip() else None
    published = await queries.published_years(session=session)
    with_data = sum(
        1 for place in everything if place.level == "village" and place.code in published
    )
    return render(
        request,
        "villages.html",
        {
            "towns": towns,
            "villages": villages,
            "q": q[:60],
            "match": match,
            "published": published,
            "with_data": with_data,
            "village_count": sum(1 for place in everything if place.level == "village"),
        },
    )


@router.get("/villages/{region_code}", response_class=HTMLResponse)
async def village_page(
    request: Request,
    region_code: str,
    session: SessionDep,
    settings: SettingsDep,
    year: str | None = None,
) -> Response:
    chosen_year = optional_year(year)
    funds = await queries.region_funds(
        session=session, region_code=region_code[:12], year=chosen_year
    )
    if funds is None:
        raise HTTPException(404)
    years = await queries.region_years(session=session, region_code=funds.place.code)
    villages = (
        await queries.villages_of(session=session, town_code=funds.place.code)
        if funds.place.level == "town"
        else []
    )
    return render(
        request,
        "village.html",
        {
            "funds": funds,
            "year": chosen_year,
            "years": years,
            "villages": villages,
            "charts": place_charts(funds),
            "posters": posters_of(settings, funds.place.code),
            "demo": funds.is_demo,
        },
    )


@router.get("/funds", response_class=HTMLResponse)
async def fund_page(
    request: Request,
    session: SessionDep,
    year: str | None = None,
    department: str | None = None,
    type: str | None = None,
) -> Response:
    chosen_year = optional_year(year)
    department_id = optional_int(department)
    fund_type = None
    if type:
        try:
            fund_type = FundType(type)
        except ValueError as error:
            raise HTTPException(404) from error
    funds = await queries.fund_list(
        session=session,
        year=chosen_year,
        department_ids=[department_id] if department_id is not None else None,
        fund_type=fund_type,
    )
    years = await queries.fund_years(session=session)
    departments = [d for d in await queries.departments(session=session)]
    return render(
        request,
        "funds.html",
        {
            "funds": funds,
            "year": chosen_year,
            "department_id": department_id,
            "fund_type": fund_type,
            "years": years,
            "departments": departments,
            "types": list(FundType),
            "charts": fund_charts(funds),
            "demo": funds.is_demo,
        },
    )


@router.get("/search", response_class=HTMLResponse)
async def search_page(
    request: Request, session: SessionDep, search: SearchDep, q: str = ""
) -> Response:
    query = " ".join(q.split())[:MAX_QUERY]
    found = await find(search, session, query) if query else []
    return render(
        request,
        "search.html",
        {"q": query, "found": found[:MAX_RESULTS], "demo": any(f.item.is_demo for f in found)},
    )
