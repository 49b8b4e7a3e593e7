"""INCEpTION / WebAnno TSV 3.3: export units as one document (one sentence per unit), import the annotated file.

Layout of an exported file::

    #FORMAT=WebAnno TSV 3.3
    #T_SP=webanno.custom.Agency|agency
    #T_SP=webanno.custom.NormCue|modality
    #T_SP=webanno.custom.Unit|unit|edition|offsets|sha256|split|origin|norms|counterparts|context


    #Sentence.id=4495-17#art_558__para_4__s1
    #Text=Митні органи мають право ...
    1-1	0-5	Митні	customs[1]	_	4495-17#art\\_558\\_\\_para\\_4\\_\\_s1[2]	2026-02-21[2]	...
    1-2	6-12	органи	customs[1]	_	4495-17#art\\_558\\_\\_para\\_4\\_\\_s1[2]	2026-02-21[2]	...

Layers (create them in the INCEpTION project before importing; the names are the UIMA type names INCEpTION
gives to custom layers called "Agency", "NormCue" and "Unit"):

- ``webanno.custom.Agency`` (span layer, token anchoring), string feature ``agency``: one annotation per agency
  mention, the value a canonical agency id (agencies.md / the registry).
- ``webanno.custom.NormCue`` (span layer, token anchoring), string feature ``modality``: task, power, duty or
  prohibition.
- ``webanno.custom.Unit`` (span layer, sentence granularity): exactly one annotation per sentence, covering it,
  with string features ``unit`` (unit id), ``edition`` (YYYY-MM-DD), ``offsets`` ("start-end", code points of
  the unit in the provision text; UIMA reserves the feature names ``begin`` and ``end``), ``sha256`` (of the
  unit text at export, for information: the importer reports the hash of the text the file holds), ``split``,
  ``origin`` ("gold", "predicted" or empty: where the labels written into the file came from), ``norms``
  ("agent:modality" items) and ``counterparts`` ("agent:counterpart:type" items), and ``context`` (the
  article heading and lead-ins, shown to the annotator; ignored on import). Items are written separated by
  "; "; on import they may be separated by ";", "," or white space, and white space around ":" is allowed.

Sentences, tokens and offsets. Each unit is one sentence; the document text is the unit texts joined by "\\n".
A unit text that holds line breaks (CRLF) becomes several ``#Text=`` lines (INCEpTION splits at "\\n" and
keeps "\\r" escaped). Token rows carry ``begin-end`` offsets in UTF-16 code units of the document text,
because INCEpTION is written in Java (an astral character such as "🚢" counts 2); the importer converts them
back to code points of the unit text. Tokens come from ``pipeline.tagging.tokens.tokenize``, with every other
non-space character covered (emoji, "_", lone combining marks), combining marks kept with their letter, and
tokens split wherever a span starts or ends inside them ("митних органів-учасників" → "органів",
"-учасників"), since WebAnno spans can only start and end on token boundaries. A unit text must therefore
not start with white space and no span may start or end inside white space (ConfigError on export).

Disambiguation ids ``[n]`` are written, as INCEpTION does, for annotations covering more than one row and
for annotations stacked on a row with another one of the same layer; values are escaped as INCEpTION does
(``\\ [ ] | _ -> ; * TAB LF``), and so is the ``#Text`` (control characters, ``\\t``, ``\\r``, ``\\``).

Predictions: INCEpTION imports annotations, not suggestions. With ``with_predictions`` a unit that has no
gold labels gets its predicted spans, norms and counterparts written into the layers as ordinary
annotations (``origin`` = "predicted"), for the annotator to correct; a unit with gold labels always gets
its gold labels; a unit with neither gets none. The importer returns whatever the file holds as labels.

The importer reads the layer declarations of the header (any order, other layers, chain and relation layers
and sub-token rows are allowed, as in files exported by INCEpTION); the Agency and NormCue layers may be
missing (INCEpTION omits empty layers), the Unit layer may not. Spans come back sorted by (start, end,
label, value); norms and counterparts in the order of their feature value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from pipeline.datasets.model import (
    AGENCY_LABEL,
    CUE_LABEL,
    INTERACTION_TYPES,
    MODALITIES,
    Counterpart,
    ExportUnit,
    ImportedUnit,
    Labels,
    Norm,
    Span,
)
from pipeline.errors import ConfigError
from pipeline.tagging.tokens import tokenize

FORMAT_LINE = "#FORMAT=WebAnno TSV 3.3"
AGENCY_LAYER = "webanno.custom.Agency"
AGENCY_FEATURE = "agency"
CUE_LAYER = "webanno.custom.NormCue"
CUE_FEATURE = "modality"
UNIT_LAYER = "webanno.custom.Unit"
UNIT_FEATURES = ("unit", "edition", "offsets", "sha256", "split", "origin", "norms", "counterparts", "context")

_FORMAT = re.compile(r"#FORMAT=WebAnno TSV (\d+)\.(\d+)")
_ROW_ID = re.compile(r"(\d+)-(\d+)(?:\.(\d+))?")
_OFFSETS = re.compile(r"(\d+)-(\d+)")
_ITEM_SEP = re.compile(r"[;,\s]+")
_COLON = re.compile(r"\s*:\s*")


# ---------------------------------------------------------------------------------------------------------
# Shared by the exporters and importers of this package (docbin.py uses them too).


def export_labels(unit: ExportUnit, *, with_predictions: bool) -> tuple[Labels | None, str]:
    """The labels to write for a unit and where they come from: gold first, else predictions if asked."""
    if unit.gold is not None:
        labels, origin = unit.gold, "gold"
    elif with_predictions and unit.predictions is not None:
        labels, origin = unit.predictions, "predicted"
    else:
        return None, ""
    for span in labels.spans:
        if not 0 <= span.start < span.end <= len(unit.text) or span.label not in (AGENCY_LABEL, CUE_LABEL):
            raise ConfigError(
                f"unit {unit.unit}: {origin} span {span} is empty, outside the unit text "
                f"(length {len(unit.text)}) or has an unknown label",
                provision=unit.unit,
            )
    return labels, origin


def known_agency_ids(known: Collection[str] | None) -> Collection[str]:
    """The agency ids importers accept: the given ones, else those of the agency registry."""
    if known is not None:
        return known
    from pipeline.tagging.registry import registry_cached

    return registry_cached().ids


def sorted_spans(spans: Iterable[Span]) -> tuple[Span, ...]:
    return tuple(sorted(spans, key=lambda s: (s.start, s.end, s.label, s.value)))


def check_span(span: Span, text: str, known: Collection[str], where: str, source: str) -> None:
    """Raise ConfigError (naming `where` and the file) unless the span is inside the text with a valid value."""
    if not 0 <= span.start < span.end <= len(text):
        raise ConfigError(f"{where}: span {span.start}-{span.end} is empty or outside the text", path=source)
    shown = text[span.start : span.end]
    if span.label == AGENCY_LABEL:
        if not span.value:
            raise ConfigError(f"{where}: {AGENCY_LABEL} span {shown!r} has no agency id", path=source)
        if span.value not in known:
            raise ConfigError(
                f"{where}: {AGENCY_LABEL} span {shown!r} has agency {span.value!r}, which is not a known agency id",
                path=source,
            )
    elif span.label == CUE_LABEL:
        if span.value not in MODALITIES:
            raise ConfigError(
                f"{where}: {CUE_LABEL} span {shown!r} has modality {span.value!r}, not one of {list(MODALITIES)}",
                path=source,
            )
    else:
        raise ConfigError(f"{where}: span {shown!r} has unknown label {span.label!r}", path=source)


def make_norm(agent: str, modality: str, known: Collection[str], where: str, source: str) -> Norm:
    if agent not in known:
        raise ConfigError(f"{where}: norm agent {agent!r} is not a known agency id", path=source)
    if modality not in MODALITIES:
        raise ConfigError(f"{where}: norm modality {modality!r} is not one of {list(MODALITIES)}", path=source)
    return Norm(agent, modality)


def make_counterpart(
    agent: str, counterpart: str, kind: str, known: Collection[str], where: str, source: str
) -> Counterpart:
    for role, aid in (("agent", agent), ("counterpart", counterpart)):
        if aid not in known:
            raise ConfigError(f"{where}: counterpart {role} {aid!r} is not a known agency id", path=source)
    if kind not in INTERACTION_TYPES:
        raise ConfigError(f"{where}: counterpart type {kind!r} is not one of {list(INTERACTION_TYPES)}", path=source)
    return Counterpart(agent, counterpart, kind)


def check_edition(edition: str, where: str, source: str) -> str:
    try:
        dt.date.fromisoformat(edition)
    except ValueError as e:
        raise ConfigError(f"{where}: edition {edition!r} is not a date YYYY-MM-DD", path=source) from e
    return edition


def token_bounds(text: str, cuts: Iterable[int]) -> list[tuple[int, int]]:
    """Non-overlapping tokens (code-point offsets) covering every non-space character of the text.

    The tokens of ``tokenize``, plus runs of other non-space characters (emoji are tokens of their own
    there; "_" and the like are not matched at all), with combining marks merged into the token they
    belong to, then split at every cut (span boundary) that falls inside a token. White space is never
    part of a token.
    """
    found = [(t.start, t.end) for t in tokenize(text)]
    covered: list[tuple[int, int]] = []
    pos = 0
    for start, end in [*found, (len(text), len(text))]:
        i = pos
        while i < start:  # non-space characters the tokenizer left out
            if text[i].isspace():
                i += 1
                continue
            j = i
            while j < start and not text[j].isspace():
                j += 1
            covered.append((i, j))
            i = j
        if end > start:
            covered.append((start, end))
        pos = end
    merged: list[tuple[int, int]] = []
    for start, end in covered:
        if merged and merged[-1][1] == start:
            prev_last, first = text[start - 1], text[start]
            if unicodedata.category(first).startswith("M") or (
                unicodedata.category(prev_last).startswith("M") and first.isalpha()
            ):
                merged[-1] = (merged[-1][0], end)
                continue
        merged.append((start, end))
    inner = sorted(set(cuts))
    tokens: list[tuple[int, int]] = []
    for start, end in merged:
        points = [c for c in inner if start < c < end]
        edges = [start, *points, end]
        tokens.extend(itertools.pairwise(edges))
    return tokens


def utf16_offsets(text: str) -> list[int]:
    """UTF-16 offset of every code point boundary: result[i] = UTF-16 length of text[:i]."""
    out = [0]
    for ch in text:
        out.append(out[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return out


# ---------------------------------------------------------------------------------------------------------
# Escaping, as INCEpTION's Escaping.java does it.

_VALUE_ESCAPES = {
    "\\": "\\\\",
    "[": "\\[",
    "]": "\\]",
    "|": "\\|",
    "_": "\\_",
    ";": "\\;",
    "\t": "\\t",
    "\n": "\\n",
    "*": "\\*",
}
_VALUE_UNESCAPES = {"\\": "\\", "[": "[", "]": "]", "|": "|", "_": "_", ";": ";", "t": "\t", "n": "\n", "*": "*"}
_TEXT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", "\b": "\\b", "\\": "\\\\"}
_TEXT_UNESCAPES = {"t": "\t", "n": "\n", "f": "\f", "r": "\r", "b": "\b", "\\": "\\"}


def escape_value(value: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(value):
        if value.startswith("->", i):
            out.append("\\->")
            i += 2
            continue
        out.append(_VALUE_ESCAPES.get(value[i], value[i]))
        i += 1
    return "".join(out)


def unescape_value(raw: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\" and i + 1 < len(raw):
            if raw.startswith("->", i + 1):
                out.append("->")
                i += 3
                continue
            nxt = raw[i + 1]
            if nxt in _VALUE_UNESCAPES:
                out.append(_VALUE_UNESCAPES[nxt])
                i += 2
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _is_escaped_control(ch: str) -> bool:
    return ord(ch) < 32 and not 7 < ord(ch) < 14


def escape_text(text: str) -> str:
    out: list[str] = []
    for ch in text:
        if ch in _TEXT_ESCAPES:
            out.append(_TEXT_ESCAPES[ch])
        elif _is_escaped_control(ch):
            out.append("\\" + ch)  # sic: INCEpTION writes a backslash before the raw control character
        else:
            out.append(ch)
    return "".join(out)


def unescape_text(raw: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            if nxt in _TEXT_UNESCAPES:
                out.append(_TEXT_UNESCAPES[nxt])
                i += 2
                continue
            if _is_escaped_control(nxt):
                out.append(nxt)
                i += 2
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _split_unescaped(raw: str, sep: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\" and i + 1 < len(raw):
            current.append(raw[i : i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _value_and_id(raw: str) -> tuple[str | None, int | None]:
    """One stacked entry of a column: its unescaped value (None for "*") and its disambiguation id."""
    ident: int | None = None
    if raw.endswith("]") and not raw.endswith("\\]"):
        head, bracket, tail = raw.rpartition("[")
        if bracket and tail[:-1].isdigit():
            raw, ident = head, int(tail[:-1])
    return (None if raw == "*" else unescape_value(raw)), ident


# ---------------------------------------------------------------------------------------------------------
# Export


def _fmt_norms(norms: Sequence[Norm]) -> str:
    return "; ".join(f"{n.agent}:{n.modality}" for n in norms)


def _fmt_counterparts(items: Sequence[Counterpart]) -> str:
    return "; ".join(f"{c.agent}:{c.counterpart}:{c.type}" for c in items)


@dataclass
class _Annotation:
    layer: str
    first: int  # row (token) index
    last: int
    values: tuple[str, ...]
    ident: int | None = None


def _sentence_rows(
    number: int, unit: ExportUnit, base: int, labels: Labels | None, origin: str, next_id: int
) -> tuple[list[str], int]:
    text = unit.text
    if not text.strip():
        raise ConfigError(f"unit {unit.unit}: the text is empty; WebAnno TSV needs a token", provision=unit.unit)
    if text[0].isspace():
        raise ConfigError(f"unit {unit.unit}: the text starts with white space", provision=unit.unit)
    spans = sorted_spans(labels.spans) if labels else ()
    tokens = token_bounds(text, [p for s in spans for p in (s.start, s.end)])
    first_of = {start: i for i, (start, _) in enumerate(tokens)}
    last_of = {end: i for i, (_, end) in enumerate(tokens)}
    annotations: list[_Annotation] = []
    for span in spans:
        if span.start not in first_of or span.end not in last_of:
            raise ConfigError(
                f"unit {unit.unit}: span {span.start}-{span.end} {text[span.start : span.end]!r} starts or ends "
                "in white space, which WebAnno TSV cannot represent",
                provision=unit.unit,
            )
        layer = AGENCY_LAYER if span.label == AGENCY_LABEL else CUE_LAYER
        annotations.append(_Annotation(layer, first_of[span.start], last_of[span.end], (span.value,)))
    norms = _fmt_norms(labels.norms) if labels else ""
    counterparts = _fmt_counterparts(labels.counterparts) if labels else ""
    unit_values = (
        unit.unit,
        unit.edition,
        f"{unit.start}-{unit.end}",
        unit.sha256,
        unit.split,
        origin,
        norms,
        counterparts,
        unit.context,
    )
    annotations.append(_Annotation(UNIT_LAYER, 0, len(tokens) - 1, unit_values))

    per_row: dict[tuple[int, str], list[_Annotation]] = {}
    for ann in annotations:
        for row in range(ann.first, ann.last + 1):
            per_row.setdefault((row, ann.layer), []).append(ann)
    for row in range(len(tokens)):  # ids in the order of first appearance, as INCEpTION numbers them
        for layer in (AGENCY_LAYER, CUE_LAYER, UNIT_LAYER):
            stack = per_row.get((row, layer), [])
            for ann in stack:
                if ann.ident is None and (ann.last > ann.first or len(stack) > 1):
                    ann.ident = next_id
                    next_id += 1

    def column(row: int, layer: str, feature: int) -> str:
        stack = per_row.get((row, layer))
        if not stack:
            return "_"
        out = []
        for ann in stack:
            value = ann.values[feature]
            cell = escape_value(value) if value else "*"
            out.append(cell if ann.ident is None else f"{cell}[{ann.ident}]")
        return "|".join(out)

    lines = ["", "#Sentence.id=" + escape_text(unit.unit)]
    lines.extend("#Text=" + escape_text(part) for part in text.split("\n"))
    u16 = utf16_offsets(text)
    for row, (start, end) in enumerate(tokens):
        cells = [f"{number}-{row + 1}", f"{base + u16[start]}-{base + u16[end]}", text[start:end]]
        cells.append(column(row, AGENCY_LAYER, 0))
        cells.append(column(row, CUE_LAYER, 0))
        cells.extend(column(row, UNIT_LAYER, f) for f in range(len(UNIT_FEATURES)))
        lines.append("\t".join(cells) + "\t")
    return lines, next_id


def export_units(units: Sequence[ExportUnit], *, with_predictions: bool) -> str:
    """One WebAnno TSV 3.3 document holding the units, one sentence each (see the module docstring)."""
    lines = [
        FORMAT_LINE,
        f"#T_SP={AGENCY_LAYER}|{AGENCY_FEATURE}",
        f"#T_SP={CUE_LAYER}|{CUE_FEATURE}",
        f"#T_SP={UNIT_LAYER}|" + "|".join(UNIT_FEATURES),
        "",
    ]
    base = 0
    next_id = 1
    for number, unit in enumerate(units, 1):
        labels, origin = export_labels(unit, with_predictions=with_predictions)
        rows, next_id = _sentence_rows(number, unit, base, labels, origin, next_id)
        lines.extend(rows)
        base += utf16_offsets(unit.text)[-1] + 1  # the sentences are separated by one "\n"
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------
# Import


@dataclass
class _Column:
    layer: str
    kind: str  # SP, RL, CH
    feature: str


@dataclass
class _Row:
    line: int
    ident: str
    begin: int
    end: int
    form: str
    cells: list[str]


@dataclass
class _Sentence:
    number: int
    line: int
    sentence_id: str = ""
    parts: list[str] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)


@dataclass
class _Found:
    layer: str
    begin: int
    end: int
    values: dict[str, str | None] = field(default_factory=dict)
    sentence: int = 0


def _parse_header(lines: list[str], source: str) -> tuple[list[_Column], int]:
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    first = lines[index].strip() if index < len(lines) else ""
    m = _FORMAT.fullmatch(first)
    if not m:
        raise ConfigError(f"not a WebAnno TSV file: the first line is {first[:60]!r}, not {FORMAT_LINE!r}", path=source)
    if (int(m.group(1)), int(m.group(2))) not in ((3, 2), (3, 3)):
        raise ConfigError(f"unsupported format {first!r}: WebAnno TSV 3.2 or 3.3 is needed", path=source)
    columns: list[_Column] = []
    index += 1
    while index < len(lines) and lines[index].startswith(("#T_SP=", "#T_RL=", "#T_CH=")):
        kind = lines[index][3:5]
        fields = [f for f in lines[index][6:].split("|") if f]
        if not fields:
            raise ConfigError(f"line {index + 1}: a layer declaration without a type name", path=source)
        layer = fields[0]
        features = fields[1:] or [""]  # a layer without features has one placeholder column
        columns.extend(_Column(layer, kind, feat) for feat in features)
        index += 1
    return columns, index


def _parse_body(lines: list[str], start: int, ncols: int, source: str) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    current: _Sentence | None = None
    for index in range(start, len(lines)):
        line = lines[index]
        lineno = index + 1
        if not line.strip():
            if current is not None and current.rows:
                current = None
            continue
        if line.startswith("#"):
            if current is None or current.rows:
                current = _Sentence(len(sentences) + 1, lineno)
                sentences.append(current)
            key, _, value = line[1:].partition("=")
            if key == "Text":
                current.parts.append(unescape_text(value))
            elif key == "Sentence.id":
                current.sentence_id = unescape_text(value)
            continue
        if current is None:
            raise ConfigError(f"line {lineno}: a token row before any #Text= line", path=source)
        cells = line.split("\t")
        if len(cells) < 3 + ncols:
            raise ConfigError(
                f"sentence {current.number} (line {lineno}): {len(cells)} fields, the header declares {3 + ncols}",
                path=source,
            )
        ident, offsets = _ROW_ID.fullmatch(cells[0]), _OFFSETS.fullmatch(cells[1])
        if not ident or not offsets:
            raise ConfigError(
                f"sentence {current.number} (line {lineno}): bad token id or offsets {cells[0]!r} {cells[1]!r}",
                path=source,
            )
        row = _Row(lineno, cells[0], int(offsets.group(1)), int(offsets.group(2)), cells[2], cells[3 : 3 + ncols])
        current.rows.append(row)
    return sentences


def _collect(
    sentence: _Sentence, columns: list[_Column], by_id: dict[tuple[str, int], _Found], where: str, source: str
) -> list[_Found]:
    """The span annotations of our interest in one sentence, with UTF-16 offsets of the document."""
    wanted = {AGENCY_LAYER, CUE_LAYER, UNIT_LAYER}
    layers: dict[str, list[int]] = {}
    for i, col in enumerate(columns):
        if col.kind == "SP" and col.layer in wanted:
            layers.setdefault(col.layer, []).append(i)
    found: list[_Found] = []
    for row in sentence.rows:
        for layer, indices in layers.items():
            stacks = {i: [] if row.cells[i] == "_" else _split_unescaped(row.cells[i], "|") for i in indices}
            depth = max(len(s) for s in stacks.values())
            for k in range(depth):
                entries = {columns[i].feature: _value_and_id(stacks[i][k]) for i in indices if k < len(stacks[i])}
                ident = next((e[1] for e in entries.values() if e[1] is not None), None)
                values = {feat: e[0] for feat, e in entries.items()}
                if ident is not None and (layer, ident) in by_id:
                    ann = by_id[(layer, ident)]
                    if ann.sentence != sentence.number:
                        raise ConfigError(
                            f"{where}: annotation [{ident}] of {layer} crosses into another sentence; "
                            "an annotation must stay inside its unit",
                            path=source,
                        )
                    ann.begin, ann.end = min(ann.begin, row.begin), max(ann.end, row.end)
                    for feat, value in values.items():
                        if ann.values.get(feat) is None:
                            ann.values[feat] = value
                    continue
                ann = _Found(layer, row.begin, row.end, values, sentence.number)
                if ident is not None:
                    by_id[(layer, ident)] = ann
                found.append(ann)
    return found


def _items(value: str | None) -> list[list[str]]:
    if not value:
        return []
    return [item.split(":") for item in _ITEM_SEP.split(_COLON.sub(":", value.strip())) if item]


def _unit_record(ann: _Found, where: str, source: str) -> tuple[str, str, int, int]:
    values = ann.values
    unit = (values.get("unit") or "").strip()
    if not unit:
        raise ConfigError(f"{where}: the {UNIT_LAYER} annotation has no unit id", path=source)
    edition = check_edition((values.get("edition") or "").strip(), where, source)
    offsets = _OFFSETS.fullmatch((values.get("offsets") or "").strip())
    if not offsets:
        raise ConfigError(f"{where}: unit {unit}: offsets {values.get('offsets')!r} are not 'start-end'", path=source)
    start, end = int(offsets.group(1)), int(offsets.group(2))
    if start > end:
        raise ConfigError(f"{where}: unit {unit}: offsets {start}-{end} are reversed", path=source)
    return unit, edition, start, end


def _to_cp(offset: int, base: int, cp_of: dict[int, int], what: str, where: str, source: str) -> int:
    """A UTF-16 offset of the document as a code-point offset into the sentence text."""
    if offset - base not in cp_of:
        raise ConfigError(
            f"{where}: {what} offset {offset} (UTF-16) lies outside the sentence text or inside a character; "
            "the offsets do not fit the #Text",
            path=source,
        )
    return cp_of[offset - base]


def import_text(
    text: str, *, source: str, known_agencies: Collection[str] | None = None, annotator: str = ""
) -> list[ImportedUnit]:
    """Read a WebAnno TSV 3.2/3.3 file exported by `export_units` (and annotated in INCEpTION).

    `known_agencies` defaults to the ids of the agency registry. ConfigError names the file (`source`) and
    the sentence (number, line, unit id) for a missing header or Unit annotation, offsets that do not fit
    the text, or a value that is not a known agency id, modality or interaction type.
    """
    known = known_agency_ids(known_agencies)
    lines = [line.removesuffix("\r") for line in text.removeprefix("\ufeff").split("\n")]
    columns, body = _parse_header(lines, source)
    if not any(c.layer == UNIT_LAYER and c.kind == "SP" for c in columns):
        raise ConfigError(
            f"the header declares no {UNIT_LAYER} layer, so the units cannot be identified "
            f"(was the file exported by normgap and the layer kept in INCEpTION?)",
            path=source,
        )
    by_id: dict[tuple[str, int], _Found] = {}
    result: list[ImportedUnit] = []
    for sentence in _parse_body(lines, body, len(columns), source):
        where = f"sentence {sentence.number} (line {sentence.line}" + (
            f", {sentence.sentence_id})" if sentence.sentence_id else ")"
        )
        if not sentence.rows:
            raise ConfigError(f"{where}: no token rows", path=source)
        utext = "\n".join(sentence.parts)
        u16 = utf16_offsets(utext)
        cp_of = {off: i for i, off in enumerate(u16)}
        leading = len(utext) - len(utext.lstrip())
        base = sentence.rows[0].begin - u16[leading]

        for row in sentence.rows:
            start = _to_cp(row.begin, base, cp_of, f"token {row.ident}", where, source)
            end = _to_cp(row.end, base, cp_of, f"token {row.ident}", where, source)
            if row.form and utext[start:end] != row.form:
                raise ConfigError(
                    f"{where}: token {row.ident} at {row.begin}-{row.end} is {row.form!r} but the text there is "
                    f"{utext[start:end]!r}",
                    path=source,
                )
        found = _collect(sentence, columns, by_id, where, source)
        units = [a for a in found if a.layer == UNIT_LAYER]
        if len(units) != 1:
            raise ConfigError(
                f"{where}: {len(units)} {UNIT_LAYER} annotations, exactly one per sentence is needed", path=source
            )
        unit_id, edition, ustart, uend = _unit_record(units[0], where, source)
        where = f"{where[:-1]}, unit {unit_id})" if not sentence.sentence_id else where
        spans: list[Span] = []
        for ann in found:
            if ann.layer == UNIT_LAYER:
                continue
            label, feature = (AGENCY_LABEL, AGENCY_FEATURE) if ann.layer == AGENCY_LAYER else (CUE_LABEL, CUE_FEATURE)
            value = (ann.values.get(feature) or "").strip()
            begin, end = (
                _to_cp(ann.begin, base, cp_of, label, where, source),
                _to_cp(ann.end, base, cp_of, label, where, source),
            )
            span = Span(begin, end, label, value)
            check_span(span, utext, known, where, source)
            spans.append(span)
        norms = []
        for item in _items(units[0].values.get("norms")):
            if len(item) != 2:
                raise ConfigError(f"{where}: norm {':'.join(item)!r} is not 'agent:modality'", path=source)
            norms.append(make_norm(item[0], item[1], known, where, source))
        counterparts = []
        for item in _items(units[0].values.get("counterparts")):
            if len(item) != 3:
                raise ConfigError(
                    f"{where}: counterpart {':'.join(item)!r} is not 'agent:counterpart:type'", path=source
                )
            counterparts.append(make_counterpart(item[0], item[1], item[2], known, where, source))
        result.append(
            ImportedUnit(
                unit=unit_id,
                edition=edition,
                start=ustart,
                end=uend,
                sha256=hashlib.sha256(utext.encode("utf-8")).hexdigest(),
                text=utext,
                labels=Labels(sorted_spans(spans), tuple(norms), tuple(counterparts)),
                annotator=annotator,
                source=f"{source}:{sentence.line}",
            )
        )
    return result
