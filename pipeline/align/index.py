"""The national side of alignment: every article of the newest edition of each tracked act, lemmatised,
with the thesaurus concepts it contains, the agencies it names and the norms it states, under BM25."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from pipeline.align.embed import MAX_CHARS, Embedder
from pipeline.align.thesaurus import Thesaurus, find_lemma_sequences
from pipeline.errors import NotFoundInStoreError
from pipeline.records import Provision
from pipeline.store import Store
from pipeline.tagging.morph import first_pos, fold, lemma
from pipeline.tagging.tagger import UnitResult

_WORD = re.compile(r"[^\W\d_][\w'’ʼ-]*")
_CONTENT = frozenset({"NOUN", "ADJF", "INFN", "VERB", "PRTF", "GRND", "ADVB", ""})


def lemma_stream(text: str) -> list[str]:
    return [lemma(fold(w)) for w in _WORD.findall(text)]


def content(lemmas: Sequence[str]) -> list[str]:
    return [x for x in lemmas if len(x) > 2 and first_pos(x) in _CONTENT]


@dataclass
class ArticleDoc:
    work: str
    eid: str
    heading: str
    edition: str
    provisions: list[Provision]
    terms: Counter[str] = field(default_factory=Counter)
    concepts: set[str] = field(default_factory=set)
    provision_concepts: dict[str, set[str]] = field(default_factory=dict)
    agencies: set[str] = field(default_factory=set)
    modalities: set[str] = field(default_factory=set)
    topics: frozenset[str] = frozenset()
    concept_tf: Counter[str] = field(default_factory=Counter)  # provisions holding the concept (heading counts 2)
    length: int = 0

    @property
    def id(self) -> str:
        return f"{self.work}#{self.eid}"


@dataclass
class NationalIndex:
    docs: list[ArticleDoc]
    df: Counter[str]
    concept_df: Counter[str]
    avg_length: float
    term_postings: dict[str, list[int]] = field(default_factory=dict)
    concept_postings: dict[str, list[int]] = field(default_factory=dict)
    vectors: np.ndarray | None = None  # one embedding per doc (rows in docs order), see attach_vectors
    chunk_vectors: np.ndarray | None = None  # the later parts of long articles, see doc_chunks
    chunk_owner: np.ndarray | None = None  # doc index of each chunk (non-decreasing)
    chunk_eids: list[tuple[str, ...]] = field(default_factory=list)  # the parts each chunk holds
    _idf: dict[str, float] = field(default_factory=dict)
    _arrays: dict[tuple[str, float, float], tuple[np.ndarray, np.ndarray] | None] = field(default_factory=dict)

    def candidates(self, terms: Sequence[str], concepts: Sequence[str]) -> list[int]:
        """Indices of the articles sharing at least one query term or concept (so only they are scored)."""
        found: set[int] = set()
        for t in terms:
            found.update(self.term_postings.get(t, ()))
        for c in concepts:
            found.update(self.concept_postings.get(c, ()))
        return sorted(found)

    def idf(self, term: str) -> float:
        cached = self._idf.get(term)
        if cached is None:
            n = len(self.docs)
            cached = self._idf[term] = math.log(1 + (n - self.df.get(term, 0) + 0.5) / (self.df.get(term, 0) + 0.5))
        return cached

    def concept_idf(self, concept: str) -> float:
        n = len(self.docs)
        return math.log(1 + (n - self.concept_df.get(concept, 0) + 0.5) / (self.concept_df.get(concept, 0) + 0.5))

    def bm25_all(self, query: Counter[str], k1: float = 1.2, b: float = 0.75) -> np.ndarray:
        """BM25 of every article (dense, in docs order), from each query term's postings as arrays."""
        scores = np.zeros(len(self.docs), dtype=np.float64)
        for term, qf in sorted(query.items()):  # sorted: a sum in set order would differ in its last bit
            postings = self._term_arrays(term, k1, b)
            if postings is not None:
                idx, saturated = postings
                scores[idx] += self.idf(term) * (1 + math.log(qf)) * saturated
        return scores

    def _term_arrays(self, term: str, k1: float, b: float) -> tuple[np.ndarray, np.ndarray] | None:
        """A term's postings and their saturated, length-normalised term frequencies (cached)."""
        key = (term, k1, b)
        if key not in self._arrays:
            docs = self.term_postings.get(term)
            if not docs:
                self._arrays[key] = None
            else:
                avg = self.avg_length or 1
                tf = np.array([self.docs[i].terms[term] for i in docs], dtype=np.float64)
                length = np.array([self.docs[i].length for i in docs], dtype=np.float64)
                self._arrays[key] = (
                    np.asarray(docs, dtype=np.int64),
                    tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg)),
                )
        return self._arrays[key]


