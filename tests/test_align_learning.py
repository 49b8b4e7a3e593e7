"""The embedding signal (cache, encoder errors), the learned rank/status models and their training."""

from __future__ import annotations

import dataclasses
import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from pipeline.align.embed import Embedder, EmbeddingError, VectorCache
from pipeline.align.learn import train
from pipeline.align.model import RANK_FEATURES, STATUS_FEATURES, load_model, parse_model, save_model
from pipeline.align.run import make_comparator
from pipeline.align.thesaurus import default_thesaurus
from pipeline.cli import EXIT_OK, main
from pipeline.errors import ConfigError
from pipeline.records import TrackedAct
from pipeline.store import Store

# Topic words -> a direction: a stand-in encoder whose geometry we know, so the tests can say which article
# the embedding signal must bring forward.
_TOPICS = {
    "контрабанд": 0,
    "smuggl": 0,
    "огляд": 1,
    "examin": 1,
    "прав": 1,
    "повідомл": 2,
    "inform": 2,
    "notif": 2,
}


class TopicEncoder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def _vec(self, text: str) -> np.ndarray:
        v = np.full(4, 0.05, dtype=np.float32)
        low = text.lower()
        for stem, axis in _TOPICS.items():
            v[axis] += low.count(stem)
        return v / np.linalg.norm(v)

    def query(self, texts: list[str]) -> np.ndarray:
        self.calls.append(("query", len(texts)))
        return np.stack([self._vec(t) for t in texts])

    def passage(self, texts: list[str]) -> np.ndarray:
        self.calls.append(("passage", len(texts)))
        return np.stack([self._vec(t) for t in texts])


class BrokenEncoder(TopicEncoder):
    def passage(self, texts: list[str]) -> np.ndarray:
        raise RuntimeError("illegal instruction")


def test_embeddings_are_cached_by_text_and_role(tmp_path: Path) -> None:
    encoder = TopicEncoder()
    cache = VectorCache(tmp_path / "emb.sqlite")
    progress: list[tuple[int, int]] = []
    embedder = Embedder(cache, loader=lambda: encoder, progress=lambda d, t: progress.append((d, t)))
    first = embedder.passages(["Контрабанда товарів", "Посадові особи мають право"])
    assert encoder.calls == [("passage", 2)] and progress == [(2, 2)]
    again = Embedder(VectorCache(tmp_path / "emb.sqlite"), loader=lambda: encoder)  # a later run
    np.testing.assert_allclose(again.passages(["Контрабанда товарів", "Посадові особи мають право"]), first)
    assert encoder.calls == [("passage", 2)]  # nothing re-embedded
    again.queries(["Контрабанда товарів"])  # a query of the same text is another vector (e5 prefixes differ)
    assert encoder.calls[-1] == ("query", 1)
    assert first.shape == (2, 4)


def test_a_failing_model_is_an_error_and_the_cache_keeps_what_was_done(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "emb.sqlite")
    Embedder(cache, loader=TopicEncoder).passages(["перший текст"])
    with pytest.raises(EmbeddingError, match="failed on a batch of 1"):
        Embedder(cache, loader=BrokenEncoder).passages(["перший текст", "другий текст"])
    assert cache.conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] == 1


def test_embedder_travels_to_workers_without_its_cache(tmp_path: Path) -> None:
    embedder = Embedder(VectorCache(tmp_path / "emb.sqlite"), loader=TopicEncoder)
    clone = pickle.loads(pickle.dumps(embedder))
    assert clone.cache is None and clone.progress is None


def test_the_embedding_signal_brings_in_an_article_the_thesaurus_misses(store: Store, tmp_path: Path) -> None:
    acts = [TrackedAct("100-20", "t", topics=("customs",))]
    text = "Officials may examine goods and require documents."  # no thesaurus concept names art_2
    lexical = make_comparator(store, acts, default_thesaurus())
    embedder = Embedder(VectorCache(tmp_path / "emb.sqlite"), loader=TopicEncoder)
    semantic = make_comparator(store, acts, default_thesaurus(), embedder=embedder)
    without = [c.provision for c in lexical.align("t#art_1", text).candidates]
    with_embeddings = semantic.align("t#art_1", text).candidates
    assert with_embeddings[0].provision == "100-20#art_2"
    assert with_embeddings[0].similarity > 0.5
    assert "+e5+" in semantic.version and "+e5+" not in lexical.version
    assert without[:1] != ["100-20#art_2"]


