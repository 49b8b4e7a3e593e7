"""Selecting units for export (gold, predictions, sampling), writing the dataset card, importing finished
annotations back into annotations/ (checked against the store), and inter-annotator agreement."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.annotations import Annotation, article_of, load_annotations, split_of, strip_sentence
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
from pipeline.errors import ConfigError, NormgapError
from pipeline.ids import parse_provision_id
from pipeline.store import Store
from pipeline.tagging.registry import registry_cached
from pipeline.tagging.tagger import Tagger, UnitResult
from pipeline.units import Unit, units_of

LICENCE_NOTE = (
    "Texts of Ukrainian official documents (laws, codes) are not subject to copyright (Law of Ukraine "
    '"On Copyright and Related Rights", art. 10); the annotations are the project\'s own.'
)


def labels_from_annotation(a: Annotation) -> Labels:
    spans = tuple(Span(int(x["start"]), int(x["end"]), AGENCY_LABEL, str(x["agency"])) for x in a.agencies)
    norms = tuple(Norm(n["agent"], n["modality"]) for n in a.norms)
    cps = tuple(Counterpart(c["agent"], c["counterpart"], c["type"]) for c in (a.counterparts or ()))
    return Labels(spans, norms, cps)


def labels_from_result(result: UnitResult) -> Labels:
    spans = [Span(s, e, AGENCY_LABEL, agency) for s, e, agency in result.mentions]
    spans += [Span(n.cue[0], n.cue[1], CUE_LABEL, n.modality) for n in result.norms if n.cue]
    return Labels(
        tuple(sorted(set(spans), key=lambda x: (x.start, x.end, x.label))),
        tuple(Norm(n.agent, n.modality) for n in result.norms),
    )


@dataclass(frozen=True)
class Selection:
    acts: Sequence[str] | None = None
    agency: str | None = None
    sample: int | None = None
    stratify: str | None = None  # modality | agency | act
    seed: int = 13
    gold_only: bool = False


def _units_of_store(store: Store, acts: Sequence[str] | None) -> list[tuple[Unit, str]]:
    out: list[tuple[Unit, str]] = []
    for w in store.works():
        if (w["role"] or "").startswith("instrument") or (acts and w["work_id"] not in acts):
            continue
        edition = store.edition_at(w["work_id"])
        out += [(u, edition.date.isoformat()) for u in units_of(w["work_id"], store.provisions(edition.edition_id))]
    return out


def collect_units(
    store: Store,
    selection: Selection,
    *,
    annotations_folder: Path | None = None,
    with_predictions: bool = False,
    tagger: Tagger | None = None,
) -> list[ExportUnit]:
    """Units to export: the annotated ones (with their gold labels) and, unless gold_only, the other units of
    the chosen acts; with predictions when asked. Filters, then a (stratified) sample, deterministic."""
    gold: dict[str, Annotation] = {}
    if annotations_folder is not None and annotations_folder.exists():
        gold = {a.unit: a for a in load_annotations(annotations_folder)}
    tagger = tagger or (Tagger() if with_predictions or selection.agency or selection.stratify else None)
    units: list[ExportUnit] = []
    for unit, edition in _units_of_store(store, selection.acts):
        a = gold.get(unit.id)
        if selection.gold_only and a is None:
            continue
        if a is not None and (a.start, a.end) != (unit.start, unit.end):
            a = None  # the unit was cut differently when annotated: do not attach mismatched labels
        predictions = None
        if tagger is not None:
            try:
                predictions = labels_from_result(tagger.tag(unit.text, unit.context, work=unit.work, provision=unit.id))
            except NormgapError:
                predictions = Labels()
        units.append(
            ExportUnit(
                unit.id,
                edition,
                unit.start,
                unit.end,
                unit.text,
                unit.context,
                split_of(unit.work, unit.eid),
                labels_from_annotation(a) if a is not None else None,
                predictions if with_predictions else None,
                tagger.version if tagger is not None and with_predictions else "",
                1.0 if predictions is not None and with_predictions else None,
            )
        )
        if not with_predictions and predictions is not None:
            units[-1] = _with_hidden(units[-1], predictions)
    units = [u for u in units if not selection.agency or selection.agency in _agencies(u)]
    return sample_units(units, selection)


_HIDDEN: dict[str, Labels] = {}


def _with_hidden(unit: ExportUnit, predictions: Labels) -> ExportUnit:
    # filters and strata may use predictions even when they are not exported
    _HIDDEN[unit.unit] = predictions
    return unit


def _labels_for_strata(u: ExportUnit) -> Labels:
    return u.gold or u.predictions or _HIDDEN.get(u.unit) or Labels()


def _agencies(u: ExportUnit) -> set[str]:
    labels = _labels_for_strata(u)
    return {s.value for s in labels.spans if s.label == AGENCY_LABEL} | {n.agent for n in labels.norms}


def _stratum(u: ExportUnit, how: str) -> str:
    labels = _labels_for_strata(u)
    if how == "act":
        return u.unit.split("#")[0]
    if how == "agency":
        return min(_agencies(u), default="none")
    if how == "modality":
        return min((n.modality for n in labels.norms), default="none")
    raise ConfigError(f"unknown stratification {how!r} (modality, agency, act)")


def sample_units(units: list[ExportUnit], selection: Selection) -> list[ExportUnit]:
    if not selection.sample or selection.sample >= len(units):
        return units
    rng = random.Random(selection.seed)
    if not selection.stratify:
        return sorted(rng.sample(units, selection.sample), key=lambda u: u.unit)
    strata: dict[str, list[ExportUnit]] = defaultdict(list)
    for u in units:
        strata[_stratum(u, selection.stratify)].append(u)
    picked: list[ExportUnit] = []
    keys = sorted(strata)
    for k in keys:
        rng.shuffle(strata[k])
    while len(picked) < selection.sample and any(strata[k] for k in keys):
        for k in keys:  # round robin: every stratum gets its share, small ones all of theirs
            if strata[k] and len(picked) < selection.sample:
                picked.append(strata[k].pop())
    return sorted(picked, key=lambda u: u.unit)


def dataset_card(units: Sequence[ExportUnit], *, fmt: str, model_version: str) -> str:
    labels: Counter[str] = Counter()
    acts: Counter[str] = Counter()
    editions: Counter[str] = Counter()
    for u in units:
        acts[u.unit.split("#")[0]] += 1
        editions[f"{u.unit.split('#')[0]}@{u.edition}"] += 1
        for source, lab in (("gold", u.gold), ("predicted", u.predictions)):
            if lab is None:
                continue
            for s in lab.spans:
                labels[f"{source} {s.label}:{s.value}"] += 1
            for n in lab.norms:
                labels[f"{source} norm {n.agent}:{n.modality}"] += 1
    lines = [
        "# Dataset card",
        "",
        f"- format: {fmt}",
        f"- units: {len(units)}",
        f"- with gold labels: {sum(1 for u in units if u.gold)}",
        f"- with predictions: {sum(1 for u in units if u.predictions)}",
        f"- guidelines: {GUIDELINES_VERSION}",
        f"- model version: {model_version or 'none'}",
        f"- created: {dt.date.today().isoformat()}",
        f"- licence: {LICENCE_NOTE}",
        "",
        "## Units per act",
        "",
        *[f"- {k}: {v}" for k, v in sorted(acts.items())],
        "",
        "## Units per edition",
        "",
        *[f"- {k}: {v}" for k, v in sorted(editions.items())],
        "",
        "## Labels",
        "",
        *[f"- {k}: {v}" for k, v in sorted(labels.items())],
        "",
        "Offsets: code points of the unit text as stored (Label Studio and INCEpTION files use UTF-16 units "
        "where their tools do; `normgap import` converts them back).",
    ]
    return "\n".join(lines) + "\n"


# -- import ------------------------------------------------------------------------------------------
def _offset_map(tool_text: str, stored: str) -> list[int] | None:
    """Map every offset of the tool's text to the stored text when they differ only by line ends,
    apostrophe variants or combining marks; None when they differ otherwise."""
    if tool_text == stored:
        return list(range(len(stored) + 1))
    mapping: list[int] = [0] * (len(tool_text) + 1)
    matcher = difflib.SequenceMatcher(None, tool_text, stored, autojunk=False)
    allowed = set("\r\n’ʼ'`\u0301\u0300\u0306\u0308")
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal" and not set(tool_text[i1:i2] + stored[j1:j2]) <= allowed:
            return None
        for k in range(i1, i2 + 1):
            mapping[k] = (
                j1 + min(k - i1, j2 - j1) if op == "equal" or (i2 - i1) == (j2 - j1) else (j1 if k == i1 else j2)
            )
    mapping[len(tool_text)] = len(stored)
    return mapping


def _drift(tool_text: str, stored: str) -> str:
    kinds = []
    if ("\r\n" in tool_text and "\r\n" not in stored) or ("\r\n" in stored and "\r\n" not in tool_text):
        kinds.append("line ends (CRLF)")
    if set(tool_text) ^ set(stored) & set("’ʼ'"):
        kinds.append("apostrophes")
    if any(0x300 <= ord(c) <= 0x36F for c in tool_text + stored):
        kinds.append("combining marks")
    return ", ".join(kinds) or "different text"


def to_annotation_records(store: Store, imported: Iterable[ImportedUnit], *, annotator: str) -> list[dict[str, Any]]:
    """Stand-off records for annotations/, each checked against the stored text. Any unit that cannot be
    placed is an error naming it: nothing is dropped silently."""
    known = registry_cached().ids
    records = []
    for iu in imported:
        where = f"{iu.source} ({iu.unit})"
        try:
            work, eid = parse_provision_id(strip_sentence(iu.unit))
            edition = store.edition_at(work, dt.date.fromisoformat(iu.edition))
            provision = store.provision(edition, eid)
        except (NormgapError, ValueError) as e:
            raise ConfigError(f"unit not in the store: {e}", path=where) from e
        stored = provision.text[iu.start : iu.end]
        if hashlib.sha256(stored.encode()).hexdigest() != iu.sha256 and iu.text == stored:
            raise ConfigError("the unit's hash does not match its text", path=where)
        mapping = _offset_map(iu.text, stored)
        if mapping is None:
            raise ConfigError(
                f"the tool's text differs from the stored text ({_drift(iu.text, stored)}); "
                "the stored text changed since export, or the tool rewrote it",
                path=where,
            )
        agencies = []
        for s in iu.labels.spans:
            if not 0 <= s.start < s.end <= len(iu.text):
                raise ConfigError(f"span {s.start}..{s.end} outside the unit text", path=where)
            start, end = mapping[s.start], mapping[s.end]
            if s.label == AGENCY_LABEL:
                if s.value not in known:
                    raise ConfigError(f"unknown agency id {s.value!r}", path=where)
                agencies.append({"start": start, "end": end, "agency": s.value})
            elif s.label != CUE_LABEL:
                raise ConfigError(f"unknown label {s.label!r}", path=where)
        for n in iu.labels.norms:
            if n.agent not in known:
                raise ConfigError(f"unknown agent id {n.agent!r}", path=where)
        records.append(
            {
                "unit": iu.unit,
                "edition": iu.edition,
                "start": iu.start,
                "end": iu.end,
                "sha256": hashlib.sha256(stored.encode()).hexdigest(),
                "split": split_of(work, eid),
                "agencies": agencies,
                "norms": [{"agent": n.agent, "modality": n.modality} for n in iu.labels.norms],
                "counterparts": [
                    {"agent": c.agent, "counterpart": c.counterpart, "type": c.type} for c in iu.labels.counterparts
                ],
                "annotator": annotator or iu.annotator,
            }
        )
    return records


# -- agreement ---------------------------------------------------------------------------------------
def _kappa(pairs: Sequence[tuple[str, str]]) -> float:
    if not pairs:
        return 1.0
    n = len(pairs)
    observed = sum(1 for a, b in pairs if a == b) / n
    left = Counter(a for a, _ in pairs)
    right = Counter(b for _, b in pairs)
    expected = sum(left[k] * right.get(k, 0) for k in left) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def _f1(a: set[Any], b: set[Any]) -> float:
    if not a and not b:
        return 1.0
    tp = len(a & b)
    return 2 * tp / (len(a) + len(b)) if a or b else 1.0


def agreement(annotations: Sequence[Annotation], first: str, second: str) -> dict[str, Any]:
    """Pairwise agreement on the units both annotated: agency span F1, norm F1 and Cohen's kappa over
    (unit, agent) items labelled with a modality or "none"; the disagreements to adjudicate."""
    by: dict[str, dict[str, Annotation]] = defaultdict(dict)
    for a in annotations:
        by[a.annotator][a.unit] = a
    if first not in by or second not in by:
        raise ConfigError(
            f"no annotations by {first if first not in by else second!r} (annotators: {', '.join(sorted(by))})"
        )
    shared = sorted(set(by[first]) & set(by[second]))
    if not shared:
        raise ConfigError(f"{first} and {second} annotated no unit in common")
    spans_a: set[Any] = set()
    spans_b: set[Any] = set()
    norms_a: set[Any] = set()
    norms_b: set[Any] = set()
    triples_a: set[Any] = set()
    triples_b: set[Any] = set()
    with_counterparts = 0
    items: list[tuple[str, str]] = []
    disagreements = []
    for unit in shared:
        a, b = by[first][unit], by[second][unit]
        sa = {(unit, x["start"], x["end"], x["agency"]) for x in a.agencies}
        sb = {(unit, x["start"], x["end"], x["agency"]) for x in b.agencies}
        na = {(unit, n["agent"], n["modality"]) for n in a.norms}
        nb = {(unit, n["agent"], n["modality"]) for n in b.norms}
        # counterparts only where both annotated them (older files carry none)
        both = a.counterparts is not None and b.counterparts is not None
        ca = {(unit, c["agent"], c["counterpart"], c["type"]) for c in a.counterparts or ()} if both else set()
        cb = {(unit, c["agent"], c["counterpart"], c["type"]) for c in b.counterparts or ()} if both else set()
        with_counterparts += both
        spans_a |= sa
        spans_b |= sb
        norms_a |= na
        norms_b |= nb
        triples_a |= ca
        triples_b |= cb
        agents = {x[1] for x in na | nb} | {x[3] for x in sa | sb}
        for agent in sorted(agents):
            la = ",".join(sorted(m for _, ag, m in na if ag == agent)) or "none"
            lb = ",".join(sorted(m for _, ag, m in nb if ag == agent)) or "none"
            items.append((la, lb))
        if sa != sb or na != nb or ca != cb:
            disagreements.append(
                {
                    "unit": unit,
                    "article": article_of(a.eid),
                    first: {"agencies": sorted(sa - sb), "norms": sorted(na - nb), "counterparts": sorted(ca - cb)},
                    second: {"agencies": sorted(sb - sa), "norms": sorted(nb - na), "counterparts": sorted(cb - ca)},
                }
            )
    result: dict[str, Any] = {
        "annotators": [first, second],
        "units": len(shared),
        "agency_span_f1": round(_f1(spans_a, spans_b), 4),
        "norm_f1": round(_f1(norms_a, norms_b), 4),
        "norm_kappa": round(_kappa(items), 4),
        "items": len(items),
        "identical_units": len(shared) - len(disagreements),
        "disagreements": disagreements,
    }
    if with_counterparts:
        pairs_a = {t[:3] for t in triples_a}
        pairs_b = {t[:3] for t in triples_b}
        result |= {
            "counterpart_units": with_counterparts,
            "counterpart_triples": [len(triples_a), len(triples_b)],
            "counterpart_f1": round(_f1(triples_a, triples_b), 4),
            "counterpart_pair_f1": round(_f1(pairs_a, pairs_b), 4),
        }
    return result


def write_records(path: Path, records: Sequence[dict[str, Any]]) -> None:
    from pipeline.acts import write_atomic

    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    seen = {json.loads(line)["unit"] for line in existing.splitlines() if line.strip()}
    duplicated = [r["unit"] for r in records if r["unit"] in seen]
    if duplicated:
        raise ConfigError(
            f"{len(duplicated)} units are already in this file (e.g. {duplicated[0]}); "
            "import into another annotator's file",
            path=str(path),
        )
    write_atomic(path, existing + "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
