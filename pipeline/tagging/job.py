"""`normgap tag`: tag every stored edition, incrementally, each distinct unit text once.

Three steps: plan (which editions, which distinct unit texts are not tagged yet), compute (tag those texts:
here, or on a Dask cluster, partitioned by edition), write (each edition's tags in one transaction, in
edition order). The engines differ only in the compute step, so their outputs are identical.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from pipeline.store import EditionRow, Store
from pipeline.tagging.tagger import Tagger, TaggingError, UnitResult
from pipeline.units import Unit, units_of

log = logging.getLogger(__name__)

# (key, text, context, work, lang, provision id)
TagJob = tuple[str, str, str, str | None, str, str]
# (key, (mentions json, norms json) or None, error or None)
TagOutput = tuple[str, tuple[str, str] | None, str | None]


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
    engine: str = "local"

    @property
    def failed(self) -> list[EditionOutcome]:
        return [e for e in self.editions if e.failed]


class Engine(Protocol):
    name: str

    def run(self, version: str, use_model: bool, partitions: Sequence[list[TagJob]]) -> list[list[TagOutput]]:
        """Tag every partition; results in the order of the partitions."""
        ...


@lru_cache(maxsize=2)
def _worker_tagger(use_model: bool) -> Tagger:
    return Tagger(use_model=use_model)


def tag_partition(version: str, use_model: bool, jobs: list[TagJob]) -> list[TagOutput]:
    """Tag one partition (runs in a worker process, possibly on another machine)."""
    tagger = _worker_tagger(use_model)
    if tagger.version != version:
        raise RuntimeError(f"worker runs tagger {tagger.version}, the client {version}: install the same normgap")
    out: list[TagOutput] = []
    for key, text, context, work, lang, provision in jobs:
        try:
            out.append((key, tagger.tag(text, context, work=work, lang=lang, provision=provision).to_json(), None))
        except TaggingError as e:
            out.append((key, None, str(e)))
    return out


class LocalEngine:
    name = "local"

    def run(self, version: str, use_model: bool, partitions: Sequence[list[TagJob]]) -> list[list[TagOutput]]:
        return [tag_partition(version, use_model, jobs) for jobs in partitions]


@dataclass
class _Plan:
    edition: EditionRow
    lang: str
    units: list[Unit]
    keys: list[str]


def tag_store(
    store: Store,
    tagger: Tagger,
    *,
    work_ids: Sequence[str] | None = None,
    force: bool = False,
    on_units: Callable[[int], None] | None = None,
    engine: Engine | None = None,
) -> TagReport:
    started = time.monotonic()
    engine = engine or LocalEngine()
    outcomes: dict[int, EditionOutcome] = {}
    plans: list[_Plan] = []
    order: list[EditionRow] = []
    for edition in store.all_editions(work_ids):
        order.append(edition)
        done = store.tagging_of(edition.edition_id)
        if done is not None and done["tagger_version"] == tagger.version and not force:
            outcomes[edition.edition_id] = EditionOutcome(edition.label, skipped=True)
            continue
        lang = edition.lang
        units = units_of(edition.work_id, store.provisions(edition.edition_id))
        plans.append(_Plan(edition, lang, units, [tagger.key(u.text, u.context, u.work, lang) for u in units]))
    # compute: every distinct key not in the store yet, once, partitioned by the edition that first needs it
    results: dict[str, tuple[str, str]] = {}
    errors: dict[str, str] = {}
    seen: set[str] = set()
    partitions: list[list[TagJob]] = []
    for plan in plans:
        wanted = [k for k in dict.fromkeys(plan.keys) if k not in seen]
        seen.update(wanted)
        results.update(store.known_tag_results(wanted))
        jobs = [
            (key, u.text, u.context, u.work, plan.lang, u.id)
            for u, key in zip(plan.units, plan.keys, strict=True)
            if key in wanted and key not in results
        ]
        unique: dict[str, TagJob] = {}
        for job in jobs:
            unique.setdefault(job[0], job)
        partitions.append(list(unique.values()))
    tokens = sum(len(job[1].split()) for part in partitions for job in part)
    new_keys: set[str] = set()
    for part in engine.run(tagger.version, tagger.model is not None, partitions):
        for key, stored, error in part:
            if stored is not None:
                results[key] = stored
                new_keys.add(key)
            elif error is not None:
                errors[key] = error
    written: set[str] = set()
    for plan in plans:
        outcomes[plan.edition.edition_id] = _write_edition(
            store, tagger.version, plan, results, errors, new_keys, written
        )
        if on_units:
            on_units(len(plan.units))
    report = [outcomes[e.edition_id] for e in order]
    return TagReport(report, time.monotonic() - started, tokens, tagger.version, engine.name)


def _write_edition(
    store: Store,
    version: str,
    plan: _Plan,
    results: dict[str, tuple[str, str]],
    errors: dict[str, str],
    new_keys: set[str],
    written: set[str],
) -> EditionOutcome:
    outcome = EditionOutcome(plan.edition.label)
    rows: list[tuple[str, int | None, int, int, str]] = []
    new: dict[str, tuple[str, str]] = {}
    for unit, key in zip(plan.units, plan.keys, strict=True):
        stored = results.get(key)
        if stored is None:
            outcome.errors.append(errors.get(key, f"unit not tagged [provision={unit.id}]"))
            continue
        if key in new_keys and key not in written:
            new[key] = stored
            written.add(key)
        else:
            outcome.reused += 1
        parsed = UnitResult.from_json(*stored)
        outcome.mentions += len(parsed.mentions)
        outcome.norms += len(parsed.norms)
        rows.append((unit.eid, unit.sentence, unit.start, unit.end, key))
    outcome.units = len(rows)
    if plan.units and outcome.mentions == 0:
        # a code in which no agency is named anywhere means the tagger (or the text) is broken
        outcome.failed = f"no agency mention found in {len(plan.units)} units of {plan.edition.label}"
    store.save_tags(
        plan.edition.edition_id,
        version,
        rows,
        new,
        mentions=outcome.mentions,
        norms=outcome.norms,
        errors=outcome.errors,
    )
    for error in outcome.errors:
        log.warning("%s", error)
    return outcome


class DaskEngine:
    """Tag partitions on a Dask cluster: a scheduler address, or a LocalCluster of this machine's cores."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, *, workers: int = 2) -> None:
        from pipeline.errors import ConfigError

        try:
            from distributed import Client, LocalCluster
        except ImportError as e:
            raise ConfigError("the dask engine needs dask[distributed] (pip install 'normgap[dask]')") from e
        if scheduler:
            self.client = Client(scheduler)
            self.cluster = None
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            self.client = Client(self.cluster)

    def run(self, version: str, use_model: bool, partitions: Sequence[list[TagJob]]) -> list[list[TagOutput]]:
        futures = [
            self.client.submit(tag_partition, version, use_model, jobs, pure=False) for jobs in partitions if jobs
        ]
        gathered = iter(self.client.gather(futures))
        return [next(gathered) if jobs else [] for jobs in partitions]

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
