"""Label Studio, doccano and CoNLL-U: export -> import round trips, offset conversion and drift, bad input."""

from __future__ import annotations

import json
import logging
import random
import xml.etree.ElementTree as ET
from types import ModuleType
from typing import Any

import pytest

from pipeline.datasets import conllu, doccano, labelstudio
from pipeline.datasets.model import (
    AGENCY_LABEL,
    CUE_LABEL,
    MODALITIES,
    Counterpart,
    ExportUnit,
    ImportedUnit,
    Labels,
    Norm,
    Span,
)
from pipeline.errors import ConfigError
from pipeline.tagging.registry import registry_cached

FORMATS: dict[str, ModuleType] = {"labelstudio": labelstudio, "doccano": doccano, "conllu": conllu}


def span(text: str, part: str, label: str, value: str, occurrence: int = 1) -> Span:
    """The span of the n-th occurrence of ``part`` in ``text``."""
    start = -1
    for _ in range(occurrence):
        start = text.index(part, start + 1)
    return Span(start, start + len(part), label, value)


def agency(text: str, part: str, value: str, occurrence: int = 1) -> Span:
    return span(text, part, AGENCY_LABEL, value, occurrence)


def cue(text: str, part: str, value: str) -> Span:
    return span(text, part, CUE_LABEL, value)


# Three apostrophes (’ ʼ '), an emoji before the last span, spans at the very start and the very end.
T_EMOJI = (
    "Митні органи зобов’язані повідомляти Службу безпеки України 🚢 про предмети, об'єкти та речі,"
    " щодо яких є підозраʼ, та інформувати Національну поліцію"
)
U_EMOJI = ExportUnit(
    unit="4495-17#art_558__para_4__s1",
    edition="2024-11-15",
    start=312,
    end=312 + len(T_EMOJI),
    text=T_EMOJI,
    context="Стаття 558. Взаємодія митних органів з правоохоронними органами",
    split="train",
    gold=Labels(
        (
            agency(T_EMOJI, "Митні органи", "customs"),
            cue(T_EMOJI, "зобов’язані", "duty"),
            agency(T_EMOJI, "Службу безпеки України", "sbu"),
            agency(T_EMOJI, "Національну поліцію", "police"),
        ),
        (Norm("customs", "duty"),),
        (Counterpart("customs", "sbu", "inform"), Counterpart("customs", "police", "inform")),
    ),
)

# A combining acute (no precomposed form: two code points), CR LF inside the text and inside a span, a nested
# enumeration in the context.
T_ACCENT = (
    "а) прокурор має\r\nправо доручати органам Національної поліції проведення перевірок"
    " та отримувати від митниці\u0301 документи;"
)
U_ACCENT = ExportUnit(
    unit="1697-18#art_25__para_1__point_1__subpoint_a",
    edition="2025-01-01",
    start=0,
    end=len(T_ACCENT),
    text=T_ACCENT,
    context="Стаття 25. Повноваження прокурора\n1) прокурор здійснює такі повноваження:\nа) ...",
    gold=Labels(
        (
            agency(T_ACCENT, "прокурор", "prosecutor"),
            cue(T_ACCENT, "має\r\nправо", "power"),
            agency(T_ACCENT, "Національної поліції", "police"),
            agency(T_ACCENT, "митниці\u0301", "customs"),
        ),
        (Norm("prosecutor", "power"),),
        (Counterpart("prosecutor", "police", "delegate"), Counterpart("prosecutor", "customs", "request")),
    ),
)

# No labels at all; a tab and a backslash that the CoNLL-U comment has to escape.
T_EMPTY = "Стаття 1.\tЦей Кодекс набирає чинності з 1 січня 2025 року (форма № 5\\1)."
U_EMPTY = ExportUnit(
    unit="4495-17#art_1",
    edition="2024-11-15",
    start=0,
    end=len(T_EMPTY),
    text=T_EMPTY,
    context="Стаття 1. Набрання чинності",
    gold=Labels(),
)

