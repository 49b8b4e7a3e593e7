"""Norm cues (pipeline/data/cues.toml): regular expressions over folded text, validated on load."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.datafiles import load_data_toml
from pipeline.errors import ConfigError

MODALITIES = ("task", "power", "duty", "prohibition")
# When cues overlap, the stronger reading wins: "не має права" is a prohibition, not a power.
PRIORITY = {"prohibition": 4, "duty": 3, "power": 2, "task": 1}


@dataclass(frozen=True)
class CueMatch:
    modality: str
    start: int
    end: int


@dataclass(frozen=True, eq=False)  # hashed by identity: find() is cached per cue set
class CueSet:
    modal: dict[str, tuple[re.Pattern[str], ...]]
    heading: dict[str, tuple[re.Pattern[str], ...]]
    en_modal: dict[str, tuple[re.Pattern[str], ...]]
    interaction: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)
    not_counterpart: tuple[re.Pattern[str], ...] = ()

    def names_an_author(self, folded_before: str) -> bool:
        """Whether the text just before a mention makes it the author of an act, not a counterpart."""
        tail = folded_before[-240:]  # a list of authors runs long ("актами Міністерства …, Бюро …, Служби …")
        return any(p.search(tail) for p in self.not_counterpart)

    def interactions(self, folded: str) -> list[CueMatch]:
        """Interaction cues (modality field = the interaction type); overlapping ones: the longer wins."""
        return list(self._interactions(folded))

    @lru_cache(maxsize=20_000)  # noqa: B019 - as find(): asked for once per mention of a unit, found once per text
    def _interactions(self, folded: str) -> tuple[CueMatch, ...]:
        found = [
            CueMatch(kind, m.start(), m.end())
            for kind, patterns in self.interaction.items()
            for pattern in patterns
            for m in pattern.finditer(folded)
        ]
        found.sort(key=lambda c: (-(c.end - c.start), c.start))
        kept: list[CueMatch] = []
        for cue in found:
            if not any(cue.start < k.end and k.start < cue.end for k in kept):
                kept.append(cue)
        return tuple(sorted(kept, key=lambda c: c.start))

    def find(self, folded: str, lang: str = "uk") -> list[CueMatch]:
        return list(self._find(folded, lang))

    @lru_cache(maxsize=20_000)  # noqa: B019 - cue sets are few and live as long as the process
    def _find(self, folded: str, lang: str) -> tuple[CueMatch, ...]:
        table = self.en_modal if lang == "en" else self.modal
        found = [
            CueMatch(modality, m.start(), m.end())
            for modality, patterns in table.items()
            for pattern in patterns
            for m in pattern.finditer(folded)
        ]
        found.sort(key=lambda c: (-PRIORITY[c.modality], c.start))
        kept: list[CueMatch] = []
        for cue in found:
            if not any(cue.start < k.end and k.start < cue.end for k in kept):
                kept.append(cue)
        return tuple(sorted(kept, key=lambda c: c.start))

    def heading_modality(self, title: str) -> str | None:
        folded = title.lower().replace("’", "'").replace("ʼ", "'")
        for modality in ("duty", "power", "task"):
            if any(p.search(folded) for p in self.heading.get(modality, ())):
                return modality
        return None


INTERACTION_TYPES = ("inform", "request", "assist", "joint", "coordinate", "oversee", "delegate")


def _compile(section: dict[str, list[str]], where: str, name: str) -> dict[str, tuple[re.Pattern[str], ...]]:
    compiled: dict[str, tuple[re.Pattern[str], ...]] = {}
    allowed = INTERACTION_TYPES if name == "interaction" else MODALITIES
    for modality, patterns in section.items():
        if modality not in allowed:
            raise ConfigError(f"[{name}] has unknown modality {modality!r}", path=where)
        compiled[modality] = _compile_patterns(patterns, where, f"{name}.{modality}")
    return compiled


def _compile_patterns(patterns: list[str], where: str, key: str) -> tuple[re.Pattern[str], ...]:
    items = []
    for pattern in patterns:
        try:
            items.append(re.compile(pattern))
        except re.error as e:
            raise ConfigError(f"[{key}] bad pattern {pattern!r}: {e}", path=where) from e
    return tuple(items)


def _compile_blockers(section: dict[str, list[str]], where: str) -> tuple[re.Pattern[str], ...]:
    return tuple(
        p for name, patterns in section.items() for p in _compile_patterns(patterns, where, f"not_counterpart.{name}")
    )


def load_cues(path: Path | None = None) -> CueSet:
    data, where = load_data_toml("cues.toml", path, "cue file")
    if "modal" not in data or "heading" not in data:
        raise ConfigError("the cue file needs [modal] and [heading]", path=where)
    return CueSet(
        _compile(data["modal"], where, "modal"),
        _compile(data["heading"], where, "heading"),
        _compile(data.get("en_modal", {}), where, "en_modal"),
        _compile(data.get("interaction", {}), where, "interaction"),
        _compile_blockers(data.get("not_counterpart", {}), where),
    )


@lru_cache(maxsize=2)
def default_cues() -> CueSet:
    return load_cues()
