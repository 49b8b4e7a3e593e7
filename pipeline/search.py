"""Full-text search queries: lemma-insensitive through the inflected forms pymorphy3 knows."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

from pipeline.store.fts import SearchQuery, Term
from pipeline.text import search_form

log = logging.getLogger(__name__)

_WORD = re.compile(r"[\w']+(?:-[\w']+)*")
_PHRASE = re.compile(r'"([^"]+)"')
_MAX_FORMS = 40


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    try:
        import pymorphy3

        return pymorphy3.MorphAnalyzer(lang="uk")
    except Exception as e:  # the dictionaries are an optional extra of pymorphy3
        log.warning("pymorphy3 (uk) unavailable, search falls back to prefixes: %s", e)
        return None


@lru_cache(maxsize=4096)
def word_forms(word: str) -> tuple[str, ...]:
    """All inflected forms of every reading of a word (the word itself first)."""
    analyzer = _analyzer()
    if analyzer is None or len(word) < 3 or word.isdigit():
        return (word,)
    forms = [word]
    for parse in analyzer.parse(word)[:3]:
        for form in parse.lexeme:
            if form.word not in forms:
                forms.append(form.word)
    return tuple(forms[:_MAX_FORMS])


def build_query(query: str) -> SearchQuery:
    """Every word must occur in any of its forms; "quoted phrases" match exactly. Each backend of the store
    renders this (FTS5 MATCH on SQLite, a tsquery on PostgreSQL)."""
    folded = search_form(query)
    groups: list[tuple[Term, ...]] = []
    for phrase in _PHRASE.findall(folded):
        words = _WORD.findall(phrase)
        if words:
            groups.append((Term(" ".join(words)),))
    rest = _PHRASE.sub(" ", folded)
    for word in _WORD.findall(rest):
        forms = word_forms(word)
        if len(forms) == 1 and _analyzer() is None and len(word) > 5:
            # no dictionary: a stem as prefix catches most endings
            groups.append((Term(word[:-2], prefix=True),))
        else:
            groups.append(tuple(Term(f) for f in forms))
    return SearchQuery(tuple(groups), source=query)
