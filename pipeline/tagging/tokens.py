"""A fast tokenizer with code-point offsets: words (apostrophes and inner hyphens kept), numbers, punctuation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.tagging.morph import fold

_TOKEN = re.compile(r"[^\W\d_](?:[^\W_]|['’ʼ`-](?=[^\W\d_]))*|\d+(?:[.,-]\d+)*|[^\s\w]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int
    norm: str  # folded: lower case, one apostrophe

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end(), fold(m.group())) for m in _TOKEN.finditer(text)]


def closing_bracket(tokens: Sequence[Token], opening: int, reach: int = 8) -> int | None:
    """The index of the ")" that closes a short bracketed aside opened at `opening` (within `reach` tokens)."""
    return next((k for k in range(opening + 1, min(opening + reach, len(tokens))) if tokens[k].text == ")"), None)
