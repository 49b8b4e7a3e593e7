"""The statistical norm model: a logistic regression over (unit, candidate agent) pairs.

Rules alone miss implicit norms and the project's annotation conventions; the model weighs the rules'
evidence (which cue level proposed which modality for this agent, where the agent came from, the case
of its mention, the heading, the lead-in, the first word of the item) and learns from annotations/.
It is trained by `normgap train` and shipped as JSON (feature names, weights, classes) so loading it
needs neither pickle nor a particular scikit-learn version.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.tagging.cues import CueSet, default_cues
from pipeline.tagging.morph import parses
from pipeline.tagging.norms import (
    Context,
    NormCandidate,
    View,
    _level1,
    _level2,
    _level3,
    _level4,
    candidates,
    mention_cases,
)

NONE = "none"
MODEL_FILE = "norms-model.json"
_LEVELS = {1: "modal", 2: "leadin", 3: "heading", 4: "present"}


def candidate_agents(view: View, ctx: Context, all_levels: dict[int, list[NormCandidate]]) -> list[str]:
    agents: list[str] = []
    for level in (1, 2, 3, 4):
        for c in all_levels[level]:
            if c.agent not in agents:
                agents.append(c.agent)
    for m in view.mentions:
        if m.agency not in agents:
            agents.append(m.agency)
    for extra in (ctx.heading_agency, ctx.act_agency):
        if extra and extra not in agents:
            agents.append(extra)
    return agents


def all_levels(view: View, ctx: Context, cues: CueSet) -> dict[int, list[NormCandidate]]:
    ctx.item = view
    return {1: _level1(view, ctx, cues), 2: _level2(ctx, cues), 3: _level3(view, ctx), 4: _level4(view)}


def _first_word(view: View) -> tuple[str, str]:
    for t in view.tokens:
        if t.is_word:
            found = parses(t.norm)
            pos = str(found[0].tag.POS) if found else "UNK"
            lemma = str(found[0].normal_form) if found else t.norm
            return pos, lemma
    return "NONE", ""


def features(
    view: View, ctx: Context, agent: str, levels: dict[int, list[NormCandidate]], chosen: Sequence[NormCandidate]
) -> dict[str, float]:
    f: dict[str, float] = {"bias": 1.0, f"agent={agent}": 1.0}
    for level, found in levels.items():
        for c in found:
            if c.agent == agent:
                f[f"L{level}={c.modality}"] = 1.0
                f[f"L{level}src={c.agent_source}"] = 1.0
        if any(c.agent != agent for c in found):
            f[f"L{level}_other_agent"] = 1.0
    for c in chosen:
        if c.agent == agent:
            f[f"rule={c.modality}"] = 1.0
    if not any(c.agent == agent for c in chosen):
        f["rule=none"] = 1.0
    mentions = [m for m in view.mentions if m.agency == agent]
    f["in_text"] = float(bool(mentions))
    for m in mentions[:2]:
        for case in mention_cases(view, m):
            f[f"case={case}"] = 1.0
        if m.token_start == 0:
            f["mention_first"] = 1.0
    f[f"heading_mod={ctx.heading_modality}"] = 1.0
    f["heading_agent"] = float(ctx.heading_agency == agent)
    f["act_agent"] = float(ctx.act_agency == agent)
    f["has_leadin"] = float(bool(ctx.lead_ins))
    pos, lemma = _first_word(view)
    f[f"first_pos={pos}"] = 1.0
    f[f"first_lemma={lemma}"] = 1.0
    end = view.text.rstrip()[-1:] or "?"
    f[f"ends={end}"] = 1.0
    for cue in default_cues().find(view.folded):
        f[f"cue={cue.modality}"] = 1.0
    for lead in ctx.lead_ins[-1:]:
        for cue in default_cues().find(lead.folded):
            f[f"leadcue={cue.modality}"] = 1.0
    return f


@dataclass
class NormModel:
    classes: list[str]
    weights: dict[str, list[float]]  # feature -> weight per class
    intercept: list[float]
    version: str
    threshold: float = 0.8  # the model overrides the rules only when at least this sure

    def probabilities(self, feats: dict[str, float]) -> list[float]:
        scores = list(self.intercept)
        for name, value in feats.items():
            w = self.weights.get(name)
            if w is not None:
                for k, wk in enumerate(w):
                    scores[k] += wk * value
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    def predict(self, view: View, ctx: Context, cues: CueSet | None = None) -> set[tuple[str, str]]:
        cues = cues or default_cues()
        levels = all_levels(view, ctx, cues)
        chosen = candidates(view, ctx, cues)
        result: set[tuple[str, str]] = set()
        agents = candidate_agents(view, ctx, levels)
        # a bearer found by a rule outside the four levels (an instruction in a lead-in, a stated interaction …)
        # is weighed too: left out, the model would drop the rules' norm whatever its threshold
        agents += [a for a in dict.fromkeys(c.agent for c in chosen) if a not in agents]
        for agent in agents:
            rule = {c.modality for c in chosen if c.agent == agent}
            if any(c.agent == agent and c.level == 1 for c in chosen):
                # a modal word in the unit decides (the guidelines' strongest cue): the model does not overrule it
                result.update((agent, m) for m in rule)
                continue
            probs = self.probabilities(features(view, ctx, agent, levels, chosen))
            best = max(range(len(probs)), key=probs.__getitem__)
            label, sure = self.classes[best], probs[best] >= self.threshold
            if sure:
                if label != NONE:
                    result.add((agent, label))
            else:
                result.update((agent, m) for m in rule)
        return result

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": self.version,
                "classes": self.classes,
                "intercept": self.intercept,
                "weights": self.weights,
                "threshold": self.threshold,
            },
            ensure_ascii=False,
            sort_keys=True,
            indent=0,
        )


def load_model(path: Path | None = None) -> NormModel | None:
    """The shipped model (pipeline/data/norms-model.json) or one given by path; None when none is shipped."""
    try:
        if path is None:
            resource = resources.files("pipeline") / "data" / MODEL_FILE
            if not resource.is_file():
                return None
            text = resource.read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        return NormModel(
            list(data["classes"]),
            dict(data["weights"]),
            list(data["intercept"]),
            str(data["version"]),
            float(data.get("threshold", 0.5)),
        )
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as e:
        raise ConfigError(f"cannot load the norm model: {e}", path=str(path) if path else MODEL_FILE) from e


@dataclass(frozen=True)
class TrainingExample:
    view: View
    ctx: Context
    gold: frozenset[tuple[str, str]]


def build_dataset(examples: Iterable[TrainingExample], cues: CueSet) -> tuple[list[dict[str, float]], list[str]]:
    xs: list[dict[str, float]] = []
    ys: list[str] = []
    for ex in examples:
        levels = all_levels(ex.view, ex.ctx, cues)
        chosen = candidates(ex.view, ex.ctx, cues)
        agents = candidate_agents(ex.view, ex.ctx, levels)
        for agent, _ in ex.gold:
            if agent not in agents:
                agents.append(agent)
        for agent in agents:
            labels = sorted(m for a, m in ex.gold if a == agent)
            xs.append(features(ex.view, ex.ctx, agent, levels, chosen))
            ys.append(labels[0] if labels else NONE)
    return xs, ys


def train(examples: Sequence[TrainingExample], *, c: float = 1.0, seed: int = 0) -> NormModel:
    """Fit the logistic regression (scikit-learn) and export it as plain weights."""
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as e:
        raise ConfigError("training needs scikit-learn (pip install scikit-learn)") from e
    cues = default_cues()
    xs, ys = build_dataset(examples, cues)
    if len(set(ys)) < 2:
        raise ConfigError("the annotations hold fewer than two classes: nothing to learn")
    vec = DictVectorizer(sparse=True)
    matrix = vec.fit_transform(xs)
    clf = LogisticRegression(C=c, max_iter=2000, random_state=seed)
    clf.fit(matrix, ys)
    classes = [str(x) for x in clf.classes_]
    coef = clf.coef_
    if len(classes) == 2:  # binary: scikit-learn keeps one row for the positive class
        coef = [-coef[0], coef[0]]
        intercept = [-float(clf.intercept_[0]), float(clf.intercept_[0])]
    else:
        intercept = [float(x) for x in clf.intercept_]
    weights: dict[str, list[float]] = {}
    for j, name in enumerate(vec.get_feature_names_out()):
        column = [round(float(coef[k][j]), 6) for k in range(len(classes))]
        if any(abs(w) > 1e-9 for w in column):
            weights[str(name)] = column
    digest = hashlib.sha256(json.dumps([classes, intercept, sorted(weights.items())]).encode()).hexdigest()[:12]
    return NormModel(classes, weights, [round(x, 6) for x in intercept], f"lr-{digest}")


def describe(model: NormModel, top: int = 8) -> dict[str, Any]:
    """The strongest features per class (for the closing note and for curious scholars)."""
    out: dict[str, Any] = {"version": model.version, "classes": model.classes}
    for k, cls in enumerate(model.classes):
        ranked = sorted(model.weights.items(), key=lambda kv: -kv[1][k])[:top]
        out[cls] = [(name, round(w[k], 3)) for name, w in ranked]
    return out
