"""INCEpTION WebAnno TSV 3.3 and spaCy DocBin: export -> import gives back the same units, offsets in code points."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import pytest
from spacy.tokens import Doc, DocBin
from spacy.tokens import Span as SpacySpan

from pipeline.datasets import docbin, webanno
from pipeline.datasets.model import Counterpart as C
from pipeline.datasets.model import ExportUnit, ImportedUnit, Labels, Span
from pipeline.datasets.model import Norm as N
from pipeline.errors import ConfigError

A, CUE = "AGENCY", "NORM_CUE"


def at(text: str, phrase: str, label: str, value: str, nth: int = 0) -> Span:
    """The span of the nth occurrence of phrase in text."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return Span(start, start + len(phrase), label, value)


def unit(
    uid: str,
    text: str,
    spans: Sequence[Span] = (),
    norms: Sequence[N] = (),
    counterparts: Sequence[C] = (),
    *,
    context: str = "",
    gold: bool = True,
    start: int = 0,
) -> ExportUnit:
    labels = Labels(tuple(spans), tuple(norms), tuple(counterparts))
    return ExportUnit(
        unit=uid,
        edition="2026-02-21",
        start=start,
        end=start + len(text),
        text=text,
        context=context,
        split="train",
        gold=labels if gold else None,
    )


# Apostrophes: right single quotation mark, modifier letter apostrophe, ASCII.
T_APOS = (
    "Посадові особи митних органів зобов’язані обʼєднувати зусилля з органами Служби безпеки України "
    "та пов'язаними з ними підрозділами Національної поліції."
)
U_APOS = unit(
    "4495-17#art_558__para_4__s1",
    T_APOS,
    [
        at(T_APOS, "митних органів", A, "customs"),
        at(T_APOS, "зобов’язані", CUE, "duty"),
        at(T_APOS, "Служби безпеки України", A, "sbu"),
        at(T_APOS, "Національної поліції", A, "police"),
    ],
    [N("customs", "duty")],
    [C("customs", "sbu", "joint"), C("customs", "police", "joint")],
    context="Стаття 558. Взаємодія митних органів з іншими державними органами",
    start=120,
)

# A combining acute accent (U+0301) after "а": no precomposed form, so NFC keeps two code points.
T_ACCENT = "Ми́тні органи ма́ють право проводити огляд товарів, що переміщуються через митний кордон Украї́ни."
U_ACCENT = unit(
    "4495-17#art_336__para_1",
    T_ACCENT,
    [at(T_ACCENT, "Ми́тні органи", A, "customs"), at(T_ACCENT, "ма́ють право", CUE, "power")],
    [N("customs", "power")],
)

# An astral emoji before and inside the labelled text (2 UTF-16 units).
T_EMOJI = (
    "🚢 Судна, що прибувають з-за кордону, підлягають огляду митними органами 🚢 та "
    "Державною прикордонною службою України."
)
U_EMOJI = unit(
    "4495-17#art_340__para_2",
    T_EMOJI,
    [
        at(T_EMOJI, "митними органами", A, "customs"),
        at(T_EMOJI, "Державною прикордонною службою України", A, "border_guard"),
    ],
    [N("customs", "duty"), N("border_guard", "duty")],
    [C("customs", "border_guard", "joint")],
)

# CRLF inside the text, a span on each line, one crossing the line break.
T_CRLF = (
    "Митні органи зобов'язані:\r\n"
    "повідомляти органи Національної поліції про виявлені правопорушення;\r\n"
    "передавати Державній прикордонній службі\r\nУкраїни відомості."
)
U_CRLF = unit(
    "4495-17#art_544__para_2",
    T_CRLF,
    [
        at(T_CRLF, "Митні органи", A, "customs"),
        at(T_CRLF, "зобов'язані", CUE, "duty"),
        at(T_CRLF, "Національної поліції", A, "police"),
        at(T_CRLF, "Державній прикордонній службі\r\nУкраїни", A, "border_guard"),
    ],
    [N("customs", "duty")],
    [C("customs", "police", "inform"), C("customs", "border_guard", "inform")],
)

