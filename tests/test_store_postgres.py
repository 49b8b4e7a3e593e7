"""The store on PostgreSQL: URLs and their errors (password masked), the schema of the SQLite store,
migrations, several processes on one store (writers queue, one run at a time), search giving the same hits,
tags, alignments and review decisions on both backends, and the command line answering the same on both."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import socket
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from pipeline.cli import EXIT_LOCKED, EXIT_OK, EXIT_USAGE, main
from pipeline.errors import ConfigError, StoreError
from pipeline.parse import parse_print_html
from pipeline.records import ParsedAct, TrackedAct
from pipeline.review.db import (
    add_user,
    check_login,
    current_decisions,
    history,
    record_decision,
    review_state,
    text_sha,
)
from pipeline.schedule import LockedError, store_lock
from pipeline.search import build_query
from pipeline.store import Store, mask_url, open_store
from pipeline.store.fts import SearchQuery, Term, to_fts5, to_tsquery_literal, to_tsvector_literal
from tests.conftest import postgres_url, with_schema
from tests.portal import FakePortal

D1, D2 = dt.date(2021, 3, 1), dt.date(2022, 4, 1)
LAW = TrackedAct("100-20", "Про випробувальну митну службу", "test")


@pytest.fixture
def parsed(law_html: str) -> ParsedAct:
    return parse_print_html(law_html)


@pytest.fixture
def store(db_location: str) -> Iterator[Store]:
    with Store(db_location) as s:
        s.ensure_work(LAW)
        yield s


def _amended(parsed: ParsedAct, old: str = "невідкладно", new: str = "протягом доби") -> ParsedAct:
    provisions = tuple(dataclasses.replace(p, text=p.text.replace(old, new)) for p in parsed.provisions)
    return dataclasses.replace(parsed, provisions=provisions)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    user = (parts.username or "normgap") + ":" + password
    return urlunsplit(parts._replace(netloc=f"{user}@{parts.hostname}:{parts.port}"))


# -- locations and errors -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://ann:s3cret@db.example:5432/corpus", "postgresql://ann:***@db.example:5432/corpus"),
        ("postgres://ann@db.example/corpus", "postgres://ann@db.example/corpus"),
        (
            "postgresql://ann@db.example/corpus?password=s3cret&sslmode=require",
            "postgresql://ann@db.example/corpus?password=***&sslmode=require",
        ),
    ],
)
def test_passwords_are_masked(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_unreachable_or_malformed_urls_are_store_errors_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    refused = f"postgresql://ann:s3cret@127.0.0.1:{_free_port()}/corpus"
    with pytest.raises(StoreError, match="cannot connect to the PostgreSQL database") as e:
        open_store(refused)
    assert "s3cret" not in str(e.value) and f"ann:***@127.0.0.1:{urlsplit(refused).port}/corpus" in str(e.value)
    assert main(["status", "--db", refused]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "cannot connect" in err and "ann:***@" in err and "s3cret" not in err
    with pytest.raises(StoreError) as e:
        open_store("postgres://ann:s3cret@127.0.0.1:notaport/corpus")
    assert "s3cret" not in str(e.value) and "ann:***@" in str(e.value)
    with pytest.raises(StoreError, match="unsupported database URL") as e:
        open_store("mysql://ann:s3cret@127.0.0.1/corpus")
    assert "s3cret" not in str(e.value)


@pytest.mark.postgres
def test_a_wrong_password_is_a_store_error_without_the_password() -> None:
    url = _with_password(postgres_url(), "not-the-password")
    with pytest.raises(StoreError, match="password authentication failed") as e:
        open_store(url)
    assert "not-the-password" not in str(e.value) and ":***@" in str(e.value)


@pytest.mark.postgres
def test_the_environment_variable_names_a_server_store(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMGAP_DB", pg_url)
    with open_store() as s:
        assert s.backend.name == "postgresql" and s.path == mask_url(pg_url)


# -- schema and migrations ------------------------------------------------------------------------------
def _sqlite_columns(path: Path) -> dict[str, list[str]]:
    with Store(path):
        pass
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")]
            for t in tables
            if not t.startswith(("provisions_fts", "sqlite_"))
        }
    finally:
        conn.close()


@pytest.mark.postgres
def test_same_tables_and_columns_as_sqlite(pg_url: str, tmp_path: Path) -> None:
    with Store(pg_url) as s:
        rows = s.conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        ).fetchall()
    pg: dict[str, list[str]] = {}
    for table, column in rows:
        pg.setdefault(table, []).append(column)
    assert pg.pop("provisions_fts") == ["provision_id", "body"] and pg.pop("schema_version") == ["version"]
    assert pg == _sqlite_columns(tmp_path / "c.sqlite")


@pytest.mark.postgres
def test_migrations_run_once_and_a_reopened_store_keeps_its_data(pg_url: str, parsed: ParsedAct) -> None:
    with Store(pg_url) as s:
        assert s.schema_version() == 5
        s.ensure_work(LAW)
        s.save_edition("100-20", D2, parsed)
    with Store(pg_url) as s:
        assert s.schema_version() == 5
        assert [r[0] for r in s.conn.execute("SELECT version FROM schema_version")] == [5]
        assert [e.date for e in s.editions("100-20")] == [D2]


@pytest.mark.postgres
def test_processes_opening_a_new_store_at_once_migrate_it_once(pg_url: str) -> None:
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            with Store(pg_url) as s:
                assert s.schema_version() == 5
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@pytest.mark.postgres
def test_a_newer_schema_is_refused_naming_the_database(pg_url: str) -> None:
    with Store(pg_url) as s:
        s.conn.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(StoreError, match="schema version 99, newer than this normgap knows") as e:
        Store(pg_url)
    password = urlsplit(pg_url).password
    assert password and password not in str(e.value) and "127.0.0.1" in str(e.value)


@pytest.mark.postgres
def test_a_search_path_without_a_schema_is_refused() -> None:
    with pytest.raises(StoreError, match="no schema to work in"):
        Store(with_schema(postgres_url(), "no_such_schema"))


def test_a_version_4_sqlite_store_keeps_its_row_order(tmp_path: Path) -> None:
    """Migration 5 turns SQLite's hidden rowid into the explicit id that orders tags and alignments."""
    from pipeline.store.core import _migrations, _split_sql

    path = tmp_path / "v4.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    for version, sql in _migrations("migrations"):
        if version <= 4:
            for statement in _split_sql(sql):
                conn.execute(statement)
    conn.execute("PRAGMA user_version = 4")
    conn.execute("INSERT INTO works(work_id) VALUES ('1-1')")
    conn.execute(
        "INSERT INTO editions(edition_id, work_id, date, text_sha256, fetched_at, article_count, provision_count) "
        "VALUES (1, '1-1', '2020-01-01', 'h', 't', 1, 1)"
    )
    conn.execute("INSERT INTO tag_results VALUES ('k', '[]', '[]')")
    for eid in ("art_2", "art_1", "art_3"):
        conn.execute(f"INSERT INTO unit_tags VALUES (1, '{eid}', NULL, 0, 5, 'k')")
    for provision in ("c#art_2", "c#art_1"):
        conn.execute(
            f"INSERT INTO alignments VALUES ('{provision}', 'c', 'm1', 'partial', 0.5, 'h', '[]', '[]', '[]', '', 't')"
        )
    conn.close()
    with Store(path) as s:
        assert s.schema_version() == 5
        assert [r["eid"] for r in s.unit_tags(1)] == ["art_2", "art_1", "art_3"]
        assert [r["provision"] for r in s.alignments("c")] == ["c#art_2", "c#art_1"]


