"""The store, on SQLite and on PostgreSQL: migrations, one transaction per edition, nothing overwritten,
search, subtrees."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.errors import NotFoundInStoreError, StoreError
from pipeline.parse import parse_print_html
from pipeline.records import ParsedAct, TrackedAct
from pipeline.search import build_query
from pipeline.store import Store, open_store

D1, D2 = dt.date(2021, 3, 1), dt.date(2022, 4, 1)


@pytest.fixture
def parsed(law_html: str) -> ParsedAct:
    return parse_print_html(law_html)


@pytest.fixture
def store(db_location: str) -> Iterator[Store]:
    s = Store(db_location)
    s.ensure_work(TrackedAct("100-20", "Про випробувальну митну службу", "test"))
    yield s
    s.close()


def _amended(parsed: ParsedAct) -> ParsedAct:
    provisions = tuple(
        dataclasses.replace(p, text=p.text.replace("невідкладно", "протягом доби")) for p in parsed.provisions
    )
    return dataclasses.replace(parsed, provisions=provisions)


def test_schema_is_migrated_and_wal(tmp_path: Path) -> None:
    store = Store(tmp_path / "corpus.sqlite")
    assert store.schema_version() == 5
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    expected = {"works", "editions", "provisions", "notes", "tag_results", "unit_tags", "edition_tagging"}
    expected |= {"alignments", "decisions", "users"}
    assert expected <= tables
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="newer than this normgap"):
        Store(path)


def test_save_and_read_back_an_edition(store: Store, parsed: ParsedAct) -> None:
    saved = store.save_edition("100-20", D2, parsed, basis="300-20", source_url="https://example/print")
    assert saved is not None and saved.label == "100-20@2022-04-01"
    assert saved.article_count == parsed.article_count
    back = store.provisions(saved.edition_id)
    assert back == list(parsed.provisions)
    notes = store.notes_for(saved, ["art_4"])
    assert notes[0].text.startswith("Статтю 4 виключено")


def test_same_text_again_writes_nothing(store: Store, parsed: ParsedAct) -> None:
    assert store.save_edition("100-20", D2, parsed) is not None
    assert store.save_edition("100-20", D2, parsed) is None
    assert len(store.editions("100-20")) == 1


def test_changed_text_with_the_same_date_is_a_new_revision_not_an_overwrite(store: Store, parsed: ParsedAct) -> None:
    first = store.save_edition("100-20", D2, parsed)
    second = store.save_edition("100-20", D2, _amended(parsed))
    assert first is not None and second is not None
    assert (first.revision, second.revision) == (1, 2)
    assert store.provision(first, "art_1__para_2__al_1").text == "Таке повідомлення надсилається невідкладно."
    assert store.edition_at("100-20").edition_id == second.edition_id


def test_edition_in_force_at_a_date(store: Store, parsed: ParsedAct) -> None:
    store.save_edition("100-20", D1, parsed)
    store.save_edition("100-20", D2, _amended(parsed))
    assert store.edition_at("100-20", dt.date(2021, 12, 31)).date == D1
    assert store.edition_at("100-20", D2).date == D2
    assert store.edition_at("100-20").date == D2
    with pytest.raises(NotFoundInStoreError, match="no edition in force on 2020-01-01"):
        store.edition_at("100-20", dt.date(2020, 1, 1))
    with pytest.raises(NotFoundInStoreError, match="no such act"):
        store.edition_at("999-99")


def test_a_failed_write_leaves_nothing_behind(store: Store, parsed: ParsedAct) -> None:
    store.save_edition("100-20", D1, parsed)
    broken = dataclasses.replace(parsed, provisions=(*parsed.provisions, parsed.provisions[0]))  # dup id
    with pytest.raises(StoreError, match="nothing written"):
        store.save_edition("100-20", D2, _amended(broken))
    assert [e.date for e in store.editions("100-20")] == [D1]
    count = store.conn.execute("SELECT COUNT(*) FROM provisions").fetchone()[0]
    assert count == len(parsed.provisions)


def test_subtree_of_an_article_and_of_a_part(store: Store, parsed: ParsedAct) -> None:
    edition = store.save_edition("100-20", D2, parsed)
    assert edition is not None
    art = [p.eid for p in store.subtree(edition, "art_2")]
    assert art[0] == "art_2" and "art_2__al_2__point_2" in art and "art_2-1" not in art
    part = [p.eid for p in store.subtree(edition, "part_I")]
    assert {"chp_1", "art_1", "art_2-1__al_1__para_2", "art_4"} <= set(part)
    assert "part_II__para_1" not in part
    with pytest.raises(NotFoundInStoreError):
        store.subtree(edition, "art_77")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("митний огляд", "art_2__point_1"),  # "митний огляд" matches "митний огляд товарів"
        ("контрабанда", "art_1__para_1__point_1"),  # lemma: matches "контрабанді"
        ("зобов’язані повідомляти", "art_1__para_2"),  # typographic apostrophe in the query
        ("зобов'язані", "art_1__para_2"),  # ASCII apostrophe matches the typographic one in the text
        ('"митного контролю"', "art_1__para_1__point_2"),
    ],
)
def test_search_is_lemma_and_apostrophe_insensitive(store: Store, parsed: ParsedAct, query: str, expected: str) -> None:
    store.save_edition("100-20", D2, parsed)
    hits = [h.eid for h in store.search(build_query(query), limit=50)]
    assert expected in hits


def test_search_defaults_to_the_newest_edition(store: Store, parsed: ParsedAct) -> None:
    store.save_edition("100-20", D1, parsed)
    store.save_edition("100-20", D2, _amended(parsed))
    newest = store.search(build_query("невідкладно"), limit=10)
    every = store.search(build_query("невідкладно"), limit=10, all_editions=True)
    assert newest == []
    assert [h.edition_date for h in every] == [D1]


def test_open_store_honours_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMGAP_DB", str(tmp_path / "env.sqlite"))
    with open_store() as s:
        assert s.path == str(tmp_path / "env.sqlite")
    with open_store(str(tmp_path / "flag.sqlite")) as s:
        assert s.path.endswith("flag.sqlite")
    with pytest.raises(StoreError, match="unsupported database URL"):
        open_store("mysql://somewhere/db")


def test_failures_and_successes_are_recorded(store: Store) -> None:
    store.record_failure("100-20", "page has no articles")
    assert store.work("100-20")["last_error"] == "page has no articles"
    store.record_success("100-20", card=None, card_json=None, etag=None, last_modified=None)
    row = store.work("100-20")
    assert row["last_error"] is None and row["last_success"]