# Adjacent spans (a glued "НАБУДБР", as the portal sometimes prints it), a mention nested in another of the
# same layer, a span that is also the end of the previous one's token.
T_ADJACENT = "Органи НАБУДБР та митні органи інших держав можуть обмінюватися інформацією з поліцією."
U_ADJACENT = ExportUnit(
    unit="4495-17#art_559__para_2",
    edition="2024-11-15",
    start=40,
    end=40 + len(T_ADJACENT),
    text=T_ADJACENT,
    context="Стаття 559. Міжнародне співробітництво",
    gold=Labels(
        (
            agency(T_ADJACENT, "НАБУ", "nabu"),
            agency(T_ADJACENT, "ДБР", "dbr"),
            agency(T_ADJACENT, "митні органи інших держав", "foreign_authority"),
            agency(T_ADJACENT, "митні органи", "customs"),
            cue(T_ADJACENT, "можуть", "power"),
            agency(T_ADJACENT, "поліцією", "police"),
        ),
        (Norm("nabu", "power"), Norm("dbr", "power")),
        (Counterpart("nabu", "police", "inform"),),
    ),
)

UNITS = {"emoji": U_EMOJI, "accent_crlf": U_ACCENT, "empty": U_EMPTY, "adjacent": U_ADJACENT}


def canonical(labels: Labels) -> Labels:
    return labelstudio.build_labels(labels.spans, labels.norms, labels.counterparts)


def assert_same(imported: ImportedUnit, unit: ExportUnit, labels: Labels | None = None) -> None:
    assert imported.unit == unit.unit
    assert imported.edition == unit.edition
    assert (imported.start, imported.end) == (unit.start, unit.end)
    assert imported.text == unit.text
    assert imported.sha256 == unit.sha256
    expected = labels if labels is not None else unit.gold
    assert expected is not None
    assert imported.labels == canonical(expected)
    for s in imported.labels.spans:  # what the annotator saw is what comes back
        assert any(unit.text[s.start : s.end] == unit.text[g.start : g.end] for g in expected.spans)


# ---------------------------------------------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", UNITS)
def test_round_trip_keeps_spans_norms_counterparts_and_address(fmt: str, name: str) -> None:
    module, unit = FORMATS[fmt], UNITS[name]
    exported = module.export_units([unit], with_predictions=False)
    (imported,) = module.import_text(exported, source=f"batch.{fmt}")
    assert_same(imported, unit)
    assert f"batch.{fmt}" in imported.source


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_of_a_whole_file_keeps_the_order_of_units(fmt: str) -> None:
    module = FORMATS[fmt]
    units = list(UNITS.values())
    imported = module.import_text(module.export_units(units, with_predictions=True), source="all")
    assert [u.unit for u in imported] == [u.unit for u in units]
    for got, unit in zip(imported, units, strict=True):
        assert_same(got, unit)


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_survives_crlf_line_endings_of_the_file(fmt: str) -> None:
    module = FORMATS[fmt]
    exported = module.export_units([U_ACCENT, U_EMOJI], with_predictions=False).replace("\n", "\r\n")
    imported = module.import_text(exported, source="windows")
    assert [i.sha256 for i in imported] == [U_ACCENT.sha256, U_EMOJI.sha256]
    assert_same(imported[0], U_ACCENT)


def test_label_studio_offsets_are_utf16_and_region_texts_match() -> None:
    (task,) = json.loads(labelstudio.export_units([U_EMOJI], with_predictions=False))
    assert set(task["data"]) == {"text", "context", "unit", "edition", "start", "end", "sha256", "split"}
    police = next(r for r in task["annotations"][0]["result"] if r["value"].get("labels") == ["police"])
    cp = agency(T_EMOJI, "Національну поліцію", "police")
    assert (police["value"]["start"], police["value"]["end"]) == (cp.start + 1, cp.end + 1)  # the emoji counts 2
    js = T_EMOJI.encode("utf-16-le")
    start, end = police["value"]["start"], police["value"]["end"]
    assert js[2 * start : 2 * end].decode("utf-16-le") == police["value"]["text"] == "Національну поліцію"
    sbu = next(r for r in task["annotations"][0]["result"] if r["value"].get("labels") == ["sbu"])
    assert sbu["value"]["start"] == T_EMOJI.index("Службу")  # before the emoji nothing moves


