"""Full-text search queries: lemma-insensitive through the inflected forms pymorphy3 knows."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

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


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def build_match(query: str) -> str:
    """An FTS5 MATCH expression: every word must occur in any of its forms; "quoted phrases" match exactly."""
    folded = search_form(query)
    parts: list[str] = []
    for phrase in _PHRASE.findall(folded):
        words = _WORD.findall(phrase)
        if words:
            parts.append(_quote(" ".join(words)))
    rest = _PHRASE.sub(" ", folded)
    for word in _WORD.findall(rest):
        forms = word_forms(word)
        if len(forms) == 1 and _analyzer() is None and len(word) > 5:
            parts.append(_quote(word[:-2]) + "*")
        else:
            parts.append("(" + " OR ".join(_quote(f) for f in forms) + ")")
    return " AND ".join(parts)
