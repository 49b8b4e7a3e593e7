"""Typed, frozen records that cross stage boundaries (source -> parser -> store -> CLI)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

PROVISION_KINDS = (
    "book",
    "part",
    "chp",
    "hcontainer",
    "preamble",
    "art",
    "para",
    "point",
    "subpoint",
    "al",
)


@dataclass(frozen=True)
class TrackedAct:
    """One act listed in corpora/acts.toml."""

    nreg: str
    title: str
    role: str = ""
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class EditionInfo:
    """One edition listed in the open-data card (`eds[]`)."""

    date: dt.date
    basis: str = ""  # `pidstava`: nreg(s) of the amending act(s)
    current: bool = False
    size: int | None = None


@dataclass(frozen=True)
class Card:
    """The open-data card of an act (data.rada.gov.ua/laws/card/{nreg}.json)."""

    nreg: str
    title: str
    status: int | None
    doc_type: int | None
    number: str  # official number, e.g. "4495-VI"
    adopted: dt.date | None
    current_edition: dt.date | None
    editions: tuple[EditionInfo, ...]

    def edition_dates(self) -> list[dt.date]:
        return sorted(e.date for e in self.editions)


@dataclass(frozen=True)
class ChangedAct:
    """One entry of the portal's list of recently changed acts (laws/main/r/page{N}.json)."""

    nreg: str
    title: str
    edition_date: dt.date | None


@dataclass(frozen=True, slots=True)
class Provision:
    """One node of an act's structure (article, part, point, ...) with its normative text.

    `text` is NFC and excludes the enumerator ("1.", "2)") and every amendment note; offsets used by later
    stages are code points of this text.
    """

    eid: str
    kind: str
    number: str | None
    heading: str | None
    text: str
    parent: str | None
    order: int
    anchor: str | None = None
    excluded: bool = False


@dataclass(frozen=True, slots=True)
class Note:
    """An editorial/amendment note ``{...}``, kept apart from the normative text."""

    target: str | None  # eid of the provision it follows; None = the whole act
    text: str
    anchor: str | None
    order: int


@dataclass(frozen=True)
class ParseWarning:
    message: str
    anchor: str | None = None
    eid: str | None = None

    def __str__(self) -> str:
        where = ", ".join(x for x in (self.eid, self.anchor) if x)
        return f"{self.message} ({where})" if where else self.message


@dataclass(frozen=True)
class ParsedAct:
    """The provision tree of one edition of one act, as the parser read it."""

    source_format: str  # "print" | "txt"
    title: str | None
    act_type: str | None
    edition_date: dt.date | None
    basis: str | None
    provisions: tuple[Provision, ...]
    notes: tuple[Note, ...]
    warnings: tuple[ParseWarning, ...] = field(default=())
    article_count: int = 0  # article labels in the normative text (not inside notes)

    def by_eid(self) -> dict[str, Provision]:
        return {p.eid: p for p in self.provisions}

    def articles(self) -> list[Provision]:
        return [p for p in self.provisions if p.kind == "art"]


@dataclass(frozen=True)
class ActOutcome:
    """What one refresh did to one act (a row of the end-of-run summary)."""

    nreg: str
    fetched: int = 0
    unchanged: int = 0
    new_editions: tuple[str, ...] = ()
    failed: str | None = None
    warnings: int = 0
    requests: int = 0
