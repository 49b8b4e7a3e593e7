"""What changed in a provision (and everything below it) between two editions: pure functions."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.records import Provision


@dataclass(frozen=True)
class ProvisionChange:
    eid: str
    change: str  # "added" | "removed" | "changed"
    before: str | None
    after: str | None

    def unified(self) -> str:
        a = (self.before or "").splitlines()
        b = (self.after or "").splitlines()
        return "\n".join(difflib.unified_diff(a, b, "before", "after", lineterm="", n=0))


def render_provision(p: Provision) -> str:
    """A provision as one line of text, with its enumerator and heading, as a reader sees it."""
    if p.kind == "art":
        label = f"Стаття {p.number}."
        if p.excluded:
            return f"{label} (виключено)"
        return f"{label} {p.heading or ''}".rstrip()
    if p.kind in ("part", "chp", "book", "hcontainer"):
        word = {"part": "Розділ", "chp": "Глава"}.get(p.kind, "")
        return " ".join(x for x in (word, p.number or "", p.heading or "") if x)
    if p.kind == "para" and p.number:
        return f"{p.number}. {p.text}"
    if p.kind in ("point", "subpoint") and p.number:
        return f"{p.number}) {p.text}"
    return p.text


def diff_provisions(before: Sequence[Provision], after: Sequence[Provision]) -> list[ProvisionChange]:
    """Changes by provision id, in the order of the newer edition (removed ones where they stood)."""
    old = {p.eid: p for p in before}
    new = {p.eid: p for p in after}
    changes: list[ProvisionChange] = []
    for p in after:
        if p.eid not in old:
            changes.append(ProvisionChange(p.eid, "added", None, render_provision(p)))
        else:
            a, b = render_provision(old[p.eid]), render_provision(p)
            if a != b:
                changes.append(ProvisionChange(p.eid, "changed", a, b))
    for p in before:
        if p.eid not in new:
            changes.append(ProvisionChange(p.eid, "removed", render_provision(p), None))
    return changes
