"""`normgap train`: reproduce the norm model from annotations/ (texts read from the store)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.annotations import DEFAULT_FOLDER, article_of, load_annotations, to_gold
from pipeline.errors import ConfigError
from pipeline.store import Store
from pipeline.tagging.cues import default_cues
from pipeline.tagging.evaluate import GoldUnit, Prediction, load_gold_lines, score
from pipeline.tagging.model import NormModel, TrainingExample, train
from pipeline.tagging.norms import analyse, read_context, rule_norms
from pipeline.tagging.registry import registry_cached

log = logging.getLogger(__name__)
THRESHOLDS = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
NEVER = 1.01  # an override threshold no probability reaches: the rules decide alone
MIN_GAIN = 0.002  # norm F1 the model must add to the rules alone on the development sets to be let override them
C = 0.3
FOLDS = 5
# Development sets of the interaction annotations (beside annotations/tagging): the override threshold is tuned on
# them when they are there, as they follow the project's current conventions; the held-out set never is.
TUNING_FOLDERS = (
    "counterparts-heldout",
    "counterparts-dev",
    "counterparts-dev-2",
    "counterparts-dev-3",
    "counterparts-dev-4",
    "counterparts-dev-5",
    "counterparts-dev-6",
    "counterparts-dev-7",
    "counterparts-dev-8",
    "counterparts-dev-9",
)


@dataclass(frozen=True)
class TrainReport:
    model: NormModel
    train_units: int
    dev_units: int
    cv_norm_f1: dict[float, float]
    dev: dict[str, Any]
    dev_rules: dict[str, Any]
    errors: list[str]
    tuning_units: int = 0
    tuning_norm_f1: dict[float, float] | None = None  # norm F1 per threshold on the development sets, if tuned there


def example(g: GoldUnit) -> TrainingExample:
    work = g.id.split("#", 1)[0]
    cues = default_cues()
    return TrainingExample(
        analyse(g.text, work=work, lang=g.lang), read_context(g.context, work=work, cues=cues, lang=g.lang), g.norms
    )


def _fold(unit_id: str) -> int:
    work, eid = unit_id.split("#", 1)
    return int(hashlib.sha256(f"{work}#{article_of(eid)}".encode()).hexdigest()[:8], 16) % FOLDS


def _predict(model: NormModel, ex: TrainingExample) -> Prediction:
    return Prediction(
        tuple((m.start, m.end, m.agency) for m in ex.view.mentions), frozenset(model.predict(ex.view, ex.ctx))
    )


def cross_validate(units: Sequence[GoldUnit], examples: Sequence[TrainingExample]) -> dict[float, float]:
    """Norm F1 per override threshold, over folds grouped by article (no article on both sides); `examples` are
    the units' analysed texts, made once."""
    folds: dict[int, list[int]] = {}
    for i, g in enumerate(units):
        folds.setdefault(_fold(g.id), []).append(i)
    gold_all: list[GoldUnit] = []
    preds: dict[float, list[Prediction]] = {t: [] for t in THRESHOLDS}
    for k, held in sorted(folds.items()):
        model = train([examples[i] for j, rest in folds.items() if j != k for i in rest], c=C)
        gold_all.extend(units[i] for i in held)
        for t in THRESHOLDS:
            model.threshold = t
            preds[t].extend(_predict(model, examples[i]) for i in held)
    return {t: score(gold_all, preds[t])["norm_f1"] for t in THRESHOLDS}


def train_from_annotations(store: Store, folder: Path = DEFAULT_FOLDER) -> TrainReport:
    annotations = load_annotations(folder, known_agencies=registry_cached().ids)
    if not annotations:
        raise ConfigError("no annotations to train on", path=str(folder))
    train_build = to_gold(store, annotations, split="train")
    dev_build = to_gold(store, annotations, split="dev")
    errors = train_build.errors + dev_build.errors
    if not train_build.lines:
        raise ConfigError("no training unit could be read from the store (refresh the corpus first)", path=str(folder))
    train_units = load_gold_lines(train_build.lines)
    dev_units = load_gold_lines(dev_build.lines) if dev_build.lines else []
    train_examples = [example(g) for g in train_units]
    cv = cross_validate(train_units, train_examples)
    model = train(train_examples, c=C)
    tuning_units, tuning_errors = _tuning_units(store, folder)
    errors += tuning_errors
    tuned: dict[float, float] | None = None
    if tuning_units:
        tuned = _norm_f1_by_threshold(model, tuning_units)
    model.threshold = choose_threshold(tuned or cv)
    dev_examples = [example(g) for g in dev_units]
    dev = score(dev_units, [_predict(model, ex) for ex in dev_examples]) if dev_units else {}
    dev_rules = (
        score(dev_units, [Prediction((), frozenset(rule_norms(ex.view, ex.ctx))) for ex in dev_examples])
        if dev_units
        else {}
    )
    return TrainReport(model, len(train_units), len(dev_units), cv, dev, dev_rules, errors, len(tuning_units), tuned)


def choose_threshold(norm_f1: dict[float, float]) -> float:
    """The best threshold; among equal scores the highest, so the model overrides the rules only where that helps.
    When the rules alone (NEVER) were scored, the model must beat them by MIN_GAIN: a gain of a unit or two in
    thousands is noise, not a reason to let a model overrule the rules on unseen text."""
    best = max(norm_f1, key=lambda t: (round(norm_f1[t], 4), t))
    if NEVER in norm_f1 and norm_f1[best] - norm_f1[NEVER] < MIN_GAIN:
        return NEVER
    return best


def _tuning_units(store: Store, folder: Path) -> tuple[list[GoldUnit], list[str]]:
    """The development units beside `folder`, and the units that could not be read (reported, not dropped silently)."""
    units: list[GoldUnit] = []
    errors: list[str] = []
    for name in TUNING_FOLDERS:
        path = folder.parent / name
        if path.is_dir():
            build = to_gold(store, load_annotations(path, known_agencies=registry_cached().ids))
            units += load_gold_lines(build.lines)
            errors += build.errors
    return units, errors


def _norm_f1_by_threshold(model: NormModel, units: Sequence[GoldUnit]) -> dict[float, float]:
    """Norm F1 on the development units for each override threshold (NEVER: the rules alone)."""
    examples = [example(g) for g in units]
    found: dict[float, float] = {}
    for t in (*THRESHOLDS, NEVER):
        model.threshold = t
        preds = [_predict(model, ex) for ex in examples]
        found[t] = score(units, preds)["norm_f1"]
    return found
