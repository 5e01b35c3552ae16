"""The live search index of the running app, built from the published catalogue at start-up."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue import queries
from catalogue.models import Item, Synonym
from search.document import Document
from search.index import SearchIndex


def document_of(item: Item) -> Document:
    """What search knows of a public item."""
    extra = tuple(
        code for code in (item.national_item_code, item.national_implementation_code) if code
    )
    return Document(
        code=item.code,
        name=item.name,
        kind=item.kind,
        category=item.category,
        parent_name=item.parent_name,
        sub_name=item.sub_name,
        department=item.department.name if item.department is not None else "",
        aliases=tuple(item.aliases or ()),
        keywords=tuple(item.keywords or ()),
        extra_codes=extra,
        published=item.is_public,
    )


async def _documents(session: AsyncSession) -> tuple[list[Document], list[tuple[str, str]]]:
    items = await queries.public_items(session=session)
    synonyms = await session.execute(select(Synonym.colloquial, Synonym.formal))
    return [document_of(item) for item in items], [(c, f) for c, f in synonyms]


async def load_search_index(sessions: async_sessionmaker[AsyncSession]) -> SearchIndex:
    """Every public item indexed, with the staff-maintained synonyms (built off the event loop)."""
    async with sessions() as session:
        documents, synonyms = await _documents(session)
    index = await asyncio.to_thread(SearchIndex.build, documents)
    if synonyms:
        index.set_extra_synonyms(synonyms)
    return index