def test_doccano_offsets_are_code_points_unless_utf16_is_asked_for() -> None:
    line = json.loads(doccano.export_units([U_EMOJI], with_predictions=False))
    cp = agency(T_EMOJI, "Національну поліцію", "police")
    assert [cp.start, cp.end, "AGENCY:police"] in line["label"]
    assert line["norms"] == ["customs:duty"] and line["counterparts"][0] == "customs>sbu:inform"
    for key in ("unit", "edition", "start", "end", "sha256", "context", "split"):
        assert key in line
    utf16 = doccano.export_units([U_EMOJI], with_predictions=False, offsets="utf16")
    assert [cp.start + 1, cp.end + 1, "AGENCY:police"] in json.loads(utf16)["label"]
    (back,) = doccano.import_text(utf16, source="u.jsonl", offsets="utf16")
    assert_same(back, U_EMOJI)


def test_conllu_block_layout() -> None:
    block = conllu.export_units([U_ACCENT], with_predictions=False)
    lines = block.split("\n")
    assert lines[0] == f"# sent_id = {U_ACCENT.unit}"
    assert "# text = а) прокурор має\\r\\nправо доручати" in block
    assert "\r" not in block and block.count("\n") == len(lines) - 1
    assert "# norms = prosecutor:power" in lines
    assert "# counterparts = prosecutor>police:delegate|prosecutor>customs:request" in lines
    tokens = [line.split("\t") for line in lines if line and not line.startswith("#")]
    assert all(len(cols) == 10 for cols in tokens)
    by_form = {cols[1]: cols for cols in tokens}
    m = T_ACCENT.index("має")
    assert by_form["має"][9] == f"Cue=B-power|SpacesAfter=\\r\\n|TokenRange={m}:{m + 3}"
    assert by_form["право"][9].startswith("Cue=I-power|")
    assert by_form["прокурор"][2] == "прокурор" and by_form["поліції"][2] == "поліція"
    assert "митниці\u0301" in by_form  # the accent stays in its word
    c = T_ACCENT.index("митниці")
    assert by_form["митниці\u0301"][9] == f"Agency=B-customs|TokenRange={c}:{c + 8}"
    assert by_form[";"][9] == f"TokenRange={len(T_ACCENT) - 1}:{len(T_ACCENT)}"
    assert by_form["документи"][9].startswith("SpaceAfter=No|")
    empty = conllu.export_units([U_EMPTY], with_predictions=False)
    assert "# text = Стаття 1.\\tЦей Кодекс" in empty and "№ 5\\\\1)." in empty
    assert "# norms = _" in empty and "Agency=" not in empty


def test_conllu_overlapping_spans_of_one_layer_go_to_lanes() -> None:
    block = conllu.export_units([U_ADJACENT], with_predictions=False)
    rows = {cols[1]: cols[9] for cols in (line.split("\t") for line in block.split("\n")) if len(cols) == 10}
    assert rows["митні"].startswith("Agency=B-foreign_authority,B-customs|")
    assert rows["органи"].startswith("Agency=I-foreign_authority,I-customs|")
    assert rows["інших"].startswith("Agency=I-foreign_authority|")
    assert rows["НАБУ"] == "Agency=B-nabu|SpaceAfter=No|TokenRange=7:11"  # the glued word is cut in two
    assert rows["ДБР"] == "Agency=B-dbr|TokenRange=11:14"


# ---------------------------------------------------------------------------------------------------------------
# Predictions


