"""The English treaty-text parser: ids per shared/specs/ids.md on synthetic snippets, odd input, and the real
English corpus of ../shared (article counts against its README, the alignment gold ids and texts)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

from pipeline.parse.treaty_en import SOURCE_FORMAT, full_text, iter_english_units, parse_treaty_text
from pipeline.records import ParsedAct
from tests.conftest import FIXTURES, SHARED, shared_path

TREATIES = FIXTURES / "treaties"
EN_CORPUS = ("corpus", "international", "en")
GOLD = ("gold", "alignment-dev.jsonl")


def _parse(name: str) -> ParsedAct:
    return parse_treaty_text((TREATIES / f"{name}.txt").read_text(encoding="utf-8"), slug=name)


@pytest.fixture(scope="module")
def convention() -> ParsedAct:
    return _parse("convention")


@pytest.fixture(scope="module")
def council() -> ParsedAct:
    return _parse("council")


@pytest.fixture(scope="module")
def kyoto() -> ParsedAct:
    return _parse("kyoto")


# -- synthetic snippets ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("eid", "text"),
    [
        ("preamble__al_1", "The States Parties to this Convention, Desiring to cooperate,"),
        ("preamble__al_3", "– noting common interests, Have agreed as follows:"),
        ("art_1__al_1", "For the purposes of this Convention:"),
        ("art_1__point_b", "“Border” shall mean a frontier between States;"),
        # "i)" after "h)" and before "j)" is the letter i, not a roman subpoint
        ("art_1__point_i", "“Transit” shall mean carriage across a territory;"),
        ("art_1__point_j", "“Vessel” shall mean any water craft."),
        ("art_2__para_1", "Each Party shall establish as offences, when committed intentionally:"),
        ("art_2__para_1__point_b", "When committed for the purpose of smuggling:"),
        ("art_2__para_1__point_b__subpoint_i", "Producing a false record;"),
        ("art_2__para_1__point_b__subpoint_ii", "Possessing such a record;"),
        ("art_2__para_1__point_c", "Assisting in such conduct."),
        # a lone "a)" followed by "(i) ..." lines: the point with empty text holds the subpoints
        ("art_2__para_2__point_a", ""),
        ("art_2__para_2__point_a__subpoint_i", "Attempting to commit an offence under paragraph 1;"),
        ("art_2__para_2__point_b", "Participating as an accomplice."),
        ("art_2__para_3__al_1", "Such measures may include training."),
        ("art_3__al_1", "This Convention applies to the prevention and investigation of the offences under article 2."),
        ("art_4__point_a", "To secure its ports; and"),
        ("art_4bis__para_2bis", "Information may be exchanged electronically."),
        ("art_5__al_2", "– signatures;"),
        # a second list in the same paragraph is qualified by its lead-in (as in the Ukrainian tree)
        ("art_6__para_1__al_1", "The requesting Party may also ask for:"),
        ("art_6__para_1__al_1__point_a", "copies of records;"),
        ("annex_8__art_6__al_1", "A quorum consists of one third of the Parties."),
    ],
)
def test_convention_provisions(convention: ParsedAct, eid: str, text: str) -> None:
    assert convention.by_eid()[eid].text == text


def test_convention_structure(convention: ParsedAct) -> None:
    by = convention.by_eid()
    assert convention.source_format == SOURCE_FORMAT == "treaty-en"
    assert convention.title == "Model Convention on Cooperation against Border Offences"
    assert convention.article_count == 9  # body articles 1-4, 4 bis, 5, 6 and the annex articles 1 and 6
    assert convention.warnings == ()
    assert by["chp_I"].kind == "part" and by["chp_I"].heading == "GENERAL PROVISIONS"
    assert by["chp_II"].heading == "Final provisions"  # "II Final provisions" on one line
    assert by["art_1"].heading == "Use of terms" and by["art_1"].parent == "chp_I"
    assert by["art_4"].heading is None  # "Each Party shall take measures:" is text, not a heading
    assert by["art_4bis"].number == "4bis" and by["art_4bis"].heading == "Exchange of information"
    assert by["art_5"].parent == "chp_II"
    assert by["annex_8"].heading == "Rules of procedure"
    assert by["annex_8__art_6"].heading == "Quorum" and by["annex_8__art_6"].parent == "annex_8"
    # the enumerator is the number, never part of the text
    assert by["art_2__para_1"].number == "1" and by["art_2__para_1__point_b__subpoint_ii"].number == "ii"
    assert by["art_1__point_b"].text.startswith("“Border”")
    # the testimonium is a note on the whole act, not a provision
    assert [n.text for n in convention.notes] == ["IN WITNESS WHEREOF the undersigned have signed this Convention."]
    assert convention.notes[0].target is None
    eids = [p.eid for p in convention.provisions]
    assert len(eids) == len(set(eids))
    assert [p.order for p in convention.provisions] == list(range(len(eids)))


def test_article_text_rule(convention: ParsedAct) -> None:
    """An article's own text = its direct unnumbered paragraphs before its first numbered paragraph."""
    by = convention.by_eid()
    assert by["art_3"].text == by["art_3__al_1"].text  # a single unnumbered paragraph
    assert by["art_4"].text == "Each Party shall take measures:"  # lead-in only; the points stay below it
    assert by["art_5"].text == "The depositary shall notify: – signatures; – ratifications."
    assert by["art_2"].text == ""  # only numbered paragraphs
    assert by["art_1"].text == "For the purposes of this Convention:"


