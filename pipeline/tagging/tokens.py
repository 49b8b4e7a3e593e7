"""A fast tokenizer with code-point offsets: words (apostrophes and inner hyphens kept), numbers, punctuation."""

from __future__ import annotations

import re
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
