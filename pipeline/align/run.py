"""`normgap compare`: align every stored instrument with the tracked acts; concordance tables in outputs/."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.acts import write_atomic
from pipeline.align.compare import Alignment, Comparator
from pipeline.align.embed import Embedder
from pipeline.align.index import attach_vectors, build_index
from pipeline.align.model import AlignModel, load_model
from pipeline.align.thesaurus import Thesaurus
from pipeline.errors import NotFoundInStoreError
from pipeline.instruments import Instrument
from pipeline.records import Provision, TrackedAct
from pipeline.store import Store
from pipeline.tagging.tagger import Tagger, TaggingError

_GROUP_KINDS = ("para", "std", "rp")


def comparison_units(provisions: Sequence[Provision]) -> list[tuple[str, str]]:
    """The units compared: each numbered paragraph (or Standard / Recommended Practice) with its points and
    subpoints joined; an article without paragraphs as a whole. Returns (eid, text)."""
    units: list[tuple[str, list[str]]] = []
    article: tuple[str, list[str]] | None = None
    for p in provisions:
        if p.kind == "art":
            article = (p.eid, [p.text] if p.text else [])
            units.append(article)
        elif p.kind in _GROUP_KINDS:
            units.append((p.eid, [p.text] if p.text else []))
        elif units and p.eid.startswith(units[-1][0] + "__") and p.text:
            if p.kind == "al" and article is not None and units[-1] is article and p.text in " ".join(article[1]):
                continue  # the English parser repeats an article's lead paragraphs as its own text
            units[-1][1].append(f"{p.number}) {p.text}" if p.kind in ("point", "subpoint") and p.number else p.text)
    # an article that has paragraphs is represented by them, not by itself
    has_children = {u for u, _ in units for v, _ in units if v.startswith(u + "__")}
    return [(eid, " ".join(parts)) for eid, parts in units if parts and eid not in has_children]


@dataclass(frozen=True)
class InstrumentResult:
    instrument: Instrument
    alignments: list[Alignment]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for a in self.alignments:
            out[a.status] = out.get(a.status, 0) + 1
        return out


def align_units(
    comparator: Comparator,
    slug: str,
    force: str,
    topics: Sequence[str],
    units: Sequence[tuple[str, str]],
    vectors: np.ndarray | None = None,
    officials: Sequence[str | None] | None = None,
) -> list[Alignment]:
    """Align one instrument's units (runs in a Dask worker too: the comparator is shipped to it once);
    `vectors` are the units' query embeddings, computed beforehand in the main process; `officials` the units'
    official Ukrainian texts, where the store holds them."""
    return [
        comparator.align(
            f"{slug}#{eid}",
            text,
            force=force,
            topics=topics,
            vector=vectors[i] if vectors is not None else None,
            official=officials[i] if officials is not None else None,
        )
        for i, (eid, text) in enumerate(units)
    ]


def official_texts(store: Store, inst: Instrument, units: Sequence[tuple[str, str]]) -> list[str | None] | None:
    """Each unit's text in the instrument's official Ukrainian translation (the portal act `portal_nreg`, when
    stored), found by the same eId or, failing that, by its article's; None when the store holds no translation."""
    translation = _translation(store, inst)
    return [translation(eid) for eid, _ in units] if translation is not None else None


def _translation(store: Store, inst: Instrument) -> Callable[[str], str | None] | None:
    if not inst.portal_nreg or not store.has_work(inst.portal_nreg) or not store.editions(inst.portal_nreg):
        return None
    translated = dict(comparison_units(store.provisions(store.edition_at(inst.portal_nreg).edition_id)))
    by_article: dict[str, list[str]] = {}
    for eid, text in translated.items():
        by_article.setdefault(eid.split("__")[0], []).append(text)
    return lambda eid: translated.get(eid) or " ".join(by_article.get(eid.split("__")[0], [])) or None


def make_comparator(
    store: Store,
    acts: Sequence[TrackedAct],
    thesaurus: Thesaurus,
    *,
    embedder: Embedder | None = None,
    model: AlignModel | None = None,
) -> Comparator:
    """The national index of the tracked acts (with article embeddings when an embedder is given)."""
    index = build_index(store, thesaurus, [a.nreg for a in acts], {a.nreg: a.topics for a in acts})
    if not index.docs:
        raise NotFoundInStoreError("the store holds no national article to compare with (run `normgap refresh`)")
    if embedder is not None:
        attach_vectors(index, embedder)
    return Comparator(index, thesaurus, model=model or load_model(), embedder=embedder)