def test_council_roman_articles_and_sections(council: ParsedAct) -> None:
    by = council.by_eid()
    # I, II, "Articel III" (a slip that still labels an article), IV, and the annex articles I, II, III
    assert council.article_count == 7
    assert [p.eid for p in council.articles()] == [
        "art_I",
        "art_II",
        "art_III",
        "art_IV",
        "annex_1__art_I",
        "annex_1__art_II",
        "annex_1__art_III",
    ]
    assert by["art_II__point_a"].text == "The Members of the Council shall be:"  # "(a)." form
    assert by["art_II__point_a__subpoint_ii"].text == "the Governments admitted by the Council."
    assert by["art_IV__point_a"].text == "to study questions;"  # letter points straight under the article
    assert by["annex_1"].heading == "Legal capacity of the Council"  # an unnumbered annex is counted: annex_1
    # "Section N." inside an annex article numbers its paragraphs (sections run through the annex)
    assert by["annex_1__art_I__para_1"].text == "In this Annex:"
    assert by["annex_1__art_I__para_1__subpoint_i"].text == "the words “property” include funds;"
    assert by["annex_1__art_II__para_3"].text == "The Council shall enjoy immunity."
    assert by["preamble__al_1"].text.startswith("The Governments signatory hereto,")
    # "(i)" after "(h)" is roman when "(ii)" follows: subpoints below (h)
    assert by["annex_1__art_III__point_h__subpoint_i"].text == "with States;"
    assert by["annex_1__art_III__point_h__subpoint_iii"].text == "with other bodies."
    assert "annex_1__art_III__point_i" not in by


@pytest.mark.parametrize(
    ("eid", "kind", "heading", "text"),
    [
        ("ga__chp_1__std_1.1", "std", "Standard", "The Standards in this Annex shall apply to all procedures."),
        (
            "ga__chp_1__std_1.2",
            "std",
            "Transitional Standard",
            "The Customs shall apply these Standards within five years.",
        ),
        ("ga__chp_3__std_3.1", "std", "Standard", "National legislation shall specify who may act as declarant."),
        ("ga__chp_3__std_3.2", "std", "Standard", "The declarant shall be allowed:"),
        ("ga__chp_3__std_3.2__point_b", "point", None, "to draw samples."),
        ("ga__chp_3__rp_3.3", "rp", "Recommended Practice", "The Customs should accept electronic declarations."),
        # the marker line may also precede the number
        ("ga__chp_3__rp_3.4", "rp", "Recommended Practice", "The Customs should publish their business hours."),
        ("ga__chp_6__std_6.4", "std", None, "The Customs shall use risk analysis."),  # "6.4. text" on one line
        ("ga__chp_6__rp_6.9", "rp", "Recommended Practice", "The Customs should use information technology."),
        ("ga__chp_6__rp_6.9__al_2", "al", None, "– to reduce paper."),
        ("ga__chp_2__point_E1", "point", None, "“appeal” means the act of contesting a decision;"),
        ("art_1__point_b", "point", None, "“Recommended Practice” means a provision constituting progress."),
    ],
)
def test_kyoto_standards(kyoto: ParsedAct, eid: str, kind: str, heading: str | None, text: str) -> None:
    p = kyoto.by_eid()[eid]
    assert (p.kind, p.heading, p.text) == (kind, heading, text)


