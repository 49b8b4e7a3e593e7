"""`normgap tag`: tag every stored edition, incrementally, each distinct unit text once."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pipeline.store import EditionRow, Store
from pipeline.tagging.tagger import Tagger, TaggingError, UnitResult
from pipeline.units import units_of

log = logging.getLogger(__name__)


@dataclass
class EditionOutcome:
    label: str
    units: int = 0
    mentions: int = 0
    norms: int = 0
    reused: int = 0
    skipped: bool = False
    errors: list[str] = field(default_factory=list)
    failed: str | None = None


@dataclass
class TagReport:
    editions: list[EditionOutcome]
    seconds: float
    tokens: int
    version: str

    @property
    def failed(self) -> list[EditionOutcome]:
        return [e for e in self.editions if e.failed]


def tag_store(
    store: Store,
    tagger: Tagger,
    *,
    work_ids: Sequence[str] | None = None,
    force: bool = False,
    on_units: Callable[[int], None] | None = None,
) -> TagReport:
    started = time.monotonic()
    outcomes: list[EditionOutcome] = []
    memo: dict[str, tuple[str, str]] = {}
    tokens = 0
    for edition in store.all_editions(work_ids):
        done = store.tagging_of(edition.edition_id)
        if done is not None and done["tagger_version"] == tagger.version and not force:
            outcomes.append(EditionOutcome(edition.label, skipped=True))
            continue
        outcome, n_tokens = _tag_edition(store, tagger, edition, memo, on_units)
        tokens += n_tokens
        outcomes.append(outcome)
    return TagReport(outcomes, time.monotonic() - started, tokens, tagger.version)


def _tag_edition(
    store: Store,
    tagger: Tagger,
    edition: EditionRow,
    memo: dict[str, tuple[str, str]],
    on_units: Callable[[int], None] | None,
) -> tuple[EditionOutcome, int]:
    outcome = EditionOutcome(edition.label)
    lang = "en" if (edition.source_format or "").startswith("treaty") else "uk"
    units = units_of(edition.work_id, store.provisions(edition.edition_id))
    keys = [tagger.key(u.text, u.context, u.work, lang) for u in units]
    known = store.known_tag_results([k for k in keys if k not in memo])
    memo.update(known)
    rows: list[tuple[str, int | None, int, int, str]] = []
    new: dict[str, tuple[str, str]] = {}
    tokens = 0
    for unit, key in zip(units, keys, strict=True):
        stored = memo.get(key)
        if stored is None:
            try:
                result = tagger.tag(unit.text, unit.context, work=unit.work, lang=lang, provision=unit.id)
            except TaggingError as e:
                outcome.errors.append(str(e))
                continue
            stored = result.to_json()
            memo[key] = new[key] = stored
            tokens += len(unit.text.split())
        else:
            outcome.reused += 1
        parsed = UnitResult.from_json(*stored)
        outcome.mentions += len(parsed.mentions)
        outcome.norms += len(parsed.norms)
        rows.append((unit.eid, unit.sentence, unit.start, unit.end, key))
    outcome.units = len(rows)
    if on_units:
        on_units(len(units))
    if units and outcome.mentions == 0:
        # a code in which no agency is named anywhere means the tagger (or the text) is broken
        outcome.failed = f"no agency mention found in {len(units)} units of {edition.label}"
    store.save_tags(
        edition.edition_id,
        tagger.version,
        rows,
        new,
        mentions=outcome.mentions,
        norms=outcome.norms,
        errors=outcome.errors,
    )
    for error in outcome.errors:
        log.warning("%s", error)
    return outcome, tokens
