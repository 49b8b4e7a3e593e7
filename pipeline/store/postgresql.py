"""The store on a PostgreSQL server, shared by several reviewers and scheduled jobs on several machines.

Same tables and columns as the SQLite store (migrations/postgresql/), the same `?`-parameterised SQL (turned
into psycopg's `%s` here), rows readable by name and by index like sqlite3.Row. Write transactions take a
transaction-level advisory lock first: writers queue one after the other exactly as SQLite's BEGIN IMMEDIATE
makes them, so a read-then-write (the next revision number, "user exists already") never races another
process, while readers never wait. Locks are keyed by the schema, so two stores in one database (say, the
tests') do not block each other.
"""

from __future__ import annotations

import logging
import os
import socket
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, ClassVar

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import RowMaker

from pipeline.errors import StoreError
from pipeline.store.backend import Backend, Cursor, mask_url
from pipeline.store.fts import SearchQuery, to_tsquery_literal, to_tsvector_literal

log = logging.getLogger(__name__)

_LOCK_CLASS = 0x4E47  # "NG": first key of normgap's advisory locks; the second one names lock and schema
_LOCK_TIMEOUT = "60s"  # a writer waits this long for another one before it gives up (SQLite: 30 s)


class PgRow:
    """A row by column name or index, like sqlite3.Row (the first column of a name wins)."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: int | str, /) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PgRow) and (self._values, self._index) == (other._values, other._index)

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"PgRow({dict(zip(self._index, self._values, strict=False))!r})"


def _rows(cursor: psycopg.Cursor[Any]) -> RowMaker[PgRow]:
    index: dict[str, int] = {}
    for i, column in enumerate(cursor.description or ()):
        index.setdefault(column.name, i)

    def make(values: Sequence[Any]) -> PgRow:
        return PgRow(values, index)

    return make


@lru_cache(maxsize=512)
def _placeholders(sql: str) -> str:
    """`?` -> `%s`; a literal % must be doubled for psycopg (the store's SQL has no ? or % inside quotes)."""
    return sql.replace("%", "%%").replace("?", "%s")


class PgConnection:
    """A psycopg connection that takes the store's `?` placeholders."""

    def __init__(self, raw: psycopg.Connection[PgRow]) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Any = None, /) -> Cursor:
        if parameters is None:
            return self.raw.execute(sql)  # sent as it is: no placeholders, a % stays a %
        return self.raw.execute(_placeholders(sql), parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Cursor:
        cur = self.raw.cursor()
        cur.executemany(_placeholders(sql), list(parameters))
        return cur


def _lock_key(name: str, schema: str) -> int:
    # a positive int4: pg_locks shows it in the oid column objid
    return zlib.crc32(f"normgap:{name}:{schema}".encode()) & 0x7FFFFFFF


def _application_name() -> str:
    """Who holds a connection, as pg_stat_activity shows it to someone waiting for our lock."""
    return f"normgap pid {os.getpid()} on {socket.gethostname()}"[:63]


def connect(url: str) -> psycopg.Connection[PgRow]:
    """An autocommit connection (the store issues BEGIN/COMMIT itself); StoreError names the masked URL."""
    location = mask_url(url)
    try:
        given = conninfo_to_dict(url)
    except psycopg.Error as e:
        raise StoreError(f"bad PostgreSQL URL: {e}", path=location) from e
    defaults: dict[str, str | int] = {"connect_timeout": 10, "application_name": _application_name()}
    conninfo = make_conninfo(url, **{k: v for k, v in defaults.items() if k not in given})
    try:
        raw = psycopg.connect(conninfo, autocommit=True, row_factory=_rows)
    except psycopg.Error as e:
        # libpq's message names host, port and user, never the password
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise StoreError(f"cannot connect to the PostgreSQL database: {reason}", path=location) from e
    return raw


class PostgresBackend(Backend):
    name: ClassVar[str] = "postgresql"
    migrations: ClassVar[str] = "migrations/postgresql"

    def __init__(self, url: str) -> None:
        self.location = mask_url(url)
        self.errors = (psycopg.Error,)
        self.raw = connect(url)
        self.conn = PgConnection(self.raw)
        try:
            self.raw.execute(f"SET lock_timeout = '{_LOCK_TIMEOUT}'")
            schema = self.raw.execute("SELECT current_schema()").fetchone()
        except psycopg.Error as e:
            self.raw.close()
            raise StoreError(f"cannot set up the PostgreSQL session: {e}", path=self.location) from e
        if schema is None or schema[0] is None:
            self.raw.close()
            raise StoreError("no schema to work in: the search_path names no existing schema", path=self.location)
        self.schema = str(schema[0])
        self._write_key = _lock_key("write", self.schema)

    def close(self) -> None:
        self.raw.close()

    def begin_write(self) -> None:
        self.raw.execute("BEGIN")
        try:
            self.raw.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_CLASS, self._write_key))
        except psycopg.Error:
            self.raw.execute("ROLLBACK")  # lock_timeout: leave no aborted transaction behind
            raise

    @contextmanager
    def migration_lock(self) -> Iterator[None]:
        # Taken before BEGIN, not inside the transaction: a backend caches table lookups (a missing
        # schema_version too) and refreshes them when a transaction starts, so a process that waited here while
        # another one migrated sees the new tables only in a transaction begun after the wait.
        key = _lock_key("migrate", self.schema)
        self.raw.execute("SELECT pg_advisory_lock(%s, %s)", (_LOCK_CLASS, key))
        try:
            yield
        finally:
            try:
                self.raw.execute("SELECT pg_advisory_unlock(%s, %s)", (_LOCK_CLASS, key))
            except psycopg.Error as e:  # a lost connection has freed it anyway
                log.warning("releasing the migration lock of %s: %s", self.location, e)

    def commit(self) -> None:
        self.raw.execute("COMMIT")

    def rollback(self) -> None:
        self.raw.execute("ROLLBACK")

    def read_version(self) -> int:
        row = self.raw.execute(
            "SELECT to_regclass(quote_ident(current_schema()) || '.schema_version') IS NOT NULL"
        ).fetchone()
        if row is None or not row[0]:
            return 0
        found = self.raw.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(found[0]) if found is not None and found[0] is not None else 0

    def write_version(self, version: int) -> None:
        self.raw.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        self.raw.execute("DELETE FROM schema_version")
        self.raw.execute("INSERT INTO schema_version(version) VALUES (%s)", (version,))

    def new_ids(self, table: str, column: str, count: int) -> list[int]:
        rows = self.raw.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", (table, column, count)
        ).fetchall()
        return [int(r[0]) for r in rows]

    def index_for_search(self, rows: Sequence[tuple[int, str]]) -> None:
        self.conn.executemany(
            "INSERT INTO provisions_fts(provision_id, body) VALUES (?, CAST(? AS tsvector))",
            [(i, to_tsvector_literal(body)) for i, body in rows],
        )

    def search_sql(self, query: SearchQuery) -> tuple[str, list[object]] | None:
        tsquery = to_tsquery_literal(query)
        if tsquery is None:
            return None
        # ts_rank: higher is better; negated so that, as with bm25, the best hit sorts first
        sql = (
            "SELECT e.work_id, e.date, p.eid, p.heading, p.text, -ts_rank(f.body, CAST(? AS tsquery)) AS rank "
            "FROM provisions_fts f JOIN provisions p ON p.id = f.provision_id "
            "JOIN editions e ON e.edition_id = p.edition_id WHERE f.body @@ CAST(? AS tsquery)"
        )
        return sql, [tsquery, tsquery]


