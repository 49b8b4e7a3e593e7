"""Parsers: portal pages and open-data files into provision trees (pure functions, no I/O)."""

from __future__ import annotations

from pipeline.parse.print_html import parse_print_html
from pipeline.parse.txt import parse_txt
from pipeline.records import ParsedAct

__all__ = ["looks_like_html", "parse_document", "parse_print_html", "parse_txt"]


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:4096].lower()
    return head.startswith("<") or "<html" in head or "<p" in head


def parse_document(text: str) -> ParsedAct:
    """Parse a saved page (print view) or an open-data .txt, choosing the parser by content."""
    return parse_print_html(text) if looks_like_html(text) else parse_txt(text)
