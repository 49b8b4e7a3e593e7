"""Work and provision ids (shared/specs/ids.md): parse and validate `WORK#EID`, `WORK@DATE`."""

from __future__ import annotations

import datetime as dt
import re

from pipeline.errors import ConfigError

_EID_COMPONENT = re.compile(r"^[a-z]+_[0-9A-Za-zА-Яа-яІіЇїЄєҐґ.\-]+(?:~\d+)?$|^(?:preamble|ga)$")


def parse_provision_id(value: str) -> tuple[str, str]:
    """`4495-17#art_558__para_2` -> ("4495-17", "art_558__para_2"); a bare work id means the whole act."""
    work, sep, eid = value.strip().partition("#")
    if not work:
        raise ConfigError(f"not a provision id: {value!r} (expected WORK#EID, e.g. 4495-17#art_558__para_2)")
    if not sep:
        return work, ""
    if not eid or not all(_EID_COMPONENT.match(c) for c in eid.split("__")):
        raise ConfigError(f"not a provision eId: {eid!r} (expected e.g. art_558__para_2)", provision=value)
    return work, eid


def parse_date(value: str) -> dt.date:
    """ISO dates (2024-11-15), the portal's YYYYMMDD and DD.MM.YYYY."""
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ConfigError(f"not a date: {value!r} (expected YYYY-MM-DD)")
