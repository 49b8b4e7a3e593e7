"""Training the comparator's rank and status models on annotated alignments (gold-format lines).

Rank: every candidate the comparator considers for a training line is an example, positive when it is,
lies inside or contains a gold implementing provision. Status: each line's alignment signals, computed
with the freshly trained rank model, against the gold status.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from pipeline.align.compare import Comparator, contains
from pipeline.align.model import (
    RANK_FEATURES,
    STATUS_FEATURES,
    STATUSES,
    AlignModel,
    RankModel,
    StatusModel,
    feature_row,
)
from pipeline.errors import NormgapError

log = logging.getLogger(__name__)

Line = dict[str, Any]


def _is_gold(candidate: str, gold: Sequence[str]) -> bool:
    return any(contains(candidate, g) for g in gold)


def rank_examples(
    comparator: Comparator, lines: Sequence[Line], vectors: np.ndarray | None
) -> tuple[list[list[float]], list[int], list[int]]:
    """Features and labels of the candidates of every line with implementing provisions, and the line
    each candidate belongs to."""
    X: list[list[float]] = []
    y: list[int] = []
    groups: list[int] = []
    for n, g in enumerate(lines):
        if not g["implemented_by"]:
            continue
        found = comparator.thesaurus.english_concepts(g["text"])
        scored = comparator.score_candidates(
            g["text"], found, g.get("topics", ()), set(), vectors[n] if vectors is not None else None
        )
        # every shortlisted candidate (chosen by signals, not by the model in place), so that training does
        # not depend on the model it replaces
        for r in sorted(scored, key=lambda r: r.doc.id):
            X.append(feature_row(r.features, RANK_FEATURES))
            y.append(int(_is_gold(r.doc.id, g["implemented_by"])))
            groups.append(n)
    return X, y, groups


def train_rank(
    X: list[list[float]], y: list[int], groups: Sequence[int] | None = None, c: float = 1.0, pairwise: bool = True
) -> RankModel:
    """Pairwise (a gold candidate against each other candidate of its line: what ranking needs), or
    pointwise; the pairwise model's bias puts the weakest gold candidates of training near 0.5."""
    from sklearn.linear_model import LogisticRegression

    if sum(y) == 0 or sum(y) == len(y):
        raise NormgapError("the training lines give no positive (or no negative) candidate to learn ranking from")
    arr, labels = np.asarray(X, dtype=np.float64), np.asarray(y)
    if not pairwise or groups is None:
        lr = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
        lr.fit(arr, labels)
        return RankModel(tuple(float(w) for w in lr.coef_[0]), float(lr.intercept_[0]))
    members: dict[int, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    diffs: list[np.ndarray] = []
    for idx in members.values():
        pos = [i for i in idx if labels[i]]
        neg = [i for i in idx if not labels[i]]
        diffs.extend(arr[p] - arr[q] for p in pos for q in neg)
    if not diffs:
        raise NormgapError("no line has both a gold and another candidate to learn ranking from")
    D = np.asarray(diffs)
    lr = LogisticRegression(C=c, fit_intercept=False, max_iter=2000)
    lr.fit(np.vstack([D, -D]), np.concatenate([np.ones(len(D)), np.zeros(len(D))]))
    w = lr.coef_[0]
    raw = arr @ w
    bias = -float(np.median(raw[labels == 1]))
    return RankModel(tuple(float(v) for v in w), bias)


def status_examples(
    comparator: Comparator, lines: Sequence[Line], vectors: np.ndarray | None
) -> tuple[list[list[float]], list[str]]:
    X: list[list[float]] = []
    y: list[str] = []
    for n, g in enumerate(lines):
        a = comparator.align(
            g["id"], g["text"], topics=g.get("topics", ()), vector=vectors[n] if vectors is not None else None
        )
        X.append(feature_row(a.signals, STATUS_FEATURES))
        y.append(g["status"])
    return X, y


def train_status(X: list[list[float]], y: list[str], c: float = 1.0) -> StatusModel:
    from sklearn.linear_model import LogisticRegression

    missing = set(STATUSES) - set(y)
    if missing:
        raise NormgapError(f"the training lines have no example of status {', '.join(sorted(missing))}")
    arr = np.asarray(X, dtype=np.float64)
    mean = arr.mean(axis=0)
    scale = arr.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    lr.fit((arr - mean) / scale, np.asarray(y))
    order = [list(lr.classes_).index(s) for s in STATUSES]
    return StatusModel(
        STATUSES,
        tuple(tuple(float(w) for w in lr.coef_[i]) for i in order),
        tuple(float(lr.intercept_[i]) for i in order),
        tuple(float(v) for v in mean),
        tuple(float(v) for v in scale),
    )


def train(
    comparator: Comparator,
    lines: Sequence[Line],
    sources: Sequence[str],
    *,
    vectors: np.ndarray | None = None,
    rank_c: float = 0.03,  # chosen on the shared dev file (recall@5, MRR, gap F1), like status_c
    status_c: float = 1.0,
    pairwise: bool = True,
) -> AlignModel:
    """Fit the rank model, then (with it in place) the status model; returns the new model, the comparator
    keeps the old one."""
    X, y, groups = rank_examples(comparator, lines, vectors)
    rank = train_rank(X, y, groups, rank_c, pairwise)
    log.info("rank model on %d candidates (%d positive) of %d lines", len(y), sum(y), len(lines))
    staged = replace(comparator, model=replace(comparator.model, rank=rank))
    SX, sy = status_examples(staged, lines, vectors)
    status = train_status(SX, sy, status_c)
    digest = hashlib.sha256(
        json.dumps([rank.weights, rank.bias, status.coef, status.intercept], sort_keys=True).encode()
    ).hexdigest()[:10]
    return AlignModel(rank, status, tuple(sources), f"lr-{digest}")
