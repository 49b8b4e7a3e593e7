"""The store on one SQLite file (WAL mode): the default, for one machine."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from pipeline.errors import StoreError
from pipeline.store.backend import Backend
from pipeline.store.fts import SearchQuery, to_fts5


class SQLiteBackend(Backend):
    name: ClassVar[str] = "sqlite"
    migrations: ClassVar[str] = "migrations"

    def __init__(self, path: str | Path) -> None:
        self.location = str(path)
        self.errors = (sqlite3.Error,)
        if self.location != ":memory:":
            Path(self.location).parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(self.location, timeout=30.0, isolation_level=None)
        except sqlite3.Error as e:
            raise StoreError(f"cannot open the database: {e}", path=self.location) from e
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        if self.location != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        self.raw = conn
        self.conn = conn

    def close(self) -> None:
        self.raw.close()

    def begin_write(self) -> None:
        # IMMEDIATE takes the write lock now, so a read-then-write transaction never meets another writer
        self.raw.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.raw.execute("COMMIT")

    def rollback(self) -> None:
        self.raw.execute("ROLLBACK")

    def read_version(self) -> int:
        return int(self.raw.execute("PRAGMA user_version").fetchone()[0])

    def write_version(self, version: int) -> None:
        self.raw.execute(f"PRAGMA user_version = {int(version)}")

    def new_ids(self, table: str, column: str, count: int) -> list[int]:
        # the write lock is held, so nobody else takes the same ids
        first = int(self.raw.execute(f"SELECT COALESCE(MAX({column}), 0) FROM {table}").fetchone()[0]) + 1
        return list(range(first, first + count))

    def index_for_search(self, rows: Sequence[tuple[int, str]]) -> None:
        self.raw.executemany("INSERT INTO provisions_fts(rowid, body) VALUES (?, ?)", rows)

    def search_sql(self, query: SearchQuery) -> tuple[str, list[object]] | None:
        sql = (
            "SELECT e.work_id, e.date, p.eid, p.heading, p.text, bm25(provisions_fts) AS rank "
            "FROM provisions_fts JOIN provisions p ON p.id = provisions_fts.rowid "
            "JOIN editions e ON e.edition_id = p.edition_id WHERE provisions_fts MATCH ?"
        )
        return sql, [to_fts5(query)]
