"""Dataset selection, sampling, the card, import checks against the store (offset drift), agreement."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from pipeline.annotations import Annotation, load_annotations
from pipeline.datasets.build import (
    Selection,
    agreement,
    collect_units,
    dataset_card,
    sample_units,
    to_annotation_records,
    write_records,
)
from pipeline.datasets.model import AGENCY_LABEL, ExportUnit, ImportedUnit, Labels, Norm, Span
from pipeline.errors import ConfigError
from pipeline.store import Store

UNIT = "100-20#art_1__para_2"


def _stored_unit(store: Store) -> tuple[str, int, int]:
    edition = store.edition_at("100-20")
    text = store.provision(edition, "art_1__para_2").text
    return text, 0, len(text)


def _imported(text: str, start: int, end: int, stored: str, spans: tuple[Span, ...]) -> ImportedUnit:
    return ImportedUnit(
        UNIT,
        "2022-04-01",
        start,
        end,
        hashlib.sha256(stored.encode()).hexdigest(),
        text,
        Labels(spans, (Norm("customs", "duty"),)),
        "carol",
        "file.json:1",
    )


def test_collect_units_with_predictions_filters_and_samples(store: Store) -> None:
    units = collect_units(store, Selection(), with_predictions=True)
    assert len(units) > 20 and all(u.predictions is not None for u in units)
    duty = next(u for u in units if u.unit == UNIT)
    assert duty.predictions is not None
    assert ("customs", "duty") in {(n.agent, n.modality) for n in duty.predictions.norms}
    assert duty.model_version.startswith("rules-")
    police = collect_units(store, Selection(agency="police"))
    assert police and all("Національною поліцією" in u.text or "Національної поліції" in u.text for u in police)
    picked = sample_units(units, Selection(sample=6, stratify="modality", seed=1))
    again = sample_units(units, Selection(sample=6, stratify="modality", seed=1))
    assert [u.unit for u in picked] == [u.unit for u in again] and len(picked) == 6
    modalities = {min((n.modality for n in (u.predictions or Labels()).norms), default="none") for u in picked}
    assert len(modalities) >= 3  # every stratum gets its share
    card = dataset_card(picked, fmt="doccano", model_version=duty.model_version)
    assert "- units: 6" in card and "not subject to copyright" in card and "100-20@2022-04-01" in card


def test_import_places_spans_and_writes_stand_off_records(store: Store, tmp_path: Path) -> None:
    text, s, e = _stored_unit(store)
    records = to_annotation_records(
        store, [_imported(text, s, e, text, (Span(0, 12, AGENCY_LABEL, "customs"),))], annotator="carol"
    )
    assert records[0]["agencies"] == [{"start": 0, "end": 12, "agency": "customs"}]
    assert text not in json.dumps(records[0], ensure_ascii=False)  # stand-off: no legal text
    path = tmp_path / "ann" / "import-carol.jsonl"
    write_records(path, records)
    assert load_annotations(path.parent)[0].annotator == "carol"
    with pytest.raises(ConfigError, match="already in this file"):
        write_records(path, records)


@pytest.mark.parametrize(
    ("rewrite", "drift"),
    [
        (lambda t: t.replace("’", "'"), None),  # an editor that straightened the apostrophe: re-placed
        (lambda t: t.replace("органи", "органи\r\n", 1), None),  # a CRLF the tool added: re-placed
        (lambda t: t.replace("Митні", "Митні́", 1), None),  # a combining accent the annotator typed
        (lambda t: t.replace("Служби безпеки", "СБУ"), "differs from the stored text"),
    ],
)
def test_offset_drift_is_repaired_or_reported(store: Store, rewrite: object, drift: str | None) -> None:
    text, s, e = _stored_unit(store)
    tool_text = rewrite(text)  # type: ignore[operator]
    start = tool_text.index("Служби безпеки України") if "Служби" in tool_text else tool_text.index("СБУ")
    end = start + (len("Служби безпеки України") if "Служби" in tool_text else 3)
    imported = _imported(tool_text, s, e, text, (Span(start, end, AGENCY_LABEL, "sbu"),))
    if drift:
        with pytest.raises(ConfigError, match=drift) as err:
            to_annotation_records(store, [imported], annotator="carol")
        assert "file.json:1" in str(err.value) and UNIT in str(err.value)
        return
    (record,) = to_annotation_records(store, [imported], annotator="carol")
    (span,) = record["agencies"]
    assert text[span["start"] : span["end"]] == "Служби безпеки України"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (dict(unit="100-20#art_77__para_1"), "unit not in the store"),
        (dict(edition="2019-01-01"), "unit not in the store"),
        (dict(labels=Labels((Span(0, 12, AGENCY_LABEL, "smugglers"),))), "unknown agency id"),
        (dict(labels=Labels((Span(0, 999, AGENCY_LABEL, "customs"),))), "outside the unit text"),
        (dict(labels=Labels((Span(0, 5, "WHATEVER", "x"),))), "unknown label"),
    ],
)
def test_bad_imports_are_errors_naming_the_unit(store: Store, change: dict[str, object], message: str) -> None:
    text, s, e = _stored_unit(store)
    imported = dataclasses.replace(_imported(text, s, e, text, ()), **change)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=message):
        to_annotation_records(store, [imported], annotator="carol")


def _ann(unit: str, annotator: str, agencies: list[tuple[int, int, str]], norms: list[tuple[str, str]]) -> Annotation:
    return Annotation(
        unit,
        dt.date(2022, 4, 1),
        0,
        50,
        "0" * 64,
        "train",
        tuple({"start": s, "end": e, "agency": a} for s, e, a in agencies),
        tuple({"agent": a, "modality": m} for a, m in norms),
        None,
        annotator,
    )


def test_agreement_span_f1_kappa_and_disagreements() -> None:
    anns = [
        _ann("u#art_1", "ann1", [(0, 12, "customs")], [("customs", "duty")]),
        _ann("u#art_1", "ann2", [(0, 12, "customs")], [("customs", "duty")]),
        _ann("u#art_2", "ann1", [(0, 12, "customs"), (20, 30, "sbu")], [("customs", "power")]),
        _ann("u#art_2", "ann2", [(0, 12, "customs")], [("customs", "duty")]),
        _ann("u#art_3", "ann1", [], []),
    ]
    r = agreement(anns, "ann1", "ann2")
    assert r["units"] == 2
    assert r["agency_span_f1"] == round(2 * 2 / (3 + 2), 4)
    assert r["norm_f1"] == 0.5
    # items (unit, agent): art_1 customs duty/duty; art_2 customs power/duty; art_2 sbu none/none
    assert r["items"] == 3 and -1 <= r["norm_kappa"] < 1
    assert [d["unit"] for d in r["disagreements"]] == ["u#art_2"]
    with pytest.raises(ConfigError, match="no annotations by 'ann9'"):
        agreement(anns, "ann1", "ann9")
    assert "counterpart_f1" not in r  # neither annotated counterparts


def test_agreement_on_counterparts_where_both_annotated_them() -> None:
    def cps(*triples: tuple[str, str, str]) -> tuple[dict[str, str], ...]:
        return tuple({"agent": a, "counterpart": c, "type": t} for a, c, t in triples)

    spans, norms = [(0, 12, "customs"), (20, 30, "sbu")], [("customs", "duty")]
    anns = [
        dataclasses.replace(_ann("u#art_1", "ann1", spans, norms), counterparts=cps(("customs", "sbu", "inform"))),
        dataclasses.replace(_ann("u#art_1", "ann2", spans, norms), counterparts=cps(("customs", "sbu", "assist"))),
        dataclasses.replace(_ann("u#art_2", "ann1", spans, norms), counterparts=cps(("customs", "sbu", "joint"))),
        dataclasses.replace(_ann("u#art_2", "ann2", spans, norms), counterparts=cps(("customs", "sbu", "joint"))),
        _ann("u#art_3", "ann1", spans, norms),  # no counterparts annotated: left out of the triple figures
        dataclasses.replace(_ann("u#art_3", "ann2", spans, norms), counterparts=cps(("customs", "sbu", "inform"))),
    ]
    r = agreement(anns, "ann1", "ann2")
    assert (r["units"], r["counterpart_units"], r["counterpart_triples"]) == (3, 2, [2, 2])
    assert r["counterpart_f1"] == 0.5 and r["counterpart_pair_f1"] == 1.0
    assert r["identical_units"] == 2
    (d,) = r["disagreements"]
    assert d["unit"] == "u#art_1" and d["ann2"]["counterparts"] == [("u#art_1", "customs", "sbu", "assist")]


def test_units_in_export_carry_their_hash(store: Store) -> None:
    u = collect_units(store, Selection(acts=["100-20"]))[0]
    assert isinstance(u, ExportUnit) and u.sha256 == hashlib.sha256(u.text.encode()).hexdigest()


@pytest.mark.parametrize("fmt", ["labelstudio", "doccano", "conllu", "inception", "spacy"])
def test_cli_export_import_round_trip(
    store: Store, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """export -> import through the command line gives back the same stand-off annotations, for every format."""
    from pipeline.annotations import annotation_record
    from pipeline.cli import DATASET_FORMATS, main
    from pipeline.units import units_of

    edition = store.edition_at("100-20")
    units = {u.id: u for u in units_of("100-20", store.provisions(edition.edition_id))}
    gold_folder = tmp_path / "gold"
    gold_folder.mkdir()
    u1, u2 = units[UNIT], units["100-20#art_2__al_1"]
    s1 = u1.text.index("Служби безпеки України")
    records = [
        annotation_record(
            u1,
            edition.date,
            agencies=[{"start": 0, "end": 12, "agency": "customs"}, {"start": s1, "end": s1 + 22, "agency": "sbu"}],
            norms=[{"agent": "customs", "modality": "duty"}],
            counterparts=[{"agent": "customs", "counterpart": "sbu", "type": "inform"}],
            annotator="x",
        ),
        annotation_record(
            u2,
            edition.date,
            agencies=[{"start": 15, "end": 29, "agency": "customs"}],
            norms=[{"agent": "customs", "modality": "power"}],
            counterparts=[],
            annotator="x",
        ),
    ]
    (gold_folder / "gold.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    out = tmp_path / f"export{DATASET_FORMATS[fmt][1]}"
    assert (
        main(
            [
                "export",
                "--db",
                store.path,
                "--format",
                fmt,
                "--gold-only",
                "--annotations",
                str(gold_folder),
                "--with-predictions",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert out.exists() and out.with_name(out.name + ".card.md").exists()
    capsys.readouterr()
    target = tmp_path / "ann"
    assert main(["import", str(out), "--db", store.path, "--annotator", "reviewer1", "--annotations", str(target)]) == 0
    back = {a.unit: a for a in load_annotations(target)}
    for r in records:
        a = back[r["unit"]]
        assert sorted(a.agencies, key=lambda x: x["start"]) == r["agencies"]
        assert list(a.norms) == r["norms"]
        assert list(a.counterparts or []) == r["counterparts"]
        assert (a.start, a.end, a.sha256, a.annotator) == (r["start"], r["end"], r["sha256"], "reviewer1")


def test_cli_agreement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.cli import main

    folder = tmp_path / "ann"
    folder.mkdir()
    base = {"edition": "2022-04-01", "start": 0, "end": 40, "sha256": "0" * 64, "split": "train", "counterparts": []}
    lines = {
        "a.jsonl": [
            {
                **base,
                "unit": "1-1#art_1",
                "annotator": "ann1",
                "agencies": [{"start": 0, "end": 5, "agency": "customs"}],
                "norms": [{"agent": "customs", "modality": "duty"}],
            },
        ],
        "b.jsonl": [
            {
                **base,
                "unit": "1-1#art_1",
                "annotator": "ann2",
                "agencies": [{"start": 0, "end": 5, "agency": "customs"}],
                "norms": [{"agent": "customs", "modality": "power"}],
            },
        ],
    }
    for name, rows in lines.items():
        (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main(["agreement", "--annotations", str(folder), "--out", str(tmp_path / "agr"), "--json"]) == 0
    (result,) = json.loads(capsys.readouterr().out)
    assert result["agency_span_f1"] == 1.0 and result["norm_f1"] == 0.0 and len(result["disagreements"]) == 1
    assert result["counterpart_f1"] == 1.0  # both annotated no counterpart on the unit
    assert (tmp_path / "agr" / "ann1-ann2.json").exists()
    # a first annotation and its second one kept in different places
    files = [str(folder / "a.jsonl"), str(folder / "b.jsonl")]
    assert main(["agreement", "--annotations", *files, "--out", str(tmp_path / "agr2"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["annotators"] == ["ann1", "ann2"]
    assert main(["agreement", "--annotations", str(tmp_path / "missing"), "--out", str(tmp_path / "agr3")]) != 0
    assert "no such annotation folder or file" in capsys.readouterr().err


def test_evaluate_tagging_on_stand_off_annotations(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`evaluate tagging --annotations DIR` rebuilds gold lines from the store and scores them, counterparts too."""
    from pipeline.annotations import annotation_record
    from pipeline.cli import main
    from pipeline.units import units_of

    edition = store.edition_at("100-20")
    unit = {u.id: u for u in units_of("100-20", store.provisions(edition.edition_id))}[UNIT]
    start = unit.text.index("Служби безпеки України")
    record = annotation_record(
        unit,
        edition.date,
        agencies=[{"start": 0, "end": 12, "agency": "customs"}, {"start": start, "end": start + 22, "agency": "sbu"}],
        norms=[{"agent": "customs", "modality": "duty"}],
        counterparts=[{"agent": "customs", "counterpart": "sbu", "type": "inform"}],
        annotator="x",
    )
    folder = tmp_path / "ann"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    args = ["evaluate", "tagging", "--annotations", str(folder), "--db", store.path, "--json"]
    assert main([*args, "--split", "all"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["units"] == 1 and result["counterpart_f1"] == 1.0 and result["agency_f1"] == 1.0
    other = "dev" if record["split"] == "train" else "train"
    assert main([*args, "--split", other]) == 2  # nothing in the other split: an error naming the folder
    assert str(folder) in capsys.readouterr().err
