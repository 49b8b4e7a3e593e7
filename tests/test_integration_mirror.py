"""End-to-end tests of `normgap refresh` (and show/diff/search/status) against the offline portal mirror.

The mirror (../shared/rada-mirror, next to the repository) is served by its own `serve.py` on a free local
port; every test runs the real CLI in a subprocess (`python -m pipeline ...`) with `--delay 0`, and a
temporary database and raw archive. The expected figures (acts, editions, article counts) are read from the
mirror's README tables, the source of truth, not retyped here. Without the mirror the whole module is skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipeline.mirror import MirrorServer, MirrorServerError, free_port, start_mirror_server

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parent.parent
MIRROR_ROOT = REPO_ROOT.parent / "shared" / "rada-mirror"
SERVE_PY = MIRROR_ROOT / "serve.py"
MIRROR_README = MIRROR_ROOT / "README.md"

REFRESH_TIMEOUT_S = 120.0  # a hard bound for one CLI run (the faulty mirror run takes ~15 s)
FAULTS = ("--fail-every", "4", "--rate-limit", "3/s")


# --------------------------------------------------------------------------------------------------
# The mirror's README: the tables that say what the mirror holds


@dataclass(frozen=True)
class MirrorFacts:
    current_articles: dict[str, int]  # nreg -> "articles (current)"
    edition_dates: dict[str, list[dt.date]]  # nreg -> every edition in the mirror, oldest first
    edition_articles: dict[tuple[str, dt.date], int]  # (nreg, date) -> "articles" of the editions table

    @property
    def acts(self) -> set[str]:
        return set(self.current_articles)

    @property
    def total_editions(self) -> int:
        return sum(len(dates) for dates in self.edition_dates.values())


def _markdown_tables(text: str) -> list[list[list[str]]]:
    """Every pipe table of a Markdown text as rows of cells (header first, separator row dropped)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


def _table_with(tables: list[list[list[str]]], *columns: str) -> tuple[list[str], list[list[str]]]:
    for table in tables:
        header = table[0]
        if all(c in header for c in columns):
            return header, table[1:]
    raise AssertionError(f"the mirror README has no table with the columns {columns}")


def _number(cell: str) -> int:
    return int(cell.replace(",", "").strip())


def _parse_mirror_readme(text: str) -> MirrorFacts:
    tables = _markdown_tables(text)
    header, rows = _table_with(tables, "nreg", "editions in mirror (ed = older, current last)", "articles (current)")
    i_nreg, i_eds = header.index("nreg"), header.index("editions in mirror (ed = older, current last)")
    i_art = header.index("articles (current)")
    current_articles: dict[str, int] = {}
    edition_dates: dict[str, list[dt.date]] = {}
    for row in rows:
        nreg = row[i_nreg]
        current_articles[nreg] = _number(row[i_art])
        dates = [dt.datetime.strptime(m, "%Y%m%d").date() for m in re.findall(r"(?:ed)?(\d{8})", row[i_eds])]
        edition_dates[nreg] = sorted(dates)
    header, rows = _table_with(tables, "nreg", "edition", "articles", "підстава (commit message)")
    i_nreg, i_date, i_art = header.index("nreg"), header.index("edition"), header.index("articles")
    edition_articles = {
        (row[i_nreg], dt.datetime.strptime(row[i_date], "%d.%m.%Y").date()): _number(row[i_art]) for row in rows
    }
    return MirrorFacts(current_articles, edition_dates, edition_articles)


# --------------------------------------------------------------------------------------------------
# Running the mirror server and the CLI


@dataclass(frozen=True)
class LogEntry:
    method: str
    path: str
    status: int


def _log_entries(lines: list[str]) -> list[LogEntry]:
    """`time client method path status bytes`, one request per line."""
    entries = []
    for line in lines:
        parts = line.split()
        assert len(parts) == 6, f"unexpected server log line: {line!r}"
        entries.append(LogEntry(parts[2], parts[3], int(parts[4])))
    return entries


def _start_server(folder: Path, *extra: str) -> MirrorServer:
    try:
        return start_mirror_server(MIRROR_ROOT, folder, extra, cwd=REPO_ROOT)
    except MirrorServerError as e:
        pytest.fail(str(e))


@dataclass(frozen=True)
class CliResult:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str
    seconds: float

    def json(self) -> Any:
        try:
            return json.loads(self.stdout)
        except json.JSONDecodeError as e:
            raise AssertionError(
                f"`normgap {' '.join(self.args)}` printed no JSON: {e}\n"
                f"stdout: {self.stdout[:2000]}\nstderr: {self.stderr[-2000:]}"
            ) from e

    def describe(self) -> str:
        return (
            f"`normgap {' '.join(self.args)}` -> exit {self.code} in {self.seconds:.1f} s\n"
            f"stderr (tail): {self.stderr[-3000:]}"
        )