def with_predictions(unit: ExportUnit, gold: Labels | None) -> ExportUnit:
    predicted = Labels((agency(unit.text, "Митні органи", "customs"),), (Norm("customs", "power"),))
    return ExportUnit(
        unit.unit,
        unit.edition,
        unit.start,
        unit.end,
        unit.text,
        unit.context,
        unit.split,
        gold=gold,
        predictions=predicted,
        model_version="tagger-2026-11",
        score=0.83,
    )


def test_label_studio_writes_predictions_beside_gold_and_imports_only_annotations() -> None:
    unit = with_predictions(U_EMOJI, U_EMOJI.gold)
    (task,) = json.loads(labelstudio.export_units([unit], with_predictions=True))
    (prediction,) = task["predictions"]
    assert prediction["model_version"] == "tagger-2026-11" and prediction["score"] == 0.83
    assert {r["from_name"] for r in prediction["result"]} == {"agency", "norms"}
    assert "predictions" not in json.loads(labelstudio.export_units([unit], with_predictions=False))[0]
    (back,) = labelstudio.import_text(json.dumps([task]), source="p.json")
    assert_same(back, U_EMOJI)


def test_label_studio_skips_tasks_without_a_human_annotation_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    pred_only = with_predictions(U_EMOJI, None)
    tasks = json.loads(labelstudio.export_units([pred_only, U_ACCENT, U_EMPTY], with_predictions=True))
    tasks[0]["id"] = 101
    tasks[2]["id"] = 103
    tasks[2]["annotations"][0]["was_cancelled"] = True
    with caplog.at_level(logging.WARNING, logger="pipeline.datasets.labelstudio"):
        imported = labelstudio.import_text(json.dumps(tasks), source="ls.json")
    assert [u.unit for u in imported] == [U_ACCENT.unit]
    message = " ".join(r.getMessage() for r in caplog.records)
    assert "ls.json" in message and "2 task(s)" in message and "task 101" in message and "task 103" in message


def test_label_studio_takes_the_last_completed_annotation_and_its_annotator() -> None:
    (task,) = json.loads(labelstudio.export_units([U_EMOJI], with_predictions=False))
    first = dict(task["annotations"][0], completed_by=7)
    newer = {"result": [], "completed_by": {"id": 9, "email": "olena@example.org"}}
    cancelled = {"result": first["result"], "was_cancelled": True, "completed_by": 3}
    task["annotations"] = [first, newer, cancelled]
    (back,) = labelstudio.import_text(json.dumps([task]), source="a.json")
    assert back.labels == Labels() and back.annotator == "olena@example.org"
    task["annotations"] = [newer, first]
    (back,) = labelstudio.import_text(json.dumps([task]), source="a.json")
    assert back.annotator == "7" and back.labels == canonical(U_EMOJI.gold or Labels())


@pytest.mark.parametrize("fmt", ["doccano", "conllu"])
def test_single_layer_formats_put_predictions_in_place_of_missing_gold(fmt: str) -> None:
    module = FORMATS[fmt]
    unit = with_predictions(U_EMOJI, None)
    assert unit.predictions is not None
    (back,) = module.import_text(module.export_units([unit], with_predictions=True), source="x")
    assert back.labels == canonical(unit.predictions)
    (back,) = module.import_text(module.export_units([unit], with_predictions=False), source="x")
    assert back.labels == Labels()
    gold_wins = with_predictions(U_EMOJI, U_EMOJI.gold)
    (back,) = module.import_text(module.export_units([gold_wins], with_predictions=True), source="x")
    assert_same(back, U_EMOJI)


# ---------------------------------------------------------------------------------------------------------------
# Label Studio offset drift


def ls_task(unit: ExportUnit, *regions: dict[str, Any], task_id: int = 42) -> str:
    result = [
        {"id": f"r{i}", "from_name": "agency", "to_name": "text", "type": "labels", "value": value}
        for i, value in enumerate(regions, 1)
    ]
    task = json.loads(labelstudio.export_units([unit], with_predictions=False))[0]
    task["id"] = task_id
    task["annotations"] = [{"id": 5, "completed_by": 1, "result": result}]
    return json.dumps([task], ensure_ascii=False)


