"""Blocks: the paragraphs of a page, classified by markup, before the structure is built."""

from __future__ import annotations

from typing import NamedTuple


class Block(NamedTuple):
    """One paragraph of the document body.

    style: "heading" (Розділ/Глава/книга headings), "body" (normative paragraph), "note" ({...} editorial
    note, possibly carrying an article label), "article" (a "Стаття N." label with its title),
    "meta" (title, act type, publication line: not normative), "signature" (end of the act).
    """

    style: str
    text: str
    anchor: str | None = None
    label: str | None = None  # for "article" and article-carrying notes: the raw number, e.g. "201-1"
