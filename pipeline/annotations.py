"""The project's own annotations, stored stand-off in annotations/tagging/*.jsonl.

A line names a unit by provision id, edition date and code-point offsets into the stored provision text,
with the sha256 of the unit text, so no legal text is copied into the repository; the loader rebuilds
gold-format lines (shared/specs/gold-format.md) by reading the texts from the store and checking the hash.

    {"unit": "4495-17#art_544__para_2__point_3", "edition": "2026-02-21", "start": 0, "end": 57,
     "sha256": "...", "split": "train", "agencies": [{"start": 0, "end": 12, "agency": "customs"}],
     "norms": [{"agent": "customs", "modality": "task"}], "counterparts": [], "annotator": "..."}

Agency offsets are relative to the unit text. The split (train/dev) is decided by article, so no article
lends units to both sides.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError, NormgapError
from pipeline.ids import parse_provision_id
from pipeline.store import Store
from pipeline.tagging.evaluate import INTERACTION_TYPES, MODALITIES
from pipeline.units import Unit, units_of

DEFAULT_FOLDER = Path("annotations/tagging")


def article_of(eid: str) -> str:
    """The article (or top container) a provision belongs to: "art_25__al_2__point_1" -> "art_25"."""
    return eid.split("__", 1)[0]


def split_of(work: str, eid: str) -> str:
    """Train or dev, by a hash of the article, so every unit of an article lands on the same side."""
    digest = hashlib.sha256(f"{work}#{article_of(eid)}".encode()).hexdigest()
    return "dev" if int(digest[:8], 16) % 4 == 0 else "train"


def strip_sentence(unit_id: str) -> str:
    """ "4495-17#art_558__para_4__s1" -> "4495-17#art_558__para_4" (the provision a sentence unit lies in)."""
    head, sep, tail = unit_id.rpartition("__s")
    return head if sep and tail.isdigit() else unit_id


@dataclass(frozen=True)
class Annotation:
    unit: str  # unit id, e.g. 4495-17#art_558__para_4__s1
    edition: dt.date
    start: int
    end: int
    sha256: str
    split: str
    agencies: tuple[dict[str, Any], ...]
    norms: tuple[dict[str, str], ...]
    counterparts: tuple[dict[str, str], ...] | None = None
    annotator: str = ""
    source: str = field(default="", compare=False)  # "file:line", for error messages

    @property
    def work(self) -> str:
        return self.unit.split("#", 1)[0]

    @property
    def eid(self) -> str:
        return strip_sentence(self.unit).split("#", 1)[1]


def _validate(data: dict[str, Any], where: str, known_agencies: set[str] | None) -> Annotation:
    try:
        unit = str(data["unit"])
        parse_provision_id(strip_sentence(unit))
        start, end = int(data["start"]), int(data["end"])
        if not 0 <= start < end:
            raise ConfigError(f"bad unit offsets {start}..{end}", path=where, provision=unit)
        length = end - start
        agencies = tuple(data.get("agencies", []))
        for a in agencies:
            if not 0 <= a["start"] < a["end"] <= length:
                raise ConfigError(f"agency span {a['start']}..{a['end']} outside the unit", path=where, provision=unit)
            if known_agencies is not None and a["agency"] not in known_agencies:
                raise ConfigError(f"unknown agency id {a['agency']!r}", path=where, provision=unit)
        norms = tuple(data.get("norms", []))
        for n in norms:
            if n["modality"] not in MODALITIES:
                raise ConfigError(f"unknown modality {n['modality']!r}", path=where, provision=unit)
            if known_agencies is not None and n["agent"] not in known_agencies:
                raise ConfigError(f"unknown agent id {n['agent']!r}", path=where, provision=unit)
        counterparts = data.get("counterparts")
        for c in counterparts or []:
            if c["type"] not in INTERACTION_TYPES:
                raise ConfigError(f"unknown interaction type {c['type']!r}", path=where, provision=unit)
        return Annotation(
            unit=unit,
            edition=dt.date.fromisoformat(data["edition"]),
            start=start,
            end=end,
            sha256=str(data["sha256"]),
            split=str(data.get("split") or ""),
            agencies=agencies,
            norms=norms,
            counterparts=tuple(counterparts) if counterparts is not None else None,
            annotator=str(data.get("annotator", "")),
            source=where,
        )
    except (KeyError, TypeError, ValueError) as e:
        raise ConfigError(f"malformed annotation: {e!r}", path=where) from e


def load_annotations(folder: Path = DEFAULT_FOLDER, *, known_agencies: set[str] | None = None) -> list[Annotation]:
    """Every annotation line of every *.jsonl in the folder (or of the one file given); a malformed line is an
    error naming it."""
    found: list[Annotation] = []
    if not folder.exists():
        raise ConfigError("no such annotation folder or file", path=str(folder))
    for path in [folder] if folder.is_file() else sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as e:
                raise ConfigError(f"not JSON: {e.msg}", path=where) from e
            found.append(_validate(data, where, known_agencies))
    return found


@dataclass
class GoldBuild:
    lines: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def to_gold(store: Store, annotations: Iterable[Annotation], *, split: str | None = None) -> GoldBuild:
    """Gold-format lines, texts read from the store; a unit whose text changed is reported, not dropped silently."""
    build = GoldBuild()
    contexts: dict[tuple[str, dt.date], dict[str, Unit]] = {}
    for a in annotations:
        if split and a.split != split:
            continue
        try:
            edition = store.edition_at(a.work, a.edition)
            if edition.date != a.edition:
                raise NormgapError(f"edition {a.edition} is not stored", work=a.work)
            provision = store.provision(edition, a.eid)
        except NormgapError as e:
            build.errors.append(f"{a.source}: {e}")
            continue
        text = provision.text[a.start : a.end]
        if hashlib.sha256(text.encode()).hexdigest() != a.sha256:
            build.errors.append(f"{a.source}: the text of {a.unit} changed since it was annotated (hash mismatch)")
            continue
        key = (a.work, a.edition)
        if key not in contexts:
            contexts[key] = {u.eid + f"@{u.start}": u for u in units_of(a.work, store.provisions(edition.edition_id))}
        unit = contexts[key].get(f"{a.eid}@{a.start}")
        line: dict[str, Any] = {
            "id": a.unit,
            "lang": edition.lang,
            "context": unit.context if unit else "",
            "text": text,
            "agencies": [dict(x) for x in a.agencies],
            "norms": [dict(x) for x in a.norms],
        }
        if a.counterparts is not None:
            line["counterparts"] = [dict(x) for x in a.counterparts]
        build.lines.append(line)
    return build


def annotation_record(unit: Unit, edition: dt.date, **labels: Any) -> dict[str, Any]:
    """A stand-off line for a unit (the labels are the caller's): what annotators append to a file."""
    return {
        "unit": unit.id,
        "edition": edition.isoformat(),
        "start": unit.start,
        "end": unit.end,
        "sha256": unit.sha256,
        "split": split_of(unit.work, unit.eid),
        **labels,
    }


def locate(text: str, surface: str, nth: int = 1) -> tuple[int, int]:
    """Offsets of the nth occurrence of a surface string in a unit text (annotation helper)."""
    index = -1
    for _ in range(nth):
        index = text.find(surface, index + 1)
        if index < 0:
            raise ConfigError(f"{surface!r} occurs fewer than {nth} times in the unit")
    return index, index + len(surface)


def iter_units_for_annotation(store: Store, work: str, articles: Iterable[str]) -> Iterator[tuple[Unit, dt.date]]:
    edition = store.edition_at(work)
    wanted = set(articles)
    for unit in units_of(work, store.provisions(edition.edition_id)):
        if article_of(unit.eid) in wanted:
            yield unit, edition.date