# -- several processes on one store ------------------------------------------------------------------------
@pytest.mark.postgres
def test_writers_on_one_store_queue_instead_of_colliding(pg_url: str, parsed: ParsedAct) -> None:
    """Each writer reads the last revision and writes the next one: they must not both take the same."""
    with Store(pg_url) as s:
        s.ensure_work(LAW)
    errors: list[BaseException] = []
    created: list[str] = []

    def write(i: int) -> None:
        try:
            with Store(pg_url) as s:
                s.save_edition("100-20", D2, _amended(parsed, "невідкладно", f"за {i + 1} години"))
                try:
                    add_user(s, "carol", "long enough")
                    created.append(str(i))
                except ConfigError:
                    pass
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(created) == 1  # "exists already" for all the others
    with Store(pg_url) as s:
        assert sorted(e.revision for e in s.editions("100-20")) == [1, 2, 3, 4, 5, 6]


@pytest.mark.postgres
def test_a_writer_that_waits_too_long_gives_up_and_stays_usable(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.store.postgresql as pg

    monkeypatch.setattr(pg, "_LOCK_TIMEOUT", "200ms")
    with Store(pg_url) as first, Store(pg_url) as second:
        with first.transaction() as c:
            c.execute("INSERT INTO works(work_id) VALUES (?)", ("1-1",))
            with pytest.raises(StoreError, match="cannot start a write transaction") as e, second.transaction():
                pass
            assert "lock timeout" in str(e.value)
            assert not second.has_work("1-1")  # readers do not wait, and see nothing uncommitted
        second.ensure_work(TrackedAct("2-2", "t", "test"))  # no aborted transaction left behind
        assert first.has_work("2-2") and second.has_work("1-1")


@pytest.mark.postgres
def test_one_run_at_a_time_per_store_on_any_machine(pg_url: str, tmp_path: Path) -> None:
    with Store(pg_url):
        pass
    other_store = with_schema(postgres_url(), urlsplit(pg_url).query.rsplit("%3D", 1)[1])
    with store_lock(pg_url):
        with (
            pytest.raises(LockedError, match=r"another normgap run is in progress \(normgap pid \d+ on ") as e,
            store_lock(other_store),
        ):
            pass
        assert ":***@" in str(e.value)
        code = main(["refresh", "--db", pg_url, "--mirror", "http://127.0.0.1:9", "--delay", "0"])
        assert code == EXIT_LOCKED
    with store_lock(pg_url):  # released when the first run ends
        pass


@pytest.mark.postgres
def test_stores_in_two_schemas_do_not_share_the_run_lock(pg_url: str) -> None:
    import psycopg

    base = postgres_url()
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS t_lock_neighbour")
    try:
        with store_lock(pg_url), store_lock(with_schema(base, "t_lock_neighbour")):
            pass
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute("DROP SCHEMA t_lock_neighbour CASCADE")


def test_a_sqlite_store_keeps_its_lock_file_beside_it(tmp_path: Path) -> None:
    db = str(tmp_path / "c.sqlite")
    with store_lock(db):
        assert (tmp_path / ".normgap.lock").read_text(encoding="utf-8").startswith("pid ")
        with pytest.raises(LockedError), store_lock(db):
            pass


# -- search -------------------------------------------------------------------------------------------------
def test_queries_render_for_both_databases() -> None:
    query = SearchQuery(
        (
            (Term("контрабанда"), Term("контрабанді")),
            (Term("митного контролю"),),
            (Term("зобов'яз", prefix=True),),
        )
    )
    assert to_fts5(query) == '("контрабанда" OR "контрабанді") AND "митного контролю" AND "зобов\'яз"*'
    assert to_tsquery_literal(query) == "('контрабанда' | 'контрабанді') & 'митного' <-> 'контролю' & 'зобов''яз':*"
    # the words of FTS5's unicode61 tokenizer: apostrophes inside words, hyphens and punctuation separate
    assert to_tsvector_literal("зобов'язані, 2-1) зобов'язані") == "'зобов''язані':1,4 '2':2 '1':3"
    assert to_tsquery_literal(SearchQuery(((Term("_"),),))) is None


def _fill(location: str, parsed: ParsedAct) -> Store:
    s = Store(location)
    s.ensure_work(LAW)
    s.save_edition("100-20", D1, _amended(parsed))
    s.save_edition("100-20", D2, parsed)
    return s


@pytest.mark.postgres
@pytest.mark.parametrize(
    "query",
    [
        build_query("контрабанда"),
        build_query("митний огляд"),
        build_query('"митного контролю" повідомлення'),
        build_query("зобов’язані"),
        build_query("2-1"),
        build_query("протягом доби"),
        SearchQuery(((Term("контрабанд", prefix=True),), (Term("протидія"), Term("запобігання")))),
        SearchQuery(((Term("митного контр", prefix=True),),)),
        build_query("слово якого немає"),
    ],
    ids=str,
)
def test_search_finds_the_same_provisions_on_both(
    pg_url: str, tmp_path: Path, parsed: ParsedAct, query: SearchQuery
) -> None:
    with _fill(str(tmp_path / "c.sqlite"), parsed) as lite, _fill(pg_url, parsed) as pg:
        for every in (False, True):
            on_sqlite = {(h.edition_date, h.eid) for h in lite.search(query, limit=500, all_editions=every)}
            on_pg = {(h.edition_date, h.eid) for h in pg.search(query, limit=500, all_editions=every)}
            assert on_sqlite == on_pg
        assert pg.search(query, work_id="999-99") == []


# -- tags, alignments, decisions on both backends -----------------------------------------------------------
def test_tags_are_saved_replaced_and_read_in_order(store: Store, parsed: ParsedAct) -> None:
    edition = store.save_edition("100-20", D2, parsed)
    assert edition is not None
    units = [("art_2", 1, 0, 10, "k2"), ("art_1", None, 0, 40, "k1"), ("art_1", None, 41, 50, "k1")]
    results = {"k1": ('[[0, 4, "customs"]]', "[]"), "k2": ("[]", '[{"agent": "customs"}]')}
    store.save_tags(edition.edition_id, "v1", units, results, mentions=1, norms=1, errors=["e"])
    rows = store.unit_tags(edition.edition_id)
    assert [(r["eid"], r["sentence"], r["start"], r["end"], r["mentions"]) for r in rows] == [
        ("art_2", 1, 0, 10, "[]"),
        ("art_1", None, 0, 40, '[[0, 4, "customs"]]'),
        ("art_1", None, 41, 50, '[[0, 4, "customs"]]'),
    ]
    assert tuple(rows[0])[:4] == ("art_2", 1, 0, 10)
    assert [r["eid"] for r in store.unit_tags(edition.edition_id, ["art_2"])] == ["art_2"]
    assert store.known_tag_results(["k1", "nope"]) == {"k1": results["k1"]}
    tagging = store.tagging_of(edition.edition_id)
    assert tagging is not None and tagging["tagger_version"] == "v1" and json.loads(tagging["errors"]) == ["e"]
    # tagging again replaces the units and the summary; a known result is never rewritten
    store.save_tags(edition.edition_id, "v2", units[:1], {"k2": ("changed", "changed")}, mentions=0, norms=1, errors=[])
    assert [r["eid"] for r in store.unit_tags(edition.edition_id)] == ["art_2"]
    assert store.known_tag_results(["k2"]) == {"k2": results["k2"]}
    tagging = store.tagging_of(edition.edition_id)
    assert tagging is not None and (tagging["tagger_version"], tagging["units"]) == ("v2", 1)


def _alignment(provision: str, method: str = "m1", status: str = "partial") -> dict[str, object]:
    return {
        "provision": provision,
        "method": method,
        "status": status,
        "confidence": 0.123456789,
        "text_sha256": "h",
        "concepts": ["smuggling"],
        "norms": [["customs", "power"]],
        "candidates": [{"provision": "100-20#art_1", "score": 1.5, "evidence": ["митниця"]}],
        "reason": "",
    }


def test_alignments_are_saved_replaced_and_read_in_order(store: Store) -> None:
    store.save_alignments("conv", [_alignment("conv#art_2"), _alignment("conv#art_1")])
    store.save_alignments("conv", [_alignment("conv#art_1", method="m0")])
    store.save_alignments("other", [_alignment("other#art_1")])
    rows = store.alignments("conv")
    assert [(r["provision"], r["method"]) for r in rows] == [
        ("conv#art_2", "m1"),
        ("conv#art_1", "m1"),
        ("conv#art_1", "m0"),
    ]
    first = tuple(rows[0])
    assert len(first) == 11 and first[:5] == ("conv#art_2", "conv", "m1", "partial", 0.123456789)
    assert json.loads(rows[0]["candidates"])[0]["evidence"] == ["митниця"]
    # a new verdict for the same provision and method replaces the old one and sorts as of its run
    store.save_alignments("conv", [_alignment("conv#art_2", status="implemented")])
    rows = store.alignments("conv", "m1")
    assert [(r["provision"], r["status"]) for r in rows] == [("conv#art_1", "partial"), ("conv#art_2", "implemented")]
    assert [r["instrument"] for r in store.alignments()] == ["conv", "conv", "conv", "other"]


def test_review_decisions_on_both_backends(store: Store, parsed: ParsedAct) -> None:
    store.save_edition("100-20", D1, parsed)
    add_user(store, "alice", "correct horse")
    assert check_login(store, "alice", "correct horse") and not check_login(store, "alice", "wrong horse")
    with pytest.raises(ConfigError, match="exists already"):
        add_user(store, "alice", "another one")
    first = record_decision(
        store,
        provision="conv#art_1",
        decision="implemented",
        reviewer="alice",
        text_sha256=text_sha("international text"),
        implemented_by=["100-20#art_1__para_2__al_1"],
        comment="  see art. 1 ",
    )
    assert first.id > 0 and first.comment == "see art. 1" and first.national_hashes["100-20#art_1__para_2__al_1"]
    second = record_decision(
        store, provision="conv#art_1", decision="confirm_gap", reviewer="alice", text_sha256=text_sha("x")
    )
    assert second.id > first.id
    assert [d.decision for d in history(store, "conv#art_1")] == ["confirm_gap", "implemented"]
    assert current_decisions(store)["conv#art_1"] == second
    assert review_state(store, first, text_sha("international text")) == "reviewed"
    store.save_edition("100-20", D2, _amended(parsed, "Таке повідомлення", "Це повідомлення"))
    assert review_state(store, first, text_sha("international text")) == "needs_re_review"
    with pytest.raises(StoreError, match="nothing written"):
        record_decision(store, provision="conv#art_2", decision="confirm_gap", reviewer="nobody", text_sha256="h")
    assert "conv#art_2" not in current_decisions(store)


def test_a_failed_transaction_on_either_backend_leaves_nothing(store: Store, parsed: ParsedAct) -> None:
    with pytest.raises(RuntimeError), store.transaction() as c:
        c.execute("INSERT INTO users(username, password_hash, created_at) VALUES (?, ?, ?)", ("eve", "h", "t"))
        raise RuntimeError("stop")
    assert store.conn.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0
    broken = dataclasses.replace(parsed, provisions=(*parsed.provisions, parsed.provisions[0]))
    with pytest.raises(StoreError, match="nothing written"):
        store.save_edition("100-20", D1, broken)
    assert store.editions("100-20") == []
    assert store.conn.execute("SELECT COUNT(*) FROM provisions").fetchone()[0] == 0
    assert store.search(build_query("контрабанда"), all_editions=True) == []


# -- the command line on both backends ------------------------------------------------------------------------
def _answers(db: str, portal: FakePortal, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    """What the commands answer on a store refreshed from the fake portal, without times and ranks."""
    acts = tmp_path / "acts.toml"
    acts.write_text('[[act]]\nnreg = "100-20"\ntitle = "Про випробувальну митну службу"\nrole = "test"\n', "utf-8")
    archive = tmp_path / f"raw-{len(list(tmp_path.iterdir()))}"
    fetch = ["--db", db, "--mirror", portal.base, "--delay", "0", "--acts-file", str(acts), "--archive", str(archive)]
    answers: dict[str, object] = {}

    def run(name: str, argv: list[str]) -> str:
        capsys.readouterr()
        assert main(argv) == EXIT_OK, name
        return capsys.readouterr().out

    refreshed = json.loads(run("refresh", ["refresh", "--history", "--json", "--no-instruments", *fetch]))
    answers["refresh"] = [(a["nreg"], a["new_editions"], a["failed"]) for a in refreshed["acts"]]
    answers["warm"] = json.loads(run("warm", ["refresh", "--json", "--no-instruments", *fetch]))["totals"]
    status = json.loads(run("status", ["status", "--json", "--db", db]))
    answers["status"] = [{k: v for k, v in r.items() if k not in ("last_refresh", "last_success")} for r in status]
    answers["show"] = run("show", ["show", "100-20#art_1__para_2", "--at", "2021-06-01", "--db", db])
    answers["diff"] = run("diff", ["diff", "100-20#art_1", "--from", "2021-03-01", "--to", "2022-04-01", "--db", db])
    hits = json.loads(run("search", ["search", "контрабанді", "--json", "--all-editions", "--db", db]))
    answers["search"] = sorted((h["edition_date"], h["eid"]) for h in hits)
    tagged = json.loads(run("tag", ["tag", "--rules-only", "--json", "--db", db]))
    answers["tag"] = [(e["label"], e["units"], e["mentions"], e["norms"]) for e in tagged["editions"]]
    answers["norms"] = json.loads(run("norms", ["norms", "100-20#art_1", "--json", "--db", db]))
    return answers


@pytest.mark.postgres
def test_the_command_line_answers_the_same_on_both(
    pg_url: str, portal: FakePortal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    on_sqlite = _answers(str(tmp_path / "c.sqlite"), portal, tmp_path, capsys)
    on_pg = _answers(pg_url, portal, tmp_path, capsys)
    assert on_sqlite["refresh"] == [("100-20", ["2021-03-01", "2022-04-01"], None)]
    assert on_sqlite["search"] and on_sqlite["tag"]
    assert on_pg == on_sqlite
