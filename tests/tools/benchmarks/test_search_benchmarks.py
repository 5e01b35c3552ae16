"""The search benchmarks' parts: CSV → documents as the importer maps them, the dev set,
the summary figures, the baselines and the generated workload (figures are not asserted)."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from tools.benchmarks.search_baselines import Fts5Trigram, RapidfuzzNames
from tools.benchmarks.search_corpus import (
    DEVSET,
    DevQuery,
    documents_from_csv,
    evaluate,
    load_devset,
    summarise,
)
from tools.benchmarks.search_workload import QueryMaker, Zipf, citizen_pool, multiply

HEADER = (
    "id,name,parent_item,sub_item,category,category_code,department,undertaking_unit,region,"
    "region_code,admin_level,implementing_level_raw,data_year,item_code,implementation_code,"
    "implementing_body_uscc,time_limit_legal,time_limit_promise,conditions,requirements,basis,"
    "fee,location,phone,url,source,licence\n"
)


def _row(name: str, code: str, item_code: str = "") -> str:
    return f"1,{name},,,x,{code},民政局,,,,,,,{item_code},,,,,,,,,,,,,\n"


def test_documents_are_mapped_as_the_importer_maps_them(tmp_path: Path) -> None:
    source = tmp_path / "items.csv"
    source.write_text(
        HEADER + _row("临时救助", "20", "512C0053300008") + _row("对违法的处罚", "02"), "utf-8"
    )
    service, fine = documents_from_csv(source)
    assert (service.kind, service.category, service.extra_codes) == (
        "service",
        "QT",
        ("512C0053300008",),
    )
    assert (fine.kind, fine.category) == ("power", "CF")
    assert service.code.endswith("—QT00001000") and fine.code.endswith("—CF00001000")


def test_the_devset_and_its_summary() -> None:
    devset = load_devset(DEVSET)
    assert len(devset) >= 150 and all(item.expected for item in devset)
    tiny = [DevQuery("pinyin", "a", frozenset({"甲"})), DevQuery("typo", "b", frozenset({"乙"}))]
    results = list(evaluate(tiny, [["甲", "乙"], ["丙", "丁", "乙"]]))
    assert [rank for _item, rank in results] == [1, 3]
    quality = {q.kind: q for q in summarise(results)}
    assert quality["all"].top1 == 0.5 and quality["all"].top3 == 1.0
    assert abs(quality["all"].mrr - (1 + 1 / 3) / 2) < 1e-9


def test_baselines_answer_with_names() -> None:
    names = ["临时救助", "最低生活保障", "临时救助业务进度查询"]
    assert RapidfuzzNames(names).search("临时救助", 2)[0] == "临时救助"
    fts = Fts5Trigram(names)
    assert "临时救助" in fts.search("临时救助", 3)
    assert fts.search("低保", 3) == []  # a colloquial word: what FTS cannot do
    assert fts.search("救助", 3)  # two characters: the LIKE fallback


def test_the_workload_multiplies_names_and_mixes_classes(tmp_path: Path) -> None:
    source = tmp_path / "items.csv"
    rows = [_row(name, "20") for name in ("临时救助", "最低生活保障", "居住证办理", "户口登记")]
    source.write_text(HEADER + "".join(rows), "utf-8")
    base = documents_from_csv(source)
    docs = multiply(base, 10)
    assert len(docs) == 10 and len({doc.code for doc in docs}) == 10
    assert {doc.name.split("（")[0] for doc in docs} <= {doc.name for doc in base}
    queries = QueryMaker(base).queries(12)
    assert len(queries) == 12 and all(queries)


def test_an_absent_query_is_right_without_a_confident_hit() -> None:
    absent = DevQuery("absent", "天气", frozenset({"-"}))
    found = DevQuery("typo", "b", frozenset({"乙"}))
    results = list(evaluate([absent, absent, found], [["甲"], [], ["乙"]], [False, False, True]))
    assert [rank for _item, rank in results] == [1, 1, 1]
    shown = list(evaluate([absent], [["甲"]], [True]))
    assert [rank for _item, rank in shown] == [None]
    quality = {q.kind: q for q in summarise(results)}
    assert quality["all"].count == 1  # `all` is over queries the catalogue has an item for
    assert quality["absent"].top1 == 1.0


def test_bench_quality_reports_each_part_and_the_absent_class(tmp_path: Path) -> None:
    from tools.benchmarks.search_quality import run

    csv_path = tmp_path / "items.csv"
    csv_path.write_text(
        HEADER + _row("临时救助", "20") + _row("个体工商户设立登记", "20"), encoding="utf-8"
    )
    tuning, heldout = tmp_path / "tuning.tsv", tmp_path / "heldout.tsv"
    tuning.write_text("partial\t临时救助\t临时救助\nabsent\t火车票\t-\n", encoding="utf-8")
    heldout.write_text("direction\t个体户注册\t个体工商户设立登记\n", encoding="utf-8")
    lines: list[str] = []
    figures = run(csv_path, {"tuning": tuning, "held-out": heldout}, lines.append)
    assert set(figures) == {"tuning", "held-out"}
    assert any(line.startswith("held-out part") for line in lines)
    tuning_figures = figures["tuning"]
    assert isinstance(tuning_figures, dict)
    assert tuning_figures["confident_wrong_absent"]["zwbot"] == 0.0
    assert tuning_figures["zwbot"]["all"]["n"] == 1


def test_the_citizen_pool_is_distinct_seeded_and_repeatable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "items.csv"
    names = ("临时救助", "最低生活保障", "居住证办理", "户口登记", "二手车交易登记（县级）")
    source.write_text(HEADER + "".join(_row(name, "20") for name in names), "utf-8")
    base = documents_from_csv(source)
    pool = citizen_pool(base, ["低保怎么办", "低保怎么办", ""], size=300)
    assert len(pool) == len(set(pool)) == 300 and all(query.strip() for query in pool)
    assert "低保怎么办" in pool and pool == citizen_pool(base, ["低保怎么办"], size=300)
    assert any(query.isascii() for query in pool)  # pinyin or initials among them
    monkeypatch.setattr(QueryMaker, "make", lambda self, kind: "临时救助")
    with pytest.raises(ValueError, match="only 1 distinct"):  # never more than one: it stops
        citizen_pool(base, size=10)


def test_zipf_draws_rank_r_about_one_in_r() -> None:
    queries = Zipf([f"q{rank}" for rank in range(1, 101)], s=1.0)
    rng = random.Random(3)
    counts = Counter(queries.draw(rng) for _ in range(20_000))
    assert 1.6 < counts["q1"] / counts["q2"] < 2.5 and 7 < counts["q1"] / counts["q10"] < 14
    assert counts["q1"] > counts["q50"] > 0
    assert 0 < queries.distinct_share(1000, random.Random(4)) < 0.2  # most are repeats
    with pytest.raises(ValueError):
        Zipf([])


def test_the_transfer_check_reads_totals_of_the_check_part_only(tmp_path: Path) -> None:
    from search import Document, SearchIndex
    from tools.benchmarks.search_transfer import transfer_check

    index = SearchIndex.build(
        [Document("A1", "最低生活保障"), Document("A2", "临时救助"), Document("A3", "法律援助")]
    )
    looked = tmp_path / "looked.tsv"
    looked.write_text("synonym\t低保\t最低生活保障\nsynonym\t法律援助\t临时救助\n", "utf-8")
    check = tmp_path / "check.tsv"
    check.write_text("partial\t法律\t最低生活保障\n", "utf-8")
    totals, misses = transfer_check(index, looked=(looked,), check=check)
    assert set(totals) == {"looked.tsv", "check.tsv"}
    assert [m.query.query for m in misses] == ["法律援助"]  # the check part's miss is not listed
    assert misses[0].part == "looked.tsv" and misses[0].first[0] == "法律援助"
    check_all = next(q for q in totals["check.tsv"] if q.kind == "all")
    assert check_all.count == 1 and check_all.top1 == 0.0
