"""Label Studio: units as tasks JSON (gold as annotations, the tagger's output as predictions), finished tasks
read back, and the labeling config that matches both.

A task::

    {"data": {"text", "context", "unit", "edition", "start", "end", "sha256", "split"},
     "annotations": [{"result": [...]}],                       # only when the unit has gold labels
     "predictions": [{"model_version", "score", "result": [...]}]}   # with_predictions and unit.predictions

Result items (the same in annotations and predictions):
- a span: ``{"id", "from_name": "agency" | "cue", "to_name": "text", "type": "labels",
  "value": {"start", "end", "text", "labels": [agency id | modality]}}``;
- the unit's norms: one ``{"from_name": "norms", "type": "textarea", "value": {"text": ["customs:duty", ...]}}``;
- its counterparts: ``{"from_name": "counterparts", "type": "textarea", "value": {"text": ["customs>police:inform"]}}``.
Norms and counterparts are written in the compact notation ``agent:modality`` and ``agent>counterpart:type``
(the same as in the CoNLL-U comments); on import a TextArea entry may hold several, separated by white space,
new lines, ``|``, ``;`` or ``,``.

Offsets: Label Studio's editor counts JavaScript string indices (UTF-16 code units), so a character outside the
Basic Multilingual Plane (an emoji) counts 2. Exported offsets are UTF-16 indices (``offsets="codepoint"`` writes
code points instead); on import every region is checked against its ``text``: the UTF-16 reading first, then the
code-point reading (newer Label Studio versions store code points), then the nearest occurrence of the region
text around the offsets (white space compared loosely, since the editor collapses runs of spaces and may turn
CR LF into LF). A region that cannot be re-anchored raises ConfigError naming the task and the region; a region
is never dropped.

Import takes the last annotation of each task that is not cancelled (``was_cancelled``, a skipped task), in file
order; ``completed_by`` (a user id, or an object with an email in older exports) becomes the annotator. A task
without such an annotation is skipped: one warning on this module's logger names the skipped tasks and counts
them (predictions are never imported as annotations).

The module also holds the checks and the compact notation that doccano.py and conllu.py share.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal
from xml.sax.saxutils import quoteattr

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
from pipeline.tagging.registry import registry_cached

log = logging.getLogger(__name__)

Offsets = Literal["utf16", "codepoint"]

# Names of the controls in labeling_config(); import recognises result items by them.
TEXT_NAME = "text"
AGENCY_CONTROL = "agency"
CUE_CONTROL = "cue"
NORMS_CONTROL = "norms"
COUNTERPARTS_CONTROL = "counterparts"
_SPAN_CONTROLS = {AGENCY_CONTROL: AGENCY_LABEL, CUE_CONTROL: CUE_LABEL}
_CONTROL_OF = {AGENCY_LABEL: AGENCY_CONTROL, CUE_LABEL: CUE_CONTROL}

# ---------------------------------------------------------------------------------------------------------------
# Shared by the three formats: label checks, the compact notation of norms and counterparts, UTF-16 offsets.


def agency_ids() -> frozenset[str]:
    """The agency ids a span value or a norm agent may take: those of the project's registry."""
    return frozenset(registry_cached().ids)


def check_span_label(label: str, value: str) -> None:
    """ValueError unless (label, value) is an AGENCY span with a registry id or a NORM_CUE span with a modality."""
    if label == AGENCY_LABEL:
        if value not in agency_ids():
            raise ValueError(f"unknown agency id {value!r} for {AGENCY_LABEL}")
    elif label == CUE_LABEL:
        if value not in MODALITIES:
            raise ValueError(f"unknown modality {value!r} for {CUE_LABEL} (one of {', '.join(MODALITIES)})")
    else:
        raise ValueError(f"unknown label {label!r} (expected {AGENCY_LABEL} or {CUE_LABEL})")


def make_span(text: str, start: Any, end: Any, label: str, value: str) -> Span:
    """A checked span of ``text`` (code points); ValueError when the offsets or the label are wrong."""
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise ValueError(f"span offsets must be integers, got {start!r}, {end!r}")
    if not 0 <= start < end <= len(text):
        raise ValueError(f"span {start}-{end} lies outside the text (length {len(text)}) or is empty")
    check_span_label(label, value)
    return Span(start, end, label, value)


