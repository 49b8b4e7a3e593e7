"""doccano: units as JSON Lines for a sequence-labeling project, and its export read back.

One object per line::

    {"text": "...", "label": [[0, 12, "AGENCY:customs"], [13, 24, "NORM_CUE:duty"]],
     "unit": "4495-17#art_558__para_4__s1", "edition": "2024-11-15", "start": 120, "end": 245,
     "sha256": "...", "context": "...", "split": "train",
     "norms": ["customs:duty"], "counterparts": ["customs>police:inform"], "labels_from": "gold"}

Span labels are ``LAYER:value`` (``AGENCY:<agency id>``, ``NORM_CUE:<modality>``); label_types() gives the
label set to load into the project. doccano keeps every key but ``text`` and ``label`` as the example's
metadata and writes it back at the top level of its export (older versions under ``"meta"``; both are read).
Norms and counterparts travel as metadata in the compact notation (``agent:modality``,
``agent>counterpart:type``); doccano cannot edit them, so they come back as exported. On import, span lists
may also come as ``"labels"`` or, from a relation project, as ``"entities"`` (``{"start_offset", "end_offset",
"label"}``). Counterparts are also written as doccano relations (``entities`` with ids, ``relations`` from the
agent's mention to the counterpart's, typed inform / request / ...), and relations an annotator draws between
agency mentions come back as counterparts, added to those of the metadata.

Predictions: doccano has no separate place for them. With ``with_predictions`` a unit without gold labels
gets its predicted spans, norms and counterparts as its labels (``"labels_from": "predictions"``, with
``model_version`` and ``score``); a unit with gold labels keeps them. What comes back is whatever the
annotator left, so export only approved documents from doccano.

Offsets are code points by default. doccano's editor counts UTF-16 code units (JavaScript string indices)
unless the project counts grapheme clusters: a span drawn after an emoji is then one off per emoji. Pass
``offsets="utf16"`` to both functions for such projects (never use the grapheme-cluster option: a combining
accent would shift offsets too). Import has no region text to check offsets against.

annotator: the line's ``annotator`` or ``user`` key when present, else "" (doccano's per-user export names the
files after the users; the caller may fill it in from the file name).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from pipeline.datasets.labelstudio import (
    Offsets,
    agency_ids,
    as_int,
    build_labels,
    check_counterpart,
    check_export_unit,
    check_norm,
    codepoint_offsets,
    export_labels,
    format_counterpart,
    format_norm,
    make_span,
    parse_counterpart,
    parse_norm,
    split_compact,
    utf16_offsets,
    warn_on_hash,
)
from pipeline.datasets.model import (
    AGENCY_LABEL,
    CUE_LABEL,
    MODALITIES,
    Counterpart,
    ExportUnit,
    ImportedUnit,
    Norm,
    Span,
)
from pipeline.errors import ConfigError

log = logging.getLogger(__name__)

_COLOURS = {AGENCY_LABEL: "#4363d8", CUE_LABEL: "#f58231"}


def label_types() -> str:
    """doccano's label-type file (JSON) for the project: one span label per agency id and per modality."""
    names = [f"{AGENCY_LABEL}:{aid}" for aid in sorted(agency_ids())] + [f"{CUE_LABEL}:{m}" for m in MODALITIES]
    types = [
        {"text": name, "background_color": _COLOURS[name.split(":")[0]], "text_color": "#ffffff"} for name in names
    ]
    return json.dumps(types, ensure_ascii=False, indent=2) + "\n"