# An item of a nested enumeration: agent and modality come from the lead-ins in the context.
T_ITEM = "а) проводити огляд транспортних засобів спільно з органами Державної прикордонної служби України;"
U_ITEM = unit(
    "4495-17#art_544__para_2__point_3__subpoint_a",
    T_ITEM,
    [at(T_ITEM, "Державної прикордонної служби України", A, "border_guard")],
    [N("customs", "power")],
    [C("customs", "border_guard", "joint")],
    context=(
        "Стаття 544. Заходи щодо запобігання та протидії контрабанді\n"
        "Митні органи мають право:\n"
        "3) з метою протидії контрабанді:"
    ),
)

# No labels at all (neither gold nor predictions).
T_NONE = "Цей Кодекс набирає чинності з 1 червня 2012 року."
U_NONE = unit("4495-17#art_600__para_1", T_NONE, gold=False)

# Gold that says "nothing here" (an empty Labels is still gold).
U_EMPTY_GOLD = unit("4495-17#art_1__para_1", "Митний кодекс визначає засади митної справи.")

# Spans at the very start and the very end of the text (no final full stop).
T_EDGES = "Національна поліція зобов'язана невідкладно інформувати Національне антикорупційне бюро України"
U_EDGES = unit(
    "580-19#art_23__para_1__point_5",
    T_EDGES,
    [
        at(T_EDGES, "Національна поліція", A, "police"),
        at(T_EDGES, "зобов'язана", CUE, "duty"),
        at(T_EDGES, "Національне антикорупційне бюро України", A, "nabu"),
    ],
    [N("police", "duty")],
    [C("police", "nabu", "inform")],
)

# Touching spans (one ends where the next begins, inside one token), and nested spans of one layer.
T_ADJ = "Взаємодію забезпечують спільні групи СБУ-НАБУ та Офіс Генерального прокурора."
U_ADJ = unit(
    "4495-17#art_558__para_6",
    T_ADJ,
    [
        at(T_ADJ, "СБУ", A, "sbu"),
        at(T_ADJ, "-НАБУ", A, "nabu"),
        at(T_ADJ, "забезпечують", CUE, "duty"),
        at(T_ADJ, "Офіс Генерального прокурора", A, "prosecutor"),
        at(T_ADJ, "Генерального прокурора", A, "prosecutor"),
    ],
    [N("sbu", "duty"), N("nabu", "duty")],
    [C("sbu", "nabu", "joint"), C("nabu", "sbu", "joint")],
)

# A span ending in the middle of a token: "митних органів" of "органів-учасників".
T_MID = (
    "Обмін інформацією між посадовими особами митних органів-учасників здійснюється через "
    "Державну митну службу України."
)
U_MID = unit(
    "4495-17#art_561__para_1__s2",
    T_MID,
    [at(T_MID, "митних органів", A, "customs"), at(T_MID, "Державну митну службу України", A, "customs")],
    [N("customs", "duty")],
)

# Characters the formats escape: backslash, tab, "_", "|", "[", "]", "->", ";", "*" in the text and context.
T_ESC = "Згідно з п.\\3 ст. 19_1\tмитниця [митний пост] | поліція -> СБУ; *прокурор*."
U_ESC = unit(
    "4495-17#art_19_1__para_3",
    T_ESC,
    [at(T_ESC, "митниця", A, "customs"), at(T_ESC, "поліція", A, "police"), at(T_ESC, "прокурор", A, "prosecutor")],
    context="Стаття 19_1 [нова] | a->b; c\\d\te*f\nабзац",
)

ALL_UNITS = [U_APOS, U_ACCENT, U_EMOJI, U_CRLF, U_ITEM, U_NONE, U_EMPTY_GOLD, U_EDGES, U_ADJ, U_MID, U_ESC]


def _tsv_export(units: Sequence[ExportUnit], with_predictions: bool) -> Any:
    return webanno.export_units(units, with_predictions=with_predictions)


