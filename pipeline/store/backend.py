"""What the store needs from a database, whichever it is: a connection that runs `?`-parameterised SQL and
returns rows readable by column name and by index, write transactions that exclude each other, schema
versions, and the few statements that differ between SQLite and PostgreSQL (ids, full-text search).

Everything else in the store is plain SQL that both databases accept (ON CONFLICT, RETURNING), so the
store's queries are written once.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, ClassVar, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pipeline.store.fts import SearchQuery


class Row(Protocol):
    """A result row: `row["column"]` and `row[0]`, `keys()`, iteration over the values (sqlite3.Row does this)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


class Cursor(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The part of a DB-API connection the store uses; parameters are `?` placeholders on every backend."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Cursor: ...


class Backend(ABC):
    """One open database. `location` is what messages show: the file, or the URL with its password masked."""

    name: ClassVar[str]
    migrations: ClassVar[str]  # the folder of this backend's migrations, relative to pipeline/store
    errors: tuple[type[Exception], ...]
    location: str
    conn: Connection

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def begin_write(self) -> None:
        """Start a transaction that excludes every other writer until commit or rollback."""

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def rollback(self) -> None: ...

    def migration_lock(self) -> AbstractContextManager[object]:
        """Held around all the migrations of one process, outside their transactions."""
        return nullcontext()

    @abstractmethod
    def read_version(self) -> int:
        """The schema version the database is at (0 when empty)."""

    @abstractmethod
    def write_version(self, version: int) -> None:
        """Record a schema version (inside the migration's transaction)."""

    @abstractmethod
    def new_ids(self, table: str, column: str, count: int) -> list[int]:
        """`count` fresh values for an id column, inside a write transaction."""

    @abstractmethod
    def index_for_search(self, rows: Sequence[tuple[int, str]]) -> None:
        """Add (provision id, search form of heading + text) to the full-text index."""

    @abstractmethod
    def search_sql(self, query: SearchQuery) -> tuple[str, list[object]] | None:
        """`SELECT e.work_id, e.date, p.eid, p.heading, p.text, <rank> AS rank FROM ... WHERE <match>` over
        provisions `p` and editions `e`, lower rank first; None when the query cannot match anything."""


# -- locations -------------------------------------------------------------------------------------------
_POSTGRES_SCHEMES = ("postgresql", "postgres")
_SECRET_PARAMS = {"password", "sslpassword"}


def is_postgres_url(location: str) -> bool:
    return location.split("://", 1)[0].lower() in _POSTGRES_SCHEMES and "://" in location


def mask_url(url: str) -> str:
    """The URL with its password (in the user part or as a parameter) replaced by ***, for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        netloc = f"{userinfo}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(k in _SECRET_PARAMS for k, _ in pairs):
            query = urlencode([(k, "***" if k in _SECRET_PARAMS else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