def test_kyoto_containers(kyoto: ParsedAct) -> None:
    by = kyoto.by_eid()
    assert kyoto.article_count == 3
    assert by["ga"].kind == "part" and by["ga"].heading == "General annex"
    assert by["ga__chp_3"].parent == "ga" and by["ga__chp_3"].heading == "CLEARANCE"
    # a heading line before an article opens an hcontainer; the article id does not change
    assert by["chp_II__hcontainer_2"].heading == "Structure of the Convention"
    assert by["art_3"].parent == "chp_II__hcontainer_2"
    # "The declarant" / "a)" / "Persons entitled ..." are headings, not a point
    assert by["ga__chp_3__hcontainer_1"].heading == "The declarant"
    sub = by["ga__chp_3__hcontainer_1__hcontainer_1"]
    assert (sub.kind, sub.number, sub.heading) == ("hcontainer", "a", "Persons entitled to act as declarant")
    assert by["ga__chp_3__std_3.1"].parent == sub.eid
    assert not any(p.eid.startswith("ga__chp_3__point") for p in kyoto.provisions)


def test_units_and_full_text(convention: ParsedAct) -> None:
    units = iter_english_units(convention)
    eids = [e for e, _ in units]
    assert len(eids) == len(set(eids))
    assert all(text for _, text in units)
    # an article's text is listed once, under the article (its lead paragraphs are not repeated)
    assert "art_3" in eids and "art_3__al_1" not in eids
    assert "art_4" in eids and "art_4__al_1" not in eids and "art_4__point_a" in eids
    assert "art_2" not in eids and "chp_I" not in eids  # no text of their own
    order = {p.eid: p.order for p in convention.provisions}
    assert [order[e] for e in eids] == sorted(order[e] for e in eids)
    assert (
        full_text(convention, "art_4")
        == "Each Party shall take measures: a) To secure its ports; and b) To inspect vessels."
    )
    assert full_text(convention, "art_2__para_2").startswith(
        "Each Party shall also establish as offences: a) (i) Attempting"
    )
    assert full_text(convention, "no_such_eid") == ""


def test_deterministic(convention: ParsedAct) -> None:
    again = _parse("convention")
    assert again.provisions == convention.provisions and again.notes == convention.notes


# -- odd input: warnings, never exceptions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "\n\n  \n", "garbage", "just a title\nand a sentence.", "\x00\x01\x02", "(a)\n(i)\n1.\nCHAPTER I", "Preamble"],
)
def test_no_articles_warns(text: str) -> None:
    parsed = parse_treaty_text(text)
    assert parsed.article_count == 0
    assert "no articles found" in [w.message for w in parsed.warnings]


def test_empty_text_warns() -> None:
    parsed = parse_treaty_text("")
    assert parsed.title is None and parsed.provisions == ()
    assert [w.message for w in parsed.warnings] == ["empty text", "no articles found"]


def test_label_on_first_line_is_not_a_title() -> None:
    parsed = parse_treaty_text("Article 1\nThe Parties agree.")
    assert parsed.title is None
    assert parsed.by_eid()["art_1"].text == "The Parties agree."