def _articles(provisions: Sequence[Provision]) -> list[tuple[Provision, list[Provision]]]:
    out: list[tuple[Provision, list[Provision]]] = []
    for p in provisions:
        if p.kind == "art":
            out.append((p, [p]))
        elif out and p.eid.startswith(out[-1][0].eid + "__"):
            out[-1][1].append(p)
    return out


def build_index(
    store: Store, thesaurus: Thesaurus, work_ids: Sequence[str], topics: dict[str, Sequence[str]] | None = None
) -> NationalIndex:
    docs: list[ArticleDoc] = []
    topics = topics or {}
    for work in work_ids:
        try:
            edition = store.edition_at(work)
        except NotFoundInStoreError:
            continue
        tags: dict[str, list[UnitResult]] = {}
        for row in store.unit_tags(edition.edition_id):
            tags.setdefault(row["eid"].split("__", 1)[0], []).append(
                UnitResult.from_json(row["mentions"], row["norms"])
            )
        for art, members in _articles(store.provisions(edition.edition_id)):
            if art.excluded:
                continue
            doc = ArticleDoc(
                work,
                art.eid,
                art.heading or "",
                edition.date.isoformat(),
                members,
                topics=frozenset(topics.get(work, ())),
            )
            all_lemmas: list[str] = lemma_stream(art.heading or "")
            doc.provision_concepts[art.eid] = find_lemma_sequences(all_lemmas, thesaurus.concepts)
            for p in members[1:]:
                lemmas = lemma_stream(p.text)
                doc.provision_concepts[p.eid] = find_lemma_sequences(lemmas, thesaurus.concepts)
                all_lemmas.extend(lemmas)
            terms = content(all_lemmas)
            doc.terms = Counter(terms)
            doc.length = len(terms)
            doc.concepts = set().union(*doc.provision_concepts.values())
            for eid, found in doc.provision_concepts.items():
                doc.concept_tf.update({c: 2 if eid == art.eid else 1 for c in found})
            for result in tags.get(art.eid, []):
                doc.agencies.update(a for _, _, a in result.mentions)
                doc.modalities.update(n.modality for n in result.norms)
            docs.append(doc)
    df: Counter[str] = Counter()
    cdf: Counter[str] = Counter()
    for d in docs:
        df.update(d.terms.keys())
        cdf.update(d.concepts)
    avg = sum(d.length for d in docs) / len(docs) if docs else 0.0
    term_postings: dict[str, list[int]] = {}
    concept_postings: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        for t in d.terms:
            term_postings.setdefault(t, []).append(i)
        for c in d.concepts:
            concept_postings.setdefault(c, []).append(i)
    return NationalIndex(docs, df, cdf, avg, term_postings, concept_postings)


def _head(doc: ArticleDoc) -> str:
    number = doc.eid.split("_", 1)[1].split("__")[0]
    return f"Стаття {number}. {doc.heading}. "


def doc_text(doc: ArticleDoc) -> str:
    """What is embedded for an article: its number and heading, then its parts (the embedder clips it)."""
    body = " ".join(p.text for p in doc.provisions[1:] if p.text)
    return (_head(doc) + body).strip()


CHUNK_CHARS = 600


def doc_chunks(doc: ArticleDoc) -> list[tuple[str, tuple[str, ...]]]:
    """The rest of a long article, for the embedder: after the first MAX_CHARS (embedded with the article),
    consecutive parts grouped up to CHUNK_CHARS, each under the article's number and heading so it keeps
    its context. Returns (text, eids of the parts it holds)."""
    if len(doc_text(doc)) <= MAX_CHARS:
        return []
    head = _head(doc)
    chunks: list[tuple[str, tuple[str, ...]]] = []
    body: list[str] = []
    eids: list[str] = []
    size = 0  # characters of body joined by spaces, plus one
    seen = len(head)
    for p in doc.provisions[1:]:
        if not p.text:
            continue
        seen += len(p.text) + 1
        if seen <= MAX_CHARS:
            continue  # already in the article's own vector
        if body and size + len(p.text) > CHUNK_CHARS:
            chunks.append((head + " ".join(body), tuple(eids)))
            body, eids, size = [], [], 0
        body.append(p.text)
        eids.append(p.eid)
        size += len(p.text) + 1
    if body:
        chunks.append((head + " ".join(body), tuple(eids)))
    return chunks


def attach_vectors(index: NationalIndex, embedder: Embedder) -> None:
    """Embed every article and the chunks of the long ones (through the cache: only new or changed texts
    reach the model)."""
    if not index.docs:
        return
    index.vectors = embedder.passages([doc_text(d) for d in index.docs])
    owners: list[int] = []
    texts: list[str] = []
    index.chunk_eids = []
    for i, d in enumerate(index.docs):
        for text, eids in doc_chunks(d):
            owners.append(i)
            texts.append(text)
            index.chunk_eids.append(eids)
    index.chunk_vectors = embedder.passages(texts) if texts else None
    index.chunk_owner = np.asarray(owners, dtype=np.int64)