def normgap(*args: str, timeout: float = REFRESH_TIMEOUT_S) -> CliResult:
    """The real CLI in a subprocess (its own process: own logging set-up, exit code, stdout and stderr)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("NORMGAP_DB", None)  # every call passes --db explicitly
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return CliResult(
        tuple(args),
        done.returncode,
        done.stdout.decode("utf-8"),
        done.stderr.decode("utf-8", errors="replace"),
        time.monotonic() - started,
    )


@dataclass(frozen=True)
class Corpus:
    """A store filled by one refresh, with the run that filled it."""

    db: Path
    archive: Path
    refresh: CliResult
    server: MirrorServer
    log_lines: list[str]  # the server log lines written during the refresh


def refresh(server_url: str, db: Path, archive: Path, *extra: str) -> CliResult:
    return normgap(
        "refresh", "--mirror", server_url, "--delay", "0", "--db", str(db), "--archive", str(archive), "--json", *extra
    )


def status(db: Path) -> dict[str, dict[str, Any]]:
    result = normgap("status", "--json", "--db", str(db))
    assert result.code == 0, result.describe()
    # the acts only: `status` also lists the instruments whose texts refresh stores
    return {row["work_id"]: row for row in result.json() if row["kind"] == "act"}


def stored_editions(db: Path) -> set[tuple[str, str, int, str, int]]:
    """(work, date, revision, text sha256, provisions) of every stored edition, read directly."""
    with sqlite3.connect(db) as c:
        rows = c.execute(
            "SELECT e.work_id, e.date, e.revision, e.text_sha256, "
            "(SELECT count(*) FROM provisions p WHERE p.edition_id = e.edition_id) FROM editions e "
            "WHERE e.source_format = 'print'"  # the acts; instruments' texts are stored too
        ).fetchall()
    return {(str(w), str(d), int(r), str(h), int(n)) for w, d, r, h, n in rows}


# --------------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module", autouse=True)
def mirror_present() -> None:
    if not SERVE_PY.is_file():
        pytest.skip(
            f"offline portal mirror not found: {SERVE_PY} (expected ../shared/rada-mirror next to "
            f"the repository); these integration tests need it"
        )


@pytest.fixture(scope="module")
def facts(mirror_present: None) -> MirrorFacts:
    return _parse_mirror_readme(MIRROR_README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mirror(mirror_present: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MirrorServer]:
    server = _start_server(tmp_path_factory.mktemp("mirror"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def faulty_mirror(mirror_present: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MirrorServer]:
    server = _start_server(tmp_path_factory.mktemp("faulty-mirror"), *FAULTS)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def corpus(mirror: MirrorServer, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """A cold refresh with --history of every tracked act from the (fault-free) mirror."""
    folder = tmp_path_factory.mktemp("corpus")
    before = len(mirror.settled_log_lines())
    result = refresh(mirror.url, folder / "corpus.sqlite", folder / "raw", "--history")
    lines = mirror.settled_log_lines()[before:]
    return Corpus(folder / "corpus.sqlite", folder / "raw", result, mirror, lines)


# --------------------------------------------------------------------------------------------------
# a. cold refresh with --history


def test_readme_tables_parsed(facts: MirrorFacts) -> None:
    assert len(facts.current_articles) == 12, facts.current_articles
    assert len(facts.edition_articles) == 10, facts.edition_articles
    assert {n for n, _ in facts.edition_articles} == {"2341-14", "80731-10"}
    for (nreg, date), _articles in facts.edition_articles.items():
        assert date in facts.edition_dates[nreg], (nreg, date)


def test_cold_refresh_with_history_stores_every_edition(corpus: Corpus, facts: MirrorFacts) -> None:
    assert corpus.refresh.code == 0, corpus.refresh.describe()
    summary = corpus.refresh.json()
    assert summary["aborted"] is None
    assert summary["totals"]["acts"] == 12
    assert summary["totals"]["failed"] == 0, [a for a in summary["acts"] if a["failed"]]
    assert summary["totals"]["new_editions"] == facts.total_editions == 20
    assert {a["nreg"] for a in summary["acts"]} == facts.acts
    # The client counts every request it sends; the server logs every request it receives.
    assert summary["totals"]["requests"] == len(corpus.log_lines)

    rows = status(corpus.db)
    assert set(rows) == facts.acts
    for nreg, row in rows.items():
        dates = [dt.date.fromisoformat(e["date"]) for e in row["editions"]]
        assert dates == facts.edition_dates[nreg], nreg
        assert row["articles"] == facts.current_articles[nreg], nreg
        assert row["editions"][-1]["articles"] == facts.current_articles[nreg], nreg
        assert row["last_error"] is None, (nreg, row["last_error"])
    for nreg in ("2341-14", "80731-10"):
        editions = rows[nreg]["editions"]
        assert len(editions) == 5
        table = sorted(d for n, d in facts.edition_articles if n == nreg)
        assert [dt.date.fromisoformat(e["date"]) for e in editions] == table
        for e in editions:
            date = dt.date.fromisoformat(e["date"])
            assert e["articles"] == facts.edition_articles[(nreg, date)], (nreg, date)


# --------------------------------------------------------------------------------------------------
# b. warm refresh: one conditional request per act


def test_warm_refresh_is_one_request_per_act(corpus: Corpus, facts: MirrorFacts) -> None:
    assert corpus.refresh.code == 0, corpus.refresh.describe()
    editions_before = stored_editions(corpus.db)
    before = len(corpus.server.settled_log_lines())
    result = refresh(corpus.server.url, corpus.db, corpus.archive)
    entries = _log_entries(corpus.server.settled_log_lines()[before:])
    assert result.code == 0, result.describe()

    summary = result.json()
    assert summary["totals"]["new_editions"] == 0
    assert summary["totals"]["fetched"] == 0
    assert summary["totals"]["unchanged"] == 12
    assert summary["totals"]["requests"] == 12
    assert {a["nreg"]: a["requests"] for a in summary["acts"]} == dict.fromkeys(facts.acts, 1)

    assert len(entries) == 12, entries
    card = "/data.rada.gov.ua/laws/card/"
    per_act = Counter(e.path.removeprefix(card).removesuffix(".json") for e in entries)
    assert per_act == Counter(dict.fromkeys(facts.acts, 1)), entries
    assert {e.status for e in entries} == {304}, entries
    assert stored_editions(corpus.db) == editions_before


def test_warm_refresh_with_history_fetches_no_edition_again(corpus: Corpus, facts: MirrorFacts) -> None:
    assert corpus.refresh.code == 0, corpus.refresh.describe()
    before = len(corpus.server.settled_log_lines())
    result = refresh(corpus.server.url, corpus.db, corpus.archive, "--history")
    entries = _log_entries(corpus.server.settled_log_lines()[before:])
    assert result.code == 0, result.describe()
    summary = result.json()
    assert summary["totals"]["new_editions"] == 0
    assert summary["totals"]["requests"] == 12 == len(entries)
    assert all(e.path.startswith("/data.rada.gov.ua/laws/card/") for e in entries), entries


# --------------------------------------------------------------------------------------------------
# c. refresh through injected faults (503 every 4th request, 429 above 3 requests/s)


def test_refresh_through_faults_completes(
    faulty_mirror: MirrorServer, corpus: Corpus, facts: MirrorFacts, tmp_path: Path
) -> None:
    before = len(faulty_mirror.settled_log_lines())
    result = refresh(faulty_mirror.url, tmp_path / "faulty.sqlite", tmp_path / "raw", "--history")
    entries = _log_entries(faulty_mirror.settled_log_lines()[before:])
    assert result.code == 0, result.describe()
    summary = result.json()
    assert summary["aborted"] is None
    assert summary["totals"]["failed"] == 0, [a for a in summary["acts"] if a["failed"]]
    assert summary["totals"]["new_editions"] == facts.total_editions

    statuses = Counter(e.status for e in entries)
    assert statuses[503] + statuses[429] > 0, statuses
    assert statuses[503] > 0, statuses  # --fail-every 4 over dozens of requests cannot miss
    assert summary["backoff_sleep_s"] > 0
    assert summary["totals"]["requests"] == len(entries), statuses

    rows = status(tmp_path / "faulty.sqlite")
    assert set(rows) == facts.acts
    for nreg, row in rows.items():
        assert [dt.date.fromisoformat(e["date"]) for e in row["editions"]] == facts.edition_dates[nreg], nreg
        assert row["articles"] == facts.current_articles[nreg], nreg
    # Retries change nothing in what is stored: the same texts as the fault-free run.
    assert corpus.refresh.code == 0, corpus.refresh.describe()
    assert stored_editions(tmp_path / "faulty.sqlite") == stored_editions(corpus.db)


# --------------------------------------------------------------------------------------------------
# d. the texts: show, diff, search


def test_show_article_at_a_date_gives_the_edition_in_force(corpus: Corpus) -> None:
    db = str(corpus.db)
    result = normgap("show", "2341-14#art_201", "--at", "2018-01-01", "--db", db, "--json")
    assert result.code == 0, result.describe()
    shown = result.json()
    assert shown["edition"] == "2017-07-10"
    text = " ".join(p["text"] for p in shown["provisions"])
    assert "частин вогнепальної нарізної зброї" in text
    # Law 2052-VIII (ed. 10.07.2017) added those words: the edition before does not have them.
    older = normgap("show", "2341-14#art_201", "--at", "2017-06-30", "--db", db, "--json")
    assert older.code == 0, older.describe()
    assert older.json()["edition"] == "2017-06-21"
    assert "частин вогнепальної нарізної зброї" not in " ".join(p["text"] for p in older.json()["provisions"])


def test_diff_reports_the_changed_part(corpus: Corpus) -> None:
    result = normgap(
        "diff", "2341-14#art_201", "--from", "2017-06-21", "--to", "2017-07-10", "--db", str(corpus.db), "--json"
    )
    assert result.code == 0, result.describe()
    diff = result.json()
    assert (diff["from"], diff["to"]) == ("2017-06-21", "2017-07-10")
    changes = {c["eid"]: c for c in diff["changes"]}
    assert list(changes) == ["art_201__para_1"], list(changes)
    change = changes["art_201__para_1"]
    assert change["change"] == "changed"
    assert "зброї та боєприпасів" in change["before"]
    assert "зброї або боєприпасів" in change["after"]
    assert "частин вогнепальної нарізної зброї" in change["after"]


def test_repealed_article_is_excluded(corpus: Corpus) -> None:
    db = str(corpus.db)
    result = normgap("show", "80731-10#art_164-9", "--db", db, "--json")
    assert result.code == 0, result.describe()
    newest = result.json()
    assert newest["edition"] == "2026-02-21"
    article = next(p for p in newest["provisions"] if p["eid"] == "art_164-9")
    assert article["excluded"] is True
    # Repealed by Law 1965-IX in ed. 05.01.2022: still in force in the edition of 25.11.2021.
    older = normgap("show", "80731-10#art_164-9", "--at", "2021-12-01", "--db", db, "--json")
    assert older.code == 0, older.describe()
    assert older.json()["edition"] == "2021-11-25"
    article = next(p for p in older.json()["provisions"] if p["eid"] == "art_164-9")
    assert article["excluded"] is False


def test_search_finds_timber_smuggling(corpus: Corpus) -> None:
    result = normgap("search", "контрабанда лісоматеріалів", "--db", str(corpus.db), "--json")
    assert result.code == 0, result.describe()
    hits = result.json()
    assert "art_201-1" in {h["eid"] for h in hits if h["work_id"] == "2341-14"}, hits


def test_customs_code_part_text(corpus: Corpus) -> None:
    result = normgap("show", "4495-17#art_558__para_2", "--db", str(corpus.db), "--json")
    assert result.code == 0, result.describe()
    provisions = {p["eid"]: p for p in result.json()["provisions"]}
    assert provisions["art_558__para_2"]["text"].startswith("У разі виявлення під час здійснення митного контролю")


# --------------------------------------------------------------------------------------------------
# e. an unreachable mirror: exit 3, quickly, and the store keeps what it had


def test_unreachable_mirror_exits_3_and_keeps_the_store(corpus: Corpus, tmp_path: Path) -> None:
    assert corpus.refresh.code == 0, corpus.refresh.describe()
    db = tmp_path / "copy.sqlite"
    with sqlite3.connect(corpus.db) as source, sqlite3.connect(db) as target:
        source.backup(target)
    before = stored_editions(db)
    assert len(before) == 20
    closed = f"http://127.0.0.1:{free_port()}"  # bound once, then closed: nobody listens there

    result = refresh(closed, db, tmp_path / "raw")
    assert result.code == 3, result.describe()
    assert result.seconds < 30, result.describe()
    assert "--mirror" in result.stderr, result.stderr
    assert stored_editions(db) == before
    assert not (tmp_path / "raw" / "objects").exists()  # nothing archived either
    assert {w: r["editions"] for w, r in status(db).items()} == {w: r["editions"] for w, r in status(corpus.db).items()}

    fresh = tmp_path / "fresh.sqlite"
    result = refresh(closed, fresh, tmp_path / "raw-fresh", "--history")
    assert result.code == 3, result.describe()
    assert result.seconds < 30, result.describe()
    assert "--mirror" in result.stderr, result.stderr
    assert stored_editions(fresh) == set()