def test_shipped_model_is_valid() -> None:
    model = load_model()
    assert len(model.rank.weights) == len(RANK_FEATURES)
    assert all(len(row) == len(STATUS_FEATURES) for row in model.status.coef)
    assert model.trained_on and all("heldout" not in f for f in model.trained_on)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["rank"].update(features=["concept"]), "rank features"),
        (lambda d: d["status"].update(classes=["yes", "no", "maybe"]), "status classes"),
        (lambda d: d["rank"].update(weights=[1.0]), "rank weights"),
        (lambda d: d.pop("status"), "malformed alignment model"),
    ],
)
def test_a_bad_model_file_is_an_error_naming_it(tmp_path: Path, edit: object, message: str) -> None:
    data = load_model().as_json()
    edit(data)  # type: ignore[operator]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as err:
        load_model(path)
    assert str(path) in str(err.value)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read"):
        load_model(path)


def _lines() -> list[dict[str, object]]:
    def line(n: int, text: str, gold: list[str], status: str) -> dict[str, object]:
        return {"id": f"t#art_{n}", "text": text, "implemented_by": gold, "status": status, "topics": ()}

    return [
        line(1, "Each Party shall prevent and combat smuggling of goods.", ["100-20#art_1"], "implemented"),
        line(2, "Smuggling shall be punishable by penalties.", ["100-20#art_2-1"], "implemented"),
        line(3, "Customs officers may examine goods and require documents.", ["100-20#art_2"], "partial"),
        line(4, "Customs shall inform the security service of smuggling found.", ["100-20#art_1__para_2"], "partial"),
        line(5, "Each Party shall establish a space agency for satellites.", [], "not_implemented"),
        line(6, "Each Party shall regulate fisheries quotas on the high seas.", [], "not_implemented"),
    ]


def test_training_fits_both_models_and_reproduces(store: Store, tmp_path: Path) -> None:
    acts = [TrackedAct("100-20", "t", topics=("customs",))]
    embedder = Embedder(VectorCache(tmp_path / "emb.sqlite"), loader=TopicEncoder)
    comparator = make_comparator(store, acts, default_thesaurus(), embedder=embedder)
    lines = _lines()
    model = train(comparator, lines, ["lines"])
    assert model == train(comparator, lines, ["lines"])  # deterministic: same data, same model
    # and independent of the model in place when training starts
    assert train(dataclasses.replace(comparator, model=model), lines, ["lines"]) == model
    trained = dataclasses.replace(comparator, model=model)
    gaps = [trained.align(str(g["id"]), str(g["text"])).status for g in lines if not g["implemented_by"]]
    assert gaps == ["not_implemented", "not_implemented"]
    first = trained.align("t#art_2", str(lines[1]["text"])).candidates[0]
    assert first.provision == "100-20#art_2-1"
    path = tmp_path / "model.json"
    save_model(model, path)
    assert parse_model(json.loads(path.read_text(encoding="utf-8")), str(path)) == model


def test_training_needs_every_status(store: Store) -> None:
    comparator = make_comparator(store, [TrackedAct("100-20", "t")], default_thesaurus())
    with pytest.raises(Exception, match="no example of status"):
        train(comparator, [g for g in _lines() if g["status"] != "partial"], ["lines"])