def unit_vectors(
    comparator: Comparator, units: Sequence[tuple[str, str]], officials: Sequence[str | None] | None = None
) -> np.ndarray | None:
    """The units' query vectors (English text and Ukrainian query), computed here in one batch."""
    return comparator.query_vectors([text for _, text in units], officials)


Job = tuple[Instrument, Sequence[tuple[str, str]], "np.ndarray | None", "Sequence[str | None] | None"]
DASK_CHUNK = 40  # provisions per task: small enough to balance 45- and 304-provision instruments


def _align_on_dask(client: Any, comparator: Comparator, jobs: Sequence[Job]) -> list[list[Alignment]]:
    shared = client.scatter(comparator, broadcast=True)
    per_instrument = [
        [
            client.submit(
                align_units,
                shared,
                inst.slug,
                inst.force,
                inst.topics,
                list(units[i : i + DASK_CHUNK]),
                vectors[i : i + DASK_CHUNK] if vectors is not None else None,
                officials[i : i + DASK_CHUNK] if officials is not None else None,
                pure=False,
            )
            for i in range(0, len(units), DASK_CHUNK)
        ]
        for inst, units, vectors, officials in jobs
    ]
    return [[a for chunk in client.gather(futures) for a in chunk] for futures in per_instrument]


def compare_instruments(
    store: Store,
    instruments: Sequence[Instrument],
    acts: Sequence[TrackedAct],
    thesaurus: Thesaurus,
    *,
    client: Any = None,
    embedder: Embedder | None = None,
    on_aligned: Callable[[int], None] | None = None,
) -> list[InstrumentResult]:
    """Align every instrument; with a Dask client chunks of provisions are aligned in parallel and
    the results written back here in the same order, so the output does not depend on the engine.
    Embeddings (national articles, then each instrument's units) are computed here, through the cache."""
    comparator = make_comparator(store, acts, thesaurus, embedder=embedder)
    jobs: list[Job] = []
    for inst in instruments:
        units = comparison_units(store.provisions(store.edition_at(inst.slug).edition_id))
        officials = official_texts(store, inst, units)
        jobs.append((inst, units, unit_vectors(comparator, units, officials), officials))
    if client is not None:
        aligned = _align_on_dask(client, comparator, jobs)
        if on_aligned:
            on_aligned(sum(len(units) for _, units, _, _ in jobs))
    else:
        aligned = []
        for inst, todo, v, uk in jobs:
            done: list[Alignment] = []
            for i in range(0, len(todo), DASK_CHUNK):  # the same chunks as on Dask, for the progress bar
                chunk = v[i : i + DASK_CHUNK] if v is not None else None
                texts = uk[i : i + DASK_CHUNK] if uk is not None else None
                done += align_units(
                    comparator, inst.slug, inst.force, inst.topics, todo[i : i + DASK_CHUNK], chunk, texts
                )
                if on_aligned:
                    on_aligned(len(todo[i : i + DASK_CHUNK]))
            aligned.append(done)
    results = []
    for (inst, _, _, _), alignments in zip(jobs, aligned, strict=True):
        store.save_alignments(
            inst.slug, [{**a.as_json(), "text_sha256": hashlib.sha256(a.text.encode()).hexdigest()} for a in alignments]
        )
        results.append(InstrumentResult(inst, alignments))
    return results


COLUMNS = [
    "international provision",
    "status",
    "machine status",
    "review",
    "reviewer",
    "confidence",
    "national provisions",
    "scores",
    "concepts",
    "evidence",
    "norms",
    "interactions",
    "method",
    "text",
]


@lru_cache(maxsize=1)
def _english_tagger() -> Tagger:
    return Tagger()


def provision_interactions(text: str) -> str:
    """The bodies an international provision makes its bearers deal with ("state_party>foreign_authority:inform"),
    read by the English tagger from the provision's text; none for a text the tagger refuses."""
    try:
        triples = _english_tagger().tag(text, "", lang="en").counterparts
    except TaggingError:
        return ""
    return " ".join(f"{a}>{c}:{t}" for a, c, t in triples)


@dataclass(frozen=True)
class Review:
    """A reviewer's decision on a provision as it stands: reviewed (it overrides the machine) or not."""

    status: str
    state: str  # reviewed | needs_re_review
    reviewer: str
    implemented_by: tuple[str, ...]


def reviews_for(store: Store, provisions: Sequence[str], text_hashes: dict[str, str]) -> dict[str, Review]:
    from pipeline.review.db import current_decisions, review_state

    decisions = current_decisions(store)
    out = {}
    for pid in provisions:
        d = decisions.get(pid)
        if d is not None:
            out[pid] = Review(d.status, review_state(store, d, text_hashes.get(pid)), d.reviewer, d.implemented_by)
    return out


