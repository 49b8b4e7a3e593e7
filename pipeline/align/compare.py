"""The comparator: rank the national articles for an international provision and decide a status.

Signals (all cross-lingual without translating the instrument):
- concept overlap: thesaurus concepts found in the English provision and in the article, weighted by how
  rare each concept is in the national corpus;
- lemma retrieval: BM25 over the article's content lemmas, the query being the Ukrainian lemmas of the
  concepts found;
- norm compatibility: the provision's bearer (English tagger: "Customs" -> customs, "competent
  authorities" / "States Parties" -> any agency) and modality ("shall" needs a national duty or power).
Every alignment keeps its candidates with scores, the matched concepts, the evidence provisions inside
each article, the method and its version. Provisions of non-binding instruments get "not_applicable".
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from pipeline.align.index import ArticleDoc, NationalIndex, content, lemma_stream
from pipeline.align.thesaurus import Thesaurus
from pipeline.tagging.tagger import Tagger, TaggingError

STATUSES = ("implemented", "partial", "not_implemented")
# A named body binds the national side only when it is an agency of its own; these stand for "any".
_ANY_AGENT = frozenset({"state_party", "competent_authority"})
# Weights chosen on shared/gold/alignment-dev.jsonl (22 provisions): recall@5 0.81 there, so no claim of generality.
W_CONCEPT, W_BM25, W_AGENT, W_TOPIC = 0.4, 0.4, 0.0, 0.25
IMPLEMENTED_AT, PARTIAL_AT = 0.85, 0.5  # share of the provision's concepts (by rarity) the top five cover
ABSENT_GAP_AT = 0.35  # share (by rarity weight) of the provision's concepts that no national article has
K1, B = 1.2, 0.75


@dataclass(frozen=True)
class Candidate:
    provision: str  # WORK#art_N
    score: float
    concept_score: float
    bm25: float
    concepts: tuple[str, ...]
    evidence: tuple[str, ...]  # provisions inside the article holding the matched concepts
    heading: str

    def as_json(self) -> dict[str, Any]:
        return {
            "provision": self.provision,
            "score": self.score,
            "concept_score": self.concept_score,
            "bm25": self.bm25,
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

    def as_json(self) -> dict[str, Any]:
        return {
            "provision": self.provision,
            "status": self.status,
            "confidence": self.confidence,
            "concepts": list(self.concepts),
            "norms": [list(n) for n in self.norms],
            "method": self.method,
            "reason": self.reason,
            "candidates": [c.as_json() for c in self.candidates],
        }


def method_version(thesaurus: Thesaurus) -> str:
    h = hashlib.sha256(json.dumps([(c.id, c.en, c.uk) for c in thesaurus.concepts], ensure_ascii=False).encode())
    h.update((resources.files("pipeline") / "align" / "compare.py").read_bytes())
    return f"concepts+bm25+norms-{h.hexdigest()[:10]}"


@dataclass
class Comparator:
    index: NationalIndex
    thesaurus: Thesaurus
    tagger: Tagger = field(default_factory=lambda: Tagger(use_model=False))
    top: int = 10

    def __post_init__(self) -> None:
        self.version = method_version(self.thesaurus)
        self.concepts = self.thesaurus.by_id()

    def query_terms(self, concept_ids: Sequence[str]) -> Counter[str]:
        terms: Counter[str] = Counter()
        for cid in concept_ids:
            seen: set[str] = set()
            for variant in self.concepts[cid].uk:
                seen.update(content(lemma_stream(variant)))
            terms.update(seen)
        return terms

    def align(self, provision: str, text: str, *, force: str = "binding", topics: Sequence[str] = ()) -> Alignment:
        found = self.thesaurus.english_concepts(text)
        concept_ids = sorted(found)
        wanted_topics = set(topics) | {self.concepts[c].topic for c in concept_ids}
        try:
            norms = tuple(sorted(self.tagger.tag(text, "", lang="en").norm_pairs()))
        except TaggingError:
            norms = ()
        agents = {a for a, _ in norms} - _ANY_AGENT
        weights = {c: self.index.concept_idf(c) for c in concept_ids}
        total = sum(weights.values()) or 1.0
        query = self.query_terms(concept_ids)
        raw: list[tuple[ArticleDoc, float, float, set[str]]] = []
        avg = self.index.avg_length or 1.0
        for i in self.index.candidates(list(query), concept_ids):
            doc = self.index.docs[i]
            shared = doc.concepts & found.keys()
            bm = self.index.bm25(doc, query) if query else 0.0
            if not shared and not bm:
                continue
            # concepts as BM25 terms: saturated by how many provisions hold them, long articles discounted
            norm = K1 * (1 - B + B * doc.length / avg)
            saturated = sum(weights[c] * doc.concept_tf[c] * (K1 + 1) / (doc.concept_tf[c] + norm) for c in shared)
            cs = saturated / (total * (K1 + 1)) if concept_ids else 0.0
            raw.append((doc, cs, bm, shared))
        top_bm = max((r[2] for r in raw), default=0.0) or 1.0
        top_cs = max((r[1] for r in raw), default=0.0) or 1.0
        ranked: list[tuple[float, ArticleDoc, float, float, set[str]]] = []
        for doc, cs, bm, shared in raw:
            agent_fit = 1.0 if agents and agents & doc.agencies else 0.0
            topic_fit = len(wanted_topics & doc.topics) / len(wanted_topics) if wanted_topics else 0.0
            score = W_CONCEPT * (cs / top_cs) + W_BM25 * (bm / top_bm) + W_AGENT * agent_fit + W_TOPIC * topic_fit
            ranked.append((score, doc, cs, bm, shared))
        ranked.sort(key=lambda r: (-r[0], r[1].id))
        scored: list[Candidate] = []
        for score, doc, cs, bm, shared in ranked[: self.top]:
            evidence = tuple(eid for eid, cons in doc.provision_concepts.items() if cons & shared)[:5]
            scored.append(
                Candidate(
                    doc.id,
                    round(score, 4),
                    round(cs, 4),
                    round(bm, 3),
                    tuple(sorted(shared)),
                    tuple(f"{doc.work}#{e}" for e in evidence),
                    doc.heading,
                )
            )
        scored.sort(key=lambda c: (-c.score, c.provision))
        candidates = tuple(scored[: self.top])
        absent = [c for c in concept_ids if not self.index.concept_df.get(c)]
        absent_share = sum(weights[c] for c in absent) / total if concept_ids else 0.0
        status, confidence, reason = self.decide(candidates, concept_ids, norms, force, absent, absent_share)
        return Alignment(
            provision, text, status, confidence, candidates, tuple(concept_ids), norms, self.version, reason
        )

    def decide(
        self,
        candidates: Sequence[Candidate],
        concepts: Sequence[str],
        norms: Sequence[tuple[str, str]],
        force: str,
        absent: Sequence[str] = (),
        absent_share: float = 0.0,
    ) -> tuple[str, float, str]:
        if force != "binding":
            return "not_applicable", 1.0, f"{force}: reported, never flagged as a gap"
        if not concepts:
            return "not_implemented", 0.2, "no concept of the thesaurus found in the provision: weak evidence"
        if absent_share >= ABSENT_GAP_AT:
            return "not_implemented", round(absent_share, 3), f"no national provision has: {', '.join(absent)}"
        best = candidates[0] if candidates else None
        # an obligation is often implemented by several provisions together: the union of the top five
        weights = {c: self.index.concept_idf(c) for c in concepts}
        covered = set().union(*(set(c.concepts) for c in candidates[:5])) if candidates else set()
        coverage = sum(weights[c] for c in covered) / (sum(weights.values()) or 1.0)
        if best is None or coverage < PARTIAL_AT:
            return "not_implemented", round(1 - coverage, 3), f"best concept coverage {coverage:.2f}"
        if coverage >= IMPLEMENTED_AT:
            return "implemented", round(coverage, 3), f"best concept coverage {coverage:.2f}"
        return "partial", round(coverage, 3), f"best concept coverage {coverage:.2f}"


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
