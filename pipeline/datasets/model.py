"""The records every exporter writes and every importer reads back.

An ExportUnit is one unit (annotation-guidelines.md) with its text as stored (NFC; offsets are code points of
that text), its context, its stand-off address (unit id, edition, offsets into the provision, sha256 of the
unit text) and optional labels (gold annotations or the tagger's predictions). Importers return
ImportedUnit records: the same address and labels, read back from a tool's file, with offsets already
converted back to code points of the unit text; `normgap import` then checks them against the store.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

# Labels of the layers, shared by all formats: agency spans (value = canonical agency id), norm cue spans
# (value = modality), and per-unit norms (agent, modality) and counterparts (agent, counterpart, type).
AGENCY_LABEL = "AGENCY"
CUE_LABEL = "NORM_CUE"
MODALITIES = ("task", "power", "duty", "prohibition")
INTERACTION_TYPES = ("inform", "request", "assist", "joint", "coordinate", "oversee", "delegate")
GUIDELINES_VERSION = "shared/specs/annotation-guidelines.md (2026-11)"


@dataclass(frozen=True)
class Span:
    start: int  # code points in the unit text, end exclusive
    end: int
    label: str  # AGENCY_LABEL or CUE_LABEL
    value: str  # agency id, or modality for a cue


@dataclass(frozen=True)
class Norm:
    agent: str
    modality: str


@dataclass(frozen=True)
class Counterpart:
    agent: str
    counterpart: str
    type: str


@dataclass(frozen=True)
class Labels:
    spans: tuple[Span, ...] = ()
    norms: tuple[Norm, ...] = ()
    counterparts: tuple[Counterpart, ...] = ()


@dataclass(frozen=True)
class ExportUnit:
    unit: str  # unit id, e.g. 4495-17#art_558__para_4__s1
    edition: str  # YYYY-MM-DD
    start: int  # offsets of the unit in the provision text
    end: int
    text: str
    context: str
    split: str = ""
    gold: Labels | None = None
    predictions: Labels | None = None
    model_version: str = ""
    score: float | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ImportedUnit:
    unit: str
    edition: str
    start: int
    end: int
    sha256: str  # of the text the tool holds (after normalisation back to the stored form)
    text: str
    labels: Labels
    annotator: str = ""
    source: str = field(default="", compare=False)  # file:line or file:task, for error messages
