"""CoNLL-U: one sentence block per unit, spans as BIO tags in MISC, read back from BIO tags and token ranges.

A block::

    # sent_id = 4495-17#art_558__para_4__s1
    # text = Митні органи зобов’язані повідомляти Службу безпеки України
    # context = Стаття 558. Взаємодія ...
    # unit_edition = 2024-11-15
    # unit_start = 120
    # unit_end = 245
    # sha256 = 9f86d0...
    # split = train
    # labels_from = gold
    # norms = customs:duty
    # counterparts = customs>sbu:inform
    1	Митні	митний	_	_	_	_	_	_	Agency=B-customs|TokenRange=0:5
    2	органи	орган	_	_	_	_	_	_	Agency=I-customs|TokenRange=6:12
    ...

Tokens come from pipeline.tagging.tokens.tokenize; characters it leaves out that are not white space (e.g.
"_") become tokens of their own, a combining mark stays in its word (the tokenizer would split "зобов’я́зані"
at the stress mark), and a token is cut where a span starts or ends inside it, so every span is a run of
whole tokens. LEMMA is the pymorphy3 lemma of the folded form (combining marks left out) for Cyrillic words,
else "_"; UPOS to DEPS are "_". MISC holds ``Agency=`` and ``Cue=`` (BIO tags with the agency id or the
modality), ``SpaceAfter=No`` before a token that follows without a gap, ``SpacesAfter=`` with the escaped
gap when it is not one space (as UDPipe writes it: ``\\s`` space, ``\\t``, ``\\n``, ``\\r``, ``\\uXXXX``),
and ``TokenRange=start:end`` in code points of the unit text. Spans of one layer that overlap go into
parallel lanes, comma-separated: ``Agency=B-customs,B-foreign_authority``; "O" fills a lane that is empty
at that token when a later lane is not ("O,I-police"); trailing empty lanes are left out.

``# text`` and ``# context`` cannot hold line breaks, so they are escaped: ``\\`` as ``\\\\``, LF as ``\\n``,
CR as ``\\r``, TAB as ``\\t``, a space at the very start or end as ``\\s`` (editors strip trailing spaces),
and other control or line-separator characters as ``\\uXXXX``. ``# norms`` and ``# counterparts`` use the
compact notation (``agent:modality``, ``agent>counterpart:type``) separated by ``|``; ``_`` means none.

Import takes the text from ``# text`` and each token's range from TokenRange (without it, the FORM is found
in the text after the previous token), checks that the FORM is the text at that range, and rebuilds the spans
from the BIO tags: an I- tag must continue a B- or I- tag of the same value in the same lane. A span cannot
start or end in white space (CoNLL-U has no token there): such a unit raises ConfigError on export.

With ``with_predictions``, a unit without gold labels gets the predicted ones (``# labels_from = predictions``
with the model version): the file has one layer, and what comes back is what the annotator left.
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from collections.abc import Sequence

from pipeline.datasets.labelstudio import (
    as_int,
    build_labels,
    check_export_unit,
    export_labels,
    format_counterpart,
    format_norm,
    make_span,
    parse_counterpart,
    parse_norm,
    split_compact,
    warn_on_hash,
)
from pipeline.datasets.model import AGENCY_LABEL, CUE_LABEL, Counterpart, ExportUnit, ImportedUnit, Norm, Span
from pipeline.errors import ConfigError
from pipeline.tagging.morph import fold, lemma
from pipeline.tagging.tokens import tokenize

log = logging.getLogger(__name__)

_LAYERS = ((AGENCY_LABEL, "Agency"), (CUE_LABEL, "Cue"))
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNESCAPES = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t", "s": " "}


def escape(value: str) -> str:
    """A one-line form of ``value`` for a comment (see the module docstring); unescape() reverses it."""
    out: list[str] = []
    last = len(value) - 1
    for i, ch in enumerate(value):
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch == " " and i in (0, last):
            out.append("\\s")
        elif unicodedata.category(ch) in ("Cc", "Zl", "Zp") or (ch.isspace() and i in (0, last)):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def escape_spaces(gap: str) -> str:
    """The value of SpacesAfter for a run of white space."""
    named = {" ": "\\s", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
    return "".join(named.get(ch, f"\\u{ord(ch):04x}") for ch in gap)


def unescape(value: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = value[i + 1 : i + 2]
        if nxt in _UNESCAPES and nxt:
            out.append(_UNESCAPES[nxt])
            i += 2
        elif nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", value[i + 2 : i + 6]):
            out.append(chr(int(value[i + 2 : i + 6], 16)))
            i += 6
        else:
            raise ValueError(f"bad escape {value[i : i + 2]!r} at column {i + 1} (write a backslash as \\\\)")
    return "".join(out)


# ---------------------------------------------------------------------------------------------------------------
# Export


def _pieces(text: str, spans: Sequence[Span]) -> list[tuple[int, int]]:
    """Token ranges: the tokenizer's tokens, other non-space characters, cut at every span boundary."""
    ranges = [(t.start, t.end) for t in tokenize(text)]
    covered = [False] * len(text)
    for a, b in ranges:
        for i in range(a, b):
            covered[i] = True
    i = 0
    while i < len(text):
        if covered[i] or text[i].isspace():
            i += 1
            continue
        j = i
        while j < len(text) and not covered[j] and not text[j].isspace():
            j += 1
        ranges.append((i, j))
        i = j
    merged: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        # a combining mark is a token of its own for the tokenizer: keep "зобов’я́зані" one token
        if merged and merged[-1][1] == a and (_is_mark(text[a]) or (_is_mark(text[a - 1]) and text[a].isalpha())):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    cuts = {s.start for s in spans} | {s.end for s in spans}
    pieces: list[tuple[int, int]] = []
    for a, b in merged:
        bounds = [a, *sorted(c for c in cuts if a < c < b), b]
        pieces.extend(itertools.pairwise(bounds))
    return pieces


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