def _tsv_import(data: Any, source: str) -> list[ImportedUnit]:
    return webanno.import_text(data, source=source)


def _spacy_export(units: Sequence[ExportUnit], with_predictions: bool) -> Any:
    return docbin.export_units(units, with_predictions=with_predictions)


def _spacy_import(data: Any, source: str) -> list[ImportedUnit]:
    return docbin.import_bytes(data, source=source)


FORMATS: dict[str, tuple[Callable[[Sequence[ExportUnit], bool], Any], Callable[[Any, str], list[ImportedUnit]]]] = {
    "webanno": (_tsv_export, _tsv_import),
    "docbin": (_spacy_export, _spacy_import),
}


def expected(u: ExportUnit, labels: Labels | None) -> tuple[Any, ...]:
    labels = labels or Labels()
    spans = tuple(sorted(labels.spans, key=lambda s: (s.start, s.end, s.label, s.value)))
    return (u.unit, u.edition, u.start, u.end, u.sha256, u.text, Labels(spans, labels.norms, labels.counterparts))


def got(iu: ImportedUnit) -> tuple[Any, ...]:
    return (iu.unit, iu.edition, iu.start, iu.end, iu.sha256, iu.text, iu.labels)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("u", ALL_UNITS, ids=lambda u: u.unit)
def test_round_trip_one_unit(fmt: str, u: ExportUnit) -> None:
    export, load = FORMATS[fmt]
    back = load(export([u], False), "units.x")
    assert len(back) == 1
    assert got(back[0]) == expected(u, u.gold)
    assert back[0].source.startswith("units.x:")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip_all_units_in_one_file(fmt: str) -> None:
    export, load = FORMATS[fmt]
    back = load(export(ALL_UNITS, False), "all.x")
    assert [got(b) for b in back] == [expected(u, u.gold) for u in ALL_UNITS]
    # The annotator is not part of the file: the caller names it (e.g. from INCEpTION's per-user file name).
    assert all(b.annotator == "" for b in back)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip_is_stable(fmt: str) -> None:
    """Export, import, export again from what came back: the same file."""
    export, load = FORMATS[fmt]
    first = export(ALL_UNITS, False)
    again = [
        ExportUnit(
            b.unit, b.edition, b.start, b.end, b.text, u.context, u.split, gold=b.labels if u.gold is not None else None
        )
        for b, u in zip(load(first, "a.x"), ALL_UNITS, strict=True)
    ]
    assert load(export(again, False), "b.x") == load(first, "a.x")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_predictions_only_when_asked_and_no_gold(fmt: str) -> None:
    export, load = FORMATS[fmt]
    predicted = Labels((at(T_EDGES, "Національна поліція", A, "police"),), (N("police", "power"),))
    gold = U_EDGES.gold
    only_pred = replace(U_EDGES, gold=None, predictions=predicted, model_version="m1")
    both = replace(U_EDGES, predictions=predicted)
    assert load(export([only_pred], True), "p")[0].labels == predicted
    assert load(export([only_pred], False), "p")[0].labels == Labels()
    assert got(load(export([both], True), "p")[0]) == expected(U_EDGES, gold)


def test_docbin_marks_predictions_and_keeps_text_exactly() -> None:
    predicted = Labels((at(T_EDGES, "Національна поліція", A, "police"),), (N("police", "power"),))
    only_pred = replace(U_EDGES, gold=None, predictions=predicted, model_version="m1", score=0.25)
    data = docbin.export_units([only_pred, U_CRLF, U_ACCENT, U_EMOJI, U_MID], with_predictions=True)
    docs = list(DocBin().from_bytes(data).get_docs(docbin._nlp().vocab))
    assert docs[0].user_data["origin"] == "predicted"
    assert docs[0].user_data["model_version"] == "m1"
    assert docs[0].user_data["score"] == 0.25
    assert docs[1].user_data["origin"] == "gold"
    assert [d.text for d in docs[1:]] == [T_CRLF, T_ACCENT, T_EMOJI, T_MID]
    assert "\u0301" in docs[2].text and len(docs[2].text) == len(T_ACCENT)
    spans = [(s.text, s.label_, s.kb_id_) for s in docs[4].spans["agencies"]]
    assert spans[0] == ("митних органів", "AGENCY", "customs")
    assert [list(n) for n in docs[1].user_data["norms"]] == [["customs", "duty"]]


