"""A project line tells how many households and persons it served, when the list says so."""

from __future__ import annotations

from decimal import Decimal

from catalogue.models import PovertyProject
from handlers.citizen.fund_answers import benefit_words, project_line


def _project(households: int | None, persons: int | None) -> PovertyProject:
    return PovertyProject(
        year=2018,
        name="2018年某镇某村养殖暖棚建设项目",
        approval_number="",
        investment=Decimal("40.00"),
        implementing_unit="某镇人民政府",
        households_benefited=households,
        persons_benefited=persons,
        progress="in_progress",
    )


def test_both_counts_are_said():
    line = project_line(_project(30, 121))
    assert line.endswith("，实施单位：某镇人民政府，受益30户121人")
    assert "【实施中】" in line


def test_one_count_alone_is_said():
    assert benefit_words(_project(None, 560)) == "，受益560人"
    assert benefit_words(_project(12, None)) == "，受益12户"


def test_no_counts_no_words():
    assert benefit_words(_project(None, None)) == ""
    assert project_line(_project(None, None)).endswith("实施单位：某镇人民政府")
