"""Build the provision tree (ids per shared/specs/ids.md) from classified blocks.

The print view and the open-data .txt carry no markup for parts, points and paragraphs: each is a plain
paragraph with its number as text ("1.", "2)", "а)"). The rules below turn that flat sequence into a tree:

* a "Стаття N." label opens an article (``art_N``); Розділ / Глава / книга headings open containers whose
  ids stand apart (``part_IV``, ``chp_74``) because article numbers are unique in an act;
* "N." opens a part (``__para_N``), "N)" a point (``__point_N``), "а)" a subpoint (``__subpoint_a``);
* any other paragraph is an abzac (``__al_K``, counted from 1 within its parent). After a point it stays
  inside that point when the list goes on after it, otherwise it belongs to the enclosing part/article;
* the first list of a part/article is unqualified; a second and later list is qualified by its lead-in
  abzac (``art_25__al_2__point_1``);
* "Примітка" opens a remark abzac at article level whose numbered items are its ``__para_N``;
* an id that would repeat (quoted articles of amending laws, duplicated numbers) gets ``~2``, ``~3``, ...
  and a warning, so ids stay unique and deterministic.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from pipeline.parse.blocks import Block
from pipeline.records import Note, ParsedAct, ParseWarning, Provision
from pipeline.text import normalise_number

ARTICLE_LABEL = re.compile(r"^Стаття\s+(\d+(?:\s*-\s*\d+)*)\s*(?:\.|$)\s*(.*)$", re.S)
PART_ITEM = re.compile(r"^(\d{1,3}(?:-\d+)*)\.\s+(\S.*)$", re.S)
POINT_ITEM = re.compile(r"^(\d{1,3}(?:-\d+)*)\)\s*(.*)$", re.S)
SUBPOINT_ITEM = re.compile(r"^([а-щьюяґєії](?:-\d+)?)\)\s*(.*)$", re.S)
REMARK = re.compile(r"^Примітк[аи]\b")
HEADING_PART = re.compile(r"^розділ\s+([IVXLCDMІХ]+|\d+(?:-\d+)?)\s*\.?\s*(.*)$", re.S | re.I)
HEADING_CHAPTER = re.compile(r"^глава\s+(\d+(?:-\d+)?)\s*\.?\s*(.*)$", re.S | re.I)
HEADING_BOOK = re.compile(r"^(загальна|особлива)\s+частина\s*$", re.I)
EXCLUDED = re.compile(r"виключ", re.I)
# "{Статтю 202 виключено ...}": an article repealed with no label of its own left in the text.
REPEALED_ARTICLE_NOTE = re.compile(r"^Статт(?:ю|і)\s+(\d+(?:\s*-\s*\d+)*)\s+виключ")

_CYRILLIC_ROMAN = str.maketrans({"І": "I", "Х": "X"})
# Subpoint letters in eIds are Latin (ids.md: "а)" -> subpoint_a), by the national transliteration, with
# ї -> yi and й -> j so that no two letters of the alphabet share an id.
_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ye",
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": "yi",
    "й": "j",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": "yu",
    "я": "ya",
}


def latin_letter(letter: str) -> str:
    """ "а" -> "a", "б-1" -> "b-1": the eId form of a subpoint letter."""
    head, sep, tail = letter.partition("-")
    return "".join(_LATIN.get(ch, ch) for ch in head.lower()) + sep + tail


_BOOKS = {"загальна": "general", "особлива": "special"}


def article_number(raw: str) -> str:
    return normalise_number(re.sub(r"\s+", "", raw))


def _strip_braces(text: str) -> str:
    text = text.strip()
    if text.startswith("{"):
        text = text[1:]
    if text.endswith("}"):
        text = text[:-1]
    return text.strip()


@dataclass
class _ListState:
    """The numbered list currently open in one container."""

    prefix: str
    point: str | None = None
    subpoint: str | None = None
    items: int = 0


@dataclass
class _Builder:
    provisions: list[Provision] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    eids: set[str] = field(default_factory=set)
    book: str | None = None
    part: str | None = None
    chapter: str | None = None
    hcontainers: int = 0
    article: str | None = None
    para: str | None = None
    remark: str | None = None
    open_list: _ListState | None = None
    lists_started: dict[str, int] = field(default_factory=dict)
    last_al: dict[str, str] = field(default_factory=dict)
    al_after_list: dict[str, bool] = field(default_factory=dict)
    al_count: dict[str, int] = field(default_factory=dict)
    last_eid: str | None = None
    article_count: int = 0
    ended: bool = False

    # -- ids and emission -------------------------------------------------------------------------
    def unique(self, eid: str, anchor: str | None) -> str:
        if eid not in self.eids:
            return eid
        k = 2
        while f"{eid}~{k}" in self.eids:
            k += 1
        self.warnings.append(ParseWarning(f"duplicate id {eid}: numbered {eid}~{k}", anchor, eid))
        return f"{eid}~{k}"

    def emit(
        self,
        eid: str,
        kind: str,
        *,
        parent: str | None,
        text: str = "",
        number: str | None = None,
        heading: str | None = None,
        anchor: str | None = None,
        excluded: bool = False,
    ) -> str:
        eid = self.unique(eid, anchor)
        self.eids.add(eid)
        order = len(self.provisions)
        self.provisions.append(Provision(eid, kind, number, heading, text, parent, order, anchor, excluded))
        self.last_eid = eid
        return eid

    # -- containers -------------------------------------------------------------------------------
    def heading_container(self) -> str | None:
        return self.chapter or self.part or self.book

    def close_article(self) -> None:
        self.article = self.para = self.remark = None
        self.open_list = None

    def ensure_preamble(self) -> str:
        if "preamble" not in self.eids:
            self.emit("preamble", "preamble", parent=None)
        return "preamble"

    def body_container(self) -> str:
        """Where a part, list or abzac goes when it is not inside a point."""
        if self.remark:
            return self.remark
        if self.para:
            return self.para
        if self.article:
            return self.article
        return self.heading_container() or self.ensure_preamble()

    # -- blocks -----------------------------------------------------------------------------------
    def heading(self, block: Block) -> None:
        lines = [ln.strip() for ln in block.text.split("\n") if ln.strip()]
        first = lines[0] if lines else ""
        rest = " ".join(lines[1:])
        self.close_article()
        if m := HEADING_BOOK.match(first):
            self.book = self.emit(
                f"book_{_BOOKS[m.group(1).lower()]}", "book", parent=None, heading=first, anchor=block.anchor
            )
            self.part = self.chapter = None
        elif m := HEADING_PART.match(first):
            number = m.group(1).translate(_CYRILLIC_ROMAN)
            title = " ".join(x for x in (m.group(2).strip(), rest) if x)
            eid = f"part_{number}"
            if eid in self.eids and self.book:
                eid = f"{self.book}__{eid}"
            self.part = self.emit(eid, "part", parent=self.book, number=number, heading=title, anchor=block.anchor)
            self.chapter = None
        elif m := HEADING_CHAPTER.match(first):
            number = m.group(1)
            title = " ".join(x for x in (m.group(2).strip(), rest) if x)
            eid = f"chp_{number}"
            if eid in self.eids and (self.part or self.book):
                eid = f"{self.part or self.book}__{eid}"
            self.chapter = self.emit(
                eid, "chp", parent=self.part or self.book, number=number, heading=title, anchor=block.anchor
            )
        else:
            self.hcontainers += 1
            self.chapter = self.emit(
                f"hcontainer_{self.hcontainers}",
                "hcontainer",
                parent=self.part or self.book,
                heading=" ".join(lines),
                anchor=block.anchor,
            )

    def article_label(self, label: str, title: str, anchor: str | None, *, in_note: bool) -> None:
        self.close_article()
        number = article_number(label)
        title = title.strip()
        excluded = in_note or (title.startswith("{") and bool(EXCLUDED.search(title)))
        heading = None if title.startswith("{") or in_note else title
        self.article = self.emit(
            f"art_{number}",
            "art",
            parent=self.heading_container(),
            number=number,
            heading=heading,
            anchor=anchor,
            excluded=excluded,
        )
        if title.startswith("{"):
            self.note(_strip_braces(title), anchor)
        if not in_note:
            self.article_count += 1

    def note(self, text: str, anchor: str | None) -> None:
        self.notes.append(Note(self.last_eid, text, anchor, len(self.notes)))

    def part_item(self, number: str, text: str, anchor: str | None) -> None:
        self.open_list = None
        if self.remark:
            self.emit(
                f"{self.remark}__para_{number}",
                "para",
                parent=self.remark,
                text=text,
                number=number,
                anchor=anchor,
            )
            return
        parent = self.article or self.heading_container() or self.ensure_preamble()
        self.para = self.emit(
            f"{parent}__para_{number}", "para", parent=parent, text=text, number=number, anchor=anchor
        )

    def start_list(self, container: str) -> _ListState:
        started = self.lists_started.get(container, 0) + 1
        self.lists_started[container] = started
        prefix = container
        if started > 1:
            lead_in = self.last_al.get(container)
            if lead_in and self.al_after_list.get(container):
                prefix = lead_in
        self.al_after_list[container] = False
        return _ListState(prefix)

    def point_item(self, number: str, text: str, anchor: str | None) -> None:
        container = self.body_container()
        state = self.open_list
        if state is None or (number == "1" and state.items > 0):
            state = self.open_list = self.start_list(container)
        state.items += 1
        state.subpoint = None
        state.point = self.emit(
            f"{state.prefix}__point_{number}",
            "point",
            parent=container,
            text=text,
            number=number,
            anchor=anchor,
        )

    def subpoint_item(self, letter: str, text: str, anchor: str | None) -> None:
        state = self.open_list
        if state is None or state.point is None:
            parent = self.body_container()
            self.warnings.append(ParseWarning(f"subpoint {letter}) outside a point", anchor, parent))
        else:
            parent = state.point
        eid = self.emit(
            f"{parent}__subpoint_{latin_letter(letter)}",
            "subpoint",
            parent=parent,
            text=text,
            number=letter,
            anchor=anchor,
        )
        if state is not None:
            state.subpoint = eid

    def abzac(self, text: str, anchor: str | None, next_item: str | None) -> None:
        state = self.open_list
        if state is not None and state.point is not None and _list_goes_on(next_item):
            parent = state.subpoint if (state.subpoint and next_item == "subpoint") else state.point
            self._emit_al(parent, text, anchor)
            return
        if self.article and REMARK.match(text):
            self.para = None
            self.open_list = None
            self.remark = self._emit_al(self.article, text, anchor)
            return
        self.open_list = None
        container = self.body_container()
        eid = self._emit_al(container, text, anchor)
        self.last_al[container] = eid
        if self.lists_started.get(container):
            self.al_after_list[container] = True

    def _emit_al(self, parent: str, text: str, anchor: str | None) -> str:
        k = self.al_count.get(parent, 0) + 1
        self.al_count[parent] = k
        return self.emit(f"{parent}__al_{k}", "al", parent=parent, text=text, anchor=anchor)


def _list_goes_on(next_item: str | None) -> bool:
    """Whether the next enumerated paragraph (before a boundary) continues the open list."""
    return next_item in ("point", "subpoint")


class _Body(NamedTuple):
    """A body paragraph read once: what enumerator it starts with, its number and the rest."""

    kind: str  # "part", "point", "subpoint", "remark", "text"
    number: str
    rest: str


def _read_body(text: str) -> _Body:
    # A digit or a Cyrillic letter starts every enumerated paragraph: a cheap guard before the regexes.
    first = text[:1]
    if first.isdigit():
        if m := PART_ITEM.match(text):
            return _Body("part", m.group(1), m.group(2))
        if m := POINT_ITEM.match(text):
            return _Body("point", m.group(1), m.group(2))
    elif first == "П" and REMARK.match(text):
        return _Body("remark", "", text)
    elif first.islower() and text[1:2] in (")", "-") and (m := SUBPOINT_ITEM.match(text)):
        return _Body("subpoint", m.group(1), m.group(2))
    return _Body("text", "", text)


def _item_kind(block: Block, body: _Body | None) -> str | None:
    """'point' / 'subpoint' for list items that continue a list, 'restart' for a point 1), 'boundary'."""
    if block.style in ("article", "heading", "signature"):
        return "boundary"
    if body is None:
        return None
    if body.kind in ("part", "remark"):
        return "boundary"
    if body.kind == "point":
        return "restart" if body.number == "1" else "point"
    if body.kind == "subpoint":
        return "subpoint"
    return None


def _next_items(blocks: Sequence[Block], bodies: Sequence[_Body | None]) -> list[str | None]:
    """For each block, the kind of the next enumerated item or boundary after it (one backward pass)."""
    result: list[str | None] = [None] * len(blocks)
    upcoming: str | None = None
    for i in range(len(blocks) - 1, -1, -1):
        result[i] = upcoming
        kind = _item_kind(blocks[i], bodies[i])
        if kind is not None:
            upcoming = kind
    return result


def build_tree(
    blocks: Sequence[Block],
    *,
    source_format: str,
    title: str | None = None,
    act_type: str | None = None,
    edition_date: dt.date | None = None,
    basis: str | None = None,
    warnings: Sequence[ParseWarning] = (),
) -> ParsedAct:
    b = _Builder()
    b.warnings.extend(warnings)
    bodies = [_read_body(block.text) if block.style == "body" else None for block in blocks]
    upcoming = _next_items(blocks, bodies)
    for i, block in enumerate(blocks):
        if b.ended:
            break
        _dispatch(b, block, bodies[i], upcoming[i])
    if b.article_count == 0:
        b.warnings.append(ParseWarning("no articles found"))
    return ParsedAct(
        source_format=source_format,
        title=title,
        act_type=act_type,
        edition_date=edition_date,
        basis=basis,
        provisions=tuple(b.provisions),
        notes=tuple(b.notes),
        warnings=tuple(b.warnings),
        article_count=b.article_count,
    )


def _dispatch(b: _Builder, block: Block, body: _Body | None, next_item: str | None) -> None:
    style, text, anchor = block.style, block.text, block.anchor
    if style == "signature":
        b.ended = True
    elif style == "heading":
        b.heading(block)
    elif style == "article":
        m = ARTICLE_LABEL.match(text)
        title = m.group(2) if m else text
        b.article_label(block.label or (m.group(1) if m else "?"), title, anchor, in_note=False)
    elif style == "note":
        note = _strip_braces(text)
        label = block.label
        if not label and (m := REPEALED_ARTICLE_NOTE.match(note)):
            label = m.group(1)
        if label:
            b.article_label(label, "", anchor, in_note=True)
        b.note(note, anchor)
    elif body is not None:
        _body(b, body, text, anchor, next_item)


def _body(b: _Builder, body: _Body, text: str, anchor: str | None, next_item: str | None) -> None:
    if body.kind == "part":
        b.part_item(normalise_number(body.number), body.rest.strip(), anchor)
    elif body.kind == "point":
        b.point_item(normalise_number(body.number), body.rest.strip(), anchor)
    elif body.kind == "subpoint" and b.open_list is not None:
        b.subpoint_item(body.number, body.rest.strip(), anchor)
    else:
        b.abzac(text, anchor, next_item)
