"""spaCy DocBin: export units as one Doc each, import Docs back (e.g. after correcting them in Prodigy or code).

Each Doc holds the unit text exactly as stored (CRLF, emoji, combining marks and all: ``doc.text == unit.text``),
built as ``Doc(vocab, words, spaces)`` on the vocab of ``spacy.blank("uk")``. Words are the tokens of
``pipeline.tagging.tokens.tokenize`` completed to cover every non-space character and split wherever a span
starts or ends inside one (see ``webanno.token_bounds``); white space other than one plain space after a word
becomes a whitespace token of its own, as spaCy does, so every span boundary is a token boundary.

Spans (code points of the unit text = spaCy character offsets):

- ``doc.spans["agencies"]``: label ``AGENCY``, ``kb_id_`` = the canonical agency id;
- ``doc.spans["cues"]``: label ``NORM_CUE``, ``kb_id_`` = the modality.

``doc.user_data`` (kept by ``DocBin(store_user_data=True)``, which the exporter uses) holds, under plain
string keys: ``unit``, ``edition``, ``start``, ``end`` (the stand-off address), ``sha256`` (of the unit text
at export), ``split``, ``context``, ``norms`` (list of [agent, modality]), ``counterparts`` (list of [agent,
counterpart, type]), ``origin`` ("gold", "predicted" or "": where the labels come from), ``model_version``
and ``score`` (of the predictions), ``guidelines`` (GUIDELINES_VERSION).

Predictions: with ``with_predictions`` a unit without gold labels gets its predicted spans, norms and
counterparts, marked ``origin = "predicted"``; a unit with gold labels always gets those (``"gold"``); a unit
with neither gets no spans (``""``). The importer returns the labels the Doc holds, whatever their origin.
On import ``norms`` and ``counterparts`` may also be lists of dicts ({"agent", "modality"} / {"agent",
"counterpart", "type"}); spans come back sorted by (start, end, label, value).
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from pipeline.datasets.model import (
    AGENCY_LABEL,
    CUE_LABEL,
    GUIDELINES_VERSION,
    Counterpart,
    ExportUnit,
    ImportedUnit,
    Labels,
    Norm,
    Span,
)
from pipeline.datasets.webanno import (
    check_edition,
    check_span,
    export_labels,
    known_agency_ids,
    make_counterpart,
    make_norm,
    sorted_spans,
    token_bounds,
)
from pipeline.errors import ConfigError

AGENCY_SPANS = "agencies"
CUE_SPANS = "cues"
ADDRESS_KEYS = ("unit", "edition", "start", "end")


@lru_cache(maxsize=1)
def _nlp() -> Language:
    return spacy.blank("uk")


def _words_and_spaces(text: str, spans: Sequence[Span]) -> tuple[list[str], list[bool]]:
    """Words and trailing-space flags that spell the text exactly and put every span boundary on a token edge."""
    starts = {s.start for s in spans}
    ends = {s.end for s in spans}
    cuts = starts | ends
    words: list[str] = []
    spaces: list[bool] = []

    def gap(g0: int, g1: int) -> None:
        if g0 >= g1:
            return
        # One plain space after a word is that word's trailing space, unless a span starts on it or ends after it.
        if words and not spaces[-1] and text[g0] == " " and g0 not in starts and g0 + 1 not in ends:
            spaces[-1] = True
            g0 += 1
        edges = [g0, *sorted(c for c in cuts if g0 < c < g1), g1]
        for a, b in itertools.pairwise(edges):
            if a < b:
                words.append(text[a:b])
                spaces.append(False)

    pos = 0
    for start, end in token_bounds(text, cuts):
        gap(pos, start)
        words.append(text[start:end])
        spaces.append(False)
        pos = end
    gap(pos, len(text))
    return words, spaces


def _doc(unit: ExportUnit, labels: Labels | None, origin: str) -> Doc:
    spans = labels.spans if labels else ()
    words, spaces = _words_and_spaces(unit.text, spans)
    doc = Doc(_nlp().vocab, words=words, spaces=spaces)
    if doc.text != unit.text:  # a bug here would silently shift every offset: refuse
        raise ConfigError(f"unit {unit.unit}: the spaCy Doc does not reproduce the unit text", provision=unit.unit)
    groups: dict[str, list[Any]] = {AGENCY_SPANS: [], CUE_SPANS: []}
    for span in sorted_spans(spans):
        made = doc.char_span(span.start, span.end, label=span.label, kb_id=span.value, alignment_mode="strict")
        if made is None:
            raise ConfigError(
                f"unit {unit.unit}: span {span.start}-{span.end} does not fall on token boundaries", provision=unit.unit
            )
        groups[AGENCY_SPANS if span.label == AGENCY_LABEL else CUE_SPANS].append(made)
    for key, group in groups.items():
        doc.spans[key] = group
    doc.user_data.update(
        {
            "unit": unit.unit,
            "edition": unit.edition,
            "start": unit.start,
            "end": unit.end,
            "sha256": unit.sha256,
            "split": unit.split,
            "context": unit.context,
            "norms": [[n.agent, n.modality] for n in labels.norms] if labels else [],
            "counterparts": [[c.agent, c.counterpart, c.type] for c in labels.counterparts] if labels else [],
            "origin": origin,
            "model_version": unit.model_version if origin == "predicted" else "",
            "score": unit.score if origin == "predicted" else None,
            "guidelines": GUIDELINES_VERSION,
        }
    )
    return doc


def export_units(units: Sequence[ExportUnit], *, with_predictions: bool) -> bytes:
    """A serialised DocBin (store_user_data=True) with one Doc per unit (see the module docstring)."""
    docbin = DocBin(store_user_data=True)
    for unit in units:
        labels, origin = export_labels(unit, with_predictions=with_predictions)
        docbin.add(_doc(unit, labels, origin))
    return bytes(docbin.to_bytes())


def _fields(item: Any, names: tuple[str, ...], what: str, where: str, source: str) -> list[str]:
    if isinstance(item, dict):
        values = [item.get(name) for name in names]
    elif isinstance(item, list | tuple):
        values = list(item)
    else:
        values = []
    if len(values) != len(names) or not all(isinstance(v, str) for v in values):
        raise ConfigError(f"{where}: {what} {item!r} is not [{', '.join(names)}]", path=source)
    return [str(v) for v in values]


def _list(data: dict[Any, Any], key: str, where: str, source: str) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list | tuple):
        raise ConfigError(f"{where}: user_data[{key!r}] is not a list", path=source)
    return list(value)


def _address(data: dict[Any, Any], where: str, source: str) -> tuple[str, str, int, int]:
    missing = [k for k in ADDRESS_KEYS if data.get(k) in (None, "")]
    if missing:
        raise ConfigError(
            f"{where}: doc.user_data lacks the unit address {missing} (was the DocBin saved with "
            "store_user_data=True from a normgap export?)",
            path=source,
        )
    unit, edition, start, end = (data[k] for k in ADDRESS_KEYS)
    if not isinstance(unit, str) or not isinstance(edition, str):
        raise ConfigError(f"{where}: user_data unit and edition must be strings", path=source)
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end:
        raise ConfigError(f"{where}: unit {unit}: offsets {start!r}-{end!r} are not 0 <= start <= end", path=source)
    return unit, check_edition(edition, where, source), start, end


def import_bytes(
    data: bytes, *, source: str, known_agencies: Collection[str] | None = None, annotator: str = ""
) -> list[ImportedUnit]:
    """Read a serialised DocBin written by `export_units` (possibly corrected since).

    `known_agencies` defaults to the ids of the agency registry. ConfigError names the file (`source`) and the
    Doc (1-based index, unit id when known) for unreadable bytes, a Doc without the unit address in its
    user_data, spans with unknown labels or values, and bad norms or counterparts.
    """
    known = known_agency_ids(known_agencies)
    try:
        docs = list(DocBin().from_bytes(data).get_docs(_nlp().vocab))
    except Exception as e:  # zlib, msgpack, KeyError, ValueError...: all mean "not a DocBin"
        raise ConfigError(f"not a readable spaCy DocBin: {type(e).__name__}: {e}", path=source) from e
    result: list[ImportedUnit] = []
    for number, doc in enumerate(docs, 1):
        user = doc.user_data if isinstance(doc.user_data, dict) else {}
        where = f"doc {number}"
        unit, edition, start, end = _address(user, where, source)
        where = f"doc {number} (unit {unit})"
        text = doc.text
        spans: list[Span] = []
        for key, label in ((AGENCY_SPANS, AGENCY_LABEL), (CUE_SPANS, CUE_LABEL)):
            if key not in doc.spans:
                continue
            for made in doc.spans[key]:
                if made.label_ != label:
                    raise ConfigError(
                        f"{where}: span {made.text!r} in doc.spans[{key!r}] has label {made.label_!r}, not {label!r}",
                        path=source,
                    )
                span = Span(made.start_char, made.end_char, label, made.kb_id_)
                check_span(span, text, known, where, source)
                spans.append(span)
        norms: list[Norm] = []
        for item in _list(user, "norms", where, source):
            agent, modality = _fields(item, ("agent", "modality"), "norm", where, source)
            norms.append(make_norm(agent, modality, known, where, source))
        counterparts: list[Counterpart] = []
        for item in _list(user, "counterparts", where, source):
            agent, other, kind = _fields(item, ("agent", "counterpart", "type"), "counterpart", where, source)
            counterparts.append(make_counterpart(agent, other, kind, known, where, source))
        result.append(
            ImportedUnit(
                unit=unit,
                edition=edition,
                start=start,
                end=end,
                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                text=text,
                labels=Labels(sorted_spans(spans), tuple(norms), tuple(counterparts)),
                annotator=annotator,
                source=f"{source}:{number}",
            )
        )
    return result
