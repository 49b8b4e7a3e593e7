"""Full-text queries in a form no database owns, and their rendering for SQLite FTS5 and PostgreSQL.

A query is a list of groups that must all match (AND); a group is a list of alternatives (OR); an alternative
is a run of consecutive words (one word or a phrase), optionally with its last word matched as a prefix.

Both backends index the same text (pipeline.text.search_form of heading + text) cut into the same tokens: the
rules of SQLite's unicode61 tokenizer as the store's FTS5 table configures it (letters and digits, plus the
apostrophe inside words; everything else separates). PostgreSQL's own parsers would split "зобов'язані" at
the apostrophe and keep hyphenated words whole, so its tsvector and tsquery values are built here from those
tokens and passed as literals, never through to_tsvector/to_tsquery: the same query finds the same provisions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"(?:[^\W_]|')+")
# PostgreSQL refuses lexemes over 2 KiB, clamps positions to 16383 and keeps the first 256 positions of a
# lexeme: a phrase beyond those (a provision of more than 16383 words, or a word repeated 256 times before
# it) is found by SQLite but not by PostgreSQL. Single words are found on both.
_MAX_LEXEME_BYTES = 2046
_MAX_POSITION = 16383


@dataclass(frozen=True)
class Term:
    """Consecutive words (already in search form); `prefix`: the last one may continue."""

    text: str
    prefix: bool = False


@dataclass(frozen=True)
class SearchQuery:
    groups: tuple[tuple[Term, ...], ...]
    source: str = ""  # what the user typed, for messages

    def __bool__(self) -> bool:
        return bool(self.groups)

    def __str__(self) -> str:
        return self.source or to_fts5(self)


def tokens(text: str) -> list[str]:
    """The words FTS5's unicode61 tokenizer (tokenchars ') finds, lower case."""
    return [t.lower() for t in _TOKEN.findall(text)]


# -- SQLite FTS5 ------------------------------------------------------------------------------------------
def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def to_fts5(query: SearchQuery) -> str:
    """An FTS5 MATCH expression: `(“a” OR “b”) AND “c d” AND “pre”*`."""
    parts = []
    for group in query.groups:
        alternatives = [_fts5_string(t.text) + ("*" if t.prefix else "") for t in group]
        parts.append(alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts)


# -- PostgreSQL tsvector / tsquery ------------------------------------------------------------------------
def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _fits(token: str) -> bool:
    return len(token.encode()) <= _MAX_LEXEME_BYTES


def to_tsvector_literal(text: str) -> str:
    """A tsvector value (`'word':1,5 'other':2`) of the text's tokens with their positions."""
    positions: dict[str, list[int]] = {}
    for i, token in enumerate(tokens(text), 1):
        if _fits(token):
            positions.setdefault(token, []).append(min(i, _MAX_POSITION))
    return " ".join(f"{_lexeme(t)}:{','.join(map(str, dict.fromkeys(p)))}" for t, p in positions.items())


def to_tsquery_literal(query: SearchQuery) -> str | None:
    """A tsquery value: `('a' | 'b') & 'c' <-> 'd' & 'pre':*`; None when no group has a word left."""
    groups = []
    for group in query.groups:
        alternatives = []
        for term in group:
            words = [t for t in tokens(term.text) if _fits(t)]
            if not words:
                continue
            lexemes = [_lexeme(w) for w in words]
            if term.prefix:
                lexemes[-1] += ":*"
            alternatives.append(" <-> ".join(lexemes))
        if not alternatives:
            return None  # FTS5 finds nothing for a group without words either
        # <-> binds tighter than & and |, so only an OR needs parentheses
        groups.append(alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")")
    return " & ".join(groups) or None