def check_norm(norm: Norm) -> None:
    if norm.agent not in agency_ids():
        raise ValueError(f"norm {format_norm(norm)!r}: unknown agency id {norm.agent!r}")
    if norm.modality not in MODALITIES:
        raise ValueError(f"norm {format_norm(norm)!r}: unknown modality {norm.modality!r}")


def check_counterpart(cp: Counterpart) -> None:
    ids = agency_ids()
    for role, aid in (("agent", cp.agent), ("counterpart", cp.counterpart)):
        if aid not in ids:
            raise ValueError(f"counterpart {format_counterpart(cp)!r}: unknown agency id {aid!r} as {role}")
    if cp.type not in INTERACTION_TYPES:
        raise ValueError(
            f"counterpart {format_counterpart(cp)!r}: unknown type {cp.type!r} (one of {', '.join(INTERACTION_TYPES)})"
        )


def format_norm(norm: Norm) -> str:
    return f"{norm.agent}:{norm.modality}"


def format_counterpart(cp: Counterpart) -> str:
    return f"{cp.agent}>{cp.counterpart}:{cp.type}"


_NORM = re.compile(r"([^\s:>|;,]+):([^\s:>|;,]+)")
_COUNTERPART = re.compile(r"([^\s:>|;,]+)>([^\s:>|;,]+):([^\s:>|;,]+)")


def split_compact(value: str) -> list[str]:
    """The items of a compact list: separated by white space, new lines, | ; or ,; "_" alone means none."""
    return [item for item in re.split(r"[\s|;,]+", value) if item and item != "_"]


def parse_norm(item: str) -> Norm:
    m = _NORM.fullmatch(item.strip())
    if not m:
        raise ValueError(f"not a norm {item!r} (expected agent:modality, e.g. customs:duty)")
    norm = Norm(m.group(1), m.group(2))
    check_norm(norm)
    return norm


def parse_counterpart(item: str) -> Counterpart:
    m = _COUNTERPART.fullmatch(item.strip())
    if not m:
        raise ValueError(f"not a counterpart {item!r} (expected agent>counterpart:type, e.g. customs>police:inform)")
    cp = Counterpart(m.group(1), m.group(2), m.group(3))
    check_counterpart(cp)
    return cp


def build_labels(spans: Iterable[Span], norms: Iterable[Norm], counterparts: Iterable[Counterpart]) -> Labels:
    """Imported labels in a canonical form: spans sorted by (start, end, label, value) without duplicates; norms
    and counterparts in file order without duplicates."""
    return Labels(
        tuple(sorted(set(spans), key=lambda s: (s.start, s.end, s.label, s.value))),
        tuple(dict.fromkeys(norms)),
        tuple(dict.fromkeys(counterparts)),
    )


def check_export_unit(unit: ExportUnit) -> None:
    """ConfigError naming the unit when its gold or predicted labels do not fit its text or the vocabularies."""
    for kind, labels in (("gold", unit.gold), ("predicted", unit.predictions)):
        if labels is None:
            continue
        try:
            for span in labels.spans:
                make_span(unit.text, span.start, span.end, span.label, span.value)
            for norm in labels.norms:
                check_norm(norm)
            for cp in labels.counterparts:
                check_counterpart(cp)
        except ValueError as e:
            raise ConfigError(f"unit {unit.unit}: {kind} labels cannot be exported: {e}", provision=unit.unit) from e


def export_labels(unit: ExportUnit, with_predictions: bool) -> tuple[Labels, str]:
    """The labels a single-layer format (doccano, CoNLL-U) writes, and where they come from: the gold labels;
    else, with_predictions, the predictions ("predictions"); else none ("none")."""
    if unit.gold is not None:
        return unit.gold, "gold"
    if with_predictions and unit.predictions is not None:
        return unit.predictions, "predictions"
    return Labels(), "none"


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def warn_on_hash(declared: Any, text: str, where: str) -> str:
    """The sha256 of ``text``; a warning when the file declares another (the tool changed the text)."""
    digest = sha256_of(text)
    if declared and declared != digest:
        log.warning("%s: the text differs from the one exported (sha256 %s, exported %s)", where, digest, declared)
    return digest


