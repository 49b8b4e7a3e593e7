"""Tagging at scale and its interfaces: the store job, spaCy components and backends, the model, annotations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
import spacy

from pipeline.annotations import annotation_record, load_annotations, locate, split_of, to_gold
from pipeline.cli import EXIT_FAILED, EXIT_NOT_FOUND, EXIT_OK, main
from pipeline.errors import ConfigError
from pipeline.parse import parse_print_html
from pipeline.records import TrackedAct
from pipeline.store import Store
from pipeline.tagging.cues import default_cues
from pipeline.tagging.job import tag_store
from pipeline.tagging.model import NormModel, TrainingExample, load_model, train
from pipeline.tagging.norms import analyse, read_context
from pipeline.tagging.spacy_components import build_pipeline, load_pretrained, load_stanza, tag_doc
from pipeline.tagging.tagger import Tagger
from pipeline.tagging.training import _tuning_units, choose_threshold
from pipeline.units import units_of

D1, D2 = dt.date(2021, 3, 1), dt.date(2022, 4, 1)


@pytest.fixture
def store(tmp_path: Path, law_html: str) -> Store:
    """Two editions of the fixture law that differ in one sentence, as the portal would serve them."""
    s = Store(tmp_path / "c.sqlite")
    s.ensure_work(TrackedAct("100-20", "Про випробувальну митну службу"))
    parsed = parse_print_html(law_html)
    s.save_edition("100-20", D2, parsed)
    older = dataclasses.replace(
        parsed,
        provisions=tuple(
            dataclasses.replace(p, text=p.text.replace("невідкладно", "протягом доби")) for p in parsed.provisions
        ),
    )
    s.save_edition("100-20", D1, older)
    return s


def test_tag_store_is_incremental_and_tags_shared_texts_once(store: Store) -> None:
    tagger = Tagger()
    first = tag_store(store, tagger)
    assert [e.skipped for e in first.editions] == [False, False]
    older, newer = first.editions
    assert older.units == newer.units > 20
    assert newer.reused == newer.units - 1  # only the changed sentence is tagged again
    assert older.mentions > 0 and older.norms > 0 and not first.failed
    again = tag_store(store, tagger)
    assert [e.skipped for e in again.editions] == [True, True]
    forced = tag_store(store, tagger, force=True)
    assert [e.skipped for e in forced.editions] == [False, False]
    rows = store.unit_tags(store.edition_at("100-20").edition_id, ["art_2__al_1"])
    norms = json.loads(rows[0]["norms"])
    assert {(n["agent"], n["modality"]) for n in norms} == {("customs", "power")}


def test_an_edition_with_no_agency_at_all_is_an_error(tmp_path: Path) -> None:
    s = Store(tmp_path / "c.sqlite")
    s.ensure_work(TrackedAct("5-5", "Закон про погоду"))
    html = (
        '<div id="article"><p class=rvps2><a name=n1></a><span class=rvts9>Стаття 1. </span>Погода</p>'
        "<p class=rvps2><a name=n2></a>1. Погода буває сонячною або дощовою.</p></div>"
        '<div class="stamp">Публікації документа</div>'
    )
    s.save_edition("5-5", D1, parse_print_html(html))
    report = tag_store(s, Tagger())
    assert report.failed and "no agency mention" in (report.failed[0].failed or "")


def test_cli_tag_norms_agencies(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", store.path]
    assert main(["norms", "100-20#art_2", *db]) == EXIT_NOT_FOUND  # not tagged yet
    assert main(["tag", *db]) == EXIT_OK
    out = capsys.readouterr().out
    assert "2 editions tagged" in out
    assert main(["norms", "100-20#art_2__al_1", *db]) == EXIT_OK
    out = capsys.readouterr().out
    assert "[Посадові особи митних органів|customs]" not in out  # span rule: "митних органів" only
    assert "[митних органів|customs]" in out and "<<мають право>>" in out and "customs: POWER" in out
    assert main(["agencies", "customs", "--format", "json", "--out", str(tmp_path / "ag"), *db]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data[0]["agency"] == "customs" and data[0]["counts"]["task"] >= 3
    assert (tmp_path / "ag" / "customs.csv").read_text(encoding="utf-8").startswith("agency,modality,unit")
    assert main(["agencies", "national_guard", "--out", str(tmp_path / "ag"), *db]) == EXIT_NOT_FOUND


def test_cli_evaluate_tagging_without_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.jsonl"
    text = "Митні органи зобов’язані повідомляти органи Служби безпеки України."
    gold.write_text(
        json.dumps(
            {
                "id": "4495-17#art_1__para_1",
                "lang": "uk",
                "context": "Стаття 1. Тест",
                "text": text,
                "agencies": [{"start": 0, "end": 12, "agency": "customs"}, {"start": 44, "end": 66, "agency": "sbu"}],
                "norms": [{"agent": "customs", "modality": "duty"}],
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    assert main(["evaluate", "tagging", "--gold", str(gold), "--json"]) == EXIT_OK
    result = json.loads(capsys.readouterr().out)
    assert result["agency_f1"] == 1.0 and result["norm_f1"] == 1.0
    assert set(result["modality_f1"]) == {"task", "power", "duty", "prohibition"}
    gold.write_text("{broken\n", encoding="utf-8")
    assert main(["evaluate", "tagging", "--gold", str(gold)]) == 2


def test_spacy_pipeline_components() -> None:
    nlp = build_pipeline("uk")
    assert nlp.pipe_names == ["normgap_units", "normgap_lemmatizer", "normgap_agencies", "normgap_norms"]
    text = (
        "Митні органи зобов’язані повідомляти органи Служби безпеки України згідно зі ст. 5 ч. 2 Кодексу. "
        "Поліція має право вимагати."
    )
    doc = tag_doc(nlp, text, work="4495-17")
    assert [(s.text, s.kb_id_) for s in doc.spans["agencies"]] == [
        ("Митні органи", "customs"),
        ("Служби безпеки України", "sbu"),
        ("Поліція", "police"),
    ]
    assert len(list(doc.sents)) == 2  # no split after "ст." or "ч."
    assert {(n["agent"], n["modality"]) for n in doc._.norms} == {("customs", "duty"), ("police", "power")}
    assert doc[2].lemma_ == "зобов'язаний"
    en = build_pipeline("en")
    doc = tag_doc(en, "Each State Party shall adopt such measures.")
    assert [(e.text, e.kb_id_) for e in doc.ents] == [("State Party", "state_party")]


def test_pretrained_backend_loads_a_real_pipeline_from_disk(tmp_path: Path) -> None:
    tiny = spacy.blank("uk")
    tiny.add_pipe("sentencizer")
    tiny.to_disk(tmp_path / "tiny_uk")
    nlp = build_pipeline("uk", backend="spacy", model=tmp_path / "tiny_uk")
    assert nlp.pipe_names[0] == "sentencizer" and "normgap_norms" in nlp.pipe_names
    doc = tag_doc(nlp, "Прокурор має право.", work=None)
    assert {(n["agent"], n["modality"]) for n in doc._.norms} == {("prosecutor", "power")}
    with pytest.raises(ConfigError, match="not installed"):
        load_pretrained("uk_core_news_nonexistent")


def test_stanza_backend_explains_what_is_missing() -> None:
    try:
        import spacy_stanza  # noqa: F401
    except ImportError:
        with pytest.raises(ConfigError, match="spacy-stanza"):
            load_stanza("uk")
    else:  # installed: without downloaded models it must still fail clearly
        with pytest.raises(ConfigError, match="stanza"):
            load_stanza("uk")


def _example(text: str, context: str, gold: set[tuple[str, str]]) -> TrainingExample:
    return TrainingExample(
        analyse(text, work="4495-17"), read_context(context, work="4495-17", cues=default_cues()), frozenset(gold)
    )


def test_model_trains_round_trips_and_predicts(tmp_path: Path) -> None:
    head = "Стаття 1. Права митних органів\nМитні органи мають право:"
    examples = [
        _example("проводити огляд товарів;", head, {("customs", "power")}),
        _example("вимагати документи;", head, {("customs", "power")}),
        _example("Митні органи зобов’язані інформувати декларантів.", "", {("customs", "duty")}),
        _example("Митні органи повинні вести облік.", "", {("customs", "duty")}),
        _example("Декларант подає декларацію митному органу.", "", set()),
        _example("Товари зберігаються на складі митниці.", "", set()),
    ] * 3
    model = train(examples, c=1.0)
    assert set(model.classes) >= {"power", "duty", "none"}
    path = tmp_path / "model.json"
    path.write_text(model.to_json(), encoding="utf-8")
    loaded = load_model(path)
    assert isinstance(loaded, NormModel) and loaded.version == model.version
    probe = _example("вилучати товари;", head, set())
    assert loaded.predict(probe.view, probe.ctx) == {("customs", "power")}
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot load the norm model"):
        load_model(path)


def test_shipped_model_is_loaded() -> None:
    model = load_model()
    assert model is not None and model.version.startswith("lr-")
    assert Tagger().version.endswith(model.version)


def test_annotations_stand_off_round_trip_and_hash_check(store: Store, tmp_path: Path) -> None:
    edition = store.edition_at("100-20")
    unit = next(u for u in units_of("100-20", store.provisions(edition.edition_id)) if u.eid == "art_1__para_2")
    s, e = locate(unit.text, "Служби безпеки України")
    record = annotation_record(
        unit,
        edition.date,
        agencies=[{"start": 0, "end": 12, "agency": "customs"}, {"start": s, "end": e, "agency": "sbu"}],
        norms=[{"agent": "customs", "modality": "duty"}],
        counterparts=[],
    )
    folder = tmp_path / "ann"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert "Митні органи" not in (folder / "a.jsonl").read_text(encoding="utf-8")  # no legal text copied
    build = to_gold(store, load_annotations(folder))
    assert not build.errors
    line = build.lines[0]
    assert line["text"][s:e] == "Служби безпеки України" and line["context"].startswith("Стаття 1.")
    assert record["split"] == split_of("100-20", "art_1__para_2")
    record["sha256"] = "0" * 64
    (folder / "a.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert "hash mismatch" in to_gold(store, load_annotations(folder)).errors[0]
    (folder / "a.jsonl").write_text(
        json.dumps({**record, "norms": [{"agent": "customs", "modality": "x"}]}) + "\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="unknown modality") as err:
        load_annotations(folder)
    assert "a.jsonl:1" in str(err.value)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({0.6: 0.84, 0.8: 0.8461, 0.9: 0.8461, 1.01: 0.8461}, 1.01),  # overriding never helps: the rules decide
        ({0.6: 0.8963, 0.65: 0.893, 0.95: 0.893}, 0.6),  # a lower threshold that scores better wins
        ({0.7: 0.88001, 0.75: 0.88004}, 0.75),  # equal to four places: the more conservative one
        ({0.75: 0.7854, 0.8: 0.7852, 1.01: 0.7849}, 1.01),  # a gain within noise does not let the model overrule
        ({0.75: 0.7900, 1.01: 0.7849}, 0.75),
    ],
)
def test_the_override_threshold_is_the_best_and_most_conservative(scores: dict[float, float], expected: float) -> None:
    assert choose_threshold(scores) == expected


def test_tuning_sets_report_the_units_they_cannot_read(store: Store, tmp_path: Path) -> None:
    edition = store.edition_at("100-20")
    units = [u for u in units_of("100-20", store.provisions(edition.edition_id)) if u.eid == "art_1__para_2"]
    good = annotation_record(units[0], edition.date, agencies=[], norms=[], counterparts=[])
    changed = {**good, "sha256": "0" * 64}
    (tmp_path / "tagging").mkdir()
    dev = tmp_path / "counterparts-dev"
    dev.mkdir()
    (dev / "a.jsonl").write_text(json.dumps(good) + "\n", encoding="utf-8")
    (dev / "b.jsonl").write_text(json.dumps(changed) + "\n", encoding="utf-8")
    read, errors = _tuning_units(store, tmp_path / "tagging")
    assert len(read) == 1
    assert len(errors) == 1 and "b.jsonl" in errors[0] and "hash mismatch" in errors[0]


def test_train_needs_annotations(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "none"
    empty.mkdir()
    assert main(["train", "--db", store.path, "--annotations", str(empty), "--out", str(tmp_path / "m.json")]) == 2
    assert "no annotations to train on" in capsys.readouterr().err
    assert EXIT_FAILED == 1


def test_project_annotations_are_valid_and_large_enough() -> None:
    folder = Path(__file__).resolve().parent.parent / "annotations" / "tagging"
    annotations = load_annotations(folder)
    assert len(annotations) >= 300
    modalities = {n["modality"] for a in annotations for n in a.norms}
    assert modalities == {"task", "power", "duty", "prohibition"}
    by_article: dict[str, set[str]] = {}
    for a in annotations:
        by_article.setdefault(f"{a.work}#{a.eid.split('__')[0]}", set()).add(a.split)
    assert all(len(splits) == 1 for splits in by_article.values())  # split by article
    assert {"train", "dev"} == {s for splits in by_article.values() for s in splits}


def test_a_change_to_the_rule_code_gives_a_new_tagger_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stored tags are keyed by the tagger version: code that decides the output must be part of it, or an upgraded
    normgap would keep the old rules' tags."""
    import importlib.resources as resources

    from pipeline.tagging import tagger as tagger_module

    real_files = resources.files
    copy = tmp_path / "pipeline"
    (copy / "data").mkdir(parents=True)
    (copy / "tagging").mkdir()
    for name in ("agencies.toml", "cues.toml"):
        (copy / "data" / name).write_bytes((real_files("pipeline") / "data" / name).read_bytes())
    for name in tagger_module._RULE_MODULES:
        (copy / "tagging" / name).write_bytes((real_files("pipeline.tagging") / name).read_bytes())
    monkeypatch.setattr(
        tagger_module.resources, "files", lambda package: copy if package == "pipeline" else copy / "tagging"
    )
    same = tagger_module._data_digest()
    with (copy / "tagging" / "norms.py").open("a", encoding="utf-8") as f:
        f.write("\n# a changed rule\n")
    changed = tagger_module._data_digest()
    monkeypatch.setattr(tagger_module.resources, "files", real_files)
    assert same == tagger_module._data_digest()
    assert changed != same


