"""The task–power balance: for each agency, its tasks, powers, duties and prohibitions across the corpus,
and for each task the powers and duties that serve it (matched by content lemmas), flagging tasks that
no power serves — is the customs service tasked with countering smuggling without the powers to do it?
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.store import Store
from pipeline.tagging.morph import fold, lemma, parses
from pipeline.tagging.tagger import UnitResult

_WORD = re.compile(r"[^\W\d_][\w'’ʼ-]*")
_CONTENT_POS = frozenset({"NOUN", "ADJF", "INFN", "VERB", "PRTF", "GRND"})
_STOP = frozenset(
    [
        "здійснення",
        "здійснювати",
        "здійснює",
        "забезпечення",
        "забезпечувати",
        "орган",
        "органи",
        "установлений",
        "встановлений",
        "порядок",
        "відповідно",
        "закон",
        "кодекс",
        "україна",
        "український",
        "державний",
        "інший",
        "такий",
        "цей",
        "свій",
        "межа",
        "компетенція",
        "передбачений",
        "визначений",
        "право",
        "мати",
        "бути",
        "могти",
    ]
)
SERVED_AT = 0.3  # cosine of content-lemma tf-idf at which a power or duty is taken to serve a task


@dataclass(frozen=True)
class NormItem:
    agency: str
    modality: str
    unit: str  # unit id (provision id, with __sN for a sentence)
    text: str
    edition: str


@dataclass
class TaskLink:
    task: NormItem
    served_by: list[tuple[NormItem, float]] = field(default_factory=list)

    @property
    def unserved(self) -> bool:
        """No power serves the task (duties alone do not give the means to carry it out)."""
        return not any(m.modality == "power" for m, _ in self.served_by)


@dataclass
class AgencyBalance:
    agency: str
    counts: dict[str, int]
    norms: dict[str, list[NormItem]]
    tasks: list[TaskLink]

    @property
    def unserved_tasks(self) -> list[TaskLink]:
        return [t for t in self.tasks if t.unserved]


def content_lemmas(text: str) -> list[str]:
    out = []
    for word in _WORD.findall(text):
        w = fold(word)
        if len(w) < 3:
            continue
        found = parses(w)
        if found and str(found[0].tag.POS) not in _CONTENT_POS:
            continue
        lem = lemma(w)
        if lem not in _STOP:
            out.append(lem)
    return out


def collect_norms(store: Store, work_ids: Sequence[str] | None = None) -> list[NormItem]:
    """Every tagged norm of the newest edition of each act."""
    items: list[NormItem] = []
    for w in store.works():
        if work_ids and w["work_id"] not in work_ids:
            continue
        try:
            edition = store.edition_at(w["work_id"])
        except Exception:
            continue
        texts = {p.eid: p.text for p in store.provisions(edition.edition_id)}
        for row in store.unit_tags(edition.edition_id):
            result = UnitResult.from_json(row["mentions"], row["norms"])
            unit_text = texts.get(row["eid"], "")[row["start"] : row["end"]]
            suffix = f"__s{row['sentence']}" if row["sentence"] else ""
            for n in result.norms:
                items.append(
                    NormItem(
                        n.agent, n.modality, f"{w['work_id']}#{row['eid']}{suffix}", unit_text, edition.date.isoformat()
                    )
                )
    return items


def _vectors(docs: Sequence[list[str]]) -> list[dict[str, float]]:
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(d))
    n = len(docs)
    vectors = []
    for d in docs:
        tf = Counter(d)
        vec = {t: (1 + math.log(c)) * math.log((1 + n) / (1 + df[t])) for t, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def balance(items: Iterable[NormItem], *, agency: str | None = None, top: int = 3) -> list[AgencyBalance]:
    all_items = list(items)
    by_agency: dict[str, dict[str, list[NormItem]]] = defaultdict(lambda: defaultdict(list))
    for it in all_items:
        by_agency[it.agency][it.modality].append(it)
    vectors = dict(zip((id(i) for i in all_items), _vectors([content_lemmas(i.text) for i in all_items]), strict=True))
    result = []
    for aid in sorted(by_agency):
        if agency and aid != agency:
            continue
        norms = by_agency[aid]
        links = []
        for task in norms.get("task", []):
            if task.text.rstrip().endswith(":"):
                continue  # a lead-in: its items are the tasks
            tv = vectors[id(task)]
            served: list[tuple[NormItem, float]] = []
            for modality in ("power", "duty"):
                scored = sorted(
                    ((m, _cosine(tv, vectors[id(m)])) for m in norms.get(modality, [])), key=lambda x: -x[1]
                )
                served += [(m, round(s, 3)) for m, s in scored[:top] if s >= SERVED_AT]
            links.append(TaskLink(task, served))
        counts = {m: len(norms.get(m, [])) for m in ("task", "power", "duty", "prohibition")}
        result.append(AgencyBalance(aid, counts, {k: list(v) for k, v in norms.items()}, links))
    return result


def balance_json(balances: Sequence[AgencyBalance]) -> list[dict[str, Any]]:
    out = []
    for b in balances:
        out.append(
            {
                "agency": b.agency,
                "counts": b.counts,
                "unserved_tasks": len(b.unserved_tasks),
                "norms": {
                    m: [{"unit": i.unit, "edition": i.edition, "text": i.text} for i in items]
                    for m, items in sorted(b.norms.items())
                },
                "tasks": [
                    {
                        "unit": t.task.unit,
                        "text": t.task.text,
                        "unserved": t.unserved,
                        "served_by": [
                            {"unit": m.unit, "modality": m.modality, "score": s, "text": m.text} for m, s in t.served_by
                        ],
                    }
                    for t in b.tasks
                ],
            }
        )
    return out