def utf16_offsets(text: str) -> list[int]:
    """For every code-point offset 0..len(text), the UTF-16 (JavaScript) index of the same position."""
    table = [0]
    for ch in text:
        table.append(table[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return table


def codepoint_offsets(text: str) -> dict[int, int]:
    """UTF-16 index -> code-point offset; indices inside a surrogate pair are absent."""
    return {u: i for i, u in enumerate(utf16_offsets(text))}


def as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"expected an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise ValueError(f"expected an integer, got {value!r}")


# ---------------------------------------------------------------------------------------------------------------
# Labeling config

_PALETTE = (
    "#e6194b",
    "#3cb44b",
    "#4363d8",
    "#f58231",
    "#911eb4",
    "#42d4f4",
    "#f032e6",
    "#bfef45",
    "#fabed4",
    "#469990",
    "#dcbeff",
    "#9a6324",
    "#fffac8",
    "#800000",
    "#aaffc3",
    "#808000",
    "#ffd8b1",
    "#000075",
    "#a9a9a9",
    "#ffe119",
    "#000000",
)
_CUE_COLOURS = {"task": "#8dd3c7", "power": "#80b1d3", "duty": "#fb8072", "prohibition": "#bebada"}


def labeling_config() -> str:
    """The Label Studio labeling config (XML) matching export_units: the context shown above the text, a Labels
    layer ``agency`` (one Label per registry agency id), a Labels layer ``cue`` (the four modalities), and two
    TextAreas ``norms`` and ``counterparts`` in the compact notation."""
    registry = registry_cached()
    lines = [
        "<View>",
        '  <Header value="$unit" size="6"/>',
        '  <Header value="Context (article heading, lead-in): read it, do not annotate it" size="6"/>',
        '  <Text name="context" value="$context"/>',
        '  <Header value="Agency mentions" size="5"/>',
        f'  <Labels name="{AGENCY_CONTROL}" toName="{TEXT_NAME}" choice="single" showInline="true">',
    ]
    for i, aid in enumerate(sorted(registry.ids)):
        english = registry.agencies[aid].get("en") or [aid]
        colour = _PALETTE[i % len(_PALETTE)]
        lines.append(f"    <Label value={quoteattr(aid)} background={quoteattr(colour)} hint={quoteattr(english[0])}/>")
    lines += [
        "  </Labels>",
        '  <Header value="Norm cues (modal words)" size="5"/>',
        f'  <Labels name="{CUE_CONTROL}" toName="{TEXT_NAME}" choice="single" showInline="true">',
    ]
    for modality in MODALITIES:
        lines.append(f"    <Label value={quoteattr(modality)} background={quoteattr(_CUE_COLOURS[modality])}/>")
    lines += [
        "  </Labels>",
        f'  <Text name="{TEXT_NAME}" value="$text" granularity="symbol"/>',
        '  <Header value="Norms: agent:modality, one per entry or separated by spaces (customs:duty)" size="6"/>',
        f'  <TextArea name="{NORMS_CONTROL}" toName="{TEXT_NAME}" editable="true" rows="2"',
        '            placeholder="customs:duty police:power"/>',
        '  <Header value="Counterparts: agent&gt;counterpart:type (customs&gt;police:inform)" size="6"/>',
        f'  <TextArea name="{COUNTERPARTS_CONTROL}" toName="{TEXT_NAME}" editable="true" rows="2"',
        '            placeholder="customs&gt;police:inform"/>',
        "</View>",
    ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# Export


def _result(labels: Labels, text: str, prefix: str, offsets: Offsets) -> list[dict[str, Any]]:
    table = utf16_offsets(text) if offsets == "utf16" else list(range(len(text) + 1))
    items: list[dict[str, Any]] = []
    for i, span in enumerate(labels.spans):
        items.append(
            {
                "id": f"{prefix}{i}",
                "from_name": _CONTROL_OF[span.label],
                "to_name": TEXT_NAME,
                "type": "labels",
                "value": {
                    "start": table[span.start],
                    "end": table[span.end],
                    "text": text[span.start : span.end],
                    "labels": [span.value],
                },
            }
        )
    if labels.norms:
        items.append(
            {
                "id": f"{prefix}norms",
                "from_name": NORMS_CONTROL,
                "to_name": TEXT_NAME,
                "type": "textarea",
                "value": {"text": [format_norm(n) for n in labels.norms]},
            }
        )
    if labels.counterparts:
        items.append(
            {
                "id": f"{prefix}counterparts",
                "from_name": COUNTERPARTS_CONTROL,
                "to_name": TEXT_NAME,
                "type": "textarea",
                "value": {"text": [format_counterpart(c) for c in labels.counterparts]},
            }
        )
    return items


def export_units(units: Sequence[ExportUnit], *, with_predictions: bool, offsets: Offsets = "utf16") -> str:
    """Label Studio tasks JSON (a list of tasks) for ``units``; see the module docstring for the layout."""
    tasks: list[dict[str, Any]] = []
    for unit in units:
        check_export_unit(unit)
        task: dict[str, Any] = {
            "data": {
                "text": unit.text,
                "context": unit.context,
                "unit": unit.unit,
                "edition": unit.edition,
                "start": unit.start,
                "end": unit.end,
                "sha256": unit.sha256,
                "split": unit.split,
            }
        }
        if unit.gold is not None:
            task["annotations"] = [{"result": _result(unit.gold, unit.text, "g", offsets)}]
        if with_predictions and unit.predictions is not None:
            prediction: dict[str, Any] = {
                "model_version": unit.model_version,
                "result": _result(unit.predictions, unit.text, "p", offsets),
            }
            if unit.score is not None:
                prediction["score"] = unit.score
            task["predictions"] = [prediction]
        tasks.append(task)
    return json.dumps(tasks, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# Import


def _loose(value: str) -> str:
    return re.sub(r"\s+", " ", value)


def _search_near(text: str, wanted: str, anchor: int) -> tuple[int, int] | Literal["ambiguous"] | None:
    """The occurrence of ``wanted`` (white space loose) nearest to ``anchor`` within a small window."""
    pieces = [re.escape(p) for p in re.split(r"\s+", wanted)]
    pattern = re.compile(r"\s+".join(pieces))
    window = 16 + sum(1 for ch in text if ord(ch) > 0xFFFF or ch == "\r")
    found: list[tuple[int, int, int]] = []
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        if m.end() > m.start():
            found.append((abs(m.start() - anchor), m.start(), m.end()))
        pos = m.start() + 1
    near = sorted(f for f in found if f[0] <= window)
    if not near:
        return None
    if len(near) > 1 and near[0][0] == near[1][0]:
        return "ambiguous"
    return near[0][1], near[0][2]


def _anchor(text: str, value: dict[str, Any], u2c: dict[int, int], where: str, region: str) -> tuple[int, int]:
    """Code-point offsets of a region, checked against the region's text (see the module docstring)."""
    try:
        start, end = as_int(value.get("start")), as_int(value.get("end"))
    except ValueError as err:
        raise ConfigError(f"{where}: {region}: bad offsets: {err}") from err
    wanted = value.get("text")
    us, ue = u2c.get(start), u2c.get(end)  # the UTF-16 reading
    if not isinstance(wanted, str) or not wanted:
        # nothing to check against: trust the UTF-16 reading
        if us is None or ue is None or not 0 <= us < ue <= len(text):
            raise ConfigError(
                f"{where}: {region}: offsets {start}-{end} do not fit the text (UTF-16 length {max(u2c)})"
                " and the region has no text to re-anchor it"
            )
        return us, ue
    readings: list[tuple[str, int, int]] = []
    if us is not None and ue is not None:
        readings.append(("UTF-16", us, ue))
    readings.append(("code points", start, end))
    for how, a, b in readings:
        if 0 <= a < b <= len(text) and (text[a:b] == wanted or _loose(text[a:b]) == _loose(wanted)):
            if how != "UTF-16":
                log.info("%s: %s: offsets %d-%d are code points, not UTF-16 indices", where, region, start, end)
            return a, b
    anchor = us if us is not None else start
    near = _search_near(text, wanted, anchor)
    if near == "ambiguous":
        raise ConfigError(
            f"{where}: {region}: offset drift: {start}-{end} do not hold {wanted!r}, and it occurs twice at the"
            " same distance from them; fix the region in Label Studio"
        )
    if near is None:
        held = text[us:ue] if us is not None and ue is not None else text[start:end]
        raise ConfigError(
            f"{where}: {region}: offset drift: {start}-{end} hold {held!r}, not the region text {wanted!r}, and"
            " the region text is not found near them; fix the region in Label Studio"
        )
    log.warning(
        "%s: %s: offset drift: %r re-anchored from %d-%d to code points %d-%d",
        where,
        region,
        wanted,
        start,
        end,
        near[0],
        near[1],
    )
    return near


def _annotator(annotation: dict[str, Any]) -> str:
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("username") or who.get("id")
    return "" if who is None else str(who)


def _last_annotation(task: dict[str, Any], where: str) -> dict[str, Any] | None:
    annotations = task.get("annotations", task.get("completions")) or []
    if not isinstance(annotations, list):
        raise ConfigError(f"{where}: 'annotations' must be a list")
    done = [a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")]
    return done[-1] if done else None


def _task_labels(text: str, result: Any, where: str) -> Labels:
    if not isinstance(result, list):
        raise ConfigError(f"{where}: the annotation's 'result' must be a list")
    u2c = codepoint_offsets(text)
    spans: list[Span] = []
    norms: list[Norm] = []
    counterparts: list[Counterpart] = []
    for k, item in enumerate(result, 1):
        if not isinstance(item, dict) or not isinstance(item.get("value"), dict):
            raise ConfigError(f"{where}: result item #{k} is not an object with a 'value'")
        name, kind, value = item.get("from_name"), item.get("type"), item["value"]
        region = f"region {item.get('id', f'#{k}')} ({name})"
        try:
            if kind == "labels" and name in _SPAN_CONTROLS:
                labels = value.get("labels")
                if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
                    raise ValueError(f"no labels: {labels!r}")
                start, end = _anchor(text, value, u2c, where, region)
                spans.extend(make_span(text, start, end, _SPAN_CONTROLS[name], label) for label in labels)
            elif kind == "textarea" and name in (NORMS_CONTROL, COUNTERPARTS_CONTROL):
                entries = value.get("text")
                if isinstance(entries, str):
                    entries = [entries]
                if not isinstance(entries, list) or not all(isinstance(x, str) for x in entries):
                    raise ValueError(f"the text must be a list of strings, got {entries!r}")
                for entry in entries:
                    for token in split_compact(entry):
                        if name == NORMS_CONTROL:
                            norms.append(parse_norm(token))
                        else:
                            counterparts.append(parse_counterpart(token))
            else:
                raise ValueError(
                    f"unknown result item (type {kind!r}, from_name {name!r}); labeling_config() has Labels"
                    f" {AGENCY_CONTROL!r} and {CUE_CONTROL!r}, TextAreas {NORMS_CONTROL!r} and {COUNTERPARTS_CONTROL!r}"
                )
        except ValueError as e:
            raise ConfigError(f"{where}: {region}: {e}") from e
    return build_labels(spans, norms, counterparts)


def import_text(text: str, *, source: str) -> list[ImportedUnit]:
    """Units with the annotations of a Label Studio JSON export (a list of tasks); offsets in code points."""
    try:
        tasks = json.loads(text)
    except json.JSONDecodeError as e:
        raise ConfigError(f"{source}, line {e.lineno} column {e.colno}: malformed JSON: {e.msg}", path=source) from e
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise ConfigError(f"{source}: expected a list of tasks (Label Studio 'JSON' export)", path=source)
    units: list[ImportedUnit] = []
    skipped: list[str] = []
    for index, task in enumerate(tasks, 1):
        name = f"task {task['id']}" if isinstance(task, dict) and "id" in task else f"task #{index}"
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict):
            raise ConfigError(f"{source}, {name}: a task needs a 'data' object", path=source)
        where = f"{source}, {name} (unit {data.get('unit')})"
        try:
            unit_text, unit_id, edition = data.get("text"), data.get("unit"), data.get("edition")
            if not isinstance(unit_text, str) or not unit_text:
                raise ValueError("'data.text' is missing")
            if not isinstance(unit_id, str) or not unit_id or not isinstance(edition, str) or not edition:
                raise ValueError("'data.unit' and 'data.edition' are needed (tasks made by normgap export)")
            start, end = as_int(data.get("start")), as_int(data.get("end"))
        except ValueError as e:
            raise ConfigError(f"{where}: {e}", path=source) from e
        try:
            annotation = _last_annotation(task, where)
            if annotation is None:
                skipped.append(name)
                continue
            labels = _task_labels(unit_text, annotation.get("result"), where)
        except ConfigError as e:
            raise ConfigError(e.message, path=source) from e
        units.append(
            ImportedUnit(
                unit=unit_id,
                edition=edition,
                start=start,
                end=end,
                sha256=warn_on_hash(data.get("sha256"), unit_text, where),
                text=unit_text,
                labels=labels,
                annotator=_annotator(annotation),
                source=f"{source}:{name}",
            )
        )
    if skipped:
        shown = ", ".join(skipped[:10]) + (", ..." if len(skipped) > 10 else "")
        log.warning("%s: %d task(s) without a completed human annotation skipped: %s", source, len(skipped), shown)
    return units