def test_webanno_file_layout() -> None:
    text = webanno.export_units([U_EMOJI, U_ESC], with_predictions=False)
    lines = text.split("\n")
    assert lines[:4] == [
        "#FORMAT=WebAnno TSV 3.3",
        "#T_SP=webanno.custom.Agency|agency",
        "#T_SP=webanno.custom.NormCue|modality",
        "#T_SP=webanno.custom.Unit|unit|edition|offsets|sha256|split|origin|norms|counterparts|context",
    ]
    assert lines[4:7] == ["", "", "#Sentence.id=4495-17#art_340__para_2"]
    # Offsets are UTF-16 code units: the emoji counts 2, so "Судна" (code point 2) starts at 3.
    rows = [line.split("\t") for line in lines if re.match(r"\d+-\d+\t", line)]
    assert rows[0][:3] == ["1-1", "0-2", "🚢"]
    assert rows[1][:3] == ["1-2", "3-8", "Судна"]
    assert all(r[-1] == "" for r in rows)  # INCEpTION ends every row with a tab
    # Multi-token spans carry a disambiguation id; values and #Text are escaped.
    customs = [r for r in rows if r[0].startswith("1-") and r[3].startswith("customs")]
    assert [r[2] for r in customs] == ["митними", "органами"] and customs[0][3] == customs[1][3] != "customs"
    assert "#Text=Згідно з п.\\\\3 ст. 19_1\\tмитниця [митний пост] | поліція -> СБУ; *прокурор*." in lines
    assert any("4495-17#art\\_19\\_1\\_\\_para\\_3" in r[5] for r in rows)
    assert any(r[-2].startswith("Стаття 19\\_1 \\[нова\\] \\| a\\->b\\; c\\\\d\\te\\*f\\nабзац") for r in rows)
    # The second sentence starts after the first one and one line break, in UTF-16 units.
    second = next(r for r in rows if r[0] == "2-1")
    assert int(second[1].split("-")[0]) == len(T_EMOJI.encode("utf-16-le")) // 2 + 1


def test_webanno_crlf_text_lines_and_mid_token_split() -> None:
    text = webanno.export_units([U_CRLF, U_MID], with_predictions=False)
    assert "#Text=Митні органи зобов'язані:\\r" in text.split("\n")
    forms = [line.split("\t")[2] for line in text.split("\n") if line.startswith("2-")]
    assert "органів" in forms and "-учасників" in forms


