"""The comparator's learned parts, shipped as data (pipeline/data/align-model.json) and validated on load.

- rank: a logistic regression over the signals of one (international provision, national article) pair;
  its score orders the candidates.
- status: a multinomial logistic regression over the signals of a whole alignment (how good the best
  candidates are, how much of the provision's vocabulary the corpus has) deciding implemented / partial /
  not_implemented.
Both are trained by `normgap train alignment` on the project's training annotations
(annotations/alignment/train-*.jsonl), never on the held-out files.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

RANK_FEATURES = (
    "concept",
    "bm25",
    "topic",
    "agent",
    "embedding",
    "embedding_z",
    "concept_abs",
    "heading_concept",
    "part_concept",
    "act_embedding",
    "passage_embedding",
    "concept_embedding",
)
STATUS_FEATURES = (
    "best_rank_score",
    "second_rank_score",
    "best_embedding_z",
    "max_similarity",
    "coverage",
    "absent_share",
    "concepts",
    "strong_candidates",
)
STATUSES = ("implemented", "partial", "not_implemented")


@dataclass(frozen=True)
class RankModel:
    weights: tuple[float, ...]
    bias: float

    def score(self, features: Mapping[str, float]) -> float:
        z = self.bias + sum(w * features[f] for w, f in zip(self.weights, RANK_FEATURES, strict=True))
        return 1 / (1 + math.exp(-max(min(z, 30.0), -30.0)))


@dataclass(frozen=True)
class StatusModel:
    classes: tuple[str, ...]
    coef: tuple[tuple[float, ...], ...]  # one row per class
    intercept: tuple[float, ...]
    mean: tuple[float, ...]  # standardisation learnt with the model
    scale: tuple[float, ...]

    def probabilities(self, features: Mapping[str, float]) -> dict[str, float]:
        x = [(features[f] - m) / s for f, m, s in zip(STATUS_FEATURES, self.mean, self.scale, strict=True)]
        logits = [
            b + sum(w * v for w, v in zip(row, x, strict=True))
            for row, b in zip(self.coef, self.intercept, strict=True)
        ]
        top = max(logits)
        exp = [math.exp(v - top) for v in logits]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}


@dataclass(frozen=True)
class AlignModel:
    rank: RankModel
    status: StatusModel
    trained_on: tuple[str, ...]
    version: str

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "trained_on": list(self.trained_on),
            "rank": {"features": list(RANK_FEATURES), "weights": list(self.rank.weights), "bias": self.rank.bias},
            "status": {
                "features": list(STATUS_FEATURES),
                "classes": list(self.status.classes),
                "coef": [list(r) for r in self.status.coef],
                "intercept": list(self.status.intercept),
                "mean": list(self.status.mean),
                "scale": list(self.status.scale),
            },
        }


def _floats(value: Any, n: int, what: str, where: str) -> tuple[float, ...]:
    if not isinstance(value, list) or len(value) != n or not all(isinstance(v, int | float) for v in value):
        raise ConfigError(f"{what} must be a list of {n} numbers", path=where)
    return tuple(float(v) for v in value)


def parse_model(data: Mapping[str, Any], where: str) -> AlignModel:
    try:
        rank, status = data["rank"], data["status"]
        if list(rank["features"]) != list(RANK_FEATURES):
            raise ConfigError(
                f"rank features {rank['features']} differ from this normgap's {list(RANK_FEATURES)}; retrain",
                path=where,
            )
        if list(status["features"]) != list(STATUS_FEATURES):
            raise ConfigError(
                f"status features {status['features']} differ from this normgap's {list(STATUS_FEATURES)}; retrain",
                path=where,
            )
        classes = tuple(status["classes"])
        if sorted(classes) != sorted(STATUSES):
            raise ConfigError(f"status classes must be {STATUSES}, not {classes}", path=where)
        n = len(STATUS_FEATURES)
        coef = tuple(_floats(row, n, "a status coefficient row", where) for row in status["coef"])
        if len(coef) != len(classes):
            raise ConfigError("one status coefficient row per class is needed", path=where)
        return AlignModel(
            RankModel(_floats(rank["weights"], len(RANK_FEATURES), "rank weights", where), float(rank["bias"])),
            StatusModel(
                classes,
                coef,
                _floats(status["intercept"], len(classes), "status intercepts", where),
                _floats(status["mean"], n, "status means", where),
                tuple(s or 1.0 for s in _floats(status["scale"], n, "status scales", where)),
            ),
            tuple(str(x) for x in data.get("trained_on", ())),
            str(data["version"]),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise ConfigError(f"malformed alignment model: {e!r}", path=where) from e


def load_model(path: Path | None = None) -> AlignModel:
    where = str(path) if path else "pipeline/data/align-model.json"
    try:
        raw = (
            path.read_text(encoding="utf-8")
            if path
            else (resources.files("pipeline") / "data" / "align-model.json").read_text(encoding="utf-8")
        )
        data = json.loads(raw)
    except (OSError, json.JSONDecodeError) as e:
        raise ConfigError(f"cannot read the alignment model: {e} (run `normgap train alignment`)", path=where) from e
    return parse_model(data, where)


def save_model(model: AlignModel, path: Path) -> None:
    from pipeline.acts import write_atomic

    write_atomic(path, json.dumps(model.as_json(), indent=2) + "\n")


def feature_row(features: Mapping[str, float], names: Sequence[str]) -> list[float]:
    return [float(features[n]) for n in names]
