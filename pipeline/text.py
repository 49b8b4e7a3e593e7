"""Text normalisation shared by the parser, the store and search."""

from __future__ import annotations

import re
import unicodedata

# The three apostrophes used in Ukrainian texts are one letter; search folds them to ASCII.
APOSTROPHES = "’ʼ'"
_APOSTROPHE_RE = re.compile("[’ʼ`]")
_WS_RE = re.compile(r"\s+")
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUPERSCRIPT_RUN = re.compile(r"(\d)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_HYPHEN_NUMBER = re.compile(r"(\d)\s*[-‑‒–]\s*(\d)")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean(text: str) -> str:
    """NFC, non-breaking and other spaces folded, runs of white space collapsed, ends stripped."""
    return _WS_RE.sub(" ", nfc(text).replace("\u00a0", " ")).strip()


def fold_apostrophes(text: str) -> str:
    return _APOSTROPHE_RE.sub("'", text)


def search_form(text: str) -> str:
    """The form indexed for full-text search: NFC, apostrophes folded, lower case."""
    return fold_apostrophes(nfc(text)).lower()


def normalise_number(raw: str) -> str:
    """An article/part/point number as ids.md writes it: 201¹, "201 -1", "201-1" -> "201-1"."""
    s = _SUPERSCRIPT_RUN.sub(lambda m: m.group(1) + "-" + m.group(2).translate(_SUPERSCRIPT_DIGITS), raw)
    s = _HYPHEN_NUMBER.sub(r"\1-\2", s.strip())
    return s.rstrip(".").strip()
