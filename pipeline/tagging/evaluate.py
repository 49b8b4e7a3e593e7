"""Metrics of shared/specs/gold-format.md for tagging: computed on any file in that format, without a store."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

MODALITIES = ("task", "power", "duty", "prohibition")
INTERACTION_TYPES = ("inform", "request", "assist", "joint", "coordinate", "oversee", "delegate")


@dataclass(frozen=True)
class GoldUnit:
    id: str
    lang: str
    context: str
    text: str
    agencies: tuple[tuple[int, int, str], ...]
    norms: frozenset[tuple[str, str]]
    counterparts: frozenset[tuple[str, str, str]] | None


@dataclass(frozen=True)
class Prediction:
    agencies: tuple[tuple[int, int, str], ...]
    norms: frozenset[tuple[str, str]]
    counterparts: frozenset[tuple[str, str, str]] = frozenset()


def load_gold(path: Path) -> list[GoldUnit]:
    """Read a gold file; a malformed line (bad JSON, offsets outside the text, missing keys) names its line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ConfigError(f"cannot read the gold file: {e.strerror}", path=str(path)) from e
    units = _parse_lines([(f"{path}:{n}", line) for n, line in enumerate(lines, 1)])
    if not units:
        raise ConfigError("the gold file has no units", path=str(path))
    return units


def load_gold_lines(lines: Sequence[dict[str, Any]]) -> list[GoldUnit]:
    """Gold units from already-built lines (the annotations loader)."""
    return _parse_lines([(f"line {i}", json.dumps(d, ensure_ascii=False)) for i, d in enumerate(lines, 1)])


