"""The review workflow: login, CSRF, queue, flag page, decisions with history, re-review after a refresh,
escaping of legal text, two reviewers at once, the report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from pipeline.cli import refresh_instruments
from pipeline.errors import ConfigError
from pipeline.instruments import Instrument
from pipeline.parse import parse_print_html
from pipeline.records import ParsedAct, TrackedAct
from pipeline.review.app import create_app
from pipeline.review.db import add_user, current_decisions, history, record_decision
from pipeline.review.report import report_rows, write_report
from pipeline.store import Store
from pipeline.tagging.job import tag_store
from pipeline.tagging.tagger import Tagger
from tests.conftest import FIXTURES, add_test_instrument

FLAG = "test-conv#art_1"


def _compare(store: Store, tmp_path: Path) -> None:
    from pipeline.align.run import compare_instruments
    from pipeline.align.thesaurus import default_thesaurus
    from pipeline.instruments import load_instruments

    path = tmp_path / "instruments.toml"
    add_test_instrument(path)
    assert refresh_instruments(store, None, path)[1] == []
    compare_instruments(
        store, load_instruments(path), [TrackedAct("100-20", "t", "", ("customs",))], default_thesaurus()
    )


def _edition(parsed: ParsedAct, old: str, new: str) -> ParsedAct:
    return dataclasses.replace(
        parsed, provisions=tuple(dataclasses.replace(p, text=p.text.replace(old, new)) for p in parsed.provisions)
    )


@pytest.fixture
def db(db_location: str, tmp_path: Path, law_html: str) -> str:
    """A store with one act, its comparison with a convention, tags and two reviewers, on each backend."""
    with Store(db_location) as store:
        store.ensure_work(TrackedAct("100-20", "Про випробувальну митну службу"))
        parsed = _edition(
            parse_print_html(law_html),
            "запобігання та протидія контрабанді;",
            "запобігання та протидія контрабанді <script>alert(1)</script>;",
        )
        store.save_edition("100-20", dt.date(2022, 4, 1), parsed)
        _compare(store, tmp_path)
        tag_store(store, Tagger())
        add_user(store, "alice", "correct horse")
        add_user(store, "bob", "battery staple")
    return db_location


def client(db: str) -> TestClient:
    return TestClient(
        create_app(db, secret="test-secret", instruments_file=Path("missing.toml")), follow_redirects=False
    )


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def login(c: TestClient, user: str = "alice", password: str = "correct horse") -> None:
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"username": user, "password": password, "csrf": token})
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_pages_need_a_reviewer(db: str) -> None:
    c = client(db)
    for path in ("/", f"/flag?id={FLAG}", "/search?q=митні", "/matrix"):
        r = c.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/login"


def test_login_checks_password_and_csrf(db: str) -> None:
    c = client(db)
    assert c.post("/login", data={"username": "alice", "password": "correct horse"}).status_code == 403
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"username": "alice", "password": "wrong", "csrf": token})
    assert r.status_code == 200 and "wrong user name or password" in r.text
    login(c)
    assert c.get("/").status_code == 200


def test_queue_lists_and_filters_flags(db: str) -> None:
    c = client(db)
    login(c)
    page = c.get("/").text
    assert FLAG in page and "test-conv#art_2__para_1" in page
    assert "unreviewed" in page
    with Store(db) as store:
        statuses = {r["provision"]: r["status"] for r in store.alignments("test-conv")}
    status = statuses[FLAG]  # whatever the machine decided: the filter must keep exactly those
    filtered = c.get("/", params={"status": status}).text
    rows = {unquote(r) for r in re.findall(r'href="/flag\?id=([^"]+)"', filtered)}
    assert FLAG in rows and rows <= {p for p, s in statuses.items() if s == status}


def test_flag_page_shows_both_sides_escaped(db: str) -> None:
    c = client(db)
    login(c)
    page = c.get("/flag", params={"id": FLAG}).text
    assert "The purpose of this Convention is to prevent and combat smuggling." in page
    assert "100-20#art_1" in page and "official page" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<span class="agency" title="customs">митні органи</span>' in page.replace("Митні", "митні")


def test_flag_page_shows_the_interactions_the_provision_requires(db: str) -> None:
    c = client(db)
    login(c)
    page = c.get("/flag", params={"id": "test-conv#art_2__para_3"}).text
    assert 'id="international-interactions">customs&gt;competent_authority:inform</span>' in page
    assert "international-interactions" not in c.get("/flag", params={"id": FLAG}).text


def test_decisions_need_csrf_are_kept_with_history(db: str) -> None:
    c = client(db)
    login(c)
    token = csrf_of(c.get("/flag", params={"id": FLAG}).text)
    form = {"id": FLAG, "decision": "implemented", "implemented_by": "100-20#art_1__para_1__point_1"}
    assert c.post("/decide", data=form).status_code == 403
    assert c.post("/decide", data={**form, "csrf": token}).status_code == 303
    bad = c.post("/decide", data={**form, "implemented_by": "100-20#art_99", "csrf": token})
    assert bad.status_code == 400 and "no such national provision" in bad.text
    assert (
        c.post(
            "/decide",
            data={
                "id": FLAG,
                "decision": "partial",
                "implemented_by": "100-20#art_1",
                "missing": "no sanction",
                "comment": "see art. 1",
                "csrf": token,
            },
        ).status_code
        == 303
    )
    page = c.get("/flag", params={"id": FLAG}).text
    assert page.count("<td>alice</td>") == 2 and "no sanction" in page
    assert 'id="review-state">reviewed<' in page
    with Store(db) as store:
        assert [d.decision for d in history(store, FLAG)] == ["partial", "implemented"]
        rows = {r["provision"]: r for r in report_rows(store)}
    assert rows[FLAG]["status"] == "partial" and rows[FLAG]["reviewed_status"] == "partial"


def test_refresh_that_changes_a_text_asks_for_re_review(db: str, law_html: str) -> None:
    with Store(db) as store:
        record_decision(
            store,
            provision=FLAG,
            decision="implemented",
            reviewer="alice",
            text_sha256=store.alignments("test-conv")[0]["text_sha256"],
            implemented_by=["100-20#art_1__para_1__point_1"],
        )
        assert report_rows(store)[0]["review_state"] == "reviewed"
        store.save_edition(
            "100-20",
            dt.date(2023, 1, 5),
            _edition(parse_print_html(law_html), "протидія контрабанді", "боротьба з контрабандою"),
        )
        row = next(r for r in report_rows(store) if r["provision"] == FLAG)
        assert row["review_state"] == "needs_re_review"
        assert row["status"] == row["machine_status"]  # a stale decision no longer overrides the machine
        assert [d.decision for d in history(store, FLAG)] == ["implemented"]  # and it is not lost


def test_two_reviewers_at_once_lose_nothing(db: str) -> None:
    clients = {name: client(db) for name in ("alice", "bob")}
    login(clients["alice"])
    login(clients["bob"], "bob", "battery staple")
    tokens = {n: csrf_of(c.get("/flag", params={"id": FLAG}).text) for n, c in clients.items()}
    errors: list[int] = []

    def decide(name: str, i: int) -> None:
        r = clients[name].post(
            "/decide", data={"id": FLAG, "decision": "confirm_gap", "comment": f"{name} {i}", "csrf": tokens[name]}
        )
        if r.status_code != 303:
            errors.append(r.status_code)

    threads = [threading.Thread(target=decide, args=(n, i)) for i in range(10) for n in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store(db) as store:
        comments = {d.comment for d in history(store, FLAG)}
        assert comments == {f"{n} {i}" for n in clients for i in range(10)}
        assert current_decisions(store)[FLAG].decision == "confirm_gap"


def test_report_opens_from_disk(db: str, tmp_path: Path) -> None:
    with Store(db) as store:
        paths = write_report(store, tmp_path / "report")
    page = paths[0].read_text(encoding="utf-8")
    assert "<svg" in page and "test-conv" in page and "Agencies × modality" in page
    assert "<script" not in page  # no script needed, and none injected from the corpus
    assert (tmp_path / "report" / "flags.csv").read_text(encoding="utf-8").startswith("instrument,provision")


def test_user_accounts(tmp_path: Path) -> None:
    with Store(tmp_path / "u.sqlite") as store:
        add_user(store, "carol", "long enough")
        with pytest.raises(ConfigError, match="exists already"):
            add_user(store, "carol", "another one")
        with pytest.raises(ConfigError, match="at least 8"):
            add_user(store, "dave", "short")
        row = store.conn.execute("SELECT password_hash FROM users WHERE username = 'carol'").fetchone()
        assert row["password_hash"].startswith("scrypt$") and "long enough" not in row["password_hash"]


def test_confirmed_decisions_override_the_machine_in_the_concordance(db: str, tmp_path: Path) -> None:
    import csv
    import hashlib

    from pipeline.align.run import InstrumentResult, compare_instruments, reviews_for, write_concordance
    from pipeline.align.thesaurus import default_thesaurus

    inst = Instrument(
        "test-conv",
        "Convention on Customs Cooperation",
        "2001-01-01",
        "binding",
        ("customs",),
        en_file=str(FIXTURES / "treaty-customs.txt"),
    )
    with Store(db) as store:
        record_decision(
            store,
            provision=FLAG,
            decision="confirm_gap",
            reviewer="bob",
            text_sha256=next(r["text_sha256"] for r in store.alignments("test-conv") if r["provision"] == FLAG),
        )
        (result,) = compare_instruments(
            store, [inst], [TrackedAct("100-20", "t", "", ("customs",))], default_thesaurus()
        )  # re-running compare keeps the decision
        assert isinstance(result, InstrumentResult)
        hashes = {a.provision: hashlib.sha256(a.text.encode()).hexdigest() for a in result.alignments}
        reviews = reviews_for(store, list(hashes), hashes)
        assert current_decisions(store)[FLAG].reviewer == "bob"
    write_concordance(result, tmp_path / "conc", reviews)
    with open(tmp_path / "conc" / "test-conv.csv", encoding="utf-8") as f:
        rows = {r["international provision"]: r for r in csv.DictReader(f)}
    assert rows[FLAG]["status"] == "not_implemented" and rows[FLAG]["review"] == "reviewed"
    assert rows[FLAG]["machine status"] != "" and rows[FLAG]["reviewer"] == "bob"
    other = rows["test-conv#art_2__para_1"]
    assert other["review"] == "unreviewed" and other["status"] == other["machine status"]