def _lemma(form: str) -> str:
    """The lemma of a Cyrillic word (stress marks and other combining marks left out), else "_"."""
    bare = "".join(ch for ch in form if not _is_mark(ch))
    if not bare or not bare[0].isalpha() or not any("\u0400" <= ch <= "\u052f" for ch in bare):
        return "_"
    return re.sub(r"\s", "_", lemma(fold(bare))) or "_"


def _lanes(spans: Sequence[Span]) -> list[list[Span]]:
    lanes: list[list[Span]] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.value)):
        for lane in lanes:
            if lane[-1].end <= span.start:
                lane.append(span)
                break
        else:
            lanes.append([span])
    return lanes


def _block(unit: ExportUnit, with_predictions: bool) -> list[str]:
    labels, origin = export_labels(unit, with_predictions)
    text = unit.text
    spans = sorted(set(labels.spans), key=lambda s: (s.start, s.end, s.label, s.value))
    pieces = _pieces(text, spans)
    index_of_start = {a: i for i, (a, _) in enumerate(pieces)}
    index_of_end = {b: i for i, (_, b) in enumerate(pieces)}
    tags: dict[str, list[list[str]]] = {}
    for layer, _key in _LAYERS:
        lanes = _lanes([s for s in spans if s.label == layer])
        grid = [["O"] * len(lanes) for _ in pieces]
        for k, lane in enumerate(lanes):
            for span in lane:
                first, last = index_of_start.get(span.start), index_of_end.get(span.end)
                if first is None or last is None:
                    raise ConfigError(
                        f"unit {unit.unit}: span {span.start}-{span.end} {text[span.start : span.end]!r} starts or"
                        " ends in white space; CoNLL-U has no token there",
                        provision=unit.unit,
                    )
                for i in range(first, last + 1):
                    grid[i][k] = ("B-" if i == first else "I-") + span.value
        for row in grid:  # lanes that end with the row are left out: "B-x,O" is written "B-x"
            while row and row[-1] == "O":
                row.pop()
        tags[layer] = [[",".join(row)] if row else [] for row in grid]
    lines = [
        f"# sent_id = {unit.unit}",
        f"# text = {escape(text)}",
        f"# context = {escape(unit.context)}",
        f"# unit_edition = {unit.edition}",
        f"# unit_start = {unit.start}",
        f"# unit_end = {unit.end}",
        f"# sha256 = {unit.sha256}",
    ]
    if unit.split:
        lines.append(f"# split = {unit.split}")
    if origin == "predictions":
        lines.append(f"# labels_from = predictions {unit.model_version}".rstrip())
    else:
        lines.append(f"# labels_from = {origin}")
    lines.append("# norms = " + ("|".join(format_norm(n) for n in labels.norms) or "_"))
    lines.append("# counterparts = " + ("|".join(format_counterpart(c) for c in labels.counterparts) or "_"))
    for i, (a, b) in enumerate(pieces):
        form = text[a:b]
        misc: list[str] = []
        for layer, key in _LAYERS:
            misc += [f"{key}={value}" for value in tags[layer][i]]
        following = pieces[i + 1][0] if i + 1 < len(pieces) else len(text)
        gap = text[b:following]
        if gap == "" and following < len(text):
            misc.append("SpaceAfter=No")
        elif gap not in ("", " "):
            misc.append(f"SpacesAfter={escape_spaces(gap)}")
        misc.append(f"TokenRange={a}:{b}")
        lines.append("\t".join([str(i + 1), form, _lemma(form), "_", "_", "_", "_", "_", "_", "|".join(misc)]))
    return lines


def export_units(units: Sequence[ExportUnit], *, with_predictions: bool) -> str:
    """CoNLL-U for ``units``, one block each; see the module docstring."""
    out: list[str] = []
    for unit in units:
        check_export_unit(unit)
        out += [*_block(unit, with_predictions), ""]
    return "".join(line + "\n" for line in out)


# ---------------------------------------------------------------------------------------------------------------
# Import

_COMMENT = re.compile(r"#\s*([\w.-]+)\s*=\s?(.*)")


