"""Parser for the open-data plain text (data.rada.gov.ua/laws/show/{nreg}[/ed{date}].txt).

One paragraph per line; Розділ number and title on two lines; notes in braces, possibly over several lines.
Known pitfall (portal-notes §3.1): superscripts are flattened ("Стаття 201¹" becomes "Стаття 2011"). When an
article number jumps ahead and extends the previous number ("201" then "2011"), it is read as 201-1 and a
warning says so; prefer the print view, which keeps the superscript.
"""

from __future__ import annotations

import re

from pipeline.parse.blocks import Block
from pipeline.parse.structure import (
    ARTICLE_LABEL,
    HEADING_BOOK,
    HEADING_CHAPTER,
    HEADING_PART,
    REPEALED_ARTICLE_NOTE,
    build_tree,
)
from pipeline.records import ParsedAct, ParseWarning
from pipeline.text import clean

_TXT_ARTICLE = re.compile(r"^Стаття\s+(\d+(?:\s*-\s*\d+)*)\s*\.\s*(.*)$")
_SIGNATURE = re.compile(r"^(Президент України|Голова Верховної Ради)\b")
_META = re.compile(r"^(\(Відомості|ЗАКОН УКРАЇНИ$|[А-ЯІЇЄҐ’ʼ' ,-]+$)")


def parse_txt(text: str) -> ParsedAct:
    lines = [clean(x) for x in text.replace("\r\n", "\n").split("\n")]
    lines = [x for x in lines if x]
    warnings: list[ParseWarning] = []
    blocks: list[Block] = []
    title: str | None = None
    act_type: str | None = None
    previous: list[int] = []  # base number of the last article seen, to undo flattened superscripts
    seen_structure = False
    i = 0
    while i < len(lines):
        line = lines[i]
        where = f"line {i + 1}"
        if line.startswith("{"):
            note = [line]
            while not note[-1].endswith("}") and i + 1 < len(lines) and _continues_note(lines[i + 1]):
                i += 1
                note.append(lines[i])
            joined = " ".join(note)
            blocks.append(Block("note", joined, where, _note_label(joined, previous, warnings, where)))
        elif HEADING_PART.match(line) or HEADING_CHAPTER.match(line) or HEADING_BOOK.match(line):
            seen_structure = True
            heading = line
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if not HEADING_BOOK.match(line) and nxt and nxt.upper() == nxt and not _starts_block(nxt):
                heading, i = f"{line}\n{nxt}", i + 1
            blocks.append(Block("heading", heading, where))
        elif m := _TXT_ARTICLE.match(line):
            seen_structure = True
            number = _deflatten(m.group(1).replace(" ", ""), previous, warnings, where)
            blocks.append(Block("article", f"Стаття {number}. {m.group(2)}", where, number))
        elif _SIGNATURE.match(line) and seen_structure:
            blocks.append(Block("signature", line, where))
        elif not seen_structure and (title is None or line.startswith("(")) and _META.match(line):
            if line.startswith("("):
                pass  # the publication line
            elif act_type is None:
                act_type = line
            else:
                title = title or line
        elif not seen_structure and title is None and not blocks:
            title = line  # the first line: the title itself when no act type line precedes it
        else:
            blocks.append(Block("body", line, where))
        i += 1
    return build_tree(blocks, source_format="txt", title=title or act_type, act_type=act_type, warnings=warnings)


def _continues_note(line: str) -> bool:
    """A note runs on over lines of amending acts ("№ 1804-VI від ...") or up to its closing brace; the
    source sometimes drops that brace, which must not swallow the next provisions."""
    if _starts_block(line):
        return False
    return line.startswith("№") or (line.endswith("}") and "{" not in line and len(line) < 300)


def _starts_block(line: str) -> bool:
    return line.startswith(("{", "Стаття ")) or bool(HEADING_PART.match(line) or HEADING_CHAPTER.match(line))


def _note_label(note: str, previous: list[int], warnings: list[ParseWarning], where: str) -> str | None:
    """The article a note repeals ("{Статтю 81 виключено ...}" = 8¹), de-flattened like article labels."""
    body = note.strip("{} ")
    m = ARTICLE_LABEL.match(body) if body.startswith("Стаття") else REPEALED_ARTICLE_NOTE.match(body)
    if not m:
        return None
    return _deflatten(m.group(1).replace(" ", ""), previous, warnings, where)


def _base(number: str) -> int:
    return int(number.split("-")[0])


def _deflatten(number: str, previous: list[int], warnings: list[ParseWarning], where: str) -> str:
    """Undo the .txt flattening of superscripts: after article 201, "2011" is 201-1. Updates `previous`."""
    if "-" in number or not previous:
        if number.split("-")[0].isdigit():
            previous[:] = [_base(number)]
        return number
    base = previous[0]
    value = int(number)
    if value > base + 1 and number.startswith(str(base)) and len(number) > len(str(base)):
        restored = f"{base}-{number[len(str(base)) :]}"
        warnings.append(ParseWarning(f"article number {number} read as {restored} (flattened superscript)", where))
        return restored
    previous[:] = [value]
    return number
