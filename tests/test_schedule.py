"""Unattended runs: the lock, the change list, `normgap update` and its change report."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.cli import EXIT_LOCKED, EXIT_OK, main
from pipeline.records import ChangedAct
from pipeline.schedule import LockedError, changed_since, run_lock
from tests.portal import PRINT, FakePortal, edition_page, put_law, serve


def test_the_lock_keeps_a_second_run_out(tmp_path: Path) -> None:
    lock = tmp_path / ".normgap.lock"
    with run_lock(lock):
        with pytest.raises(LockedError, match="another normgap run is in progress") as e, run_lock(lock):
            pass
        assert "pid " in str(e.value)
    with run_lock(lock):  # released when the first run ends
        pass


def test_cli_exits_5_while_another_run_holds_the_lock(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with run_lock(tmp_path / ".normgap.lock"):
        code = main(["refresh", "--db", str(tmp_path / "c.sqlite"), "--mirror", "http://127.0.0.1:9", "--delay", "0"])
    assert code == EXIT_LOCKED
    assert "another normgap run is in progress" in capsys.readouterr().err


def test_change_list_selects_acts() -> None:
    entries = [
        ChangedAct("1-1", "a", dt.date(2026, 2, 21)),
        ChangedAct("2-2", "b", dt.date(2025, 1, 1)),
        ChangedAct("3-3", "c", None),
    ]
    assert changed_since(entries, dt.date(2026, 1, 1)) == {"1-1", "3-3"}


@pytest.fixture
def portal(law_html: str) -> Iterator[FakePortal]:
    p = FakePortal()
    p.put_card("100-20", [("20210301", "200-20")])
    p.put(PRINT.format("100-20"), edition_page(law_html, "20210301", "протягом доби"))
    p.put(
        "/data.rada.gov.ua/laws/main/r/page1.json",
        json.dumps({"cnt": 1, "from": 1, "list": [{"nreg": "100-20", "nazva": "t", "poddat": 20220401}]}),
    )
    with serve(p):
        yield p


def test_update_writes_a_change_report(
    portal: FakePortal, law_html: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    acts = tmp_path / "acts.toml"
    acts.write_text('[[act]]\nnreg = "100-20"\ntitle = "t"\n', encoding="utf-8")
    args = [
        "--db",
        str(tmp_path / "c.sqlite"),
        "--mirror",
        portal.base,
        "--delay",
        "0",
        "--acts-file",
        str(acts),
        "--archive",
        str(tmp_path / "raw"),
        "--instruments-file",
        str(tmp_path / "none.toml"),
        "--out",
        str(tmp_path / "out"),
        "--log",
        str(tmp_path / "log" / "normgap.log"),
    ]
    assert main(["update", *args]) == EXIT_OK
    # a new edition appears; the change list names the act
    put_law(portal, law_html)
    capsys.readouterr()
    assert main(["update", *args, "--since", "2022-01-01"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "1 new editions" in out
    report = json.loads(next((tmp_path / "out" / "changes").glob("*.json")).read_text(encoding="utf-8"))
    (edition,) = report["new_editions"]
    assert (edition["work"], edition["edition"], edition["previous"]) == ("100-20", "2022-04-01", "2021-03-01")
    assert {"eid": "art_1__para_2__al_1", "change": "changed"}.items() <= edition["changed_provisions"][0].items()
    assert (tmp_path / "out" / "report" / "index.html").exists()
    assert "INFO" in (tmp_path / "log" / "normgap.log").read_text(encoding="utf-8")


def test_update_compares_again_when_the_rules_change(
    portal: FakePortal, registry: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An upgrade of the tagging rules retags every edition; the alignments that weigh the norms are made again,
    not left as they were because no new edition came in."""
    instruments, acts = registry
    args = ["--db", str(tmp_path / "c.sqlite"), "--mirror", portal.base, "--delay", "0", "--acts-file", str(acts)]
    args += ["--archive", str(tmp_path / "raw"), "--instruments-file", str(instruments), "--out", str(tmp_path / "o")]
    args += ["--log", str(tmp_path / "normgap.log"), "--no-embeddings"]
    assert main(["update", *args]) == EXIT_OK
    assert "compared 2 instruments" in capsys.readouterr().out
    assert main(["update", *args]) == EXIT_OK
    assert "nothing compared again" in capsys.readouterr().out
    # the store was tagged by older rules (as after an upgrade of normgap): every edition is tagged again
    import sqlite3

    with sqlite3.connect(tmp_path / "c.sqlite") as conn:
        conn.execute("UPDATE edition_tagging SET tagger_version = 'rules-0000000000'")
    assert main(["update", *args]) == EXIT_OK
    out = capsys.readouterr().out
    assert "compared 2 instruments" in out and "nothing compared again" not in out