def _parse_lines(lines: Sequence[tuple[str, str]]) -> list[GoldUnit]:
    units: list[GoldUnit] = []
    for where, line in lines:
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            text = d["text"]
            if not isinstance(text, str):
                raise ConfigError("`text` is not a string", path=where)
            spans = []
            for a in d.get("agencies", []):
                s, e = int(a["start"]), int(a["end"])
                if not 0 <= s < e <= len(text):
                    raise ConfigError(f"agency offsets {s}..{e} outside the text ({len(text)} code points)", path=where)
                spans.append((s, e, str(a["agency"])))
            norms = frozenset((str(n["agent"]), str(n["modality"])) for n in d.get("norms", []))
            for _, modality in norms:
                if modality not in MODALITIES:
                    raise ConfigError(f"unknown modality {modality!r}", path=where)
            cps = d.get("counterparts")
            counterparts = (
                frozenset((str(c["agent"]), str(c["counterpart"]), str(c["type"])) for c in cps)
                if cps is not None
                else None
            )
            units.append(
                GoldUnit(
                    str(d["id"]),
                    str(d.get("lang", "uk")),
                    str(d.get("context", "")),
                    text,
                    tuple(spans),
                    norms,
                    counterparts,
                )
            )
        except json.JSONDecodeError as e:
            raise ConfigError(f"not JSON: {e.msg}", path=where) from e
        except (KeyError, TypeError, ValueError) as e:
            raise ConfigError(f"malformed gold line: {e!r}", path=where) from e
    return units


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp / n_gold if n_gold else (1.0 if not n_pred else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _overlap_matches(pred: Sequence[tuple[int, int, str]], gold: Sequence[tuple[int, int, str]]) -> tuple[int, int]:
    """(predicted mentions overlapping a gold one with the same id, gold mentions overlapped by such a prediction)."""
    tp_p = sum(1 for s, e, a in pred if any(a == ga and s < ge and gs < e for gs, ge, ga in gold))
    tp_g = sum(1 for gs, ge, ga in gold if any(a == ga and s < ge and gs < e for s, e, a in pred))
    return tp_p, tp_g


def _tally(counts: list[int], gold: Collection[Any], predicted: Collection[Any]) -> None:
    """Add true positives, predictions and gold items to counts [tp, predicted, gold]."""
    counts[0] += len(set(gold) & set(predicted))
    counts[1] += len(predicted)
    counts[2] += len(gold)


def _tally_by(
    per: dict[str, list[int]], gold: Collection[tuple[str, ...]], predicted: Collection[tuple[str, ...]], key: int
) -> None:
    """_tally for each label, the label being item[key] (the modality of a norm, the type of a counterpart)."""
    for label, counts in per.items():
        _tally(counts, [x for x in gold if x[key] == label], [x for x in predicted if x[key] == label])


def score(gold: Sequence[GoldUnit], predictions: Sequence[Prediction]) -> dict[str, Any]:
    """Micro-averaged metrics over the file, exactly as gold-format.md defines them."""
    if len(gold) != len(predictions):
        raise ValueError("one prediction per gold unit")
    a_tp = a_pred = a_gold = o_tp_p = o_tp_g = 0
    n_tp = n_pred = n_gold = 0
    per: dict[str, list[int]] = {m: [0, 0, 0] for m in MODALITIES}
    c_tp = c_pred = c_gold = 0
    c_units = 0
    by_type: dict[str, list[int]] = {t: [0, 0, 0] for t in INTERACTION_TYPES}
    pairs = [0, 0, 0]  # the same (agent, counterpart) with any type
    for g, p in zip(gold, predictions, strict=True):
        gs, ps = set(g.agencies), set(p.agencies)
        a_tp += len(gs & ps)
        a_pred += len(ps)
        a_gold += len(gs)
        tp_p, tp_g = _overlap_matches(sorted(ps), sorted(gs))
        o_tp_p += tp_p
        o_tp_g += tp_g
        n_tp += len(g.norms & p.norms)
        n_pred += len(p.norms)
        n_gold += len(g.norms)
        _tally_by(per, g.norms, p.norms, 1)
        if g.counterparts is not None:
            c_units += 1
            c_tp += len(g.counterparts & p.counterparts)
            c_pred += len(p.counterparts)
            c_gold += len(g.counterparts)
            _tally_by(by_type, g.counterparts, p.counterparts, 2)
            _tally(pairs, {x[:2] for x in g.counterparts}, {x[:2] for x in p.counterparts})
    ap, ar, af = _prf(a_tp, a_pred, a_gold)
    op = o_tp_p / a_pred if a_pred else 0.0
    orr = o_tp_g / a_gold if a_gold else 0.0
    of = 2 * op * orr / (op + orr) if op + orr else 0.0
    np_, nr, nf = _prf(n_tp, n_pred, n_gold)
    result: dict[str, Any] = {
        "units": len(gold),
        "agency_precision": round(ap, 4),
        "agency_recall": round(ar, 4),
        "agency_f1": round(af, 4),
        "agency_overlap_f1": round(of, 4),
        "norm_precision": round(np_, 4),
        "norm_recall": round(nr, 4),
        "norm_f1": round(nf, 4),
        "modality_f1": {m: round(_prf(*per[m])[2], 4) for m in MODALITIES},
        "modality_counts": {m: {"tp": per[m][0], "predicted": per[m][1], "gold": per[m][2]} for m in MODALITIES},
        "counts": {
            "agency": {"tp": a_tp, "predicted": a_pred, "gold": a_gold},
            "norm": {"tp": n_tp, "predicted": n_pred, "gold": n_gold},
        },
    }
    if c_units:
        cp, cr, cf = _prf(c_tp, c_pred, c_gold)
        result["counterpart_precision"] = round(cp, 4)
        result["counterpart_recall"] = round(cr, 4)
        result["counterpart_f1"] = round(cf, 4)
        result["counts"]["counterpart"] = {"tp": c_tp, "predicted": c_pred, "gold": c_gold, "units": c_units}
        # beyond gold-format.md: which interaction types are reliable, and how often only the type is wrong
        result["counterpart_pair_f1"] = round(_prf(*pairs)[2], 4)
        result["interaction_f1"] = {t: round(_prf(*by_type[t])[2], 4) for t in INTERACTION_TYPES}
        result["interaction_counts"] = {t: {"tp": v[0], "predicted": v[1], "gold": v[2]} for t, v in by_type.items()}
    return result


def evaluate(gold: Sequence[GoldUnit], predict: Callable[[GoldUnit], Prediction]) -> dict[str, Any]:
    return score(gold, [predict(g) for g in gold])


def errors(gold: Iterable[GoldUnit], predictions: Iterable[Prediction]) -> list[dict[str, Any]]:
    """Per unit, what was missed and what was wrongly predicted (for error analysis)."""
    out = []
    for g, p in zip(gold, predictions, strict=True):
        miss_a = sorted(set(g.agencies) - set(p.agencies))
        extra_a = sorted(set(p.agencies) - set(g.agencies))
        miss_n = sorted(g.norms - p.norms)
        extra_n = sorted(p.norms - g.norms)
        gold_c = g.counterparts if g.counterparts is not None else p.counterparts  # not annotated: no error
        miss_c = sorted(gold_c - p.counterparts)
        extra_c = sorted(p.counterparts - gold_c)
        if miss_a or extra_a or miss_n or extra_n or miss_c or extra_c:
            out.append(
                {
                    "id": g.id,
                    "missed_agencies": [(s, e, a, g.text[s:e]) for s, e, a in miss_a],
                    "extra_agencies": [(s, e, a, g.text[s:e]) for s, e, a in extra_a],
                    "missed_norms": miss_n,
                    "extra_norms": extra_n,
                    "missed_counterparts": miss_c,
                    "extra_counterparts": extra_c,
                }
            )
    return out
