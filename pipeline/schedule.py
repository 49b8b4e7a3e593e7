"""Unattended runs: a lock so two runs never overlap, the portal's change list, and the change report.

The lock is an advisory lock: on a SQLite store an fcntl lock on a file beside the database; on a PostgreSQL
store a session-level advisory lock in the database itself, so runs on two machines that share the store
exclude each other too. Either is released when the process ends, however it ends (the server ends the
session of a dead client), so a crashed run never blocks the next one.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import html
import json
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from pipeline.acts import write_atomic
from pipeline.diff import diff_provisions
from pipeline.errors import NormgapError
from pipeline.records import ChangedAct
from pipeline.store import EditionRow, Store, is_postgres_url, local_folder, mask_url
from pipeline.tagging.tagger import UnitResult


class LockedError(NormgapError):
    """Another run holds the lock."""


@contextmanager
def run_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle: IO[str] = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole run
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise LockedError(
                f"another normgap run is in progress ({holder}); not starting a second one", path=str(path)
            ) from e
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}\n")
        handle.flush()
        yield
    finally:
        handle.close()


@contextmanager
def store_lock(db: str) -> Iterator[None]:
    """The run lock of the store at `db` (a SQLite file or a PostgreSQL URL)."""
    if not is_postgres_url(db):
        with run_lock(local_folder(db) / ".normgap.lock"):
            yield
        return
    from pipeline.store.postgresql import advisory_lock

    with advisory_lock(db, "run") as holder:
        if holder is not None:
            raise LockedError(
                f"another normgap run is in progress ({holder}); not starting a second one", path=mask_url(db)
            )
        yield


def changed_since(entries: Sequence[ChangedAct], since: dt.date) -> set[str]:
    """The acts the portal's change list shows as changed on or after a date."""
    return {e.nreg for e in entries if e.edition_date is None or e.edition_date >= since}


# -- the change report ---------------------------------------------------------------------------------
def _norms_by_agency(store: Store, edition: EditionRow | None) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    if edition is None:
        return counts
    for row in store.unit_tags(edition.edition_id):
        for n in UnitResult.from_json(row["mentions"], row["norms"]).norms:
            counts[(n.agent, n.modality)] += 1
    return counts


def change_report(
    store: Store,
    new_editions: Sequence[str],
    *,
    flags_before: dict[str, str],
    flags_after: dict[str, str],
    needs_review: Sequence[str],
) -> dict[str, Any]:
    """What a run changed: new editions with their changed provisions and the norms gained or lost per
    agency, the flags (not implemented) opened or closed, the decisions that need re-review."""
    editions = []
    for label in new_editions:
        work, date = label.split("@", 1)
        date = date.split(" ", 1)[0]
        all_eds = store.editions(work)
        new = next((e for e in all_eds if e.date.isoformat() == date), None)
        if new is None:
            continue
        older = [e for e in all_eds if e.date < new.date]
        old = older[-1] if older else None
        changes = diff_provisions(store.provisions(old.edition_id), store.provisions(new.edition_id)) if old else []
        before, after = _norms_by_agency(store, old), _norms_by_agency(store, new)
        norms = [
            {"agency": a, "modality": m, "before": before.get((a, m), 0), "after": after.get((a, m), 0)}
            for a, m in sorted(set(before) | set(after))
            if before.get((a, m), 0) != after.get((a, m), 0)
        ]
        editions.append(
            {
                "work": work,
                "edition": date,
                "previous": old.date.isoformat() if old else None,
                "changed_provisions": [c.__dict__ for c in changes],
                "norms": norms,
            }
        )
    opened = sorted(p for p, s in flags_after.items() if s == "not_implemented" and flags_before.get(p) != s)
    closed = sorted(p for p, s in flags_before.items() if s == "not_implemented" and flags_after.get(p) != s)
    return {
        "date": dt.date.today().isoformat(),
        "new_editions": editions,
        "flags_opened": opened,
        "flags_closed": closed,
        "needs_re_review": sorted(needs_review),
    }


def write_change_report(report: dict[str, Any], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / report["date"]
    lines = [f"# Changes of {report['date']}", ""]
    if not report["new_editions"]:
        lines.append("No new edition.")
    for e in report["new_editions"]:
        lines += [f"## {e['work']}: edition {e['edition']} (previous {e['previous'] or 'none'})", ""]
        for c in e["changed_provisions"][:200]:
            lines.append(f"- {c['change']} `{c['eid']}`")
        for n in e["norms"]:
            lines.append(f"- norms of {n['agency']} ({n['modality']}): {n['before']} -> {n['after']}")
        lines.append("")
    lines += [
        "## Flags",
        "",
        f"- opened: {', '.join(report['flags_opened']) or 'none'}",
        f"- closed: {', '.join(report['flags_closed']) or 'none'}",
        "",
        "## Decisions that need re-review",
        "",
        *([f"- {p}" for p in report["needs_re_review"]] or ["- none"]),
    ]
    md = "\n".join(lines) + "\n"
    body = "".join(
        f"<p>{html.escape(line)}</p>"
        if line and not line.startswith("#")
        else f"<h2>{html.escape(line.lstrip('# '))}</h2>"
        if line
        else ""
        for line in lines
    )
    paths = [stem.with_suffix(".md"), stem.with_suffix(".json"), stem.with_suffix(".html")]
    write_atomic(paths[0], md)
    write_atomic(paths[1], json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    write_atomic(
        paths[2],
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>normgap changes "
        f"{report['date']}</title></head><body>{body}</body></html>\n",
    )
    return paths