def test_duplicate_ids_are_numbered_with_a_warning() -> None:
    parsed = parse_treaty_text("T\nArticle 1\nOne.\nArticle 1\nAgain.\nArticle 2\n1. A.\n1. B.", slug="dup")
    by = parsed.by_eid()
    assert by["art_1~2"].text == "Again." and by["art_2__para_1~2"].text == "B."
    assert parsed.article_count == 3
    messages = [str(w) for w in parsed.warnings]
    assert messages == [
        "duplicate id art_1: numbered art_1~2 (art_1, dup:L4)",
        "duplicate id art_2__para_1: numbered art_2__para_1~2 (art_2__para_1, dup:L8)",
    ]


def test_random_input_never_raises() -> None:
    pieces = [
        "Article 1", "Article XVI", "Articel 2", "Article 42 bis", "CHAPTER I", "SECTION 1", "Section 3.", "Part I",
        "Annex", "ANNEX 8", "Annex B.1", "General annex", "Appendix 2 to Part II", "Schedules", "I", "II General",
        "PreambleThe x", "IN WITNESS WHEREOF x", "[Red.: x]", "1.1", "3.6.", "6.4. Text.", "Standard",
        "Transitional Standard", "Recommended Practice", "1.", "2 bis. x", "1", "a)", "(a)", "(i)", "(ii)", "ii.",
        "(h)", "(j)", "i)", "(v)", "(x)", "A", "(A)", "A. x", "a. z", "ij) q", "– dash", "x\ty", "a\tz",
        "E1./F2.\tdef", "Use of terms", "Some text.", "Lead in:", "lowercase", "(a).", "1) foo", "", "\t", "etc. x",
    ]  # fmt: skip
    rng = random.Random(20240601)
    for _ in range(2000):
        text = "\n".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        parsed = parse_treaty_text(text)
        eids = [p.eid for p in parsed.provisions]
        assert len(eids) == len(set(eids)), text
        assert all(p.parent is None or p.parent in set(eids) for p in parsed.provisions), text
        iter_english_units(parsed)


# -- the English corpus of ../shared ------------------------------------------------------------------------------


def _readme_counts() -> dict[str, int]:
    """slug -> the README table's "`Article N` lines" column."""
    readme = shared_path(*EN_CORPUS, "README.md").read_text(encoding="utf-8")
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")] for line in readme.splitlines() if line.startswith("|")
    ]
    header = rows[0]
    slug_col, count_col = header.index("slug"), header.index("`Article N` lines")
    return {
        row[slug_col].strip("`"): int(row[count_col].replace(",", ""))
        for row in rows[1:]
        if row[slug_col].startswith("`")
    }


def _corpus_slugs() -> list[str]:
    folder = SHARED.joinpath(*EN_CORPUS)
    return sorted(p.stem for p in folder.glob("*.txt")) if folder.exists() else ["(shared absent)"]


_PARSED: dict[str, ParsedAct] = {}


def _parsed_shared(slug: str) -> ParsedAct:
    if slug not in _PARSED:
        path = shared_path(*EN_CORPUS, f"{slug}.txt")
        _PARSED[slug] = parse_treaty_text(path.read_text(encoding="utf-8"), slug=slug)
    return _PARSED[slug]


@pytest.mark.integration
def test_readme_lists_every_file() -> None:
    assert sorted(_readme_counts()) == _corpus_slugs()


@pytest.mark.integration
@pytest.mark.parametrize("slug", _corpus_slugs())
def test_article_counts_match_readme(slug: str) -> None:
    parsed = _parsed_shared(slug)
    # The README counts every `Article N` heading line, annex articles included and the heading slips of the
    # source included (istanbul's English annex heading "Artikel 3", wco-ccc's "Articel XVI"): the parser reads
    # both slips as article labels, so its count is that column for every file, with no exception.
    assert parsed.article_count == _readme_counts()[slug]
    assert len(parsed.articles()) == parsed.article_count
    assert parsed.warnings == ()  # no duplicate ids anywhere in the corpus
    assert parsed.title
    eids = [p.eid for p in parsed.provisions]
    assert len(eids) == len(set(eids))


