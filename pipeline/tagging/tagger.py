"""The tagger: agency mentions and norms for units of text, with the evidence for every norm.

The rules always run; the shipped statistical model (pipeline/data/norms-model.json), when present,
overrides them where it is sure (pipeline.tagging.model). Results are keyed by a hash of the tagger
version and the unit (act, language, context, text), so texts that editions share are tagged once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any

from pipeline.errors import NormgapError
from pipeline.tagging.counterparts import counterparts
from pipeline.tagging.cues import CueSet, default_cues
from pipeline.tagging.model import NormModel, load_model
from pipeline.tagging.norms import analyse, candidates, read_context

MAX_UNIT_CHARS = 100_000


class TaggingError(NormgapError):
    """A unit that cannot be tagged (empty, not in the expected language, too long)."""


@dataclass(frozen=True)
class TaggedNorm:
    agent: str
    modality: str
    level: int  # 1-4: the rule's cue level; 0: added by the model
    source: str
    cue: tuple[int, int] | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "modality": self.modality,
            "level": self.level,
            "source": self.source,
            "cue": list(self.cue) if self.cue else None,
        }


@dataclass(frozen=True)
class UnitResult:
    mentions: tuple[tuple[int, int, str], ...]
    norms: tuple[TaggedNorm, ...]
    counterparts: tuple[tuple[str, str, str], ...] = ()

    def norm_pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset((n.agent, n.modality) for n in self.norms)

    def to_json(self) -> tuple[str, str]:
        norms: list[Any] = [n.as_json() for n in self.norms]
        if self.counterparts:
            norms.append({"counterparts": [list(c) for c in self.counterparts]})
        return json.dumps([list(m) for m in self.mentions]), json.dumps(norms, ensure_ascii=False)

    @classmethod
    def from_json(cls, mentions: str, norms: str) -> UnitResult:
        items = json.loads(norms)
        cps: list[list[str]] = next((x["counterparts"] for x in items if "counterparts" in x), [])
        return cls(
            tuple((int(a), int(b), str(c)) for a, b, c in json.loads(mentions)),
            tuple(
                TaggedNorm(
                    n["agent"], n["modality"], int(n["level"]), n["source"], tuple(n["cue"]) if n.get("cue") else None
                )
                for n in items
                if "agent" in n
            ),
            tuple((str(a), str(b), str(c)) for a, b, c in cps),
        )


def _data_digest() -> str:
    """What the rules are: their data files and the code that applies them. A change to either gives a new tagger
    version, so stored tags made by the old rules are redone, never silently kept."""
    h = hashlib.sha256()
    for name in ("agencies.toml", "cues.toml"):
        h.update((resources.files("pipeline") / "data" / name).read_bytes())
    for name in _RULE_MODULES:
        h.update(name.encode())
        h.update((resources.files("pipeline.tagging") / name).read_bytes())
    return h.hexdigest()[:10]


# the modules whose code decides what the tagger outputs (evaluation, training and job code do not)
_RULE_MODULES = (
    "counterparts.py",
    "cues.py",
    "mentions.py",
    "model.py",
    "morph.py",
    "norms.py",
    "registry.py",
    "tagger.py",
    "tokens.py",
)


def _cyrillic_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if "\u0400" <= c <= "\u04ff") / len(letters)


class Tagger:
    def __init__(self, *, model: NormModel | None = None, use_model: bool = True, cues: CueSet | None = None) -> None:
        self.cues = cues or default_cues()
        self.model = (model or load_model()) if use_model else None

    @cached_property
    def version(self) -> str:
        rules = f"rules-{_data_digest()}"
        return f"{rules}+{self.model.version}" if self.model else rules

    def key(self, text: str, context: str, work: str | None, lang: str) -> str:
        return hashlib.sha256(f"{self.version}\x1f{work}\x1f{lang}\x1f{context}\x1f{text}".encode()).hexdigest()

    def tag(
        self, text: str, context: str = "", *, work: str | None = None, lang: str = "uk", provision: str | None = None
    ) -> UnitResult:
        """Tag one unit. Bad input (empty, wrong language, too long) is a TaggingError naming the provision."""
        if not text.strip():
            raise TaggingError("empty unit text", work=work, provision=provision)
        if len(text) > MAX_UNIT_CHARS:
            raise TaggingError(
                f"unit of {len(text)} characters is too long to tag (over {MAX_UNIT_CHARS})",
                work=work,
                provision=provision,
            )
        if lang == "uk" and sum(c.isalpha() for c in text) >= 20 and _cyrillic_share(text) < 0.5:
            raise TaggingError(
                "text is not Ukrainian (under half of its letters are Cyrillic)", work=work, provision=provision
            )
        view = analyse(text, work=work, lang=lang)
        ctx = read_context(context, work=work, cues=self.cues, lang=lang)
        found = candidates(view, ctx, self.cues)
        evidence = {(c.agent, c.modality): c for c in found}
        pairs = self.model.predict(view, ctx, self.cues) if self.model and lang == "uk" else set(evidence)
        norms = []
        for agent, modality in sorted(pairs):
            c = evidence.get((agent, modality))
            if c is None:
                norms.append(TaggedNorm(agent, modality, 0, "model"))
            else:
                cue = (c.cue_start, c.cue_end) if c.cue_start is not None and c.cue_end is not None else None
                norms.append(TaggedNorm(agent, modality, c.level, c.agent_source, cue))
        mentions = tuple((m.start, m.end, m.agency) for m in view.mentions)
        triples = counterparts(view, ctx, sorted({n.agent for n in norms}), self.cues)
        return UnitResult(mentions, tuple(norms), tuple(sorted(triples)))
