"""Parse the English plain text of an international instrument into provisions (ids per shared/specs/ids.md).

Input: one line per source line (shared/corpus/international/en/*.txt): the title first, then heading lines
(``CHAPTER I``, ``Article 1``, an article heading such as ``Use of terms``) and paragraphs; tables are
TAB-separated lines. Output: a :class:`ParsedAct` (``source_format="treaty-en"``) whose eIds follow the
English part of ids.md. The rules, in the order the parser applies them:

Labels and containers
* ``Article N`` (also the source slips ``Articel`` / ``Artikel``; ``N`` arabic or roman, with ``bis``/``ter``
  or a letter: "42 bis" -> ``art_42bis``, "21a" -> ``art_21a``, "XVI" -> ``art_XVI``) opens an article. Inside
  an annex the id is qualified by the annex: ``annex_8__art_6``; chapters, parts and sections never enter an
  article id (article numbers are unique within the body and within each annex). ``article_count`` counts
  every article label, annex articles included.
* Containers get kind ``part`` and an id qualified by the container they sit in: ``chp_I``, ``chp_III__sec_1``,
  ``annex_A``, ``annex_A__chp_II``, ``annex_7__part_I``, ``annex_A__app_I``; the General Annex of the Revised
  Kyoto Convention is ``ga`` and its chapters ``ga__chp_6``. A container the text does not number is counted
  within its parent (``annex_1``, ``app_1``); the Schedules of the Single Convention are ``annex_schedules``.
  The untoc protocols' bare roman chapter lines ("I" / "I General provisions") are chapters too. The heading
  line(s) after a container label are its ``heading``.
* Heading lines that stand right before an article (or, in the General Annex, before a Standard; or, outside
  articles, one line before a numbered paragraph) and belong to no label, e.g. "Scope of the Convention",
  "(A) DEFINITIONS", "The declarant" / "a) Persons entitled to act as declarant", open an ``hcontainer`` (as
  the Ukrainian parser does): ``chp_II__hcontainer_1``; a lettered "a)" sub-heading nests in the preceding
  unlettered one. Headings never enter the ids of what they hold (``ga__chp_3__std_3.6``).
* A second title line after a container label joins its heading (" — ") only when it has the same case as the
  first and the titles are followed by an article ("ISSUE OF TIR CARNETS" / "LIABILITY OF ...").
* The line right after an article label is the article ``heading`` when it looks like a title (short, no
  final ``.;:,``, not continued by a dash item or a lower-case line).

Standards (Revised Kyoto Convention, General Annex)
* A number line "3.6" / "3.6." (or "6.4. text" on one line) in the General Annex, or next to a marker line
  "Standard" / "Transitional Standard" / "Recommended Practice" (right after or right before the number),
  opens ``ga__chp_3__std_3.6`` (``rp_`` for Recommended Practices); ``heading`` is the marker as printed, so
  Transitional Standards are ``kind="std"`` with ``heading="Transitional Standard"``. The first text line is
  the Standard's ``text``; later lines and lists go below it like below a paragraph.

Paragraphs, points, subpoints
* "1." / "2 bis." opens a numbered paragraph (``__para_2bis``), "(a)", "a)", "a.", "(a)." a point
  (``__point_a``), "(i)", "i)", "i." a subpoint (``__subpoint_i``); "A." / "(A)" and "1)" are points too, and a
  TAB row whose first cell is such an enumerator (or the RKC definitions' "E1./F23.") is an item
  (``ga__chp_2__point_E1``). The enumerator is not part of ``text``; its normalised value is ``number``.
* Lists nest by type and form: an item continues the innermost open list of its type whose last number it
  follows (gaps of up to three allowed, e.g. (h) -> (j)); otherwise it starts a list below the current item
  (letters below a roman subpoint are points again: ``..__subpoint_ii__point_a``). A roman list with no
  point above it hangs directly below its paragraph/article (``art_3__para_3__subpoint_i``). "(i)", "(v)",
  "(x)" are letters only right after (h), (u), (w) of a list in the same form, and only when the next item is
  not (ii), (vi), (xi).
* A second list in the same container that follows a lead-in paragraph is qualified by it
  (``__al_2__point_a``), as in the Ukrainian parser.
* A line that is only an enumerator ("a)", "5.", "1") takes the next plain line as its text; when an item
  follows instead ("a)" then "(i) ..."), the enumerated provision keeps an empty text and holds the items.

Unnumbered paragraphs and article text
* Any other line is an unnumbered paragraph ``__al_K`` (K from 1 within its parent). It stays inside the open
  point (or subpoint) when that item's text (or its last paragraph) ends with ":", when it continues a dash
  list there, or when the list goes on after it (the next item continues an open list; "a)" after a list of
  letters starts a second list and does not); otherwise it belongs to the paragraph/article/container.
  Dash lines ("– murder;") and table rows (cells joined by a space) are unnumbered paragraphs too.
* Rule for an article's own ``text``: the text of its direct unnumbered paragraphs (``al``) that come before
  its first numbered paragraph, joined by a space. So ``art_11`` (a lead-in and points a, b) has the lead-in as
  text, ``art_14`` (one paragraph) has that paragraph, an article with only numbered paragraphs has "".
  Those ``al`` provisions are kept as well (``art_14__al_1``), as in the Ukrainian tree.
* Text before the first label is the preamble (``preamble`` with ``preamble__al_K``); a glued
  "Preamble"/"Preambule" word is dropped. "IN WITNESS WHEREOF" / "DONE at" lines and the Dutch editorial
  lines of the source ("Wijzigt het ...", "[Red.: ...]", "Ligt ter inzage ...") are kept as :class:`Note`.

Ids are unique and deterministic: an id that would repeat gets ``~2``, ``~3`` and a warning. The parser never
raises on odd input; a text without articles returns the warning "no articles found" (and an empty one
"empty text"). ``anchor`` is the source line ("L12"); ``slug`` only prefixes the anchors of warnings.
Provision kinds: ``part``, ``hcontainer``, ``preamble``, ``art``, ``para``, ``point``, ``subpoint``, ``al``,
``std``, ``rp``. :func:`iter_english_units` lists the provisions that carry text, :func:`full_text` reads a
provision with everything below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.records import Note, ParsedAct, ParseWarning, Provision
from pipeline.text import clean

SOURCE_FORMAT = "treaty-en"

_ARTICLE = re.compile(
    r"^(?:Article|ARTICLE|Articel|Artikel)\s+(\d{1,3}|[IVXLC]{1,8})(?:\s*(bis|ter|quater|quinquies|[a-z]))?\s*\.?$"
)
_CHAPTER = re.compile(r"^(?:CHAPTER|Chapter)\s+([IVXLC]{1,8}|\d{1,3})\.?(?:\s+(\S.*))?$")
_SECTION = re.compile(r"^(?:SECTION|Section)\s+([IVXLC]{1,8}|\d{1,3})(\.?)(?:\s+(\S.*))?$")
_PART = re.compile(r"^(?:PART|Part)\s+([IVXLC]{1,8}|\d{1,3})\.?(?:\s+(\S.*))?$")
_ANNEX = re.compile(r"^(?:ANNEX|Annex)(?:\s+([IVXLC]{1,8}|\d{1,3}|[A-Z](?:\.\d{1,2})?))?\.?$")
_GENERAL_ANNEX = re.compile(r"^general\s+annex$", re.I)
_APPENDIX = re.compile(r"^(?:APPENDIX|Appendix)(?:\s+([IVXLC]{1,8}|\d{1,3}|[A-Z]))?(?:\s+(to\s+.*))?$")
_SCHEDULES = re.compile(r"^(?:Schedules|SCHEDULES)$")
_ROMAN_CHAPTER = re.compile(r"^([IVX]{1,6})(?:\s+([A-Z]\S*(?:\s.*)?))?$")
_PREAMBLE = re.compile(r"^(?:Preamble|Preambule|PREAMBLE)(?=$|\s|[A-Z])\s*(.*)$")
_TESTIMONIUM = re.compile(r"^(?:in witness whereof|done at)\b", re.I)
_DUTCH_NOTE = re.compile(r"^(?:\[Red\.|Wijzigt het |Ligt ter inzage )")
_STD_NUMBER = re.compile(r"^(\d{1,2}\.\d{1,3})\.?(?:\s+(\S.*))?$")
_STD_MARKER = re.compile(
    r"^(transitional standard|standard|recommended practice|transitional recommended practice)$", re.I
)
_PARA = re.compile(r"^(\d{1,3})(?:\s?(bis|ter|quater))?\.(?!\d)\s*(.*)$")
_LONE_NUMBER = re.compile(r"^(\d{1,3})$")
_PAREN_ITEM = re.compile(r"^\((?P<tok>[a-z]{1,4}|[A-Z]|\d{1,2})\)(?P<dot>\.)?\s*(?P<rest>.*)$")
_CLOSE_ITEM = re.compile(r"^(?P<tok>[a-z]{1,4}|\d{1,2})\)\s*(?P<rest>.*)$")
_DOT_ITEM = re.compile(r"^(?P<tok>[a-z]{1,4})\.(?![a-z]\.)\s*(?P<rest>.*)$")
_UPPER_DOT_ITEM = re.compile(r"^(?P<tok>[A-Z])\.\s+(?P<rest>\S.*)$")
_LONE_UPPER = re.compile(r"^(?P<tok>[A-Z])$")
_DEF_CELL = re.compile(r"^E(\d{1,3})\./F\d{1,3}\.$")
_ROMAN = re.compile(r"^(?=[ivx])(x{0,3})(ix|iv|v?i{0,3})$")
_DASH = re.compile(r"^[–—-]")

_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
# Container levels: a new container closes every open container of the same or a deeper level.
_LEVEL = {"annex": 0, "app": 1, "part": 1, "app_in_part": 1.5, "chp": 2, "sec": 3, "hc": 4, "hc2": 5}


def roman_value(token: str) -> int:
    """ "xiv" -> 14 (lower or upper case); 0 when it is not a roman numeral."""
    total = 0
    prev = 0
    for ch in reversed(token.lower()):
        v = _ROMAN_VALUES.get(ch, 0)
        if not v:
            return 0
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def _letter_ordinal(token: str) -> float:
    if token == "ij":  # a Dutch-style letter between (h)/(i) and (k): RKC Article 1 "ij)"
        return 9.5
    if len(token) == 2 and token[0] == token[1]:
        return 26 + ord(token[0]) - 96
    return float(ord(token[0]) - 96)


def _ordinal(token: str, typ: str) -> float:
    if typ == "roman":
        return float(roman_value(token))
    if typ == "letter":
        return _letter_ordinal(token)
    if typ == "upper":
        return float(ord(token) - 64)
    return float(int(token)) if token.isdigit() else 0.0


def _item_types(token: str) -> tuple[str, ...]:
    """The list types an enumerator token may belong to ('' tuple: not an enumerator)."""
    if token.isdigit():
        return ("digit",)
    if len(token) == 1 and token.isupper():
        return ("upper",)
    roman = bool(_ROMAN.match(token))
    letter = len(token) == 1 or token == "ij" or (len(token) == 2 and token[0] == token[1] and not roman)
    if roman and letter:
        return ("roman", "letter")
    if roman:
        return ("roman",)
    if letter:
        return ("letter",)
    return ()


def _heading_like(text: str) -> bool:
    """A short title line: no final punctuation of a sentence, starts with a capital (or an OCR'd 'ln'/'lf')."""
    if not text or len(text) > 160 or "\t" in text or text[-1] in ".;:,":
        return False
    first = text[0]
    if first == "(":
        first = text[1:2]
    if not first.isalpha():
        return False
    if first.islower() and not (first == "l" and text[1:2] in ("n", "f")):
        return False
    return len(text.split()) <= 25


@dataclass
class _Tok:
    """One source line, classified."""

    no: int
    # article | container | std_number | std_marker | item | dash | text | table | note | testimonium | preamble
    kind: str
    text: str
    number: str = ""
    ctype: str = ""  # container type; for items the form ("(x)", "x)", "x.", "(x).", "tab", "lone")
    types: tuple[str, ...] = ()  # candidate list types of an item ("para", "letter", "roman", ...)
    role: str = ""  # set by the pre-pass: "art_heading", "cont_heading", "hc", "merged"
    heading: str = ""  # containers: the inline title; items: filled when a lone enumerator takes a line
    to_part: bool = False  # "Appendix 2 to Part II"


def _clean_line(line: str) -> str:
    """NFC and collapsed white space; a table row keeps one TAB between its (cleaned) cells."""
    if "\t" not in line:
        return clean(line)
    cells = [clean(c) for c in line.split("\t")]
    return "\t".join(c for c in cells if c)


def _classify(lines: list[tuple[int, str]]) -> list[_Tok]:
    toks: list[_Tok] = []
    in_article = False
    in_ga = False
    for idx, (no, line) in enumerate(lines):
        nxt = lines[idx + 1][1] if idx + 1 < len(lines) else ""
        nxt2 = lines[idx + 2][1] if idx + 2 < len(lines) else ""
        prev = lines[idx - 1][1] if idx > 0 else ""
        tok = _classify_line(no, line, in_article=in_article, in_ga=in_ga, nxt=nxt, nxt2=nxt2, prev=prev)
        if tok.kind == "article":
            in_article = True
        elif tok.kind == "container":
            in_article = False
            if tok.ctype == "ga":
                in_ga = True
            elif tok.ctype in ("annex", "schedules"):
                in_ga = False
        toks.append(tok)
    return toks


def _classify_line(no: int, line: str, *, in_article: bool, in_ga: bool, nxt: str, nxt2: str, prev: str = "") -> _Tok:
    if m := _ARTICLE.match(line):
        return _Tok(no, "article", "", number=m.group(1) + (m.group(2) or ""))
    if _DUTCH_NOTE.match(line):
        return _Tok(no, "note", line)
    if _TESTIMONIUM.match(line):
        return _Tok(no, "testimonium", line)
    if m := _PREAMBLE.match(line):
        return _Tok(no, "preamble", m.group(1).strip())
    if _GENERAL_ANNEX.match(line):
        return _Tok(no, "container", "", ctype="ga", heading=line)
    if m := _ANNEX.match(line):
        return _Tok(no, "container", "", number=m.group(1) or "", ctype="annex")
    if _SCHEDULES.match(line):
        return _Tok(no, "container", "", number="schedules", ctype="annex")
    if m := _APPENDIX.match(line):
        to = m.group(2) or ""
        return _Tok(no, "container", "", number=m.group(1) or "", ctype="app", heading=to, to_part="part" in to.lower())
    if (m := _CHAPTER.match(line)) and (not m.group(2) or _heading_like(m.group(2))):
        return _Tok(no, "container", "", number=m.group(1), ctype="chp", heading=m.group(2) or "")
    if (m := _PART.match(line)) and (not m.group(2) or _heading_like(m.group(2))):
        return _Tok(no, "container", "", number=m.group(1), ctype="part", heading=m.group(2) or "")
    if (m := _SECTION.match(line)) and (not m.group(3) or _heading_like(m.group(3))):
        if in_article and m.group(2):  # "Section 4." inside an annex article (wco-ccc): a numbered paragraph
            return _Tok(no, "item", m.group(3) or "", number=m.group(1), ctype="section", types=("para",))
        return _Tok(no, "container", "", number=m.group(1), ctype="sec", heading=m.group(3) or "")
    if not in_ga and (m := _ROMAN_CHAPTER.match(line)):
        title = m.group(2) or ""
        if (title and _heading_like(title) and _ARTICLE.match(nxt)) or (
            not title and _heading_like(nxt) and _ARTICLE.match(nxt2)
        ):
            return _Tok(no, "container", "", number=m.group(1), ctype="chp", heading=title)
    if _STD_MARKER.match(line):
        return _Tok(no, "std_marker", line)
    marked = bool(_STD_MARKER.match(nxt) or _STD_MARKER.match(prev))
    if (m := _STD_NUMBER.match(line)) and (in_ga or marked) and (not m.group(2) or line.split()[0].endswith(".")):
        return _Tok(no, "std_number", (m.group(2) or "").strip(), number=m.group(1))
    if "\t" in line:
        return _classify_table(no, line)
    item = _classify_item(no, line)
    if item is not None:
        return item
    if _DASH.match(line):
        return _Tok(no, "dash", line)
    return _Tok(no, "text", line)


def _classify_item(no: int, line: str) -> _Tok | None:
    if m := _PARA.match(line):
        number = m.group(1) + (m.group(2) or "")
        return _Tok(no, "item", m.group(3).strip(), number=number, ctype="n.", types=("para",))
    if m := _LONE_NUMBER.match(line):
        return _Tok(no, "item", "", number=m.group(1), ctype="lone", types=("para",))
    for regex, form in ((_PAREN_ITEM, "(x)"), (_CLOSE_ITEM, "x)"), (_DOT_ITEM, "x."), (_UPPER_DOT_ITEM, "X.")):
        m = regex.match(line)
        if not m:
            continue
        token = m.group("tok")
        types = _item_types(token)
        if not types:
            return None
        if form == "(x)" and m.group("dot"):
            form = "(x)."
        return _Tok(no, "item", m.group("rest").strip(), number=token, ctype=form, types=types)
    if m := _LONE_UPPER.match(line):
        return _Tok(no, "item", "", number=m.group("tok"), ctype="X", types=("upper",))
    return None


def _classify_table(no: int, line: str) -> _Tok:
    cells = [c.strip() for c in line.split("\t")]
    first, rest = cells[0], clean(" ".join(c for c in cells[1:] if c))
    if m := _DEF_CELL.match(first):
        return _Tok(no, "item", rest, number=f"E{m.group(1)}", ctype="tab", types=("def",))
    token = first.strip("().")
    types = _item_types(token) if re.fullmatch(r"\(?[a-z]{1,4}[).]?|\(?[A-Z][).]?|\(?\d{1,2}[).]?", first) else ()
    if types and rest:
        return _Tok(no, "item", rest, number=token, ctype="tab", types=types)
    return _Tok(no, "table", clean(" ".join(c for c in cells if c)))


def _is_lone_heading_enumerator(tok: _Tok) -> bool:
    return (
        tok.kind == "item" and not tok.text and tok.ctype != "lone" and any(t in ("letter", "upper") for t in tok.types)
    )


def _title_run_ends(toks: list[_Tok], j: int) -> bool:
    """Whether the heading-like lines from toks[j] on are followed by an article label."""
    k = j
    while k < len(toks) and toks[k].kind == "text" and _heading_like(toks[k].text):
        k += 1
    return k < len(toks) and toks[k].kind == "article"


def _prepass(toks: list[_Tok]) -> None:
    """Claim heading lines (article headings, container titles, heading groups) and merge lone enumerators."""
    n = len(toks)
    for i, tok in enumerate(toks):
        if tok.kind != "article" or i + 1 >= n:
            continue
        cand = toks[i + 1]
        if cand.kind != "text" or not _heading_like(cand.text):
            continue
        after = toks[i + 2] if i + 2 < n else None
        if after is not None and (after.kind == "dash" or (after.kind == "text" and after.text[:1].islower())):
            continue
        cand.role = "art_heading"
    for i, tok in enumerate(toks):
        if tok.kind != "container":
            continue
        j = i + 1
        claimed: list[_Tok] = []
        while j < n and toks[j].kind == "text" and not toks[j].role:
            cand = toks[j]
            if tok.ctype == "app" and cand.text.lower().startswith("to ") and not claimed and not tok.heading:
                cand.role = "cont_heading"
                j += 1
                continue
            if not _heading_like(cand.text):
                break
            if claimed and (cand.text.isupper() != claimed[0].text.isupper() or not _title_run_ends(toks, j)):
                break  # a second title line only when it is in the same case and the titles lead to an article
            claimed.append(cand)
            cand.role = "cont_heading"
            j += 1
    for i, tok in enumerate(toks):
        if tok.kind != "std_number":
            continue
        after = toks[i + 1] if i + 1 < n else None
        before = toks[i - 1] if i > 0 else None
        if after is not None and after.kind == "std_marker" and not after.role:
            tok.heading, after.role = after.text, "merged"
        elif before is not None and before.kind == "std_marker" and not before.role:
            tok.heading, before.role = before.text, "merged"
    in_ga = False
    in_article = False
    for i, tok in enumerate(toks):
        if tok.kind == "container":
            in_ga = tok.ctype == "ga" or (in_ga and tok.ctype not in ("annex",))
            in_article = False
        elif tok.kind == "article":
            in_article = True
        before_para = tok.kind == "item" and tok.types == ("para",) and tok.ctype != "lone" and not in_article
        if tok.kind == "article" or (tok.kind == "std_number" and in_ga) or before_para:
            limit = 1 if before_para else 2  # heading lines (not counting lone enumerators) a group may take
            end = i - 1 if i > 0 and toks[i - 1].kind == "std_marker" and toks[i - 1].role == "merged" else i
            j = end - 1
            while j >= 0 and not toks[j].role:
                if toks[j].kind == "text" and _heading_like(toks[j].text) and limit > 0:
                    limit -= 1
                elif not _is_lone_heading_enumerator(toks[j]):
                    break
                j -= 1
            for k in range(j + 1, end):
                toks[k].role = "hc"
    for i, tok in enumerate(toks):
        if tok.kind != "item" or tok.text or tok.role or i + 1 >= n:
            continue
        nxt = toks[i + 1]
        if nxt.kind == "text" and not nxt.role:
            tok.text = nxt.text
            nxt.role = "merged"
    for tok in toks:
        if tok.kind == "item" and tok.ctype == "lone" and not tok.text:
            tok.kind = "text"  # a bare number with nothing to number
            tok.text = tok.number


@dataclass
class _Node:
    eid: str
    kind: str
    number: str | None
    heading: str | None
    text: str
    parent: str | None
    anchor: str | None


@dataclass
class _Container:
    eid: str
    ctype: str
    level: float


@dataclass
class _Frame:
    """One open enumerated list: its type and form, the last number and the item that holds it."""

    typ: str
    form: str
    last: float
    item: str
    parent: str
    prefix: str


@dataclass
class _Builder:
    slug: str | None = None
    nodes: list[_Node] = field(default_factory=list)
    by_eid: dict[str, _Node] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    containers: list[_Container] = field(default_factory=list)
    hc_base: dict[str, str] = field(default_factory=dict)  # hcontainer -> the container its children's ids use
    child_counts: dict[tuple[str, str], int] = field(default_factory=dict)
    article: str | None = None
    std: str | None = None
    para: str | None = None
    frames: list[_Frame] = field(default_factory=list)
    frames_owner: str | None = None
    lists_started: dict[str, int] = field(default_factory=dict)
    last_al: dict[str, str] = field(default_factory=dict)
    al_after_list: dict[str, bool] = field(default_factory=dict)
    al_count: dict[str, int] = field(default_factory=dict)
    last_al_in: dict[str, str] = field(default_factory=dict)
    testimonium: bool = False
    article_count: int = 0
    last_eid: str | None = None

    # -- ids and emission -------------------------------------------------------------------------
    def anchor(self, no: int) -> str:
        return f"{self.slug}:L{no}" if self.slug else f"L{no}"

    def emit(
        self,
        eid: str,
        kind: str,
        *,
        parent: str | None,
        no: int,
        text: str = "",
        number: str | None = None,
        heading: str | None = None,
    ) -> str:
        if eid in self.by_eid:
            k = 2
            while f"{eid}~{k}" in self.by_eid:
                k += 1
            self.warnings.append(ParseWarning(f"duplicate id {eid}: numbered {eid}~{k}", self.anchor(no), eid))
            eid = f"{eid}~{k}"
        node = _Node(eid, kind, number, heading, text, parent, f"L{no}")
        self.nodes.append(node)
        self.by_eid[eid] = node
        self.last_eid = eid
        return eid

    # -- containers -------------------------------------------------------------------------------
    def close_body(self) -> None:
        self.article = self.std = self.para = None
        self.frames = []
        self.frames_owner = None
        self.testimonium = False

    def top(self) -> str | None:
        return self.containers[-1].eid if self.containers else None

    def annex_prefix(self) -> str | None:
        for c in reversed(self.containers):
            if c.level == 0:
                return c.eid
        return None

    def in_ga(self) -> bool:
        return any(c.ctype == "ga" for c in self.containers)

    def open_container(self, ctype: str, number: str, heading: str, no: int) -> None:
        self.close_body()
        level = _LEVEL.get(ctype, 0)
        while self.containers and self.containers[-1].level >= level:
            self.containers.pop()
        parent = self.top()
        if ctype == "ga":
            eid, prefix = "ga", ""
        else:
            prefix = {"annex": "annex", "app": "app", "app_in_part": "app", "chp": "chp", "sec": "sec"}.get(
                ctype, ctype
            )
            if ctype in ("hc", "hc2"):
                prefix = "hcontainer"
            if not number or ctype in ("hc", "hc2"):
                key = (parent or "", prefix)
                self.child_counts[key] = self.child_counts.get(key, 0) + 1
                local = str(self.child_counts[key])
            else:
                local = number
            eid = f"{parent}__{prefix}_{local}" if parent else f"{prefix}_{local}"
        kind = "hcontainer" if ctype in ("hc", "hc2") else "part"
        eid = self.emit(eid, kind, parent=parent, no=no, number=number or None, heading=heading or None)
        if kind == "hcontainer" and parent is not None:
            self.hc_base[eid] = self.id_base(parent)
        self.containers.append(_Container(eid, ctype, level))

    def id_base(self, eid: str) -> str:
        """The eId prefix for provisions placed in `eid`: headings (hcontainers) do not enter their ids."""
        return self.hc_base.get(eid, eid)

    def ensure_preamble(self, no: int) -> str:
        if "preamble" not in self.by_eid:
            self.emit("preamble", "preamble", parent=None, no=no)
        return "preamble"

    def body_container(self, no: int) -> str:
        return self.para or self.std or self.article or self.top() or self.ensure_preamble(no)

    # -- labels -----------------------------------------------------------------------------------
    def article_label(self, number: str, heading: str, no: int) -> None:
        self.close_body()
        self.article_count += 1
        prefix = self.annex_prefix()
        eid = f"{prefix}__art_{number}" if prefix else f"art_{number}"
        self.article = self.emit(eid, "art", parent=self.top(), no=no, number=number, heading=heading or None)

    def std_number(self, number: str, marker: str, text: str, no: int) -> None:
        """A Standard (``std``) or Recommended Practice (``rp``): its id is qualified by its chapter."""
        self.close_body()
        chapter = next((c.eid for c in reversed(self.containers) if c.ctype in ("chp", "ga", "annex")), None)
        kind = "rp" if "recommended" in marker.lower() else "std"
        eid = f"{chapter}__{kind}_{number}" if chapter else f"{kind}_{number}"
        self.std = self.emit(eid, kind, parent=self.top(), no=no, number=number, heading=marker or None, text=text)

    # -- items ------------------------------------------------------------------------------------
    def item(self, tok: _Tok, next_item: _Tok | None) -> None:
        if tok.types == ("para",):
            self.para_item(tok)
            return
        container = self.body_container(tok.no)
        if self.frames_owner != container:
            self.frames = []
            self.frames_owner = container
        typ, index = self.resolve(tok, next_item)
        token = tok.number
        ordinal = _ordinal(token, typ)
        if index is not None:
            del self.frames[index + 1 :]
            frame = self.frames[index]
        else:
            same = next(
                (k for k, f in enumerate(self.frames) if f.typ == typ and f.form == tok.ctype),
                None,
            )
            if same is not None:
                parent = self.frames[same].parent
                del self.frames[same:]
            else:
                parent = self.frames[-1].item if self.frames else container
            prefix = self.id_base(parent)
            if parent == container:
                started = self.lists_started.get(container, 0) + 1
                self.lists_started[container] = started
                lead_in = self.last_al.get(container)
                if started > 1 and lead_in and self.al_after_list.get(container):
                    prefix = lead_in
                self.al_after_list[container] = False
            frame = _Frame(typ, tok.ctype, 0.0, "", parent, prefix)
            self.frames.append(frame)
        kind = "subpoint" if typ == "roman" else "point"
        eid = self.emit(
            f"{frame.prefix}__{kind}_{token}", kind, parent=frame.parent, no=tok.no, text=tok.text, number=token
        )
        frame.last = ordinal
        frame.item = eid

    def resolve(self, tok: _Tok, next_item: _Tok | None) -> tuple[str, int | None]:
        """Which list type the item is and which open list (index into frames) it continues, if any."""
        found: dict[str, int] = {}
        ambiguous = len(tok.types) > 1
        for typ in tok.types:
            ordinal = _ordinal(tok.number, typ)
            # an "(i)" / "(v)" / "(x)" is a letter only right after (h) / (u) / (w) of a list in the same form
            strict = ambiguous and typ == "letter"
            best: int | None = None
            for k in range(len(self.frames) - 1, -1, -1):
                f = self.frames[k]
                step = ordinal - f.last
                if f.typ == typ and (step == 1 if strict else 0 < step <= 3) and (not strict or f.form == tok.ctype):
                    if f.form == tok.ctype:
                        best = k
                        break
                    if best is None:
                        best = k
            if best is not None:
                found[typ] = best
        if "letter" in found and "roman" in tok.types:
            roman_next = (
                next_item is not None
                and "roman" in next_item.types
                and roman_value(next_item.number) == roman_value(tok.number) + 1
            )
            # (h) (i) (j): a letter; (h) (i) (ii): a roman list (continued, or opened below (h))
            return ("roman", found.get("roman")) if roman_next else ("letter", found["letter"])
        if found:
            typ = next(iter(found))
            return typ, found[typ]
        starts = [t for t in tok.types if _ordinal(tok.number, t) == 1]
        return (starts[0] if starts else tok.types[0]), None

    def para_item(self, tok: _Tok) -> None:
        self.frames = []
        self.frames_owner = None
        parent = self.std or self.article or self.top() or self.ensure_preamble(tok.no)
        self.para = self.emit(
            f"{self.id_base(parent)}__para_{tok.number}",
            "para",
            parent=parent,
            no=tok.no,
            text=tok.text,
            number=tok.number,
        )

    def list_goes_on(self, next_item: _Tok | None) -> bool:
        """Whether the next item (before a boundary) continues an open list rather than starting one again:
        "a)" after a list of letters restarts (a second list), "(i)" below a point opens a nested list."""
        if next_item is None:
            return False
        for typ in next_item.types:
            if _ordinal(next_item.number, typ) != 1:
                return True
            if not any(f.typ == typ for f in self.frames):
                return True
        return False

    # -- unnumbered paragraphs --------------------------------------------------------------------
    def al(self, text: str, no: int, *, dash: bool, list_goes_on: bool) -> None:
        if self.std and not self.para and not self.frames and not self.by_eid[self.std].text:
            self.by_eid[self.std].text = text
            return
        if self.frames:
            owner = self.frames[-1].item
            last = self.last_al_in.get(owner)
            owner_text = self.by_eid[owner].text
            last_text = self.by_eid[last].text if last else ""
            if (
                (last is None and owner_text.endswith(":"))
                or (last is not None and (last_text.endswith(":") or (dash and _DASH.match(last_text) is not None)))
                or list_goes_on
            ):
                self._emit_al(owner, text, no)
                return
            self.frames = []
            self.frames_owner = None
        container = self.body_container(no)
        eid = self._emit_al(container, text, no)
        self.last_al[container] = eid
        if self.lists_started.get(container):
            self.al_after_list[container] = True

    def _emit_al(self, parent: str, text: str, no: int) -> str:
        base = self.id_base(parent)
        k = self.al_count.get(base, 0) + 1
        self.al_count[base] = k
        eid = self.emit(f"{base}__al_{k}", "al", parent=parent, no=no, text=text)
        self.last_al_in[parent] = eid
        return eid

    def note(self, text: str, no: int, *, whole_act: bool = False) -> None:
        self.notes.append(Note(None if whole_act else self.last_eid, text, f"L{no}", len(self.notes)))


def _hc_groups(run: list[_Tok]) -> list[tuple[int, str, str, bool]]:
    """Heading lines -> (line, number, heading, sub-level) for each hcontainer they open."""
    groups: list[tuple[int, str, str, bool]] = []
    i = 0
    while i < len(run):
        tok = run[i]
        if tok.kind == "item":
            heading = ""
            if i + 1 < len(run) and run[i + 1].kind == "text":
                heading = run[i + 1].text
                i += 1
            sub = "letter" in tok.types and tok.number.islower()
            groups.append((tok.no, tok.number, heading, sub))
        else:
            texts = [tok.text]
            while i + 1 < len(run) and run[i + 1].kind == "text":
                i += 1
                texts.append(run[i].text)
            groups.append((tok.no, "", " — ".join(texts), False))
        i += 1
    return groups


def _next_items(toks: list[_Tok]) -> list[_Tok | None]:
    """For each token, the next item token before a boundary (article, container, paragraph, standard)."""
    result: list[_Tok | None] = [None] * len(toks)
    upcoming: _Tok | None = None
    for i in range(len(toks) - 1, -1, -1):
        result[i] = upcoming
        tok = toks[i]
        if tok.role in ("merged", "art_heading", "cont_heading", "hc"):
            continue
        if tok.kind in ("article", "container", "std_number", "testimonium", "preamble") or (
            tok.kind == "item" and tok.types == ("para",)
        ):
            upcoming = None
        elif tok.kind == "item":
            upcoming = tok
    return result


def parse_treaty_text(text: str, *, slug: str | None = None) -> ParsedAct:
    """Parse the English plain text of a treaty (see the module docstring for the rules)."""
    warnings: list[ParseWarning] = []
    raw_lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [(no, _clean_line(line)) for no, line in enumerate(raw_lines, start=1)]
    lines = [(no, line) for no, line in lines if line]
    title: str | None = None
    if lines:
        first = _classify_line(lines[0][0], lines[0][1], in_article=False, in_ga=False, nxt="", nxt2="")
        structural = first.kind in ("article", "container", "preamble", "std_number", "std_marker")
        if not structural and not (first.kind == "item" and first.types == ("para",)):
            title = lines[0][1]
            lines = lines[1:]
    else:
        warnings.append(ParseWarning("empty text"))
    toks = _classify(lines)
    _prepass(toks)
    upcoming = _next_items(toks)
    b = _Builder(slug=slug)
    b.warnings.extend(warnings)
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.role == "hc":
            run = [tok]
            while i + 1 < len(toks) and toks[i + 1].role == "hc":
                i += 1
                run.append(toks[i])
            for no, number, heading, sub in _hc_groups(run):
                if sub and not any(c.ctype == "hc" for c in b.containers):
                    sub = False
                b.open_container("hc2" if sub else "hc", number, heading, no)
        else:
            i = _dispatch(b, toks, i, upcoming[i])
        i += 1
    if b.article_count == 0:
        b.warnings.append(ParseWarning("no articles found"))
    return ParsedAct(
        source_format=SOURCE_FORMAT,
        title=title,
        act_type=None,
        edition_date=None,
        basis=None,
        provisions=_finish(b.nodes),
        notes=tuple(b.notes),
        warnings=tuple(b.warnings),
        article_count=b.article_count,
    )


def _dispatch(b: _Builder, toks: list[_Tok], i: int, next_item: _Tok | None) -> int:
    """Handle toks[i] (and the heading lines it owns); returns the index of the last token consumed."""
    tok = toks[i]
    if tok.role in ("merged", "cont_heading", "art_heading"):
        return i  # consumed by the label or enumerator before it
    if tok.kind == "article":
        heading = toks[i + 1].text if i + 1 < len(toks) and toks[i + 1].role == "art_heading" else ""
        b.article_label(tok.number, heading, tok.no)
    elif tok.kind == "container":
        titles = [tok.heading] if tok.heading else []
        j = i + 1
        while j < len(toks) and toks[j].role == "cont_heading":
            titles.append(toks[j].text)
            j += 1
        ctype = "app_in_part" if tok.ctype == "app" and tok.to_part else tok.ctype
        b.open_container(ctype, tok.number, " — ".join(titles), tok.no)
        return j - 1
    elif tok.kind == "std_number":
        b.std_number(tok.number, tok.heading, tok.text, tok.no)
    elif tok.kind == "note":
        b.note(tok.text, tok.no)
    elif tok.kind == "testimonium":
        b.close_body()
        b.testimonium = True
        b.note(tok.text, tok.no, whole_act=True)
    elif tok.kind == "preamble":
        if tok.text:
            b.al(tok.text, tok.no, dash=False, list_goes_on=False)
        else:
            b.ensure_preamble(tok.no)
    elif b.testimonium and tok.kind in ("text", "dash", "table"):
        b.note(tok.text, tok.no, whole_act=True)
    elif tok.kind == "item":
        b.item(tok, next_item)
    else:
        b.al(tok.text, tok.no, dash=tok.kind == "dash", list_goes_on=b.list_goes_on(next_item))
    return i


def _finish(nodes: list[_Node]) -> tuple[Provision, ...]:
    """Set each article's own text (its direct lead `al` paragraphs) and freeze the nodes in order."""
    lead: dict[str, list[str]] = {}
    closed: set[str] = set()
    kinds = {n.eid: n.kind for n in nodes}
    for n in nodes:
        if n.parent is None or kinds.get(n.parent) != "art" or n.parent in closed:
            continue
        if n.kind == "para":
            closed.add(n.parent)
        elif n.kind == "al":
            lead.setdefault(n.parent, []).append(n.text)
    out: list[Provision] = []
    for order, n in enumerate(nodes):
        text = " ".join(lead.get(n.eid, [])) if n.kind == "art" else n.text
        out.append(Provision(n.eid, n.kind, n.number, n.heading, text, n.parent, order, n.anchor))
    return tuple(out)


def _children(parsed: ParsedAct) -> dict[str | None, list[Provision]]:
    kids: dict[str | None, list[Provision]] = {}
    for p in parsed.provisions:
        kids.setdefault(p.parent, []).append(p)
    return kids


_ENUM_FORMAT = {"para": "{}.", "point": "{})", "subpoint": "({})"}


def full_text(parsed: ParsedAct, eid: str) -> str:
    """A provision's text followed by everything below it, each item with its enumerator ("a) ...", "(i) ...").

    The article's own text repeats its lead paragraphs, so for an article the lead `al` children are not
    repeated. Enumerators are written in one canonical form; compare with the source modulo punctuation.
    """
    prov = parsed.by_eid().get(eid)
    if prov is None:
        return ""
    kids = _children(parsed)
    parts: list[str] = [prov.text] if prov.text else []
    mirrored = _mirrored_als(parsed) if prov.kind == "art" else set()

    def walk(node: str) -> None:
        for child in kids.get(node, []):
            if child.eid in mirrored:
                continue
            fmt = _ENUM_FORMAT.get(child.kind)
            head = fmt.format(child.number) if fmt and child.number else ""
            piece = " ".join(x for x in (head, child.text) if x)
            if piece:
                parts.append(piece)
            walk(child.eid)

    walk(eid)
    return " ".join(parts)


def _mirrored_als(parsed: ParsedAct) -> set[str]:
    """The `al` provisions whose text an article carries as its own text (its lead paragraphs)."""
    kinds = {p.eid: p.kind for p in parsed.provisions}
    mirrored: set[str] = set()
    closed: set[str] = set()
    for p in parsed.provisions:
        if p.parent is None or kinds.get(p.parent) != "art" or p.parent in closed:
            continue
        if p.kind == "para":
            closed.add(p.parent)
        elif p.kind == "al":
            mirrored.add(p.eid)
    return mirrored


def iter_english_units(parsed: ParsedAct) -> list[tuple[str, str]]:
    """(eid, text) of every provision that carries text, in document order.

    An article's own text is the text of its lead unnumbered paragraphs, so those `al` provisions are not
    listed a second time: each piece of text appears once, under the id an alignment cites (``art_11``).
    """
    mirrored = _mirrored_als(parsed)
    return [(p.eid, p.text) for p in parsed.provisions if p.text and p.eid not in mirrored]