def _gold_records() -> list[Any]:
    path = SHARED.joinpath(*GOLD)
    if not path.exists():
        return [pytest.param(None, id="(shared absent)")]
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [pytest.param(r, id=r["id"]) for r in records if r.get("lang") == "en"]


def _letters(text: str) -> str:
    """Letters and digits only: enumerators are printed "a)", "(a)" or "a." and lines joined with or without
    a space ("a)a Party’s"), so texts are compared on their words."""
    return re.sub(r"[\W_]+", "", text)


@pytest.mark.integration
@pytest.mark.parametrize("record", _gold_records())
def test_gold_ids_resolve_with_their_text(record: dict[str, Any] | None) -> None:
    if record is None:
        shared_path(*GOLD)  # skips with the reason
        return
    work, eid = record["id"].split("#", 1)
    parsed = _parsed_shared(work)
    provision = parsed.by_eid().get(eid)
    assert provision is not None, f"{record['id']} is not a provision of {work}"
    assert provision.text, f"{record['id']} has no text"
    gold = record["text"]
    if provision.text != gold:
        # the gold joins a paragraph with its points ("...: a) ...; b) ..."): the provision with everything below
        # it must read the same (or contain the gold, when the gold is cut short)
        assert _letters(gold).startswith(_letters(provision.text)), (provision.text, gold)
        assert _letters(gold) in _letters(full_text(parsed, eid)), (full_text(parsed, eid), gold)
    assert eid in dict(iter_english_units(parsed))


@pytest.mark.integration
def test_gold_file_has_the_expected_lines() -> None:
    lines = shared_path(*GOLD).read_text(encoding="utf-8").splitlines()
    english = [json.loads(line) for line in lines if line.strip() and json.loads(line).get("lang") == "en"]
    assert len(english) >= 22  # 22 English lines when this test was written


@pytest.mark.integration
def test_shared_rkc_general_annex() -> None:
    by = _parsed_shared("rkc").by_eid()
    assert by["ga__chp_6__std_6.4"].kind == "std"
    assert by["ga__chp_6__std_6.9"].heading == "Transitional Standard"
    assert by["ga__chp_3__std_3.32"].heading == "Transitional Standard"
    assert by["art_6__para_5__point_a__subpoint_iii"].number == "iii"
    assert by["art_1__point_ij"].number == "ij"  # the source's Dutch-style "ij)" between h) and k)
    assert sum(1 for p in by.values() if p.kind == "std") == 121


@pytest.mark.integration
@pytest.mark.parametrize(
    ("slug", "eid"),
    [
        ("tir", "art_42bis"),
        ("tir", "art_58ter"),
        ("tir", "annex_8__art_1bis"),
        ("tir", "annex_8__art_6"),
        ("tir", "art_6__para_2bis"),
        ("istanbul", "art_21a"),
        ("istanbul", "annex_C__art_3"),  # the "Artikel 3" slip
        ("istanbul", "annex_B.1__art_5__para_1__point_a__subpoint_v"),
        ("wco-ccc", "art_XVI"),  # the "Articel XVI" slip
        ("wco-ccc", "annex_1__art_III__para_4"),  # "Section 4." of the annex
        ("untoc", "art_6__para_1__point_a__subpoint_i"),  # a lone "a)" line followed by "(i)..."
        ("untoc", "art_5__para_1__point_a__subpoint_ii__point_a"),  # "a." below "(ii)"
        ("untoc-migrants", "chp_II"),
        ("single1961", "art_1__para_1__point_x__subpoint_v"),  # (x) after (w) is a letter, its (v) a subpoint
        ("coe-cets198", "art_1__point_f__subpoint_ii"),
        ("coe-cets198", "chp_IV__sec_7"),
        ("unece1982", "annex_9__art_4__para_7"),
    ],
)
def test_shared_quirks(slug: str, eid: str) -> None:
    assert eid in _parsed_shared(slug).by_eid()


def test_fixtures_are_synthetic() -> None:
    """The fixtures are composed for the tests, not copies of the shared texts."""
    for path in TREATIES.glob("*.txt"):
        assert "Model" in Path(path).read_text(encoding="utf-8").splitlines()[0]
