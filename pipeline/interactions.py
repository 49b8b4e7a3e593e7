"""The network of legally required interactions between agencies, read from the tagged store.

Nodes are agencies; edges are norms: agent -> counterpart, with the agent's modality, the interaction type,
the provisions as evidence and the edition date. Findings: one-way duties (A must inform B, nothing obliges
B to inform A), pairs linked only by powers, and how the network changed between two dates.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from pipeline.errors import NotFoundInStoreError
from pipeline.store import Store
from pipeline.tagging.tagger import UnitResult

COLOURS = {"duty": "#d9534f", "power": "#337ab7", "task": "#5cb85c", "prohibition": "#555"}


@dataclass(frozen=True)
class Edge:
    agent: str
    counterpart: str
    modality: str
    type: str
    provision: str
    edition: str


def collect_edges(store: Store, *, at: dt.date | None = None, acts: Sequence[str] | None = None) -> list[Edge]:
    """Every (agent, counterpart, type) of the editions in force at a date (the newest without one)."""
    edges: list[Edge] = []
    for w in store.works():
        if (w["role"] or "").startswith("instrument") or (acts and w["work_id"] not in acts):
            continue
        try:
            edition = store.edition_at(w["work_id"], at)
        except NotFoundInStoreError:
            continue
        for row in store.unit_tags(edition.edition_id):
            result = UnitResult.from_json(row["mentions"], row["norms"])
            modality = {n.agent: n.modality for n in result.norms}
            suffix = f"__s{row['sentence']}" if row["sentence"] else ""
            for agent, counterpart, kind in result.counterparts:
                edges.append(
                    Edge(
                        agent,
                        counterpart,
                        modality.get(agent, "duty"),
                        kind,
                        f"{w['work_id']}#{row['eid']}{suffix}",
                        edition.date.isoformat(),
                    )
                )
    return edges


def filter_edges(edges: Iterable[Edge], *, agency: str | None = None, kind: str | None = None) -> list[Edge]:
    return [e for e in edges if (not agency or agency in (e.agent, e.counterpart)) and (not kind or e.type == kind)]


def findings(edges: Sequence[Edge]) -> dict[str, Any]:
    duties = {(e.agent, e.counterpart, e.type) for e in edges if e.modality == "duty"}
    one_way = [
        {
            "agent": a,
            "counterpart": c,
            "type": t,
            "provisions": sorted({e.provision for e in edges if (e.agent, e.counterpart, e.type) == (a, c, t)}),
        }
        for a, c, t in sorted(duties)
        if (c, a, t) not in duties and t in ("inform", "assist", "request")
    ]
    by_pair: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in edges:
        by_pair[(e.agent, e.counterpart)].add(e.modality)
    powers_only = [{"agent": a, "counterpart": c} for (a, c), mods in sorted(by_pair.items()) if mods == {"power"}]
    return {"one_way_duties": one_way, "powers_only": powers_only}


def changes(before: Sequence[Edge], after: Sequence[Edge]) -> dict[str, Any]:
    key = lambda e: (e.agent, e.counterpart, e.type, e.modality)  # noqa: E731
    old, new = Counter(key(e) for e in before), Counter(key(e) for e in after)
    gained = sorted(set(new) - set(old))
    lost = sorted(set(old) - set(new))
    return {
        "gained": [dict(zip(("agent", "counterpart", "type", "modality"), k, strict=True)) for k in gained],
        "lost": [dict(zip(("agent", "counterpart", "type", "modality"), k, strict=True)) for k in lost],
    }


def to_json(edges: Sequence[Edge]) -> list[dict[str, Any]]:
    return [e.__dict__ for e in edges]


def to_graphml(edges: Sequence[Edge]) -> str:
    nodes = sorted({e.agent for e in edges} | {e.counterpart for e in edges})
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
        '<key id="modality" for="edge" attr.name="modality" attr.type="string"/>',
        '<key id="type" for="edge" attr.name="type" attr.type="string"/>',
        '<key id="provision" for="edge" attr.name="provision" attr.type="string"/>',
        '<key id="edition" for="edge" attr.name="edition" attr.type="string"/>',
        '<graph id="interactions" edgedefault="directed">',
        *[f'<node id="{xml_escape(n)}"/>' for n in nodes],
    ]
    for i, e in enumerate(edges):
        lines.append(
            f'<edge id="e{i}" source="{xml_escape(e.agent)}" target="{xml_escape(e.counterpart)}">'
            f'<data key="modality">{e.modality}</data><data key="type">{e.type}</data>'
            f'<data key="provision">{xml_escape(e.provision)}</data><data key="edition">{e.edition}</data></edge>'
        )
    lines += ["</graph>", "</graphml>"]
    return "\n".join(lines) + "\n"


def to_html(edges: Sequence[Edge], found: dict[str, Any]) -> str:
    """A page that opens from disk: the network as SVG (edge width by number of norms, colour by modality)
    and, for a chosen pair, the provisions behind each edge."""
    nodes = sorted({e.agent for e in edges} | {e.counterpart for e in edges})
    size, r = 640, 250
    pos = {
        n: (
            size / 2 + r * math.cos(2 * math.pi * i / max(len(nodes), 1)),
            size / 2 + r * math.sin(2 * math.pi * i / max(len(nodes), 1)),
        )
        for i, n in enumerate(nodes)
    }
    grouped: Counter[tuple[str, str, str]] = Counter((e.agent, e.counterpart, e.modality) for e in edges)
    shapes = []
    for (a, c, m), n in sorted(grouped.items()):
        (x1, y1), (x2, y2) = pos[a], pos[c]
        shapes.append(
            f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="{COLOURS.get(m, "#999")}" '
            f'stroke-width="{min(1 + n, 12)}" stroke-opacity="0.55" marker-end="url(#arrow)">'
            f"<title>{html.escape(a)} → {html.escape(c)}: {m} ({n})</title></line>"
        )
    for node, (x, y) in pos.items():
        shapes.append(
            f'<circle cx="{x:.0f}" cy="{y:.0f}" r="22" fill="#eef"/><text x="{x:.0f}" y="{y + 4:.0f}" '
            f'text-anchor="middle" font-size="11">{html.escape(node)}</text>'
        )
    data = json.dumps(to_json(edges), ensure_ascii=False).replace("</", "<\\/")
    options = "".join(
        f"<option>{html.escape(a)} → {html.escape(c)}</option>"
        for a, c in sorted({(e.agent, e.counterpart) for e in edges})
    )
    one_way = "".join(
        f"<li>{html.escape(x['agent'])} must {x['type']} {html.escape(x['counterpart'])}; nothing obliges "
        f"the reverse ({', '.join(html.escape(p) for p in x['provisions'][:5])})</li>"
        for x in found["one_way_duties"]
    )
    legend = " ".join(f"<span style='color:{c}'>■ {m}</span>" for m, c in COLOURS.items())
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Interactions between agencies</title>
<style>body{{font-family:system-ui,sans-serif;margin:1em 2em}}
td,th{{padding:.2em .5em;border-bottom:1px solid #ddd}}</style>
</head><body><h1>Legally required interactions between agencies</h1><p>{legend}; edge width: number of norms.</p>
<svg width="{size}" height="{size}" role="img"><defs><marker id="arrow" viewBox="0 0 10 10" refX="30" refY="5"
markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#666"/></marker></defs>
{"".join(shapes)}</svg>
<h2>Provisions behind an edge</h2><select id="pair">{options}</select>
<table id="evidence"><thead><tr><th>provision</th><th>modality</th><th>type</th><th>edition</th></tr></thead>
<tbody></tbody></table>
<h2>One-way duties</h2><ul>{one_way or "<li>none</li>"}</ul>
<script>const edges = {data};
function show() {{ const [a, c] = document.getElementById('pair').value.split(' → ');
 const body = document.querySelector('#evidence tbody'); body.textContent = '';
 for (const e of edges.filter(e => e.agent === a && e.counterpart === c)) {{
  const tr = document.createElement('tr');
  for (const v of [e.provision, e.modality, e.type, e.edition]) {{
   const td = document.createElement('td'); td.textContent = v; tr.appendChild(td); }}
  body.appendChild(tr); }} }}
document.getElementById('pair').addEventListener('change', show); show();</script></body></html>"""