@contextmanager
def advisory_lock(url: str, name: str) -> Iterator[str | None]:
    """Try to take the store's session-level advisory lock `name` on a connection of its own, held until the
    block ends (or the process dies: the server then ends the session and frees the lock). Yields None when
    taken, else who holds it, and then holds nothing."""
    raw = connect(url)
    try:
        schema = raw.execute("SELECT current_schema()").fetchone()
        key = _lock_key(name, str(schema[0] if schema else ""))
        got = raw.execute("SELECT pg_try_advisory_lock(%s, %s)", (_LOCK_CLASS, key)).fetchone()
        if got is not None and got[0]:
            try:
                yield None
            finally:
                try:
                    raw.execute("SELECT pg_advisory_unlock(%s, %s)", (_LOCK_CLASS, key))
                except psycopg.Error as e:  # a lost connection has freed the lock anyway
                    log.warning("releasing the %s lock of %s: %s", name, mask_url(url), e)
            return
        holder = raw.execute(
            "SELECT a.application_name, a.client_addr, a.backend_start FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND l.classid = %s AND l.objid = %s AND l.objsubid = 2",
            (_LOCK_CLASS, key),
        ).fetchone()
        if holder is None or not holder[0]:
            yield "another normgap process"
        else:
            since = holder[2].replace(microsecond=0).isoformat() if holder[2] else "?"
            where = f" from {holder[1]}" if holder[1] else ""
            yield f"{holder[0]}{where} since {since}"
    finally:
        raw.close()