def export_units(units: Sequence[ExportUnit], *, with_predictions: bool, offsets: Offsets = "codepoint") -> str:
    """doccano JSON Lines for ``units``; see the module docstring."""
    lines: list[str] = []
    for unit in units:
        check_export_unit(unit)
        labels, origin = export_labels(unit, with_predictions)
        table = utf16_offsets(unit.text) if offsets == "utf16" else list(range(len(unit.text) + 1))
        record: dict[str, Any] = {
            "text": unit.text,
            "label": [[table[s.start], table[s.end], f"{s.label}:{s.value}"] for s in labels.spans],
            "unit": unit.unit,
            "edition": unit.edition,
            "start": unit.start,
            "end": unit.end,
            "sha256": unit.sha256,
            "context": unit.context,
            "split": unit.split,
            "norms": [format_norm(n) for n in labels.norms],
            "counterparts": [format_counterpart(c) for c in labels.counterparts],
            "labels_from": origin,
        }
        entities, relations = _relations(labels, table)
        if relations:
            # doccano's relation projects read "entities" and "relations": each counterpart is drawn as a
            # relation from the agent's mention to the counterpart's mention (the first of each in the unit)
            record["entities"] = entities
            record["relations"] = relations
        if origin == "predictions":
            record["model_version"] = unit.model_version
            if unit.score is not None:
                record["score"] = unit.score
        lines.append(json.dumps(record, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)


def _relations(labels: Any, table: list[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    entities = [
        {"id": i + 1, "start_offset": table[s.start], "end_offset": table[s.end], "label": f"{s.label}:{s.value}"}
        for i, s in enumerate(labels.spans)
    ]
    first: dict[str, int] = {}
    for i, s in enumerate(labels.spans):
        if s.label == AGENCY_LABEL:
            first.setdefault(s.value, i + 1)
    relations = [
        {"id": k + 1, "from_id": first[c.agent], "to_id": first[c.counterpart], "type": c.type}
        for k, c in enumerate(labels.counterparts)
        if c.agent in first and c.counterpart in first
    ]
    return entities, relations


def _relation_counterparts(record: dict[str, Any]) -> list[Counterpart]:
    """Counterparts an annotator drew as relations between agency mentions (added to the metadata's)."""
    by_id = {e.get("id"): str(e.get("label", "")) for e in record.get("entities") or [] if isinstance(e, dict)}
    found = []
    for r in record.get("relations") or []:
        source, target = by_id.get(r.get("from_id"), ""), by_id.get(r.get("to_id"), "")
        if source.startswith(AGENCY_LABEL + ":") and target.startswith(AGENCY_LABEL + ":"):
            found.append(Counterpart(source.split(":", 1)[1], target.split(":", 1)[1], str(r.get("type", ""))))
    return found


def _span_items(record: dict[str, Any]) -> list[tuple[Any, Any, Any]]:
    """(start, end, label) of every span of a line, whichever of doccano's shapes it comes in."""
    if "entities" in record and not record.get("label"):
        items = record["entities"]
        if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
            raise ValueError("'entities' must be a list of objects")
        return [(x.get("start_offset"), x.get("end_offset"), x.get("label")) for x in items]
    items = record.get("label", record.get("labels", []))
    if items is None:
        return []
    if not isinstance(items, list):
        raise ValueError("'label' must be a list of [start, end, label]")
    out: list[tuple[Any, Any, Any]] = []
    for item in items:
        if isinstance(item, dict):
            out.append((item.get("start_offset"), item.get("end_offset"), item.get("label")))
        elif isinstance(item, list) and len(item) == 3:
            out.append((item[0], item[1], item[2]))
        else:
            raise ValueError(f"not a span [start, end, label]: {item!r}")
    return out


def _norm(item: Any) -> Norm:
    if isinstance(item, str):
        return parse_norm(item)
    if isinstance(item, dict) and isinstance(item.get("agent"), str) and isinstance(item.get("modality"), str):
        norm = Norm(item["agent"], item["modality"])
        check_norm(norm)
        return norm
    raise ValueError(f"not a norm: {item!r} (expected 'agent:modality')")


def _counterpart(item: Any) -> Counterpart:
    if isinstance(item, str):
        return parse_counterpart(item)
    keys = ("agent", "counterpart", "type")
    if isinstance(item, dict) and all(isinstance(item.get(k), str) for k in keys):
        cp = Counterpart(item["agent"], item["counterpart"], item["type"])
        check_counterpart(cp)
        return cp
    raise ValueError(f"not a counterpart: {item!r} (expected 'agent>counterpart:type')")


def _listed(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):  # metadata flattened to a string by some exports
        return split_compact(value)
    if not isinstance(value, list):
        raise ValueError(f"'{what}' must be a list")
    return value


def _unit(record: dict[str, Any], where: str, offsets: Offsets) -> tuple[ImportedUnit, bool]:
    """The unit of one line, and whether it has spans after an astral character (for the offsets warning)."""
    raw_meta = record.get("meta")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}

    def field(key: str) -> Any:
        return record[key] if key in record else meta.get(key)

    text = record.get("text", record.get("data"))
    if not isinstance(text, str) or not text:
        raise ValueError("no 'text'")
    unit_id, edition = field("unit"), field("edition")
    if not isinstance(unit_id, str) or not unit_id or not isinstance(edition, str) or not edition:
        raise ValueError("'unit' and 'edition' are needed (lines written by normgap export)")
    start, end = as_int(field("start")), as_int(field("end"))
    u2c = codepoint_offsets(text) if offsets == "utf16" else None
    spans: list[Span] = []
    for a, b, label in _span_items(record):
        if not isinstance(label, str):
            raise ValueError(f"span label must be a string, got {label!r}")
        layer, _, value = label.partition(":")
        if layer not in (AGENCY_LABEL, CUE_LABEL) or not value:
            raise ValueError(f"unknown label {label!r} (expected {AGENCY_LABEL}:<agency id> or {CUE_LABEL}:<modality>)")
        if u2c is not None:
            ca, cb = u2c.get(a) if isinstance(a, int) else None, u2c.get(b) if isinstance(b, int) else None
            if ca is None or cb is None:
                raise ValueError(f"span {a}-{b} {label}: not UTF-16 offsets of the text (inside a surrogate pair?)")
            a, b = ca, cb
        try:
            spans.append(make_span(text, a, b, layer, value))
        except ValueError as e:
            raise ValueError(f"span {a}-{b} {label}: {e}") from e
    norms = [_norm(x) for x in _listed(field("norms"), "norms")]
    counterparts = [_counterpart(x) for x in _listed(field("counterparts"), "counterparts")]
    for extra in _relation_counterparts(record):
        check_counterpart(extra)
        if extra not in counterparts:
            counterparts.append(extra)
    who = record.get("annotator", record.get("user"))
    unit = ImportedUnit(
        unit=unit_id,
        edition=edition,
        start=start,
        end=end,
        sha256=warn_on_hash(field("sha256"), text, where),
        text=text,
        labels=build_labels(spans, norms, counterparts),
        annotator="" if who is None else str(who),
        source=where,
    )
    first_astral = next((i for i, ch in enumerate(text) if ord(ch) > 0xFFFF), None)
    return unit, first_astral is not None and any(s.end > first_astral for s in spans)


def import_text(text: str, *, source: str, offsets: Offsets = "codepoint") -> list[ImportedUnit]:
    """Units with the labels of a doccano JSONL export; offsets converted to code points."""
    units: list[ImportedUnit] = []
    astral: list[str] = []
    for lineno, line in enumerate(text.lstrip("\ufeff").split("\n"), 1):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise ConfigError(
                f"{source}, line {lineno}: malformed JSON: {e.msg} (column {e.colno})", path=source
            ) from e
        if not isinstance(record, dict):
            raise ConfigError(f"{source}, line {lineno}: expected a JSON object", path=source)
        try:
            unit, after_astral = _unit(record, where, offsets)
        except ValueError as e:
            raise ConfigError(f"{source}, line {lineno}: {e}", path=source) from e
        units.append(unit)
        if after_astral:
            astral.append(str(lineno))
    if astral and offsets == "codepoint":
        log.warning(
            "%s: lines %s have spans after an emoji or another character outside the BMP: doccano's editor counts"
            " such a character twice, so spans drawn there may be one off per character (offsets='utf16' reads"
            " them as UTF-16)",
            source,
            ", ".join(astral[:10]),
        )
    return units
