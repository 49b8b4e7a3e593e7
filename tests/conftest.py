"""Shared test helpers: fixture paths, the location of ../shared (tests that need it skip without it), and
stores on either backend (PostgreSQL from $NORMGAP_TEST_PG, which `.ci/postgres start` prints)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from pipeline.instruments import Instrument, add_instrument
from pipeline.parse import parse_print_html
from pipeline.records import TrackedAct
from pipeline.store import Store
from tests.portal import FakePortal, put_law, serve

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path inside ../shared, or skip the test with a clear reason when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the project's ../shared folder is absent on this machine)")
    return path


@pytest.fixture(autouse=True)
def _embedding_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that align through the CLI embed with the real model, into a cache of the session, never
    into corpora/cache of the checkout."""
    monkeypatch.setenv("NORMGAP_EMBEDDINGS", str(tmp_path_factory.getbasetemp() / "embeddings.sqlite"))


@pytest.fixture
def law_html() -> str:
    return (FIXTURES / "law-print.htm").read_text(encoding="utf-8")


@pytest.fixture
def portal(law_html: str) -> Iterator[FakePortal]:
    """The fake portal serving the fixture law with two editions (test files with other needs define their
    own `portal`)."""
    p = FakePortal()
    put_law(p, law_html)
    with serve(p):
        yield p


@pytest.fixture
def store(tmp_path: Path, law_html: str) -> Store:
    """A SQLite store holding the fixture law 100-20 in its 2022-04-01 edition (test files with other needs
    define their own `store`)."""
    s = Store(tmp_path / "c.sqlite")
    s.ensure_work(TrackedAct("100-20", "Про випробувальну митну службу"))
    s.save_edition("100-20", dt.date(2022, 4, 1), parse_print_html(law_html))
    return s


# -- PostgreSQL ---------------------------------------------------------------------------------------------
PG_ENV = "NORMGAP_TEST_PG"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"postgres: needs a PostgreSQL server at ${PG_ENV} (skipped without one, but fails under CI)"
    )


def postgres_url() -> str:
    """$NORMGAP_TEST_PG; without it skip, except under CI, whose .ci/run starts a server: there it is a failure."""
    url = os.environ.get(PG_ENV)
    if url:
        return url
    reason = f'needs a PostgreSQL server: run `eval "$(.ci/postgres start)"`, which sets {PG_ENV}'
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; under CI .ci/run must have started one (see its output for why not)", pytrace=False)
    pytest.skip(reason)


def with_schema(url: str, schema: str) -> str:
    """The URL with a search_path of one schema: the store's tables go there."""
    option = quote(f"-csearch_path={schema}", safe="")
    return f"{url}{'&' if '?' in url else '?'}options={option}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL store URL in a fresh schema of its own, dropped after the test."""
    import psycopg

    base = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_schema(base, schema)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store's location on each backend: a SQLite file, then a PostgreSQL URL."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return str(tmp_path / "corpus.sqlite")


def add_test_instrument(
    path: Path, slug: str = "test-conv", title: str = "Convention on Customs Cooperation", force: str = "binding"
) -> None:
    """Register an instrument whose English text is the test treaty (tests/fixtures/treaty-customs.txt)."""
    date = "2001-01-01" if force == "binding" else "2002-01-01"
    add_instrument(
        path, Instrument(slug, title, date, force, ("customs",), en_file=str(FIXTURES / "treaty-customs.txt"))
    )


@pytest.fixture
def registry(tmp_path: Path) -> tuple[Path, Path]:
    """A binding and a soft-law instrument (the English test treaty) and a tracked act 100-20 on customs."""
    instruments = tmp_path / "instruments.toml"
    add_test_instrument(instruments)
    add_test_instrument(instruments, "test-soft", "Guidelines", "soft_law")
    acts = tmp_path / "acts.toml"
    acts.write_text('[[act]]\nnreg = "100-20"\ntitle = "t"\ntopics = ["customs"]\n', encoding="utf-8")
    return instruments, acts