def test_code_point_offsets_of_newer_label_studio_are_accepted() -> None:
    cp = agency(T_EMOJI, "Національну поліцію", "police")
    region = {"start": cp.start, "end": cp.end, "text": "Національну поліцію", "labels": ["police"]}
    (back,) = labelstudio.import_text(ls_task(U_EMOJI, region), source="new-ls.json")
    assert back.labels.spans == (cp,)


def test_an_offset_drift_after_an_emoji_is_re_anchored(caplog: pytest.LogCaptureFixture) -> None:
    cp = agency(T_EMOJI, "Національну поліцію", "police")
    region = {"start": cp.start + 2, "end": cp.end + 2, "text": "Національну поліцію", "labels": ["police"]}
    with caplog.at_level(logging.WARNING, logger="pipeline.datasets.labelstudio"):
        (back,) = labelstudio.import_text(ls_task(U_EMOJI, region), source="drift.json")
    assert back.labels.spans == (cp,)
    assert any("re-anchored" in r.getMessage() and "task 42" in r.getMessage() for r in caplog.records)


def test_a_region_whose_text_lost_the_carriage_return_still_matches() -> None:
    cp = cue(T_ACCENT, "має\r\nправо", "power")
    region = {"start": cp.start, "end": cp.end, "text": "має\nправо", "labels": ["power"]}
    task = json.loads(ls_task(U_ACCENT, region))
    task[0]["annotations"][0]["result"][0]["from_name"] = "cue"
    (back,) = labelstudio.import_text(json.dumps(task), source="crlf.json")
    assert back.labels.spans == (cp,)
    # the editor counted CR LF as one character: the region sits one to the left and is found again
    police = agency(T_ACCENT, "Національної поліції", "police")
    moved = {"start": police.start - 1, "end": police.end - 1, "text": "Національної поліції", "labels": ["police"]}
    (back,) = labelstudio.import_text(ls_task(U_ACCENT, moved), source="crlf.json")
    assert back.labels.spans == (police,)


