"""`normgap report`: a static HTML report (opens from disk, no server) and the same tables as CSV.

Per instrument the shares implemented / partial / not implemented, by the machine and as reviewed (a
reviewed decision overrides the machine, unless its text changed since); a chart per instrument (inline
SVG), a heatmap agency x modality, the tasks no power serves, and the list of flags with their review state.
"""

from __future__ import annotations

import csv
import html
import io
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.acts import write_atomic
from pipeline.balance import AgencyBalance, balance, collect_norms
from pipeline.review.app import latest_alignments
from pipeline.review.db import reviewed_status, with_reviews
from pipeline.store import Store

STATUSES = ("implemented", "partial", "not_implemented", "not_applicable")
COLOURS = {"implemented": "#5cb85c", "partial": "#f0ad4e", "not_implemented": "#d9534f", "not_applicable": "#aaa"}
MODALITIES = ("task", "power", "duty", "prohibition")


def report_rows(store: Store) -> list[dict[str, Any]]:
    rows = []
    for a, d, state in with_reviews(store, latest_alignments(store)):
        reviewed = reviewed_status(d, state)
        rows.append(
            {
                "instrument": a["instrument"],
                "provision": a["provision"],
                "machine_status": a["status"],
                "confidence": a["confidence"],
                "review_state": state,
                "reviewed_status": reviewed or "",
                "status": reviewed or a["status"],
                "reviewer": d.reviewer if d else "",
                "national": " ".join(c["provision"] for c in a["candidates"][:3]),
            }
        )
    return rows


def _bar(counts: Counter[str], width: int = 420) -> str:
    total = sum(counts.values()) or 1
    x = 0.0
    parts = []
    for s in STATUSES:
        w = width * counts.get(s, 0) / total
        if w:
            parts.append(
                f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="18" fill="{COLOURS[s]}">'
                f"<title>{s}: {counts.get(s, 0)}</title></rect>"
            )
        x += w
    return f'<svg width="{width}" height="18" role="img">{"".join(parts)}</svg>'


def _csv(rows: Sequence[dict[str, Any]]) -> str:
    buf = io.StringIO()
    if rows:
        w = csv.DictWriter(buf, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return buf.getvalue()


def _heatmap(balances: Sequence[AgencyBalance]) -> str:
    top = max((b.counts[m] for b in balances for m in MODALITIES), default=1) or 1
    head = "".join(f"<th>{m}</th>" for m in MODALITIES)
    body = []
    for b in balances:
        cells = []
        for m in MODALITIES:
            v = b.counts[m]
            alpha = 0.1 + 0.9 * v / top if v else 0
            cells.append(f'<td style="background:rgba(30,90,160,{alpha:.2f})">{v}</td>')
        body.append(f"<tr><th>{html.escape(b.agency)}</th>{''.join(cells)}<td>{len(b.unserved_tasks)}</td></tr>")
    return f"<table class='heat'><tr><th>agency</th>{head}<th>tasks no power serves</th></tr>{''.join(body)}</table>"


def write_report(store: Store, folder: Path) -> list[Path]:
    rows = report_rows(store)
    balances = balance(collect_norms(store))
    folder.mkdir(parents=True, exist_ok=True)
    by_instrument: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_instrument.setdefault(r["instrument"], []).append(r)
    summary = []
    sections = []
    for slug, items in by_instrument.items():
        machine = Counter(r["machine_status"] for r in items)
        effective = Counter(r["status"] for r in items)
        reviewed = sum(1 for r in items if r["review_state"] == "reviewed")
        needs = sum(1 for r in items if r["review_state"] == "needs_re_review")
        n = len(items)
        summary.append(
            {
                "instrument": slug,
                "provisions": n,
                "reviewed": reviewed,
                "needs_re_review": needs,
                **{f"machine_{s}": machine.get(s, 0) for s in STATUSES},
                **{f"final_{s}": effective.get(s, 0) for s in STATUSES},
                **{f"share_final_{s}": round(effective.get(s, 0) / n, 3) for s in STATUSES},
            }
        )
        sections.append(
            f"<h3>{html.escape(slug)}</h3><p>{n} provisions, {reviewed} reviewed, {needs} need re-review</p>"
            f"<p>machine {_bar(machine)}</p><p>with reviews {_bar(effective)}</p>"
        )
    flag_rows = "".join(
        f"<tr><td>{html.escape(r['provision'])}</td><td class='s-{r['status']}'>{html.escape(r['status'])}</td>"
        f"<td>{html.escape(r['machine_status'])}</td><td>{html.escape(r['review_state'])}</td>"
        f"<td>{html.escape(r['reviewer'])}</td><td>{html.escape(r['national'])}</td></tr>"
        for r in sorted(rows, key=lambda r: (r["status"] != "not_implemented", r["provision"]))
    )
    unserved = "".join(
        f"<li><b>{html.escape(b.agency)}</b> <code>{html.escape(t.task.unit)}</code> {html.escape(t.task.text)}</li>"
        for b in balances
        for t in b.unserved_tasks
    )
    legend = " ".join(f"<span style='background:{COLOURS[s]};padding:0 .4em'>{s}</span>" for s in STATUSES)
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>normgap report</title>
<style>body{{font-family:system-ui,sans-serif;margin:1em 2em}}table{{border-collapse:collapse}}
td,th{{border-bottom:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}}
.s-not_implemented{{background:#f8d7da}}.s-implemented{{background:#d4edda}}.s-partial{{background:#fff3cd}}
.heat td{{text-align:right;min-width:4em}}</style></head><body>
<h1>normgap: implementation of international instruments in Ukrainian law</h1>
<p>{legend}. Machine statuses come from the comparator; reviewed decisions override them unless a text they were
made on has changed since ("needs re-review"). Tables as CSV beside this file.</p>
<h2>Instruments</h2>{"".join(sections) or "<p>No alignment yet: run <code>normgap compare</code>.</p>"}
<h2>Agencies × modality</h2>{_heatmap(balances)}
<h2>Tasks no power serves</h2><ul>{unserved or "<li>none</li>"}</ul>
<h2>Flags</h2><table><tr><th>provision</th><th>status</th><th>machine</th><th>review</th><th>reviewer</th>
<th>national candidates</th></tr>{flag_rows}</table></body></html>"""
    paths = [folder / "index.html", folder / "instruments.csv", folder / "flags.csv", folder / "agencies.csv"]
    write_atomic(paths[0], page)
    write_atomic(paths[1], _csv(summary))
    write_atomic(paths[2], _csv(rows))
    write_atomic(
        paths[3], _csv([{"agency": b.agency, **b.counts, "unserved_tasks": len(b.unserved_tasks)} for b in balances])
    )
    return paths
