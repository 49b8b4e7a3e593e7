"""Tagging on the real corpus: the project's held-out annotations (built from a mirror refresh), the shipped
model reproduced by `normgap train`, and a full `normgap tag` of the mirror acts. Skips without ../shared."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.annotations import load_annotations, to_gold
from pipeline.cli import main
from pipeline.store import Store
from pipeline.tagging.evaluate import Prediction, load_gold_lines, score
from pipeline.tagging.model import load_model
from pipeline.tagging.tagger import Tagger
from tests.conftest import ROOT, shared_path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The current editions of the 12 mirror acts, refreshed through the real client from serve.py."""
    mirror = shared_path("rada-mirror")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, str(mirror / "serve.py"), "--root", str(mirror), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        folder = tmp_path_factory.mktemp("tagging-corpus")
        db = folder / "c.sqlite"
        code = main(
            [
                "refresh",
                "--mirror",
                f"http://127.0.0.1:{port}",
                "--delay",
                "0",
                "--db",
                str(db),
                "--archive",
                str(folder / "raw"),
                "--acts-file",
                str(ROOT / "corpora" / "acts.toml"),
            ]
        )
        assert code == 0
        yield db
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_held_out_annotations_meet_the_bars(corpus: Path) -> None:
    """Issue 3: agency_f1 >= 0.95 and norm_f1 >= 0.90 on held-out units made by the same guidelines."""
    with Store(corpus) as store:
        build = to_gold(store, load_annotations(ROOT / "annotations" / "tagging"), split="dev")
    assert not build.errors
    gold = load_gold_lines(build.lines)
    assert len(gold) >= 100
    tagger = Tagger()
    preds = []
    for g in gold:
        r = tagger.tag(g.text, g.context, work=g.id.split("#")[0])
        preds.append(Prediction(r.mentions, r.norm_pairs()))
    result = score(gold, preds)
    assert result["agency_f1"] >= 0.95
    assert result["norm_f1"] >= 0.90


@pytest.mark.parametrize(
    ("folder", "floors"),
    [
        # the floors sit a little under the figures measured when the English rules were written (session 8), so a
        # change that loses English ground fails here
        ("english-dev", {"agency_f1": 0.90, "norm_f1": 0.86, "counterpart_f1": 0.62}),
        ("english-dev-2", {"agency_f1": 0.90, "norm_f1": 0.83, "counterpart_f1": 0.56}),
        ("english-dev-3", {"agency_f1": 0.86, "norm_f1": 0.85, "counterpart_f1": 0.51}),
        ("english-heldout", {"agency_f1": 0.78, "norm_f1": 0.74, "counterpart_f1": 0.44}),
        ("english-heldout-2", {"agency_f1": 0.88, "norm_f1": 0.79, "counterpart_f1": 0.57}),
    ],
)
def test_english_annotations_are_scored_in_english(corpus: Path, folder: str, floors: dict[str, float]) -> None:
    with Store(corpus) as store:
        build = to_gold(store, load_annotations(ROOT / "annotations" / folder))
    assert not build.errors
    gold = load_gold_lines(build.lines)
    assert len(gold) >= 90 and {g.lang for g in gold} == {"en"}
    tagger = Tagger()
    preds = []
    for g in gold:
        r = tagger.tag(g.text, g.context, work=g.id.split("#")[0], lang=g.lang)
        preds.append(Prediction(r.mentions, r.norm_pairs(), frozenset(r.counterparts)))
    result = score(gold, preds)
    for metric, floor in floors.items():
        assert result[metric] >= floor, (metric, result[metric])


def test_train_reproduces_the_shipped_model(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "model.json"
    assert main(["train", "--db", str(corpus), "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    shipped = load_model()
    assert shipped is not None
    assert summary["model"] == shipped.version
    assert json.loads(out.read_text(encoding="utf-8"))["weights"] == shipped.weights


def test_tag_the_corpus_finds_agencies_in_every_act(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tag", "--db", str(corpus), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    acts = [e for e in report["editions"] if e["label"].split("@")[0][0].isdigit()]  # not the instruments
    assert len(acts) == 12
    report["editions"] = acts
    assert all(e["mentions"] > 0 and e["norms"] > 0 and not e["failed"] for e in report["editions"])
    assert (
        main(["agencies", "customs", "--db", str(corpus), "--format", "json", "--out", str(corpus.parent / "agencies")])
        == 0
    )
    customs = json.loads(capsys.readouterr().out)[0]
    tasks = {t["unit"] for t in customs["tasks"]}
    assert "4495-17#art_544__para_2__point_10" in tasks  # "запобігання та протидія контрабанді"
    assert customs["counts"]["power"] > 50
