"""Alignment: thesaurus, instrument registry, comparator, concordance tables, metrics, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.align.compare import Alignment, Candidate, alignment_metrics, contains
from pipeline.align.thesaurus import default_thesaurus, find_lemma_sequences, load_thesaurus, uk_lemmas
from pipeline.cli import EXIT_OK, main
from pipeline.errors import ConfigError
from pipeline.instruments import Instrument, add_instrument, load_instruments
from pipeline.store import Store
from tests.conftest import FIXTURES, ROOT


def test_shipped_thesaurus_is_valid_and_bilingual() -> None:
    th = default_thesaurus()
    assert len(th.concepts) >= 300
    found = th.english_concepts("Each Party shall permit controlled deliveries and set up a joint investigation team.")
    assert {"controlled_delivery", "joint_investigation_team"} <= set(found)


@pytest.mark.parametrize(
    ("ukrainian", "concept"),
    [
        ("здійснення контрольованої поставки товарів", "controlled_delivery"),
        ("створення спільних слідчих груп", "joint_investigation_team"),
        ("митний контроль здійснюється", "customs_control"),
    ],
)
def test_ukrainian_concepts_match_in_any_inflection(ukrainian: str, concept: str) -> None:
    th = default_thesaurus()
    assert concept in find_lemma_sequences(list(uk_lemmas(ukrainian)), th.concepts)


def test_thesaurus_file_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "t.toml"
    bad.write_text('[[concept]]\nid = "x"\nen = ["smuggling"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="at least one en and one uk") as e:
        load_thesaurus(bad)
    assert str(bad) in str(e.value)


def test_instrument_registry(tmp_path: Path) -> None:
    shipped = load_instruments(ROOT / "corpora" / "instruments.toml")
    slugs = {i.slug for i in shipped}
    assert {"untoc", "untoc-migrants", "untoc-firearms", "un1988", "rkc", "coe-mla", "coe-cets198", "aa-eu-ua"} <= slugs
    assert next(i for i in shipped if i.slug == "untoc").portal_nreg == "995_789"
    assert {i.force for i in shipped} == {"binding", "soft_law", "benchmark"}
    path = tmp_path / "instruments.toml"
    add_instrument(path, Instrument("test-conv", "Test Convention", "2001-01-01", "binding", ("customs",)))
    with pytest.raises(ConfigError, match="already registered"):
        add_instrument(path, Instrument("test-conv", "Again", "", "binding"))
    path.write_text('[[instrument]]\nslug = "Bad Slug"\nforce = "binding"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="bad slug"):
        load_instruments(path)


def _cand(pid: str) -> Candidate:
    return Candidate(pid, 1.0, 1.0, 1.0, 0.0, (), (), "")


def _al(status: str, *pids: str) -> Alignment:
    return Alignment("x", "t", status, 1.0, tuple(_cand(p) for p in pids), (), (), "m")


def test_alignment_metrics_follow_the_gold_format() -> None:
    assert contains("4651-17#art_271__para_1", "4651-17#art_271")
    assert contains("4651-17#art_271", "4651-17#art_271__para_1")
    assert not contains("4651-17#art_27", "4651-17#art_271")
    gold = [
        {"implemented_by": ["1-1#art_5"], "status": "implemented"},
        {"implemented_by": ["1-1#art_9__para_2"], "status": "partial"},
        {"implemented_by": [], "status": "not_implemented"},
        {"implemented_by": [], "status": "not_implemented"},
    ]
    predicted = [
        _al("implemented", "1-1#art_5__para_1"),
        _al("not_implemented", "1-1#art_1", "1-1#art_2", "1-1#art_3", "1-1#art_4", "1-1#art_5", "1-1#art_9"),
        _al("not_implemented", "1-1#art_1"),
        _al("partial", "1-1#art_1"),
    ]
    r = alignment_metrics(gold, predicted)
    assert (r["recall_at_1"], r["recall_at_5"], r["recall_at_10"]) == (0.5, 0.5, 1.0)
    assert r["mrr"] == round((1 + 1 / 6) / 2, 4)
    assert (r["gap_precision"], r["gap_recall"], r["gap_f1"]) == (0.5, 0.5, 0.5)
    assert r["status_accuracy"] == 0.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Customs authorities shall inform the competent authorities of the requested Party of any irregularity.",
            "customs>competent_authority:inform",
        ),
        ("Each Party shall ensure that customs control is carried out by the customs authorities.", ""),
        ("   ", ""),  # a text the tagger refuses (empty) gives no interactions, not an error
    ],
)
def test_the_concordance_lists_the_interactions_of_each_provision(text: str, expected: str) -> None:
    from pipeline.align.run import COLUMNS, InstrumentResult, concordance_rows

    inst = Instrument("test-conv", "Convention", "2000-01-01", "binding")
    alignment = Alignment("test-conv#art_2__para_1", text, "not_implemented", 0.5, (), (), (), "m")
    (row,) = concordance_rows(InstrumentResult(inst, [alignment]))
    assert row["interactions"] == expected and list(row) == COLUMNS


def test_compare_writes_concordance_tables(
    store: Store, registry: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipeline.cli import refresh_instruments

    instruments, acts = registry
    done, errors = refresh_instruments(store, None, instruments)
    assert errors == [] and any(line.startswith("test-conv") for line in done)
    out = tmp_path / "conc"
    code = main(
        [
            "compare",
            "--db",
            store.path,
            "--instruments-file",
            str(instruments),
            "--acts-file",
            str(acts),
            "--out",
            str(out),
            "--json",
        ]
    )
    assert code == EXIT_OK
    summary = {r["instrument"]: r for r in json.loads(capsys.readouterr().out)["instruments"]}
    assert summary["test-soft"]["not_applicable"] == summary["test-soft"]["provisions"]  # never flagged as gaps
    table = json.loads((out / "test-conv.json").read_text(encoding="utf-8"))
    by_id = {a["provision"]: a for a in table["alignments"]}
    smuggling = by_id["test-conv#art_1"]
    assert "smuggling" in smuggling["concepts"]
    assert smuggling["candidates"][0]["provision"] == "100-20#art_1"  # "запобігання та протидія контрабанді"
    assert smuggling["candidates"][0]["evidence"] == ["100-20#art_1__para_1__point_1"]
    assert smuggling["method"].startswith("concepts+bm25+norms+e5+lr-")
    assert "test-conv#art_2__para_1" in by_id and by_id["test-conv#art_2__para_2"]["norms"] == [["customs", "power"]]
    assert (out / "test-conv.csv").read_text(encoding="utf-8").startswith("international provision,status")
    from openpyxl import load_workbook

    sheet = load_workbook(out / "test-conv.xlsx")["concordance"]
    assert sheet["A3"].value == "international provision" and sheet["A4"].value == "test-conv#art_1"
    rows = store.alignments("test-conv")
    assert {r["provision"] for r in rows} == set(by_id)


def test_compare_on_dask_gives_the_same_alignments(store: Store, registry: tuple[Path, Path]) -> None:
    pytest.importorskip("distributed", reason="the dask engine needs dask[distributed]")
    from pipeline.acts import load_acts
    from pipeline.align.run import compare_instruments
    from pipeline.cli import refresh_instruments
    from pipeline.tagging.job import DaskEngine

    instruments_file, acts_file = registry
    refresh_instruments(store, None, instruments_file)
    instruments, acts = load_instruments(instruments_file), load_acts(acts_file)
    compare_instruments(store, instruments, acts, default_thesaurus())
    local = {i.slug: [tuple(r)[:-1] for r in store.alignments(i.slug)] for i in instruments}
    engine = DaskEngine(workers=2)
    try:
        compare_instruments(store, instruments, acts, default_thesaurus(), client=engine.client)
    finally:
        engine.close()
    remote = {i.slug: [tuple(r)[:-1] for r in store.alignments(i.slug)] for i in instruments}
    assert local["test-conv"] and local == remote


def test_evaluate_alignment_cli(
    store: Store, registry: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, acts = registry
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "id": "x#art_1",
                "instrument": "x",
                "lang": "en",
                "text": "The purpose is to prevent and combat smuggling.",
                "implemented_by": ["100-20#art_1__para_1"],
                "status": "implemented",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    assert (
        main(["evaluate", "alignment", "--gold", str(gold), "--db", store.path, "--acts-file", str(acts), "--json"])
        == EXIT_OK
    )
    result = json.loads(capsys.readouterr().out)
    assert result["recall_at_1"] == 1.0 and result["mrr"] == 1.0
    assert {"recall_at_5", "recall_at_10", "gap_f1", "status_accuracy"} <= set(result)
    gold.write_text('{"id": "x", "text": "t", "implemented_by": [], "status": "maybe"}\n', encoding="utf-8")
    assert main(["evaluate", "alignment", "--gold", str(gold), "--db", store.path, "--acts-file", str(acts)]) == 2
    assert f"{gold}:1" in capsys.readouterr().err


def test_instrument_without_text_is_an_error_naming_it(store: Store, tmp_path: Path) -> None:
    from pipeline.cli import refresh_instruments

    path = tmp_path / "instruments.toml"
    add_instrument(
        path, Instrument("lost", "Lost Convention", "2000-01-01", "binding", en_file=str(tmp_path / "missing.txt"))
    )
    add_instrument(
        path, Instrument("ok-conv", "Present", "2000-01-01", "binding", en_file=str(FIXTURES / "treaty-customs.txt"))
    )
    _, errors = refresh_instruments(store, None, path)
    assert len(errors) == 1 and errors[0].startswith("lost:") and "missing.txt" in errors[0]
    assert store.editions("ok-conv")  # the other instrument went on


def test_the_official_ukrainian_text_joins_the_query(store: Store) -> None:
    from pipeline.align.run import make_comparator
    from pipeline.records import TrackedAct

    comparator = make_comparator(store, [TrackedAct("100-20", "t", topics=("customs",))], default_thesaurus())
    english = "Each Party shall keep records of what it finds."
    alone = comparator.align("x#art_9", english)
    official = "Кожна Сторона складає протоколи про виявлені порушення митних правил."
    helped = comparator.align("x#art_9", english, official=official)
    assert alone.candidates == ()  # nothing in the English text the thesaurus can carry over
    assert helped.candidates[0].provision == "100-20#art_2"  # "складати протоколи про порушення митних правил"
    assert helped.candidates[0].bm25 > 0 and "official Ukrainian text" in helped.reason


def test_official_texts_are_found_by_eid_or_article(store: Store, law_html: str) -> None:
    import datetime as dt

    from pipeline.align.run import gold_official_texts, official_texts
    from pipeline.parse.print_html import parse_print_html
    from pipeline.records import TrackedAct

    inst = Instrument("t-conv", "T", "2001-01-01", "binding", portal_nreg="995_001")
    units = [("art_1__para_2", "Each Party shall inform."), ("art_2__para_9", "Customs may examine."), ("art_7", "x")]
    assert official_texts(store, inst, units) is None  # no translation stored yet
    store.ensure_work(TrackedAct("995_001", "T (офіційний переклад)"))
    store.save_edition("995_001", dt.date(2001, 1, 1), parse_print_html(law_html))
    texts = official_texts(store, inst, units)
    assert texts is not None
    assert texts[0] is not None and texts[0].startswith("Митні органи зобов’язані повідомляти")
    assert texts[1] is not None and "проводити митний огляд товарів" in texts[1]  # no such part: its article's text
    assert texts[2] is None
    lines = [{"id": "t-conv#art_1__para_2", "text": "x"}, {"id": "other#art_1", "text": "y"}]
    assert gold_official_texts(store, [inst], lines) == [texts[0], None]
    assert gold_official_texts(store, [inst], lines[1:]) is None
