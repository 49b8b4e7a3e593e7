"""The comparator: rank the national articles for an international provision and decide a status.

Signals (all cross-lingual without translating the instrument):
- concept overlap: thesaurus concepts found in the English provision and in the article, weighted by how
  rare each concept is in the national corpus;
- lemma retrieval: BM25 over the article's content lemmas, the query being the Ukrainian lemmas of the
  concepts found;
- norm compatibility: the provision's bearer (English tagger: "Customs" -> customs, "competent
  authorities" / "States Parties" -> any agency) and modality ("shall" needs a national duty or power);
- embedding similarity: multilingual-e5 vectors of the English provision and the Ukrainian article
  (pipeline.align.embed), which carries what the thesaurus does not list.
A logistic regression trained on the project's annotations (pipeline.align.model) weighs the signals
into a rank score, and a second one decides the status from the best candidates. Every alignment keeps
its candidates with scores, the matched concepts, the evidence provisions inside each article, the
method and its version. Provisions of non-binding instruments get "not_applicable".
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np

from pipeline.align.embed import Embedder
from pipeline.align.index import ArticleDoc, NationalIndex, content, lemma_stream
from pipeline.align.model import STATUSES, AlignModel, load_model
from pipeline.align.thesaurus import Thesaurus
from pipeline.tagging.tagger import Tagger, TaggingError

# A named body binds the national side only when it is an agency of its own; these stand for "any".
_ANY_AGENT = frozenset({"state_party", "competent_authority"})
K1, B = 1.2, 0.75
EMBEDDING_POOL = 50  # the articles nearest in embedding space join the lexical candidates
SHORTLIST = 300  # candidates scored with every feature and the rank model
STRONG_AT = 0.5  # a candidate whose rank score passes this counts as strong evidence


@dataclass(frozen=True)
class Candidate:
    provision: str  # WORK#art_N
    score: float
    concept_score: float
    bm25: float
    similarity: float  # cosine of the embeddings (0 without the embedding signal)
    concepts: tuple[str, ...]
    evidence: tuple[str, ...]  # provisions inside the article holding the matched concepts
    heading: str

    def as_json(self) -> dict[str, Any]:
        return {
            "provision": self.provision,
            "score": self.score,
            "concept_score": self.concept_score,
            "bm25": self.bm25,
            "similarity": self.similarity,
            "concepts": list(self.concepts),
            "evidence": list(self.evidence),
            "heading": self.heading,
        }


@dataclass(frozen=True)
class Alignment:
    provision: str  # the international provision id
    text: str
    status: str
    confidence: float
    candidates: tuple[Candidate, ...]
    concepts: tuple[str, ...]
    norms: tuple[tuple[str, str], ...]
    method: str
    reason: str = ""
    signals: dict[str, float] = field(default_factory=dict)  # the status model's features

    def as_json(self) -> dict[str, Any]:
        return {
            "provision": self.provision,
            "status": self.status,
            "confidence": self.confidence,
            "concepts": list(self.concepts),
            "norms": [list(n) for n in self.norms],
            "method": self.method,
            "reason": self.reason,
            "signals": {k: round(v, 4) for k, v in self.signals.items()},
            "candidates": [c.as_json() for c in self.candidates],
        }


def method_version(thesaurus: Thesaurus, model: AlignModel, embeddings: bool) -> str:
    h = hashlib.sha256(json.dumps([(c.id, c.en, c.uk) for c in thesaurus.concepts], ensure_ascii=False).encode())
    h.update((resources.files("pipeline") / "align" / "compare.py").read_bytes())
    h.update(json.dumps(model.as_json(), sort_keys=True).encode())
    signals = "concepts+bm25+norms" + ("+e5" if embeddings else "")
    return f"{signals}+lr-{h.hexdigest()[:10]}"


@dataclass(frozen=True)
class Scored:
    """One candidate article with its signals (features of the rank model) and its rank score."""

    doc: ArticleDoc
    position: int  # the article's index in NationalIndex.docs
    features: dict[str, float]
    score: float
    concept_score: float
    bm25: float
    similarity: float
    shared: frozenset[str]
    passage: tuple[str, ...] = ()  # the parts of the best-matching later chunk, if one beats the start


@dataclass
class Comparator:
    index: NationalIndex
    thesaurus: Thesaurus
    tagger: Tagger = field(default_factory=lambda: Tagger(use_model=False))
    model: AlignModel = field(default_factory=load_model)
    embedder: Embedder | None = None
    top: int = 10

    def __post_init__(self) -> None:
        self.version = method_version(self.thesaurus, self.model, self.index.vectors is not None)
        self.concepts = self.thesaurus.by_id()
        vectors, chunks = self.index.vectors, self.index.chunk_vectors
        self._vectors64 = vectors.astype(np.float64) if vectors is not None else np.zeros((0, 0))
        self._chunks64 = chunks.astype(np.float64) if chunks is not None and len(chunks) else None
        works = sorted({d.work for d in self.index.docs})
        self._acts = (works, np.array([works.index(d.work) for d in self.index.docs], dtype=np.int64))
        # for each article, the parts holding each concept (part_concept looks only at those)
        self._parts_with: list[dict[str, tuple[int, ...]]] = []
        for d in self.index.docs:
            parts: dict[str, list[int]] = {}
            for k, held in enumerate(d.provision_concepts.values()):
                for c in held:
                    parts.setdefault(c, []).append(k)
            self._parts_with.append({c: tuple(ks) for c, ks in parts.items()})

    def query_terms(self, concept_ids: Sequence[str]) -> Counter[str]:
        terms: Counter[str] = Counter()
        for cid in concept_ids:
            seen: set[str] = set()
            for variant in self.concepts[cid].uk:
                seen.update(content(lemma_stream(variant)))
            terms.update(seen)
        return terms

    def concept_weights(self, concept_ids: Sequence[str]) -> tuple[dict[str, float], float]:
        """Each concept's rarity in the national corpus (its idf), and their sum (1 when there is none)."""
        weights = {c: self.index.concept_idf(c) for c in concept_ids}
        return weights, sum(weights.values()) or 1.0

    def concept_query(self, text: str) -> str:
        """The provision's thesaurus concepts in Ukrainian (their first variants, most frequent first): a
        Ukrainian query for the embedder, which matches Ukrainian law better than the English text does."""
        found = self.thesaurus.english_concepts(text)
        return "; ".join(self.concepts[c].uk[0] for c in sorted(found, key=lambda c: (-found[c], c)))

    def query_vectors(self, texts: Sequence[str], officials: Sequence[str | None] | None = None) -> np.ndarray | None:
        """(n, 2, dim): each text's English query vector and its Ukrainian query's: the official Ukrainian text of
        the provision where the store holds one, else its concepts (zeros when it has none); None without the
        embedding signal."""
        if self.embedder is None or self.index.vectors is None or not texts:
            return None
        english = self.embedder.queries(list(texts))
        queries = [_official_or(officials, i) or self.concept_query(t) for i, t in enumerate(texts)]
        wanted = [i for i, q in enumerate(queries) if q]
        ukrainian = np.zeros_like(english)
        if wanted:
            ukrainian[wanted] = self.embedder.queries([queries[i] for i in wanted])
        return np.stack([english, ukrainian], axis=1)

    def _passages(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        # einsum, not BLAS: BLAS sums in an order that depends on its thread count, which differs between
        # this process and a Dask worker, and the last digit of a score must not depend on the engine
        sims = np.einsum("ij,j->i", self._vectors64, q)
        best = sims.copy()
        chunk_sims = None
        if self._chunks64 is not None and self.index.chunk_owner is not None:
            chunk_sims = np.einsum("ij,j->i", self._chunks64, q)
            np.maximum.at(best, self.index.chunk_owner, chunk_sims)
        return sims, best, chunk_sims

    def similarities(
        self, text: str, vector: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None] | None:
        """Cosine of the English provision with every article (its start), with the article's best passage
        (its start or one of its later chunks) and with every chunk, and of the Ukrainian concept query with
        each article's best passage; None without the embedding signal. `vector` is query_vectors' (2, dim)."""
        if self.index.vectors is None:
            return None
        if vector is None:
            found = self.query_vectors([text])
            if found is None:
                return None
            vector = found[0]
        pair = np.asarray(vector, dtype=np.float64)
        if pair.ndim == 1:  # an English query vector alone
            pair = np.stack([pair, np.zeros_like(pair)])
        sims, best, chunk_sims = self._passages(pair[0])
        uk_best = self._passages(pair[1])[1] if np.any(pair[1]) else None
        return sims, best, chunk_sims, uk_best

    def passage_evidence(self, chunks: np.ndarray | None, doc_index: int, article_similarity: float) -> tuple[str, ...]:
        """The parts of the article's best chunk, when a later chunk matches better than its start."""
        owner = self.index.chunk_owner
        if chunks is None or owner is None:
            return ()
        lo, hi = np.searchsorted(owner, doc_index, "left"), np.searchsorted(owner, doc_index, "right")
        if lo == hi:
            return ()
        k = lo + int(np.argmax(chunks[lo:hi]))
        return self.index.chunk_eids[k][:3] if chunks[k] > article_similarity else ()

    def act_similarity(self, sims: np.ndarray | None) -> dict[str, float]:
        """How close the provision is to each act as a whole (mean of its articles' similarities), scaled
        so the closest act has 1 and the farthest 0: which code a provision belongs in."""
        if sims is None:
            return {}
        works, members = self._acts
        means = np.bincount(members, weights=sims, minlength=len(works)) / np.bincount(members, minlength=len(works))
        low, high = float(means.min()), float(means.max())
        return {w: (float(m) - low) / (high - low) if high > low else 0.0 for w, m in zip(works, means, strict=True)}

    def part_concept(self, doc: int, shared: frozenset[str], weights: dict[str, float], total: float) -> float:
        """The largest share of the provision's concept weight that one part of the article holds."""
        held: dict[int, float] = {}
        for c in sorted(shared):  # sorted: a sum in set order would differ in its last bit between runs
            for part in self._parts_with[doc].get(c, ()):
                held[part] = held.get(part, 0.0) + weights[c]
        return max(held.values(), default=0.0) / total

    def score_candidates(
        self,
        text: str,
        found: dict[str, int],
        topics: Sequence[str],
        agents: set[str],
        vector: np.ndarray | None,
        official: str | None = None,
    ) -> list[Scored]:
        concept_ids = sorted(found)
        wanted_topics = set(topics) | {self.concepts[c].topic for c in concept_ids}
        weights, total = self.concept_weights(concept_ids)
        query = self.query_terms(concept_ids)
        if official:
            # the official Ukrainian text's own words join the concepts' in the lemma query
            query.update(set(content(lemma_stream(official))) - set(query))
        found_sims = self.similarities(text, vector)
        sims, best, chunk_sims, uk_best = found_sims if found_sims is not None else (None, None, None, None)
        pool = set(self.index.candidates(list(query), concept_ids))
        z, zb, zu = _standardised(sims), _standardised(best), _standardised(uk_best)
        for nearest in (sims, best, uk_best):
            if nearest is not None and len(nearest) > 1:
                pool.update(int(i) for i in np.argsort(-nearest, kind="stable")[:EMBEDDING_POOL])
        avg = self.index.avg_length or 1.0
        bm25 = self.index.bm25_all(query)
        # concepts as BM25 terms: saturated by how many provisions hold them, long articles discounted;
        # walked along each concept's postings, like the terms
        saturated: dict[int, float] = {}
        shared_by: dict[int, set[str]] = {}
        for c in concept_ids:
            for i in self.index.concept_postings.get(c, ()):
                doc = self.index.docs[i]
                tf = doc.concept_tf[c]
                norm = K1 * (1 - B + B * doc.length / avg)
                saturated[i] = saturated.get(i, 0.0) + weights[c] * tf * (K1 + 1) / (tf + norm)
                shared_by.setdefault(i, set()).add(c)
        concept = np.zeros(len(self.index.docs), dtype=np.float64)
        for i, v in saturated.items():
            concept[i] = v / (total * (K1 + 1))
        members = np.asarray(sorted(pool), dtype=np.int64)
        top_bm = float(bm25[members].max(initial=0.0)) or 1.0
        top_cs = float(concept[members].max(initial=0.0)) or 1.0
        top_z = float(z.max()) if z is not None else 1.0
        top_zb = float(zb.max()) if zb is not None else 1.0
        top_zu = float(zu.max()) if zu is not None else 1.0
        act_fit = self.act_similarity(sims)
        if len(members) > SHORTLIST:
            # only the head of a cheap ordering (the main signals at equal weight) gets the full features
            cheap = concept[members] / top_cs + bm25[members] / top_bm
            if z is not None:
                cheap = cheap + np.maximum(z[members], 0.0) / top_z
            if zu is not None:
                cheap = cheap + np.maximum(zu[members], 0.0) / top_zu
            members = members[np.argsort(-cheap, kind="stable")[:SHORTLIST]]
        raw = [(int(i), float(concept[i]), float(bm25[i]), frozenset(shared_by.get(int(i), ()))) for i in members]
        scored = []
        for i, cs, bm, shared in raw:
            doc = self.index.docs[i]
            zi = float(z[i]) if z is not None else 0.0
            heading = doc.provision_concepts.get(doc.eid, set())
            features = {
                "concept": cs / top_cs,
                "bm25": bm / top_bm,
                "topic": len(wanted_topics & doc.topics) / len(wanted_topics) if wanted_topics else 0.0,
                "agent": 1.0 if agents and agents & doc.agencies else 0.0,
                "embedding": max(zi, 0.0) / top_z if top_z > 0 else 0.0,
                "embedding_z": max(min(zi / 5.0, 1.5), -1.0),
                "passage_embedding": max(float(zb[i]), 0.0) / top_zb if zb is not None and top_zb > 0 else 0.0,
                "concept_embedding": max(float(zu[i]), 0.0) / top_zu if zu is not None and top_zu > 0 else 0.0,
                "concept_abs": cs,
                "heading_concept": 1.0 if shared & heading else 0.0,
                # the concepts one part holds together (an offence and its object in one point)
                "part_concept": self.part_concept(i, shared, weights, total),
                "act_embedding": act_fit.get(doc.work, 0.0),
            }
            sim = float(best[i]) if best is not None else 0.0
            scored.append(Scored(doc, i, features, self.model.rank.score(features), cs, bm, sim, shared))
        scored.sort(key=lambda r: (-r.score, r.doc.id))
        if chunk_sims is not None and sims is not None:
            for k, r in enumerate(scored[: self.top]):
                passage = self.passage_evidence(chunk_sims, r.position, float(sims[r.position]))
                scored[k] = dataclasses.replace(r, passage=passage)
        return scored

    def align(
        self,
        provision: str,
        text: str,
        *,
        force: str = "binding",
        topics: Sequence[str] = (),
        vector: np.ndarray | None = None,
        official: str | None = None,
    ) -> Alignment:
        found = self.thesaurus.english_concepts(text)
        concept_ids = sorted(found)
        try:
            norms = tuple(sorted(self.tagger.tag(text, "", lang="en").norm_pairs()))
        except TaggingError:
            norms = ()
        agents = {a for a, _ in norms} - _ANY_AGENT
        scored = self.score_candidates(text, found, topics, agents, vector, official)
        candidates = tuple(
            Candidate(
                r.doc.id,
                round(r.score, 4),
                round(r.concept_score, 4),
                round(r.bm25, 3),
                round(r.similarity, 4),
                tuple(sorted(r.shared)),
                _evidence(r),
                r.doc.heading,
            )
            for r in scored[: self.top]
        )
        weights, total = self.concept_weights(concept_ids)
        absent = [c for c in concept_ids if not self.index.concept_df.get(c)]
        covered = set().union(*(r.shared for r in scored[:5])) if scored else set()
        signals = {
            "best_rank_score": scored[0].score if scored else 0.0,
            "second_rank_score": scored[1].score if len(scored) > 1 else 0.0,
            "best_embedding_z": max((r.features["embedding_z"] for r in scored[:5]), default=0.0),
            "max_similarity": max((r.similarity for r in scored[:5]), default=0.0),
            "coverage": sum(weights[c] for c in sorted(covered)) / total if concept_ids else 0.0,
            "absent_share": sum(weights[c] for c in absent) / total if concept_ids else 0.0,
            "concepts": math.log1p(len(concept_ids)),
            "strong_candidates": float(sum(r.score >= STRONG_AT for r in scored[:10])),
        }
        status, confidence, reason = self.decide(signals, force, absent)
        if official:
            reason += "; queried with the official Ukrainian text"
        return Alignment(
            provision, text, status, confidence, candidates, tuple(concept_ids), norms, self.version, reason, signals
        )

    def decide(self, signals: dict[str, float], force: str, absent: Sequence[str] = ()) -> tuple[str, float, str]:
        if force != "binding":
            return "not_applicable", 1.0, f"{force}: reported, never flagged as a gap"
        probabilities = self.model.status.probabilities(signals)
        status = max(STATUSES, key=lambda s: (probabilities[s], -STATUSES.index(s)))
        evidence = (
            f"best candidate {signals['best_rank_score']:.2f}, concept coverage {signals['coverage']:.2f}, "
            f"similarity {signals['max_similarity']:.2f}"
        )
        if absent:
            evidence += f"; no national provision has: {', '.join(absent)}"
        odds = ", ".join(f"{s} {probabilities[s]:.2f}" for s in STATUSES)
        return status, round(probabilities[status], 3), f"{evidence} ({odds})"


def _official_or(officials: Sequence[str | None] | None, i: int) -> str:
    return (officials[i] or "") if officials is not None else ""


def _standardised(values: np.ndarray | None) -> np.ndarray | None:
    """z-scores over the corpus, so that similarities of different queries compare."""
    if values is None or len(values) < 2:
        return None
    return (values - values.mean()) / (values.std() or 1.0)


def _evidence(r: Scored) -> tuple[str, ...]:
    """Where to look in the article: the passage that matched best, then the parts holding shared concepts."""
    eids = list(r.passage)
    eids += [eid for eid, cons in r.doc.provision_concepts.items() if cons & r.shared and eid not in eids]
    return tuple(f"{r.doc.work}#{eid}" for eid in eids[:5])


def contains(candidate: str, gold: str) -> bool:
    """A candidate counts when it is, lies inside, or contains the gold provision (gold-format.md)."""
    return candidate == gold or candidate.startswith(gold + "__") or gold.startswith(candidate + "__")


def alignment_metrics(gold: Sequence[dict[str, Any]], predicted: Sequence[Alignment]) -> dict[str, Any]:
    hits = {1: 0, 5: 0, 10: 0}
    rr = 0.0
    with_gold = 0
    tp = fp = fn = 0
    correct = 0
    for g, a in zip(gold, predicted, strict=True):
        ranked = [c.provision for c in a.candidates[:10]]
        if g["implemented_by"]:
            with_gold += 1
            first = next((i for i, c in enumerate(ranked) if any(contains(c, x) for x in g["implemented_by"])), None)
            if first is not None:
                rr += 1 / (first + 1)
                for k in hits:
                    if first < k:
                        hits[k] += 1
        gold_gap = g["status"] == "not_implemented"
        pred_gap = a.status == "not_implemented"
        tp += gold_gap and pred_gap
        fp += pred_gap and not gold_gap
        fn += gold_gap and not pred_gap
        correct += g["status"] == a.status
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    n = with_gold or 1
    return {
        "lines": len(gold),
        "recall_at_1": round(hits[1] / n, 4),
        "recall_at_5": round(hits[5] / n, 4),
        "recall_at_10": round(hits[10] / n, 4),
        "mrr": round(rr / n, 4),
        "gap_precision": round(p, 4),
        "gap_recall": round(r, 4),
        "gap_f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "status_accuracy": round(correct / len(gold), 4) if gold else 0.0,
        "counts": {"with_implementing_provisions": with_gold, "gap_tp": tp, "gap_fp": fp, "gap_fn": fn},
    }