def _parse_block(number: int, lines: list[tuple[int, str]], source: str) -> ImportedUnit:
    first_line = lines[0][0]
    where = f"{source}, block {number} (line {first_line})"
    comments: dict[str, str] = {}
    tokens: list[tuple[int, list[str]]] = []
    for lineno, line in lines:
        if line.startswith("#"):
            m = _COMMENT.fullmatch(line)
            if m:
                comments[m.group(1)] = m.group(2)
            continue
        cols = line.split("\t")
        if len(cols) != 10:
            raise ConfigError(f"{where}, line {lineno}: a token line needs 10 tab-separated columns", path=source)
        tokens.append((lineno, cols))
    unit_id = comments.get("sent_id", "").strip()
    if not unit_id:
        raise ConfigError(f"{where}: no '# sent_id = <unit id>' comment", path=source)
    where = f"{source}, block {number} (line {first_line}, unit {unit_id})"
    try:
        if "text" not in comments:
            raise ValueError("no '# text = ...' comment")
        text = unescape(comments["text"])
        edition = comments.get("unit_edition", "").strip()
        if not edition:
            raise ValueError("no '# unit_edition = YYYY-MM-DD' comment")
        start, end = as_int(comments.get("unit_start")), as_int(comments.get("unit_end"))
        norms: list[Norm] = [parse_norm(x) for x in split_compact(comments.get("norms", ""))]
        counterparts: list[Counterpart] = [
            parse_counterpart(x) for x in split_compact(comments.get("counterparts", ""))
        ]
    except ValueError as e:
        raise ConfigError(f"{where}: {e}", path=source) from e
    spans: list[Span] = []
    open_spans: dict[tuple[str, int], list[object]] = {}  # (layer, lane) -> [value, start, end, line]

    def close(key: tuple[str, int]) -> None:
        value, a, b, lineno = open_spans.pop(key)
        try:
            spans.append(make_span(text, a, b, key[0], str(value)))
        except ValueError as e:
            raise ConfigError(f"{where}, line {lineno}: {e}", path=source) from e

    cursor = 0
    for lineno, cols in tokens:
        if not cols[0].isdigit():  # multiword token ranges (1-2) and empty nodes (1.1) carry no tags here
            continue
        form = cols[1]
        misc: dict[str, str] = {}
        for part in cols[9].split("|"):
            if part and part != "_":
                name, _, value = part.partition("=")
                misc[name] = value
        try:
            if "TokenRange" in misc:
                a_text, _, b_text = misc["TokenRange"].partition(":")
                a, b = int(a_text), int(b_text)
            else:
                a = text.find(form, cursor)
                if a < 0 or text[cursor:a].strip():
                    raise ValueError(f"FORM {form!r} does not follow the previous token in '# text'")
                b = a + len(form)
            if not 0 <= a < b <= len(text) or text[a:b] != form:
                raise ValueError(f"FORM {form!r} is not the text at TokenRange {a}:{b} ({text[a:b]!r})")
        except ValueError as e:
            raise ConfigError(f"{where}, line {lineno}: {e}", path=source) from e
        cursor = b
        for layer, key in _LAYERS:
            tags = misc[key].split(",") if misc.get(key) else []
            for lane in [k for (lay, k) in open_spans if lay == layer]:
                if lane >= len(tags) or not tags[lane].startswith("I-"):
                    close((layer, lane))
            for lane, tag in enumerate(tags):
                prefix, _, value = tag.partition("-")
                if tag == "O":
                    continue
                if prefix == "B" and value:
                    open_spans[(layer, lane)] = [value, a, b, lineno]
                elif prefix == "I" and value:
                    current = open_spans.get((layer, lane))
                    if current is None or current[0] != value:
                        raise ConfigError(
                            f"{where}, line {lineno}: {key}={misc[key]}: I-{value} does not continue a span"
                            f" B-{value} in lane {lane + 1}",
                            path=source,
                        )
                    current[2] = b
                else:
                    raise ConfigError(
                        f"{where}, line {lineno}: {key}={misc[key]}: tag {tag!r} is not O, B-<value> or I-<value>",
                        path=source,
                    )
    for still_open in list(open_spans):
        close(still_open)
    return ImportedUnit(
        unit=unit_id,
        edition=edition,
        start=start,
        end=end,
        sha256=warn_on_hash(comments.get("sha256", "").strip(), text, where),
        text=text,
        labels=build_labels(spans, norms, counterparts),
        annotator=comments.get("annotator", "").strip(),
        source=f"{source}:{first_line}",
    )


def import_text(text: str, *, source: str) -> list[ImportedUnit]:
    """Units with the labels of a CoNLL-U file written by export_units (and edited by hand or a tool)."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for lineno, raw in enumerate(text.lstrip("\ufeff").split("\n"), 1):
        line = raw.rstrip("\r")
        if line.strip():
            current.append((lineno, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return [_parse_block(number, lines, source) for number, lines in enumerate(blocks, 1)]
