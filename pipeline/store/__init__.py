"""The corpus store: a SQLite file by default, or a shared PostgreSQL database (`postgresql://user@host/db`).

The location comes from --db, then NORMGAP_DB, then the default file.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.store.backend import Row, is_postgres_url, mask_url
from pipeline.store.core import DEFAULT_DB, EditionRow, SearchHit, Store, edition_text_hash

__all__ = [
    "DEFAULT_DB",
    "EditionRow",
    "Row",
    "SearchHit",
    "Store",
    "edition_text_hash",
    "is_postgres_url",
    "local_folder",
    "mask_url",
    "open_store",
    "resolve_db",
]


def resolve_db(db: str | None) -> str:
    return db or os.environ.get("NORMGAP_DB") or str(DEFAULT_DB)


def open_store(db: str | None = None) -> Store:
    """The store at --db (a file or a URL), else $NORMGAP_DB, else the default file; migrated to this version."""
    return Store(resolve_db(db))


def local_folder(db: str) -> Path:
    """The folder for this machine's files that go with a store (lock file, review secret): beside a SQLite file;
    for a server database, the default corpus folder."""
    if "://" in db and not db.startswith("sqlite://"):
        return DEFAULT_DB.parent
    return Path(db.removeprefix("sqlite://")).parent
