"""The bilingual concept thesaurus (pipeline/data/thesaurus.toml), validated on load.

English variants are matched as phrases in the instrument text (lower case, word boundaries, a plural
"s" tolerated); Ukrainian variants are turned into lemma sequences with pymorphy3 and matched in the
lemmatised national text, so every inflected form counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.datafiles import load_data_toml
from pipeline.errors import ConfigError
from pipeline.tagging.morph import fold, lemma

_UK_WORD = re.compile(r"[^\W\d_][\w'’ʼ-]*")


@dataclass(frozen=True)
class Concept:
    id: str
    topic: str
    en: tuple[str, ...]
    uk: tuple[str, ...]
    uk_lemmas: tuple[tuple[str, ...], ...]


def uk_lemmas(text: str) -> tuple[str, ...]:
    return tuple(lemma(fold(w)) for w in _UK_WORD.findall(text))


@dataclass(frozen=True)
class Thesaurus:
    concepts: tuple[Concept, ...]
    en_pattern: re.Pattern[str]
    en_index: dict[str, tuple[str, ...]]  # lower-case English variant -> concept ids

    def english_concepts(self, text: str) -> dict[str, int]:
        """Concept id -> number of occurrences in an English text."""
        found: dict[str, int] = {}
        for m in self.en_pattern.finditer(text.lower()):
            key = m.group(1)
            key = key if key in self.en_index else key[:-1] if key[:-1] in self.en_index else key
            for cid in self.en_index.get(key, ()):
                found[cid] = found.get(cid, 0) + 1
        return found

    def by_id(self) -> dict[str, Concept]:
        return {c.id: c for c in self.concepts}


def load_thesaurus(path: Path | None = None) -> Thesaurus:
    data, where = load_data_toml("thesaurus.toml", path, "thesaurus")
    concepts: list[Concept] = []
    seen: set[str] = set()
    for i, entry in enumerate(data.get("concept", []), 1):
        cid = entry.get("id")
        en = entry.get("en") or []
        uk = entry.get("uk") or []
        if not cid or not isinstance(en, list) or not isinstance(uk, list) or not en or not uk:
            raise ConfigError(f"concept #{i} ({cid!r}) needs an id and at least one en and one uk variant", path=where)
        if cid in seen:
            raise ConfigError(f"concept {cid!r} is defined twice", path=where)
        seen.add(cid)
        lemmas = tuple(x for x in (uk_lemmas(v) for v in uk) if x)
        concepts.append(Concept(cid, str(entry.get("topic", "")), tuple(str(e).lower() for e in en), tuple(uk), lemmas))
    if not concepts:
        raise ConfigError("the thesaurus has no concepts", path=where)
    index: dict[str, list[str]] = {}
    for c in concepts:
        for variant in c.en:
            index.setdefault(variant, []).append(c.id)
    alternatives = sorted(index, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(a) for a in alternatives) + r")s?\b")
    return Thesaurus(tuple(concepts), pattern, {k: tuple(v) for k, v in index.items()})


@lru_cache(maxsize=2)
def default_thesaurus() -> Thesaurus:
    return load_thesaurus()


def find_lemma_sequences(lemmas: Sequence[str], concepts: Sequence[Concept]) -> set[str]:
    """Concept ids whose Ukrainian lemma sequence occurs (contiguously) in a lemma stream."""
    by_first = _by_first_lemma(tuple(concepts))
    found: set[str] = set()
    n = len(lemmas)
    for i, lem in enumerate(lemmas):
        for seq, cid in by_first.get(lem, ()):
            if cid not in found and i + len(seq) <= n and tuple(lemmas[i : i + len(seq)]) == seq:
                found.add(cid)
    return found


@lru_cache(maxsize=4)
def _by_first_lemma(concepts: tuple[Concept, ...]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for c in concepts:
        for seq in c.uk_lemmas:
            by_first.setdefault(seq[0], []).append((seq, c.id))
    return by_first
