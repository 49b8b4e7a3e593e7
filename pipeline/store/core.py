"""The corpus store: works, editions, provisions, notes, fetch log, full-text search, tags, alignments.

One Store class on either database: a SQLite file (the default) or a PostgreSQL server (`postgresql://...`),
with the same tables, the same SQL and the same results; pipeline.store.backend holds what differs.

Every write of an act's edition is one transaction: a failure leaves the store as it was. Editions are never
overwritten: a text that changed without a new edition date is kept as a new revision of that date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.errors import NotFoundInStoreError, StoreError
from pipeline.records import Card, Note, ParsedAct, Provision, TrackedAct
from pipeline.store.backend import Backend, Connection, Row, is_postgres_url, mask_url
from pipeline.store.fts import SearchQuery
from pipeline.text import search_form

log = logging.getLogger(__name__)

DEFAULT_DB = Path("corpora/corpus.sqlite")
# the columns of an alignment row, in this order (the table also has an id that orders the rows)
ALIGNMENT_COLUMNS = (
    "provision, instrument, method, status, confidence, text_sha256, concepts, norms, candidates, reason, computed_at"
)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def provision_hash(p: Provision) -> str:
    return hashlib.sha256(f"{p.heading or ''}\n{p.text}".encode()).hexdigest()


def edition_text_hash(parsed: ParsedAct) -> str:
    """sha256 of the normalised text of an edition: ids, kinds, numbers, headings, texts, notes."""
    h = hashlib.sha256()
    for p in parsed.provisions:
        h.update(f"{p.eid}\t{p.kind}\t{p.number or ''}\t{p.heading or ''}\t{int(p.excluded)}\t{p.text}\n".encode())
    for n in parsed.notes:
        h.update(f"{{{n.target or ''}\t{n.text}}}\n".encode())
    return h.hexdigest()


@dataclass(frozen=True)
class EditionRow:
    edition_id: int
    work_id: str
    date: dt.date
    revision: int
    basis: str | None
    text_sha256: str
    source_url: str | None
    fetched_at: str
    article_count: int
    provision_count: int
    warnings: tuple[str, ...]
    title: str | None
    source_format: str | None = None

    @property
    def lang(self) -> str:
        """The language of the edition's text: English for the international instruments, Ukrainian otherwise."""
        return "en" if (self.source_format or "").startswith("treaty") else "uk"

    @property
    def label(self) -> str:
        suffix = f" (revision {self.revision})" if self.revision > 1 else ""
        return f"{self.work_id}@{self.date.isoformat()}{suffix}"


@dataclass(frozen=True)
class SearchHit:
    work_id: str
    edition_date: dt.date
    eid: str
    heading: str | None
    text: str
    rank: float


def _migrations(folder_name: str) -> list[tuple[int, str]]:
    folder = resources.files("pipeline.store")
    for part in folder_name.split("/"):
        folder = folder / part
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(found)


def open_backend(location: str | Path) -> Backend:
    """A PostgreSQL URL (postgresql:// or postgres://), else a SQLite file (sqlite:// optional) or :memory:."""
    where = str(location)
    if is_postgres_url(where):
        from pipeline.store.postgresql import PostgresBackend  # psycopg is needed only for PostgreSQL

        return PostgresBackend(where)
    if "://" in where and not where.startswith("sqlite://"):
        raise StoreError(
            "unsupported database URL (a SQLite file, or postgresql://user@host:port/db)", path=mask_url(where)
        )
    from pipeline.store.sqlite import SQLiteBackend

    return SQLiteBackend(where.removeprefix("sqlite://"))