@pytest.mark.parametrize(
    "region",
    [
        {"start": 0, "end": 12, "text": "Державна митна служба", "labels": ["customs"]},  # not in the text
        {"start": 0, "end": 19, "text": "Національну поліцію", "labels": ["police"]},  # too far from the offsets
    ],
)
def test_an_offset_drift_that_cannot_be_re_anchored_names_the_task_and_region(region: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as err:
        labelstudio.import_text(ls_task(U_EMOJI, region, task_id=314), source="batch-07.json")
    message = str(err.value)
    assert "batch-07.json" in message and "task 314" in message and "region r1" in message
    assert "drift" in message and U_EMOJI.unit in message


def test_label_studio_bad_labels_and_unknown_controls_are_errors() -> None:
    region = {"start": 0, "end": 12, "text": "Митні органи", "labels": ["customs_office"]}
    with pytest.raises(ConfigError, match=r"b\.json, task 42 .*region r1.*unknown agency id 'customs_office'"):
        labelstudio.import_text(ls_task(U_EMOJI, region), source="b.json")
    task = json.loads(ls_task(U_EMOJI, {"start": 0, "end": 12, "text": "Митні органи", "labels": ["customs"]}))
    task[0]["annotations"][0]["result"][0]["from_name"] = "label"
    with pytest.raises(ConfigError, match="unknown result item"):
        labelstudio.import_text(json.dumps(task), source="b.json")
    task[0]["annotations"][0]["result"] = [
        {"id": "n", "from_name": "norms", "to_name": "text", "type": "textarea", "value": {"text": ["customs-duty"]}}
    ]
    with pytest.raises(ConfigError, match="not a norm 'customs-duty'"):
        labelstudio.import_text(json.dumps(task), source="b.json")


def test_norm_text_areas_accept_several_items_per_entry() -> None:
    task = json.loads(ls_task(U_EMOJI))
    task[0]["annotations"][0]["result"] = [
        {"id": "n", "from_name": "norms", "type": "textarea", "value": {"text": ["customs:duty\npolice:power"]}},
        {"id": "c", "from_name": "counterparts", "type": "textarea", "value": {"text": ["customs>sbu:inform | "]}},
    ]
    (back,) = labelstudio.import_text(json.dumps(task), source="n.json")
    assert back.labels.norms == (Norm("customs", "duty"), Norm("police", "power"))
    assert back.labels.counterparts == (Counterpart("customs", "sbu", "inform"),)


def test_label_studio_malformed_json_names_the_line() -> None:
    text = labelstudio.export_units([U_EMPTY], with_predictions=False).replace('"edition"', '"edition', 1)
    with pytest.raises(ConfigError, match=r"broken\.json, line 7"):
        labelstudio.import_text(text, source="broken.json")


def test_labeling_config_has_every_agency_and_modality_and_the_norm_areas() -> None:
    root = ET.fromstring(labelstudio.labeling_config())
    labels = {el.get("name"): [x.get("value") for x in el] for el in root.iter("Labels")}
    assert set(labels["agency"]) == registry_cached().ids
    assert labels["cue"] == list(MODALITIES)
    assert {el.get("name") for el in root.iter("TextArea")} == {"norms", "counterparts"}
    assert {el.get("name"): el.get("value") for el in root.iter("Text")} == {"context": "$context", "text": "$text"}


# ---------------------------------------------------------------------------------------------------------------
# doccano errors and variants


def doccano_lines(*units: ExportUnit) -> list[str]:
    return doccano.export_units(list(units), with_predictions=False).splitlines()


def test_doccano_unknown_label_names_the_line() -> None:
    lines = doccano_lines(U_EMPTY, U_EMOJI)
    record = json.loads(lines[1])
    record["label"].append([0, 5, "ORG"])
    lines[1] = json.dumps(record, ensure_ascii=False)
    with pytest.raises(ConfigError) as err:
        doccano.import_text("\n".join(lines), source="doccano-admin.jsonl")
    assert "doccano-admin.jsonl, line 2" in str(err.value) and "unknown label 'ORG'" in str(err.value)
    record["label"][-1] = [0, 5, "AGENCY:customz"]
    lines[1] = json.dumps(record, ensure_ascii=False)
    with pytest.raises(ConfigError, match=r"line 2: span 0-5 AGENCY:customz: unknown agency id 'customz'"):
        doccano.import_text("\n".join(lines), source="d.jsonl")


def test_doccano_malformed_json_names_the_line() -> None:
    lines = doccano_lines(U_EMPTY, U_EMOJI, U_ACCENT)
    lines[2] = lines[2][:-1]
    with pytest.raises(ConfigError, match=r"d\.jsonl, line 3: malformed JSON"):
        doccano.import_text("\n".join(lines), source="d.jsonl")


def test_doccano_reads_its_own_export_shapes() -> None:
    (line,) = doccano_lines(U_EMOJI)
    record = json.loads(line)
    # doccano >= 1.7 export: id, the metadata at the top level, spans of a relation project as entities
    entities = [
        {"id": i, "start_offset": s, "end_offset": e, "label": lab} for i, (s, e, lab) in enumerate(record["label"])
    ]
    exported = dict(record, id=7, entities=entities, relations=[], Comments=[])
    del exported["label"]
    (back,) = doccano.import_text(json.dumps(exported, ensure_ascii=False), source="e.jsonl")
    assert_same(back, U_EMOJI)
    # older doccano: metadata under "meta", spans under "labels"
    meta = {k: record[k] for k in ("unit", "edition", "start", "end", "sha256", "norms", "counterparts")}
    older = {"text": record["text"], "labels": record["label"], "meta": meta, "user": "olena"}
    (back,) = doccano.import_text(json.dumps(older, ensure_ascii=False), source="o.jsonl")
    assert_same(back, U_EMOJI)
    assert back.annotator == "olena"


def test_doccano_span_outside_the_text_is_an_error() -> None:
    (line,) = doccano_lines(U_EMPTY)
    record = dict(json.loads(line), label=[[70, 900, "AGENCY:customs"]])
    with pytest.raises(ConfigError, match=r"line 1: span 70-900 AGENCY:customs: .*outside the text"):
        doccano.import_text(json.dumps(record), source="d.jsonl")


def test_doccano_label_types_cover_both_layers() -> None:
    names = {t["text"] for t in json.loads(doccano.label_types())}
    assert f"{AGENCY_LABEL}:customs" in names and f"{CUE_LABEL}:prohibition" in names
    assert len(names) == len(registry_cached().ids) + len(MODALITIES)


# ---------------------------------------------------------------------------------------------------------------
# CoNLL-U errors and variants


def test_conllu_block_without_sent_id_names_the_block() -> None:
    text = conllu.export_units([U_EMPTY, U_EMOJI, U_ACCENT], with_predictions=False)
    broken = text.replace(f"# sent_id = {U_EMOJI.unit}\n", "")
    with pytest.raises(ConfigError) as err:
        conllu.import_text(broken, source="gold.conllu")
    assert "gold.conllu, block 2" in str(err.value) and "sent_id" in str(err.value)


def test_conllu_inside_tag_without_a_beginning_is_an_error() -> None:
    text = conllu.export_units([U_EMOJI], with_predictions=False).replace("Agency=B-sbu", "Agency=I-sbu")
    with pytest.raises(ConfigError, match=r"c\.conllu, block 1 .*line \d+: .*I-sbu does not continue"):
        conllu.import_text(text, source="c.conllu")


def test_conllu_form_that_does_not_match_the_text_is_an_error() -> None:
    text = conllu.export_units([U_EMOJI], with_predictions=False).replace("\tСлужбу\t", "\tСлужба\t")
    with pytest.raises(ConfigError, match="FORM 'Служба' is not the text at TokenRange"):
        conllu.import_text(text, source="c.conllu")


def test_conllu_bad_escape_in_text_is_an_error() -> None:
    text = conllu.export_units([U_EMPTY], with_predictions=False).replace("1.\\tЦей", "1.\\xЦей")
    with pytest.raises(ConfigError, match=r"block 1 .*bad escape '\\\\x'"):
        conllu.import_text(text, source="c.conllu")


def test_conllu_without_token_ranges_aligns_forms_to_the_text() -> None:
    text = conllu.export_units([U_ACCENT, U_ADJACENT], with_predictions=False)
    stripped = "\n".join(
        line.replace("|TokenRange=", "|X=").replace("\tTokenRange=", "\tX=") if "\t" in line else line
        for line in text.split("\n")
    )
    assert "TokenRange" not in stripped
    back = conllu.import_text(stripped, source="t.conllu")
    assert_same(back[0], U_ACCENT)
    assert_same(back[1], U_ADJACENT)


def test_conllu_span_starting_in_white_space_cannot_be_exported() -> None:
    bad = ExportUnit(
        "x#art_1", "2024-01-01", 0, len(T_EMPTY), T_EMPTY, "", gold=Labels((Span(9, 16, "AGENCY", "cmu"),))
    )
    with pytest.raises(ConfigError, match=r"unit x#art_1: span 9-16 .*white space"):
        conllu.export_units([bad], with_predictions=False)


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_refuses_labels_that_do_not_fit(fmt: str) -> None:
    bad = ExportUnit("x#art_1", "2024-01-01", 0, 5, "Митні", "", gold=Labels((Span(0, 9, "AGENCY", "customs"),)))
    with pytest.raises(ConfigError, match="unit x#art_1: gold labels cannot be exported"):
        FORMATS[fmt].export_units([bad], with_predictions=False)
    odd = ExportUnit("x#art_1", "2024-01-01", 0, 5, "Митні", "", gold=Labels((), (Norm("customs", "duties"),)))
    with pytest.raises(ConfigError, match="unknown modality 'duties'"):
        FORMATS[fmt].export_units([odd], with_predictions=False)


def test_escape_round_trip() -> None:
    for value in [" a\\b\tc\r\nd\u2028e\x0b ", "\\n", "плain", "\u00a0x\u00a0"]:
        one_line = conllu.escape(value)
        assert "\n" not in one_line and "\r" not in one_line and one_line == one_line.strip()
        assert conllu.unescape(one_line) == value


@pytest.mark.parametrize("fmt", FORMATS)
def test_random_units_round_trip(fmt: str) -> None:
    """Seeded random texts from awkward characters, with random (also overlapping) spans of both layers."""
    rng = random.Random(20261101)
    pieces = [
        *"митніорган",
        "’",
        "ʼ",
        "'",
        "\u0301",
        "🚢",
        "\r\n",
        "\n",
        "\t",
        " ",
        " ",
        "_",
        "\u00a0",
        "\\",
        "-",
        "«",
        "\u2028",
    ]
    ids = sorted(registry_cached().ids)
    module = FORMATS[fmt]
    checked = 0
    for n in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        spans = []
        for _ in range(rng.randint(0, 4)):
            a, b = sorted(rng.sample(range(len(text) + 1), 2)) if len(text) > 1 else (0, 1)
            if fmt == "conllu" and (text[a].isspace() or text[b - 1].isspace()):
                continue  # CoNLL-U has no token there (see test_conllu_span_starting_in_white_space...)
            if rng.random() < 0.5:
                spans.append(Span(a, b, AGENCY_LABEL, rng.choice(ids)))
            else:
                spans.append(Span(a, b, CUE_LABEL, rng.choice(MODALITIES)))
        gold = Labels(tuple(spans), (Norm(rng.choice(ids), rng.choice(MODALITIES)),))
        unit = ExportUnit(f"w#art_{n}", "2024-01-01", 0, len(text), text, "Стаття 1\r\n1) ...:", gold=gold)
        (back,) = module.import_text(module.export_units([unit], with_predictions=False), source="r")
        assert_same(back, unit)
        checked += 1
    assert checked == 300


def test_doccano_counterparts_travel_as_relations() -> None:
    from pipeline.datasets import doccano
    from pipeline.datasets.model import AGENCY_LABEL, Counterpart, ExportUnit, Labels, Norm, Span

    text = "Митні органи зобов’язані повідомляти Службу безпеки України та Державну прикордонну службу України."
    sbu, border = text.index("Службу"), text.index("Державну")
    gold = Labels(
        (
            Span(0, 12, AGENCY_LABEL, "customs"),
            Span(sbu, sbu + 22, AGENCY_LABEL, "sbu"),
            Span(border, border + 34, AGENCY_LABEL, "border_guard"),
        ),
        (Norm("customs", "duty"),),
        (Counterpart("customs", "sbu", "inform"),),
    )
    unit = ExportUnit("4495-17#art_558__para_3", "2026-02-21", 0, len(text), text, "Стаття 558.", "dev", gold)
    record = json.loads(doccano.export_units([unit], with_predictions=False))
    assert record["relations"] == [{"id": 1, "from_id": 1, "to_id": 2, "type": "inform"}]
    # the annotator draws one more relation in doccano: customs -> border_guard, inform
    record["relations"].append({"id": 2, "from_id": 1, "to_id": 3, "type": "inform"})
    (back,) = doccano.import_text(json.dumps(record, ensure_ascii=False) + "\n", source="export.jsonl")
    assert set(back.labels.counterparts) == {
        Counterpart("customs", "sbu", "inform"),
        Counterpart("customs", "border_guard", "inform"),
    }
