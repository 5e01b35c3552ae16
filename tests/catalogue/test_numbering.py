"""New basic codes come after everything used or retired; numbers are never reused."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.codes import BasicCode
from catalogue.models import PowerItem, Region, RetiredCode
from catalogue.numbering import (
    CodeAllocator,
    CodeSpaceExhaustedError,
    load_allocator,
    next_main_code,
    next_sub_code,
)

ORG_BODY = "62062300000000877801X0"


def test_first_main_of_an_empty_category() -> None:
    assert next_main_code("XK", []) == BasicCode("XK", 1, 0)


def test_main_numbers_follow_used_and_retired_codes_per_category() -> None:
    used = ["XK00001000", "XK00002001", f"{ORG_BODY}—XK00003000", "CF00040000"]
    assert next_main_code("XK", used) == BasicCode("XK", 4)
    assert next_main_code("CF", used) == BasicCode("CF", 41)
    # the highest number was abolished: it is not handed out again, nor is the gap filled
    assert next_main_code("XK", used, retired=[f"{ORG_BODY}—XK00007000"]) == BasicCode("XK", 8)


def test_sub_numbers_follow_used_and_retired_subs_of_the_main() -> None:
    main = BasicCode("XK", 2)
    assert next_sub_code(main, ["XK00002000"]) == BasicCode("XK", 2, 1)
    used = ["XK00002000", "XK00002001", "XK00002002", "XK00003005"]
    assert next_sub_code(main, used) == BasicCode("XK", 2, 3)
    assert next_sub_code(BasicCode("XK", 2, 1), used, ["XK00002009"]) == BasicCode("XK", 2, 10)


def test_malformed_stored_codes_are_ignored() -> None:
    assert next_main_code("XK", ["XK0000A000", "", "garbage"]) == BasicCode("XK", 1)


def test_allocator_remembers_what_it_handed_out() -> None:
    allocator = CodeAllocator(["QT00010000"], ["QT00011000"])
    first = allocator.new_main("QT")
    second = allocator.new_main("QT")
    assert (first, second) == (BasicCode("QT", 12), BasicCode("QT", 13))
    assert allocator.new_sub(first) == BasicCode("QT", 12, 1)
    assert allocator.new_sub(first) == BasicCode("QT", 12, 2)
    assert not allocator.is_free(BasicCode("QT", 11))
    assert allocator.is_free(BasicCode("QT", 14))


def test_exhausted_spaces_raise() -> None:
    with pytest.raises(CodeSpaceExhaustedError):
        next_main_code("JL", ["JL99999000"])
    with pytest.raises(CodeSpaceExhaustedError):
        next_sub_code(BasicCode("JL", 5), ["JL00005999"])


async def test_allocator_from_the_database(session: AsyncSession) -> None:
    session.add(Region(code="620623", name="天祝藏族自治县", level="county"))
    await session.flush()
    session.add(
        PowerItem(
            code=f"{ORG_BODY}—XK00004000",
            subject_code=ORG_BODY,
            basic_code="XK00004000",
            category="XK",
            main_no=4,
            name="测试许可",
        )
    )
    session.add(
        RetiredCode(
            code=f"{ORG_BODY}—XK00009000",
            basic_code="XK00009000",
            name="已取消",
            reason="abolished",
        )
    )
    await session.flush()
    allocator = await load_allocator(session)
    assert allocator.new_main("XK") == BasicCode("XK", 10)
    assert allocator.new_main("CF") == BasicCode("CF", 1)