def test_webanno_reads_an_inception_style_file() -> None:
    """Layers in another order, an extra layer, a relation layer, sub-token rows, CRLF line ends, no ids."""
    tsv = (
        "#FORMAT=WebAnno TSV 3.3\r\n"
        "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value\r\n"
        "#T_SP=webanno.custom.Unit|context|counterparts|edition|norms|offsets|origin|sha256|split|unit\r\n"
        "#T_SP=webanno.custom.Agency|agency\r\n"
        "#T_RL=webanno.custom.Rel|kind|BT_webanno.custom.Agency\r\n"
        "\r\n\r\n"
        "#Text=Поліція 🚢 повідомляє митниці-партнери.\r\n"
        "1-1\t0-7\tПоліція\t*\tORG\t*[1]\t*[1]\t2026-02-21[1]\tpolice : duty[1]\t5-44[1]\t*[1]\t*[1]\t*[1]\t"
        "4495-17#art\\_9[1]\tpolice\t_\t_\t\r\n"
        "1-2\t8-10\t🚢\t_\t_\t*[1]\t*[1]\t2026-02-21[1]\tpolice : duty[1]\t5-44[1]\t*[1]\t*[1]\t*[1]\t"
        "4495-17#art\\_9[1]\t_\t_\t_\t\r\n"
        "1-3\t11-21\tповідомляє\t_\t_\t*[1]\tpolice:customs:inform[1]\t2026-02-21[1]\tpolice : duty[1]\t5-44[1]\t"
        "*[1]\t*[1]\t*[1]\t4495-17#art\\_9[1]\t_\t_\t_\t\r\n"
        "1-4\t22-38\tмитниці-партнери\t_\t_\t*[1]\t*[1]\t2026-02-21[1]\tpolice : duty[1]\t5-44[1]\t*[1]\t*[1]\t"
        "*[1]\t4495-17#art\\_9[1]\t_\t_\t_\t\r\n"
        "1-4.1\t22-29\tмитниці\t_\t_\t_\t_\t_\t_\t_\t_\t_\t_\t_\tcustoms\tinform\t1-1\t\r\n"
        "1-5\t38-39\t.\t_\t_\t*[1]\t*[1]\t2026-02-21[1]\tpolice : duty[1]\t5-44[1]\t*[1]\t*[1]\t*[1]\t"
        "4495-17#art\\_9[1]\t_\t_\t_\t\r\n"
    )
    (back,) = webanno.import_text(tsv, source="inception.tsv")
    assert back.text == "Поліція 🚢 повідомляє митниці-партнери."
    assert (back.unit, back.edition, back.start, back.end) == ("4495-17#art_9", "2026-02-21", 5, 44)
    assert back.labels == Labels(
        (Span(0, 7, A, "police"), Span(21, 28, A, "customs")),
        (N("police", "duty"),),
        (C("police", "customs", "inform"),),
    )
    assert back.source == "inception.tsv:8"


def test_escaping_round_trips() -> None:
    for value in ["a\\b", "x[1]", "p|q", "a_b", "a->b", "s;t", "t\tu", "n\nm", "*", "\\[3]", "end\\"]:
        assert webanno.unescape_value(webanno.escape_value(value)) == value
    for text in ["a\\b", "t\tu", "c\rd", "f\fg", "b\bc", "\x01\x1f", "\\r literal"]:
        assert webanno.unescape_text(webanno.escape_text(text)) == text


# -- errors --------------------------------------------------------------------------------------------------


def test_webanno_without_format_header() -> None:
    body = webanno.export_units([U_EDGES], with_predictions=False).split("\n", 1)[1]
    with pytest.raises(ConfigError, match="not a WebAnno TSV file") as e:
        webanno.import_text(body, source="nohead.tsv")
    assert "nohead.tsv" in str(e.value)


def test_webanno_unknown_agency_names_the_sentence() -> None:
    text = webanno.export_units([U_APOS, U_EDGES], with_predictions=False)
    broken = text.replace("\tnabu[", "\tnabu_typo[")
    assert broken != text
    with pytest.raises(ConfigError) as e:
        webanno.import_text(broken, source="typo.tsv")
    message = str(e.value)
    assert "sentence 2" in message and "580-19#art_23__para_1__point_5" in message
    assert "'nabu_typo'" in message and "not a known agency id" in message and "typo.tsv" in message


def test_webanno_unknown_norm_modality_and_missing_unit_annotation() -> None:
    text = webanno.export_units([U_EDGES], with_predictions=False)
    with pytest.raises(ConfigError, match=r"sentence 1.*modality 'must'"):
        webanno.import_text(text.replace("police:duty[", "police:must["), source="m.tsv")
    no_unit = "\n".join(
        "\t".join([*line.split("\t")[:5], *["_"] * len(webanno.UNIT_FEATURES), ""]) if line.startswith("1-") else line
        for line in text.split("\n")
    )
    with pytest.raises(ConfigError, match=r"sentence 1 .*0 webanno.custom.Unit annotations"):
        webanno.import_text(no_unit, source="m.tsv")


