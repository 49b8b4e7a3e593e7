"""The command line end to end, on the fake portal: exit codes, summaries, show/diff/search/status, outputs."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import EXIT_FAILED, EXIT_NOT_FOUND, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, main
from tests.conftest import FIXTURES, ROOT
from tests.portal import FakePortal


@pytest.fixture
def acts_file(tmp_path: Path) -> Path:
    path = tmp_path / "acts.toml"
    path.write_text(
        '[[act]]\nnreg = "100-20"\ntitle = "Про випробувальну митну службу"\nrole = "test"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def env(tmp_path: Path, acts_file: Path, portal: FakePortal) -> list[str]:
    """Common arguments of a refresh against the fake portal, into a store in tmp_path."""
    return [
        "--db",
        str(tmp_path / "c.sqlite"),
        "--mirror",
        portal.base,
        "--delay",
        "0",
        "--acts-file",
        str(acts_file),
        "--archive",
        str(tmp_path / "raw"),
    ]


def test_help_explains_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    for command in ("refresh", "status", "show", "diff", "search", "parse", "acts", "run"):
        assert command in out
    assert "Exit codes" in out


def test_acts_list_add_remove(acts_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["acts", "--acts-file", str(acts_file), "add", "4495-17", "--title", "Митний кодекс"]) == EXIT_OK
    assert main(["acts", "--acts-file", str(acts_file), "add", "4495-17"]) == EXIT_USAGE
    assert "already tracked" in capsys.readouterr().err
    assert main(["acts", "--acts-file", str(acts_file), "add", "not an nreg!"]) == EXIT_USAGE
    assert main(["acts", "--acts-file", str(acts_file), "list"]) == EXIT_OK
    assert "4495-17    Митний кодекс" in capsys.readouterr().out
    assert main(["acts", "--acts-file", str(acts_file), "remove", "4495-17"]) == EXIT_OK
    assert main(["acts", "--acts-file", str(acts_file), "remove", "4495-17"]) == EXIT_USAGE
    assert "4495-17" not in acts_file.read_text(encoding="utf-8")


def test_shipped_acts_file_lists_the_twelve_acts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["acts", "--acts-file", str(ROOT / "corpora" / "acts.toml"), "list"]) == EXIT_OK
    lines = capsys.readouterr().out.strip().splitlines()
    nregs = {line.split()[0] for line in lines}
    assert nregs == {
        "4495-17",
        "2341-14",
        "4651-17",
        "80731-10",
        "580-19",
        "2229-12",
        "661-15",
        "1150-20",
        "2135-12",
        "1698-18",
        "794-19",
        "1697-18",
    }


def test_refresh_summary_then_warm(env: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["refresh", "--history", *env]) == EXIT_OK
    out = capsys.readouterr().out
    assert "100-20" in out and "2021-03-01, 2022-04-01" in out and "2 new editions, 0 failed" in out
    assert main(["refresh", "--json", *env]) == EXIT_OK
    summary = json.loads(capsys.readouterr().out)
    assert summary["totals"]["requests"] == 1 and summary["totals"]["unchanged"] == 1


def test_status_show_diff_search(env: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["refresh", "--history", *env]) == EXIT_OK
    db = ["--db", str(tmp_path / "c.sqlite")]
    capsys.readouterr()
    assert main(["status", "--json", *db]) == EXIT_OK
    status = json.loads(capsys.readouterr().out)
    assert status[0]["work_id"] == "100-20" and status[0]["articles"] == 5
    assert [e["date"] for e in status[0]["editions"]] == ["2021-03-01", "2022-04-01"]

    assert main(["show", "100-20#art_1__para_2", "--at", "2021-06-01", *db]) == EXIT_OK
    out = capsys.readouterr().out
    assert "edition of 2021-03-01" in out and "протягом доби" in out
    assert main(["show", "100-20#art_1__para_1", *db]) == EXIT_OK
    out = capsys.readouterr().out
    assert "2-1) взаємодія з Національною поліцією України;" in out
    assert "{Частину першу статті 1 доповнено пунктом 2-1" in out

    assert main(["diff", "100-20#art_1", "--from", "2021-03-01", "--to", "2022-04-01", "--json", *db]) == EXIT_OK
    changes = json.loads(capsys.readouterr().out)["changes"]
    assert [(c["eid"], c["change"]) for c in changes] == [("art_1__para_2__al_1", "changed")]

    assert main(["search", "контрабанді", "--json", *db]) == EXIT_OK
    hits = json.loads(capsys.readouterr().out)
    assert {h["eid"] for h in hits} >= {"art_1__para_1__point_1", "art_2-1"}


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["show", "100-20#art_99"], EXIT_NOT_FOUND, "no provision art_99"),
        (["show", "555-55#art_1"], EXIT_NOT_FOUND, "no such act"),
        (["show", "100-20#art 1"], EXIT_USAGE, "not a provision eId"),
        (["show", "100-20#art_1", "--at", "yesterday"], EXIT_USAGE, "not a date"),
        (
            ["diff", "100-20#art_1", "--from", "2019-01-01", "--to", "2022-04-01"],
            EXIT_NOT_FOUND,
            "no edition in force on 2019-01-01",
        ),
    ],
)
def test_bad_ids_and_dates(
    env: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    message: str,
) -> None:
    assert main(["refresh", "--history", *env]) == EXIT_OK
    capsys.readouterr()
    assert main([*argv, "--db", str(tmp_path / "c.sqlite")]) == code
    assert message in capsys.readouterr().err


def test_failed_act_gives_exit_1_and_names_it(
    env: list[str], acts_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    acts_file.write_text(acts_file.read_text(encoding="utf-8") + '\n[[act]]\nnreg = "999-99"\n', encoding="utf-8")
    assert main(["refresh", *env]) == EXIT_FAILED
    out = capsys.readouterr().out
    assert "999-99" in out and "FAILED" in out and "1 failed" in out


def test_unreachable_portal_exits_3_and_names_mirror(
    tmp_path: Path, acts_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = main(
        [
            "run",
            "--db",
            str(tmp_path / "c.sqlite"),
            "--mirror",
            f"http://127.0.0.1:{port}",
            "--delay",
            "0",
            "--acts-file",
            str(acts_file),
            "--archive",
            str(tmp_path / "raw"),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == EXIT_UNREACHABLE
    assert "--mirror" in capsys.readouterr().err


def test_run_writes_outputs_a_scholar_opens(env: list[str], tmp_path: Path) -> None:
    # lexical alignment only: embedding the mirror's 3,000 articles takes minutes (tests/test_align*.py embed)
    assert main(["run", *env, "--out", str(tmp_path / "out"), "--no-embeddings"]) == EXIT_OK
    table = (tmp_path / "out" / "corpus" / "corpus.csv").read_text(encoding="utf-8")
    assert "100-20,Тестовий закон,2022-04-01,300-20,5," in table
    assert "| 100-20 |" in (tmp_path / "out" / "corpus" / "README.md").read_text(encoding="utf-8")


def test_parse_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(FIXTURES / "law-print.htm"), "--json"]) == EXIT_OK
    tree = json.loads(capsys.readouterr().out)
    assert tree["article_count"] == 5 and tree["edition_date"] == "2022-04-01"
    assert any(p["eid"] == "art_2__al_2__point_1" for p in tree["provisions"])
    empty = tmp_path / "empty.htm"
    empty.write_text("<html><body><p>нічого</p></body></html>", encoding="utf-8")
    assert main(["parse", str(empty)]) == EXIT_FAILED
    assert "no articles found" in capsys.readouterr().err
    assert main(["parse", str(tmp_path / "missing.htm")]) == EXIT_USAGE


def test_cp1251_file_parses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "cp1251.htm"
    text = (FIXTURES / "law-print.htm").read_text(encoding="utf-8").replace("’", "'")
    page.write_bytes(text.replace('<meta charset="utf-8">', '<meta charset="windows-1251">').encode("cp1251"))
    assert main(["parse", str(page), "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["title"] == "Про випробувальну митну службу"


def test_python_dash_m_pipeline_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("normgap ")