def test_train_alignment_cli(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "train-x.jsonl"
    gold.write_text(
        "".join(json.dumps({k: v for k, v in g.items() if k != "topics"}) + "\n" for g in _lines()), encoding="utf-8"
    )
    acts = tmp_path / "acts.toml"
    acts.write_text('[[act]]\nnreg = "100-20"\ntitle = "t"\ntopics = ["customs"]\n', encoding="utf-8")
    out = tmp_path / "model.json"
    args = ["train-alignment", "--gold", str(gold), "--db", store.path, "--acts-file", str(acts)]
    code = main([*args, "--out", str(out), "--no-embeddings", "--json", "--eval", str(gold)])
    assert code == EXIT_OK
    report = json.loads(capsys.readouterr().out)
    assert report["written"] == str(out) and report["training_lines"] == 6
    assert report[str(gold)]["recall_at_5"] == 1.0
    assert load_model(out).trained_on == (str(gold),)
    gold.write_text(json.dumps({**_lines()[0], "implemented_by": ["999-99#art_1"]}) + "\n", encoding="utf-8")
    assert main([*args, "--out", str(out), "--no-embeddings"]) != EXIT_OK
    assert "999-99" in capsys.readouterr().err


def test_comparator_without_embeddings_still_ranks(store: Store) -> None:
    lexical = make_comparator(store, [TrackedAct("100-20", "t")], default_thesaurus())
    result = lexical.align("t#art_1", "The purpose is to prevent and combat smuggling.")
    assert result.candidates[0].provision == "100-20#art_1" and result.candidates[0].similarity == 0.0
    assert set(result.signals) == set(STATUS_FEATURES)


def test_long_articles_are_embedded_in_chunks_that_keep_their_heading(tmp_path: Path) -> None:
    from pipeline.align.index import ArticleDoc, doc_chunks, doc_text
    from pipeline.records import Provision

    parts = [Provision("art_7", "art", "7", "Обмін інформацією", "", None, 0, None)]
    for n in range(1, 13):
        parts.append(
            Provision(
                f"art_7__para_{n}", "para", str(n), None, f"Частина {n}: " + "митні органи діють. " * 6, None, n, None
            )
        )
    doc = ArticleDoc("100-20", "art_7", "Обмін інформацією", "2022-04-01", parts)
    chunks = doc_chunks(doc)
    assert chunks and all(text.startswith("Стаття 7. Обмін інформацією. ") for text, _ in chunks)
    covered = [eid for _, eids in chunks for eid in eids]
    assert covered == sorted(covered, key=lambda e: int(e.rsplit("_", 1)[1]))  # in order, none twice
    assert covered[-1] == "art_7__para_12" and "art_7__para_1" not in covered  # the start is the article's own
    assert all(len(text) <= 700 for text, _ in chunks)
    short = ArticleDoc("100-20", "art_8", "Коротка", "2022-04-01", parts[:2])
    assert len(doc_text(short)) <= 700 and doc_chunks(short) == []


def test_a_match_deep_inside_a_long_article_counts(store: Store, tmp_path: Path) -> None:
    """The best passage of an article, not only its start, gives its similarity."""
    from pipeline.align.index import NationalIndex

    acts = [TrackedAct("100-20", "t", topics=("customs",))]
    embedder = Embedder(VectorCache(tmp_path / "emb.sqlite"), loader=TopicEncoder)
    comparator = make_comparator(store, acts, default_thesaurus(), embedder=embedder)
    index: NationalIndex = comparator.index
    assert index.vectors is not None
    target = next(i for i, d in enumerate(index.docs) if d.eid == "art_2-1")
    # a chunk of art_2-1 about notifying, as if its later parts dealt with it
    index.chunk_vectors = TopicEncoder().passage(["повідомляти повідомлення"])
    index.chunk_owner = np.asarray([target])
    index.chunk_eids = [("art_2-1__para_2",)]
    deep = dataclasses.replace(comparator)  # rebuilt with the chunk
    query = "Customs shall notify and inform."
    plain = {c.provision: c.similarity for c in comparator.align("t#1", query).candidates}
    with_chunk = {c.provision: c.similarity for c in deep.align("t#1", query).candidates}
    assert with_chunk["100-20#art_2-1"] > plain.get("100-20#art_2-1", 0.0)
    assert with_chunk["100-20#art_2-1"] > 0.9
    best = next(c for c in deep.align("t#1", query).candidates if c.provision == "100-20#art_2-1")
    assert best.evidence[0] == "100-20#art_2-1__para_2"  # the passage that matched, first


def test_each_provision_is_also_queried_by_its_concepts_in_ukrainian(store: Store, tmp_path: Path) -> None:
    encoder = TopicEncoder()
    embedder = Embedder(VectorCache(tmp_path / "emb.sqlite"), loader=lambda: encoder)
    comparator = make_comparator(store, [TrackedAct("100-20", "t")], default_thesaurus(), embedder=embedder)
    texts = ["Each Party shall prevent smuggling and carry out customs control.", "Nothing to see here."]
    query = comparator.concept_query(texts[0])
    assert "контрабанда" in query and "митний контроль" in query
    assert comparator.concept_query(texts[1]) == ""
    vectors = comparator.query_vectors(texts)
    assert vectors is not None and vectors.shape == (2, 2, 4)
    assert not vectors[1, 1].any()  # no concept, no Ukrainian query
    np.testing.assert_allclose(vectors[0, 1], encoder._vec(query))
    given = comparator.align("t#1", texts[0], vector=vectors[0])
    computed = comparator.align("t#1", texts[0])  # the comparator embeds both queries itself
    assert given.as_json() == computed.as_json()
    english_only = comparator.align("t#1", texts[0], vector=vectors[0, 0])
    assert english_only.signals != given.signals  # the Ukrainian query is a signal of its own