def test_webanno_offsets_that_do_not_fit_the_text() -> None:
    text = webanno.export_units([U_EMOJI], with_predictions=False)
    shifted = text.replace("\t3-8\tСудна\t", "\t2-7\tСудна\t")
    with pytest.raises(ConfigError, match=r"sentence 1 .*(inside a character|Судна)"):
        webanno.import_text(shifted, source="s.tsv")


def test_webanno_export_refuses_what_it_cannot_write() -> None:
    with pytest.raises(ConfigError, match="white space"):
        webanno.export_units([unit("x#art_1", "митні органи", [Span(5, 12, A, "customs")])], with_predictions=False)
    with pytest.raises(ConfigError, match="outside the unit text"):
        webanno.export_units([unit("x#art_1", "митниця", [Span(0, 9, A, "customs")])], with_predictions=False)


def test_docbin_spans_in_white_space_still_round_trip() -> None:
    text = "митні органи  та\r\nполіція"
    u = unit("x#art_1", text, [Span(5, 12, A, "customs"), Span(13, 16, CUE, "duty"), Span(0, 5, A, "customs")])
    (back,) = docbin.import_bytes(docbin.export_units([u], with_predictions=False), source="w.spacy")
    assert got(back) == expected(u, u.gold)


def test_docbin_without_unit_address() -> None:
    nlp = docbin._nlp()
    doc = Doc(nlp.vocab, words=["Митні", "органи"], spaces=[True, False])
    doc.user_data.update({"edition": "2026-02-21", "start": 0, "end": 12})
    bin_ = DocBin(store_user_data=True)
    bin_.add(doc)
    with pytest.raises(ConfigError, match=r"doc 1: doc.user_data lacks the unit address \['unit'\]") as e:
        docbin.import_bytes(bin_.to_bytes(), source="noaddr.spacy")
    assert "noaddr.spacy" in str(e.value)


def test_docbin_unknown_agency_and_garbage() -> None:
    nlp = docbin._nlp()
    doc = Doc(nlp.vocab, words=["Митні", "органи"], spaces=[True, False])
    doc.spans["agencies"] = [SpacySpan(doc, 0, 2, label="AGENCY", kb_id="customz")]
    doc.user_data.update({"unit": "4495-17#art_1", "edition": "2026-02-21", "start": 0, "end": 12})
    bin_ = DocBin(store_user_data=True)
    bin_.add(doc)
    with pytest.raises(ConfigError, match=r"doc 1 \(unit 4495-17#art_1\).*'customz'.*not a known agency id"):
        docbin.import_bytes(bin_.to_bytes(), source="bad.spacy")
    with pytest.raises(ConfigError, match="not a readable spaCy DocBin"):
        docbin.import_bytes(b"\x00not a docbin", source="garbage.spacy")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_random_texts_and_spans_round_trip(fmt: str) -> None:
    """Seeded random texts made of the awkward characters, with random (also overlapping) spans."""
    export, load = FORMATS[fmt]
    pieces = [*"аб ’ʼ'-_\\|[]*;>\t.,1", "\r\n", "🚢", "\u0301", "->", "органів-учасників"]
    rnd = random.Random(20261101)
    units = []
    for i in range(150):
        text = "М" + "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 20)))
        spans = []
        for _ in range(rnd.randint(0, 4)):
            a = rnd.randrange(len(text))
            b = rnd.randint(a + 1, len(text))
            if fmt == "webanno" and (text[a].isspace() or text[b - 1].isspace()):
                continue  # WebAnno TSV cannot start or end a span in white space (docbin can)
            label = rnd.choice([A, CUE])
            spans.append(Span(a, b, label, rnd.choice(["customs", "sbu"]) if label == A else "power"))
        units.append(unit(f"4495-17#art_{i}", text, spans, [N("customs", "power")], start=i))
    assert [got(b) for b in load(export(units, False), "r.x")] == [expected(u, u.gold) for u in units]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_units(fmt: str) -> None:
    export, load = FORMATS[fmt]
    assert load(export([], False), "empty.x") == []
