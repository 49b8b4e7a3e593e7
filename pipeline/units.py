"""Units of annotation and tagging (annotation-guidelines.md, Units): one sentence of a provision, or one
item of an enumeration, read with its context (the article heading and the lead-ins above the item).

Offsets are code points of the stored provision text, so a unit is (provision id, start, end) and its
text is always a slice of the stored text: annotations stay stand-off.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.records import Provision

# Abbreviations after which a full stop does not end a sentence (legal citations, initials, units).
_ABBREVIATIONS = frozenset(
    [
        "ст",
        "ч",
        "п",
        "пп",
        "абз",
        "підп",
        "р",
        "рр",
        "т",
        "тис",
        "млн",
        "млрд",
        "грн",
        "коп",
        "ім",
        "м",
        "с",
        "див",
        "напр",
        "гл",
        "розд",
        "ін",
        "св",
        "вул",
        "обл",
        "заг",
        "зб",
    ]
)
_SENTENCE_END = re.compile(r"[.!?](?=\s+[«\"(A-ZА-ЯІЇЄҐ0-9])")
_TEXT_KINDS = frozenset({"para", "point", "subpoint", "al"})


@dataclass(frozen=True)
class Unit:
    """One unit: a slice [start, end) of a provision's text, with its context lines."""

    work: str
    eid: str
    sentence: int | None  # 1-based when the provision has several sentences, else None
    start: int
    end: int
    text: str
    context: str

    @property
    def id(self) -> str:
        suffix = f"__s{self.sentence}" if self.sentence else ""
        return f"{self.work}#{self.eid}{suffix}"

    @property
    def sha256(self) -> str:
        return text_hash(self.text)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence boundaries as (start, end) code-point offsets, stripped of surrounding spaces."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        word = re.search(r"(\w+)\W*$", text[start : m.start() + 1])
        token = word.group(1) if word else ""
        if token.lower() in _ABBREVIATIONS or (len(token) == 1 and token.isupper()) or token.isdigit():
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    result = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            result.append((s, e))
    return result


def article_context(article: Provision | None) -> str:
    if article is None:
        return ""
    label = f"Стаття {article.number}."
    return f"{label} {article.heading}" if article.heading else label


def _is_lead_in(p: Provision | None) -> bool:
    return p is not None and p.text.rstrip().endswith((":", "-", "—", "–"))


def lead_ins(
    p: Provision,
    by_eid: dict[str, Provision],
    previous_al: dict[str, Provision],
    after_list: frozenset[str] = frozenset(),
) -> list[str]:
    """The lead-in texts that govern an item, outermost first. `after_list`: lines of a part that follow the end of
    the part's own list ("…, до складу якої входять: …; …. / Не можуть бути членами …:"), so not its items."""
    chain: list[str] = []
    if p.kind in ("point", "subpoint", "al"):
        parent = by_eid.get(p.parent or "")
        qualifier = None
        if p.kind == "point" and "__al_" in p.eid.rsplit("__point_", 1)[0][len(p.parent or "") :]:
            qualifier = by_eid.get(p.eid.rsplit("__point_", 1)[0])
        lead: Provision | None
        if qualifier is not None:
            lead = qualifier
        elif p.kind == "al" and p.eid in previous_al:
            lead = previous_al[p.eid]
        elif p.kind == "point" and _is_lead_in(previous_al.get(p.eid)):
            # "Кабінет Міністрів України … у такий спосіб:" as an unnumbered line of the part, its points after it
            lead = previous_al[p.eid]
        elif parent is not None and parent.kind in ("para", "point", "subpoint", "al") and parent.text:
            lead = parent if p.eid not in after_list else None
        else:
            lead = previous_al.get(p.eid)
        if lead is not None and (_is_lead_in(lead) or p.kind in ("point", "subpoint")):
            chain = [*lead_ins(lead, by_eid, previous_al, after_list), lead.text]
    return chain


def units_of(work: str, provisions: Sequence[Provision], *, eids: Iterable[str] | None = None) -> list[Unit]:
    """The units of an edition's provisions (or of the named ones), in document order."""
    by_eid = {p.eid: p for p in provisions}
    wanted = set(eids) if eids is not None else None
    previous_al: dict[str, Provision] = {}
    last_al_in: dict[str | None, Provision] = {}
    open_lead_in: dict[str | None, Provision] = {}
    list_open: dict[str, bool] = {}  # a part whose own text leads a list: is its list still going on?
    after_list: set[str] = set()
    article: Provision | None = None
    articles: dict[str, Provision | None] = {}
    for p in provisions:
        if p.kind == "art":
            article = p
        elif p.kind in ("part", "chp", "book", "hcontainer"):
            article = None
        articles[p.eid] = article
        if p.kind == "point" and p.parent in last_al_in:
            previous_al[p.eid] = last_al_in[p.parent]
        if p.kind in ("para", "point") and _is_lead_in(p):
            list_open[p.eid] = True
        if p.kind == "al" and p.parent in list_open:
            if not list_open[p.parent]:
                after_list.add(p.eid)
            elif not p.text.rstrip().endswith((";", ":", ",")):
                list_open[p.parent] = False  # the last item ends the list
        if p.kind == "al":
            # unnumbered list lines after a lead-in ending with a colon: each is an item of that lead-in
            lead = open_lead_in.get(p.parent)
            if lead is not None:
                previous_al[p.eid] = lead
                if not p.text.rstrip().endswith(";"):
                    open_lead_in.pop(p.parent, None)
            if p.text.rstrip().endswith(":"):
                open_lead_in[p.parent] = p
            last_al_in[p.parent] = p
        elif p.kind in ("para", "art") or (p.kind == "point" and p.parent in open_lead_in):
            open_lead_in.pop(p.parent, None)
    units: list[Unit] = []
    for p in provisions:
        if p.kind not in _TEXT_KINDS or not p.text or (wanted is not None and p.eid not in wanted):
            continue
        leads = lead_ins(p, by_eid, previous_al, frozenset(after_list))
        context = "\n".join(x for x in (article_context(articles[p.eid]), *leads) if x)
        # An enumeration item is one unit whatever its sentences; other provisions are split into sentences.
        is_item = p.kind in ("point", "subpoint") or bool(leads and leads[-1].rstrip().endswith(":"))
        spans = [(0, len(p.text))] if is_item else sentence_spans(p.text)
        for i, (s, e) in enumerate(spans, 1):
            units.append(Unit(work, p.eid, i if len(spans) > 1 else None, s, e, p.text[s:e], context))
    return units
