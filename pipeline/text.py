"""Text normalisation shared by the parser, the store and search."""

from __future__ import annotations

import re
import unicodedata

# The three apostrophes used in Ukrainian texts are one letter; search folds them to ASCII.
APOSTROPHES = "’ʼ'"
_APOSTROPHE_RE = re.compile("[’ʼ`]")
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUPERSCRIPT_RUN = re.compile(r"(\d)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_HYPHEN_NUMBER = re.compile(r"(\d)\s*[-‑‒–]\s*(\d)")


def nfc(text: str) -> str:
    # is_normalized is a fast check; most portal text is already NFC
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def clean(text: str) -> str:
    """NFC, non-breaking and other spaces folded, runs of white space collapsed, ends stripped."""
    return " ".join(nfc(text).split())


def fold_apostrophes(text: str) -> str:
    return _APOSTROPHE_RE.sub("'", text)


def search_form(text: str) -> str:
    """The form indexed for full-text search: NFC, apostrophes folded, lower case."""
    return fold_apostrophes(nfc(text)).lower()


_PLAIN_NUMBER = re.compile(r"\d+(?:-\d+)*")


def normalise_number(raw: str) -> str:
    """An article/part/point number as ids.md writes it: 201¹, "201 -1", "201-1" -> "201-1"."""
    if _PLAIN_NUMBER.fullmatch(raw):
        return raw
    s = _SUPERSCRIPT_RUN.sub(lambda m: m.group(1) + "-" + m.group(2).translate(_SUPERSCRIPT_DIGITS), raw)
    s = _HYPHEN_NUMBER.sub(r"\1-\2", s.strip())
    return s.rstrip(".").strip()
