"""The corpus store. SQLite by default; the location comes from --db, then NORMGAP_DB, then the default."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.errors import StoreError
from pipeline.store.sqlite import DEFAULT_DB, EditionRow, SearchHit, Store, edition_text_hash

__all__ = ["DEFAULT_DB", "EditionRow", "SearchHit", "Store", "edition_text_hash", "open_store", "resolve_db"]


def resolve_db(db: str | None) -> str:
    return db or os.environ.get("NORMGAP_DB") or str(DEFAULT_DB)


def open_store(db: str | None = None) -> Store:
    location = resolve_db(db)
    if "://" in location and not location.startswith("sqlite://"):
        raise StoreError(f"unsupported database URL (only SQLite files are supported so far): {location}")
    if location.startswith("sqlite://"):
        location = location.removeprefix("sqlite://")
    return Store(Path(location) if location != ":memory:" else location)