def concordance_rows(
    result: InstrumentResult, reviews: dict[str, Review] | None = None, top: int = 3
) -> list[dict[str, Any]]:
    rows = []
    for a in result.alignments:
        best = a.candidates[:top]
        review = (reviews or {}).get(a.provision)
        confirmed = review is not None and review.state == "reviewed"
        rows.append(
            {
                "international provision": a.provision,
                "status": review.status if confirmed and review else a.status,
                "machine status": a.status,
                "review": review.state if review else "unreviewed",
                "reviewer": review.reviewer if review else "",
                "confidence": a.confidence,
                "national provisions": " ".join(review.implemented_by)
                if confirmed and review and review.implemented_by
                else " ".join(c.provision for c in best),
                "scores": " ".join(f"{c.score:.3f}" for c in best),
                "concepts": " ".join(a.concepts),
                "evidence": " ".join(e for c in best[:1] for e in c.evidence),
                "norms": " ".join(f"{ag}:{m}" for ag, m in a.norms),
                "interactions": provision_interactions(a.text),
                "method": a.method,
                "text": a.text,
            }
        )
    return rows


def write_concordance(result: InstrumentResult, folder: Path, reviews: dict[str, Review] | None = None) -> list[Path]:
    """The table of concordance: a confirmed decision overrides the machine's status and provisions."""
    folder.mkdir(parents=True, exist_ok=True)
    slug = result.instrument.slug
    rows = concordance_rows(result, reviews)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    paths = [folder / f"{slug}.csv", folder / f"{slug}.json", folder / f"{slug}.xlsx"]
    write_atomic(paths[0], buf.getvalue())
    write_atomic(
        paths[1],
        json.dumps(
            {
                "instrument": slug,
                "title": result.instrument.title,
                "force": result.instrument.force,
                "counts": result.counts(),
                "alignments": [a.as_json() | {"text": a.text} for a in result.alignments],
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
    )
    _write_xlsx(paths[2], result, rows)
    return paths


def _write_xlsx(path: Path, result: InstrumentResult, rows: list[dict[str, Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment as Align
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.create_sheet("concordance", 0)
    for extra in wb.sheetnames[1:]:
        del wb[extra]
    ws.append([f"Table of concordance: {result.instrument.title}"])
    ws.append([f"force: {result.instrument.force}; " + ", ".join(f"{k}: {v}" for k, v in result.counts().items())])
    ws.append(COLUMNS)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    fills = {"implemented": "C6EFCE", "partial": "FFEB9C", "not_implemented": "FFC7CE", "not_applicable": "DDDDDD"}
    for row in rows:
        ws.append([row[c] for c in COLUMNS])
        ws.cell(ws.max_row, 2).fill = PatternFill("solid", fgColor=fills.get(row["status"], "FFFFFF"))
    for column, width in zip("ABCDEFGHIJKLM", (28, 16, 16, 16, 14, 10, 40, 18, 40, 40, 24, 28, 90), strict=True):
        ws.column_dimensions[column].width = width
    for r in ws.iter_rows(min_row=4):
        for cell in r:
            cell.alignment = Align(wrap_text=True, vertical="top")
    ws.freeze_panes = "B4"
    tmp = path.with_suffix(".xlsx.tmp")
    wb.save(tmp)
    tmp.replace(path)


def align_gold_lines(
    comparator: Comparator,
    lines: Sequence[dict[str, Any]],
    forces: dict[str, str],
    topics: dict[str, Sequence[str]],
    officials: Sequence[str | None] | None = None,
) -> list[Alignment]:
    """Run the comparator on the texts of gold-format lines (their embeddings in one batch), with their official
    Ukrainian texts where given (gold_official_texts)."""
    vectors = unit_vectors(comparator, [(g["id"], g["text"]) for g in lines], officials)
    return [
        comparator.align(
            g["id"],
            g["text"],
            force=forces.get(g.get("instrument", ""), "binding"),
            topics=topics.get(g.get("instrument", ""), ()),
            vector=vectors[i] if vectors is not None else None,
            official=officials[i] if officials is not None else None,
        )
        for i, g in enumerate(lines)
    ]


def gold_official_texts(
    store: Store, instruments: Sequence[Instrument], lines: Sequence[dict[str, Any]]
) -> list[str | None] | None:
    """The official Ukrainian text of each gold line's provision ("untoc#art_20__para_1"), where the store holds
    its instrument's translation; None when it holds none."""
    translations = {i.slug: _translation(store, i) for i in instruments}
    found: list[str | None] = []
    for g in lines:
        slug, _, eid = str(g["id"]).partition("#")
        translation = translations.get(slug)
        found.append(translation(eid) if translation is not None else None)
    return found if any(found) else None