def test_annotations_of_an_instrument_are_scored_as_english(store: Store, tmp_path: Path) -> None:
    from pipeline.parse.treaty_en import parse_treaty_text
    from pipeline.tagging.evaluate import Prediction, load_gold_lines, score

    text = (Path(__file__).parent / "fixtures" / "treaties" / "convention.txt").read_text(encoding="utf-8")
    store.ensure_work(TrackedAct("convention", "Model Convention on Cooperation against Border Offences"))
    store.save_edition("convention", dt.date(2000, 11, 15), parse_treaty_text(text, slug="convention"))
    edition = store.edition_at("convention")
    assert edition.lang == "en" and store.edition_at("100-20").lang == "uk"
    unit = next(u for u in units_of("convention", store.provisions(edition.edition_id)) if u.eid == "art_2__para_3")
    record = annotation_record(
        unit,
        edition.date,
        agencies=[{"start": 5, "end": 10, "agency": "state_party"}],
        norms=[{"agent": "state_party", "modality": "duty"}],
        counterparts=[],
    )
    folder = tmp_path / "en"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    build = to_gold(store, load_annotations(folder))
    assert not build.errors and build.lines[0]["lang"] == "en"
    gold = load_gold_lines(build.lines)
    tagged = Tagger().tag(gold[0].text, gold[0].context, lang=gold[0].lang)
    result = score(gold, [Prediction(tagged.mentions, tagged.norm_pairs(), frozenset(tagged.counterparts))])
    assert result["norm_f1"] == 1.0 and result["agency_f1"] == 1.0