class Store:
    """One database: a SQLite file (WAL mode) or a PostgreSQL URL; use as a context manager or call close().

    `path` is the file, or the URL with its password masked: what messages show.
    """

    def __init__(self, location: str | Path) -> None:
        self.backend = open_backend(location)
        self.path = self.backend.location
        self.conn: Connection = self.backend.conn
        try:
            self._migrate()
        except self.backend.errors as e:
            self.backend.close()
            raise StoreError(f"cannot read or upgrade the schema: {e}", path=self.path) from e
        except BaseException:
            self.backend.close()
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.backend.close()

    # -- schema -----------------------------------------------------------------------------------
    def schema_version(self) -> int:
        return self.backend.read_version()

    def _migrate(self) -> None:
        migrations = _migrations(self.backend.migrations)
        latest = migrations[-1][0] if migrations else 0
        current = self.schema_version()
        self._check_not_newer(current, latest)
        if current == latest:
            return
        with self.backend.migration_lock():
            # another process may have migrated while this one waited for the lock
            current = self.schema_version()
            self._check_not_newer(current, latest)
            for version, sql in migrations:
                if version <= current:
                    continue
                with self._rolled_back_on_error(f"migration {version} failed"):
                    self.backend.begin_write()
                    # SQLite's lock is the write transaction itself: look again now that it is held
                    if self.schema_version() >= version:
                        self.backend.commit()
                        continue
                    log.info("migrating %s to schema version %d", self.path, version)
                    for statement in _split_sql(sql):
                        self.conn.execute(statement)
                    self.backend.write_version(version)
                    self.backend.commit()

    def _check_not_newer(self, current: int, latest: int) -> None:
        if current > latest:
            raise StoreError(
                f"the database has schema version {current}, newer than this normgap knows ({latest}); upgrade normgap",
                path=self.path,
            )

    def _rollback(self) -> None:
        try:
            self.backend.rollback()
        except self.backend.errors as e:  # the original error matters more; a lost connection rolls back anyway
            log.warning("rollback on %s failed: %s", self.path, e)

    @contextmanager
    def _rolled_back_on_error(self, failure: str) -> Iterator[None]:
        """Any error inside rolls the open transaction back; a database error surfaces as StoreError."""
        try:
            yield
        except self.backend.errors as e:
            self._rollback()
            raise StoreError(f"{failure}: {e}", path=self.path) from e
        except BaseException:
            self._rollback()
            raise

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction: writers wait for each other, readers do not; a database error inside it
        rolls everything back and surfaces as StoreError."""
        try:
            self.backend.begin_write()
        except self.backend.errors as e:
            raise StoreError(f"cannot start a write transaction: {e}", path=self.path) from e
        with self._rolled_back_on_error("database error, nothing written"):
            yield self.conn
        try:
            self.backend.commit()
        except self.backend.errors as e:
            self._rollback()
            raise StoreError(f"commit failed, nothing written: {e}", path=self.path) from e

    # -- works ------------------------------------------------------------------------------------
    def ensure_work(self, act: TrackedAct) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO works(work_id, title, role) VALUES (?, ?, ?) "
                "ON CONFLICT(work_id) DO UPDATE SET role = excluded.role, "
                "title = COALESCE(works.title, excluded.title)",
                (act.nreg, act.title or None, act.role),
            )

    def work(self, work_id: str) -> Row:
        row = self.conn.execute("SELECT * FROM works WHERE work_id = ?", (work_id,)).fetchone()
        if row is None:
            raise NotFoundInStoreError("no such act in the store (run `normgap refresh` first)", work=work_id)
        return row

    def has_work(self, work_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM works WHERE work_id = ?", (work_id,)).fetchone() is not None

    def works(self) -> list[Row]:
        return list(self.conn.execute("SELECT * FROM works ORDER BY work_id"))

    def card_validators(self, work_id: str) -> tuple[str | None, str | None, str | None]:
        row = self.conn.execute(
            "SELECT card_etag, card_last_modified, card_json FROM works WHERE work_id = ?", (work_id,)
        ).fetchone()
        if row is None:
            return None, None, None
        return row["card_etag"], row["card_last_modified"], row["card_json"]

    def record_success(
        self,
        work_id: str,
        *,
        card: Card | None,
        card_json: str | None,
        etag: str | None,
        last_modified: str | None,
    ) -> None:
        """Called after every edition of the act is stored: only then the card's validators are kept, so a
        failed run fetches the card (and the missing editions) again."""
        now = _now()
        with self.transaction() as c:
            if card is not None:
                c.execute(
                    "UPDATE works SET title = ?, number = ?, doc_type = ?, status = ?, adopted = ? WHERE work_id = ?",
                    (
                        card.title or None,
                        card.number or None,
                        card.doc_type,
                        card.status,
                        card.adopted.isoformat() if card.adopted else None,
                        work_id,
                    ),
                )
            if card_json is not None:
                c.execute(
                    "UPDATE works SET card_json = ?, card_etag = ?, card_last_modified = ? WHERE work_id = ?",
                    (card_json, etag, last_modified, work_id),
                )
            c.execute(
                "UPDATE works SET last_refresh = ?, last_success = ?, last_error = NULL WHERE work_id = ?",
                (now, now, work_id),
            )

    def record_failure(self, work_id: str, error: str) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE works SET last_refresh = ?, last_error = ? WHERE work_id = ?",
                (_now(), error, work_id),
            )

    def log_fetch(
        self,
        work_id: str | None,
        url: str,
        status: int | None,
        size: int | None,
        sha256: str | None,
        error: str | None = None,
    ) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO fetch_log(at, work_id, url, status, bytes, sha256, error) VALUES (?,?,?,?,?,?,?)",
                (_now(), work_id, url, status, size, sha256, error),
            )

    # -- editions ---------------------------------------------------------------------------------
    def editions(self, work_id: str) -> list[EditionRow]:
        rows = self.conn.execute(
            "SELECT * FROM editions WHERE work_id = ? ORDER BY date, revision", (work_id,)
        ).fetchall()
        return [_edition(r) for r in rows]

    def edition_dates(self, work_id: str) -> set[dt.date]:
        return {e.date for e in self.editions(work_id)}

    def edition_at(self, work_id: str, at: dt.date | None = None) -> EditionRow:
        """The edition in force at a date (the latest one on or before it); the newest without a date."""
        sql = "SELECT * FROM editions WHERE work_id = ?"
        args: list[object] = [work_id]
        if at is not None:
            sql += " AND date <= ?"
            args.append(at.isoformat())
        row = self.conn.execute(sql + " ORDER BY date DESC, revision DESC LIMIT 1", args).fetchone()
        if row is None:
            when = f" in force on {at.isoformat()}" if at else ""
            self.work(work_id)  # raises when the act itself is unknown
            raise NotFoundInStoreError(f"no edition{when} in the store", work=work_id)
        return _edition(row)

    def save_edition(
        self,
        work_id: str,
        date: dt.date,
        parsed: ParsedAct,
        *,
        basis: str | None = None,
        source_url: str | None = None,
        raw_sha256: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> EditionRow | None:
        """Store one edition in one transaction. Returns None when this very text is already stored."""
        text_hash = edition_text_hash(parsed)
        with self.transaction() as c:
            rows = c.execute(
                "SELECT revision, text_sha256 FROM editions WHERE work_id = ? AND date = ? ORDER BY revision",
                (work_id, date.isoformat()),
            ).fetchall()
            if any(r["text_sha256"] == text_hash for r in rows):
                return None
            revision = (rows[-1]["revision"] + 1) if rows else 1
            if rows:
                log.warning(
                    "%s@%s: text changed without a new edition date; kept as revision %d",
                    work_id,
                    date,
                    revision,
                )
            inserted = c.execute(
                "INSERT INTO editions(work_id, date, revision, basis, text_sha256, source_url, source_format, "
                "raw_sha256, etag, last_modified, fetched_at, title, article_count, provision_count, warnings) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING edition_id",
                (
                    work_id,
                    date.isoformat(),
                    revision,
                    basis,
                    text_hash,
                    source_url,
                    parsed.source_format,
                    raw_sha256,
                    etag,
                    last_modified,
                    _now(),
                    parsed.title,
                    parsed.article_count,
                    len(parsed.provisions),
                    json.dumps([str(w) for w in parsed.warnings], ensure_ascii=False),
                ),
            ).fetchall()
            edition_id = int(inserted[0][0])
            self._insert_provisions(c, edition_id, parsed.provisions)
            c.executemany(
                "INSERT INTO notes(edition_id, ord, target, text, anchor) VALUES (?,?,?,?,?)",
                [(edition_id, n.order, n.target, n.text, n.anchor) for n in parsed.notes],
            )
            row = c.execute("SELECT * FROM editions WHERE edition_id = ?", (edition_id,)).fetchone()
        return _edition(row)

    # -- provisions -------------------------------------------------------------------------------
    def provisions(self, edition_id: int) -> list[Provision]:
        rows = self.conn.execute("SELECT * FROM provisions WHERE edition_id = ? ORDER BY ord", (edition_id,)).fetchall()
        return [_provision(r) for r in rows]

    def provision(self, edition: EditionRow, eid: str) -> Provision:
        row = self.conn.execute(
            "SELECT * FROM provisions WHERE edition_id = ? AND eid = ?", (edition.edition_id, eid)
        ).fetchone()
        if row is None:
            raise NotFoundInStoreError(
                f"no provision {eid} in the edition of {edition.date.isoformat()}",
                work=edition.work_id,
                provision=f"{edition.work_id}#{eid}",
            )
        return _provision(row)

    def subtree(self, edition: EditionRow, eid: str) -> list[Provision]:
        """The provision and everything below it, in document order."""
        self.provision(edition, eid)
        rows = self.conn.execute(
            "SELECT * FROM provisions WHERE edition_id = ? AND (eid = ? OR eid LIKE ? ESCAPE '\\') ORDER BY ord",
            (edition.edition_id, eid, _like_prefix(eid) + "\\_\\_%"),
        ).fetchall()
        found = [_provision(r) for r in rows]
        if any(p.kind in ("part", "chp", "book", "hcontainer") for p in found[:1]):
            # containers hold articles by parent link, not by id prefix
            found = self._container_subtree(edition, eid)
        return found

    def _container_subtree(self, edition: EditionRow, eid: str) -> list[Provision]:
        everything = self.provisions(edition.edition_id)
        inside = {eid}
        result = []
        for p in everything:
            if p.eid == eid or p.parent in inside or any(p.eid.startswith(a + "__") for a in inside):
                inside.add(p.eid)
                result.append(p)
        return result

    def notes_for(self, edition: EditionRow, eids: Sequence[str]) -> list[Note]:
        if not eids:
            return []
        marks = ",".join("?" * len(eids))
        rows = self.conn.execute(
            f"SELECT * FROM notes WHERE edition_id = ? AND target IN ({marks}) ORDER BY ord",
            (edition.edition_id, *eids),
        ).fetchall()
        return [Note(r["target"], r["text"], r["anchor"], r["ord"]) for r in rows]

    # -- search -----------------------------------------------------------------------------------
    def search(
        self, query: SearchQuery, *, limit: int = 20, work_id: str | None = None, all_editions: bool = False
    ) -> list[SearchHit]:
        """Provisions matching a query (see pipeline.search for building one), best first; by default only the
        newest edition of each act. Ranks are bm25 on SQLite and -ts_rank on PostgreSQL: lower is better."""
        found = self.backend.search_sql(query)
        if found is None:
            return []
        sql, args = found
        if work_id:
            sql += " AND e.work_id = ?"
            args.append(work_id)
        if not all_editions:
            sql += (
                " AND e.edition_id = (SELECT e2.edition_id FROM editions e2 WHERE e2.work_id = e.work_id "
                "ORDER BY e2.date DESC, e2.revision DESC LIMIT 1)"
            )
        sql += " ORDER BY rank, e.work_id, p.eid LIMIT ?"
        args.append(limit)
        try:
            rows = self.conn.execute(sql, args).fetchall()
        except self.backend.errors as e:
            raise StoreError(f"bad search expression {str(query)!r}: {e}", path=self.path) from e
        return [
            SearchHit(
                r["work_id"],
                dt.date.fromisoformat(r["date"]),
                r["eid"],
                r["heading"],
                r["text"],
                float(r["rank"]),
            )
            for r in rows
        ]

    def all_editions(self, work_ids: Sequence[str] | None = None) -> list[EditionRow]:
        rows = self.conn.execute("SELECT * FROM editions ORDER BY work_id, date, revision").fetchall()
        editions = [_edition(r) for r in rows]
        return [e for e in editions if work_ids is None or e.work_id in work_ids]

    # -- tags ---------------------------------------------------------------------------------------
    def tagging_of(self, edition_id: int) -> Row | None:
        return self.conn.execute("SELECT * FROM edition_tagging WHERE edition_id = ?", (edition_id,)).fetchone()

    def known_tag_results(self, keys: Sequence[str]) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(f"SELECT * FROM tag_results WHERE key IN ({marks})", chunk):
                found[r["key"]] = (r["mentions"], r["norms"])
        return found

    def save_tags(
        self,
        edition_id: int,
        version: str,
        units: Sequence[tuple[str, int | None, int, int, str]],
        results: dict[str, tuple[str, str]],
        *,
        mentions: int,
        norms: int,
        errors: Sequence[str],
    ) -> None:
        """Replace an edition's tags in one transaction: units are (eid, sentence, start, end, key)."""
        with self.transaction() as c:
            c.executemany(
                "INSERT INTO tag_results(key, mentions, norms) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
                [(k, m, n) for k, (m, n) in results.items()],
            )
            c.execute("DELETE FROM unit_tags WHERE edition_id = ?", (edition_id,))
            c.executemany(
                'INSERT INTO unit_tags(edition_id, eid, sentence, start, "end", key) VALUES (?,?,?,?,?,?)',
                [(edition_id, *u) for u in units],
            )
            c.execute(
                "INSERT INTO edition_tagging(edition_id, tagger_version, tagged_at, units, mentions, norms, errors) "
                "VALUES (?,?,?,?,?,?,?) ON CONFLICT (edition_id) DO UPDATE SET "
                "tagger_version = excluded.tagger_version, tagged_at = excluded.tagged_at, units = excluded.units, "
                "mentions = excluded.mentions, norms = excluded.norms, errors = excluded.errors",
                (
                    edition_id,
                    version,
                    _now(),
                    len(units),
                    mentions,
                    norms,
                    json.dumps(list(errors), ensure_ascii=False),
                ),
            )

    def unit_tags(self, edition_id: int, eids: Sequence[str] | None = None) -> list[Row]:
        sql = (
            'SELECT u.eid, u.sentence, u.start, u."end", r.mentions, r.norms FROM unit_tags u '
            "JOIN tag_results r ON r.key = u.key WHERE u.edition_id = ?"
        )
        rows = self.conn.execute(sql + " ORDER BY u.id", (edition_id,)).fetchall()
        if eids is not None:
            wanted = set(eids)
            rows = [r for r in rows if r["eid"] in wanted]
        return rows

    # -- alignments ---------------------------------------------------------------------------------
    def save_alignments(self, instrument: str, rows: Sequence[dict[str, Any]]) -> None:
        """Store one instrument's alignments (one transaction); rows of another method version are kept. A row
        for the same provision and method is replaced: deleted and added anew, so it sorts as of this run."""
        now = _now()
        with self.transaction() as c:
            c.executemany(
                "DELETE FROM alignments WHERE provision = ? AND method = ?",
                [(r["provision"], r["method"]) for r in rows],
            )
            c.executemany(
                f"INSERT INTO alignments({ALIGNMENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        r["provision"],
                        instrument,
                        r["method"],
                        r["status"],
                        r["confidence"],
                        r["text_sha256"],
                        json.dumps(r["concepts"]),
                        json.dumps(r["norms"]),
                        json.dumps(r["candidates"], ensure_ascii=False),
                        r.get("reason", ""),
                        now,
                    )
                    for r in rows
                ],
            )

    def alignments(self, instrument: str | None = None, method: str | None = None) -> list[Row]:
        """In the order they were stored (per instrument); the columns of ALIGNMENT_COLUMNS."""
        sql = f"SELECT {ALIGNMENT_COLUMNS} FROM alignments WHERE 1 = 1"
        args: list[object] = []
        if instrument:
            sql += " AND instrument = ?"
            args.append(instrument)
        if method:
            sql += " AND method = ?"
            args.append(method)
        return list(self.conn.execute(sql + " ORDER BY instrument, id", args))

    # -- runs -------------------------------------------------------------------------------------
    def start_run(self) -> int:
        with self.transaction() as c:
            row = c.execute("INSERT INTO refresh_runs(started) VALUES (?) RETURNING id", (_now(),)).fetchall()
            return int(row[0][0])

    def finish_run(self, run_id: int, summary: dict[str, object]) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE refresh_runs SET finished = ?, summary = ? WHERE id = ?",
                (_now(), json.dumps(summary, ensure_ascii=False), run_id),
            )

    def _insert_provisions(self, c: Connection, edition_id: int, provisions: Sequence[Provision]) -> None:
        # ids chosen here, not by the database, so the search index can point at them
        ids = self.backend.new_ids("provisions", "id", len(provisions))
        rows = []
        fts = []
        for provision_id, p in zip(ids, provisions, strict=True):
            rows.append(
                (
                    provision_id,
                    edition_id,
                    p.eid,
                    p.kind,
                    p.number,
                    p.heading,
                    p.text,
                    p.parent,
                    p.order,
                    p.anchor,
                    int(p.excluded),
                    provision_hash(p),
                )
            )
            body = search_form(" ".join(x for x in (p.heading, p.text) if x))
            if body:
                fts.append((provision_id, body))
        c.executemany(
            "INSERT INTO provisions(id, edition_id, eid, kind, number, heading, text, parent, ord, anchor, excluded, "
            "text_sha256) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        self.backend.index_for_search(fts)


def _like_prefix(eid: str) -> str:
    return eid.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _edition(r: Row) -> EditionRow:
    return EditionRow(
        edition_id=r["edition_id"],
        work_id=r["work_id"],
        date=dt.date.fromisoformat(r["date"]),
        revision=r["revision"],
        basis=r["basis"],
        text_sha256=r["text_sha256"],
        source_url=r["source_url"],
        fetched_at=r["fetched_at"],
        article_count=r["article_count"],
        provision_count=r["provision_count"],
        warnings=tuple(json.loads(r["warnings"] or "[]")),
        title=r["title"],
        source_format=r["source_format"],
    )


def _provision(r: Row) -> Provision:
    return Provision(
        r["eid"],
        r["kind"],
        r["number"],
        r["heading"],
        r["text"],
        r["parent"],
        r["ord"],
        r["anchor"],
        bool(r["excluded"]),
    )


def _split_sql(sql: str) -> list[str]:
    """Split a migration file into statements, without -- comments (our files have no -- or ; in literals)."""
    lines = [ln.split("--", 1)[0] for ln in sql.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
