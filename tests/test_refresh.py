"""Refresh against a fake portal: incremental, one request per act when warm, per-act errors, nothing lost."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.http import PoliteClient, RawArchive
from pipeline.records import Card, EditionInfo, TrackedAct
from pipeline.refresh import Refresher, RefreshReport, editions_to_fetch
from pipeline.sources.rada import RadaSource
from pipeline.store import Store
from tests.portal import PRINT, FakePortal, edition_page, put_law, serve

LAW = TrackedAct("100-20", "Про випробувальну митну службу", "test")
OTHER = TrackedAct("200-20", "Інший закон", "test")


@pytest.fixture
def portal(law_html: str) -> Iterator[FakePortal]:
    p = FakePortal()
    put_law(p, law_html)
    p.put_card("200-20", [("20200201", "")], title="Інший закон")
    p.put(PRINT.format("200-20"), edition_page(law_html, "20200201", "негайно"))
    with serve(p):
        yield p


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "corpus.sqlite")
    yield s
    s.close()


def _refresh(
    portal: FakePortal, store: Store, tmp_path: Path, acts: list[TrackedAct] | None = None, **kwargs: object
) -> RefreshReport:
    client = PoliteClient(
        delay=0,
        mirror=portal.base,
        archive=RawArchive(tmp_path / "raw"),
        robots_cache_dir=tmp_path / "robots",
        backoff_max=0.05,
        jitter=0,
    )
    source = RadaSource(client, state_dir=tmp_path / "state")
    return Refresher(store, source).run(acts or [LAW, OTHER], **kwargs)  # type: ignore[arg-type]


def _card(*dates: dt.date, current: dt.date | None = None) -> Card:
    eds = tuple(EditionInfo(d) for d in dates)
    return Card("1-1", "t", 5, 1, "1", None, current or max(dates), eds)


@pytest.mark.parametrize(
    ("stored", "history", "since", "expected"),
    [
        (set(), False, None, ["2022-04-01"]),  # first refresh: the current edition
        (set(), True, None, ["2019-01-01", "2021-03-01", "2022-04-01"]),  # backfill
        (set(), True, dt.date(2020, 1, 1), ["2021-03-01", "2022-04-01"]),  # backfill since a date
        ({dt.date(2021, 3, 1)}, False, None, ["2022-04-01"]),  # every edition published since
        ({dt.date(2019, 1, 1)}, False, None, ["2021-03-01", "2022-04-01"]),
        ({dt.date(2022, 4, 1)}, False, None, []),
        ({dt.date(2022, 4, 1)}, True, None, ["2019-01-01", "2021-03-01"]),
    ],
)
def test_editions_to_fetch(stored: set[dt.date], history: bool, since: dt.date | None, expected: list[str]) -> None:
    card = _card(dt.date(2019, 1, 1), dt.date(2021, 3, 1), dt.date(2022, 4, 1))
    got = editions_to_fetch(card, stored, history=history, since=since)
    assert [d.isoformat() for d in got] == expected


def test_future_editions_are_not_fetched_yet() -> None:
    card = _card(dt.date(2022, 4, 1), dt.date(2030, 1, 1), current=dt.date(2022, 4, 1))
    assert editions_to_fetch(card, set(), history=True, since=None, today=dt.date(2026, 1, 1)) == [dt.date(2022, 4, 1)]


def test_cold_then_warm_refresh(portal: FakePortal, store: Store, tmp_path: Path) -> None:
    cold = _refresh(portal, store, tmp_path)
    assert not cold.failed and cold.totals()["new_editions"] == 2
    edition = store.edition_at("100-20")
    assert edition.date == dt.date(2022, 4, 1) and edition.basis == "300-20"
    assert store.work("100-20")["title"] == "Тестовий закон"
    before = len(portal.log)
    warm = _refresh(portal, store, tmp_path)
    assert [o.requests for o in warm.outcomes] == [1, 1]
    assert [o.unchanged for o in warm.outcomes] == [1, 1]
    assert len(portal.log) - before == 2
    assert all(status == 304 for _, status in portal.log[before:])


def test_history_backfills_and_later_refreshes_add_new_editions(
    portal: FakePortal, store: Store, tmp_path: Path, law_html: str
) -> None:
    _refresh(portal, store, tmp_path, [LAW], history=True)
    assert [e.date.isoformat() for e in store.editions("100-20")] == ["2021-03-01", "2022-04-01"]
    old = store.edition_at("100-20", dt.date(2021, 12, 31))
    assert store.provision(old, "art_1__para_2__al_1").text == "Таке повідомлення надсилається протягом доби."
    # a new edition appears on the portal
    portal.put_card("100-20", [("20230105", "400-20"), ("20210301", "200-20"), ("20220401", "300-20")])
    portal.put(PRINT.format("100-20"), edition_page(law_html, "20230105", "одразу"))
    report = _refresh(portal, store, tmp_path, [LAW])
    assert report.outcomes[0].new_editions == ("2023-01-05",)
    assert [e.date.isoformat() for e in store.editions("100-20")] == [
        "2021-03-01",
        "2022-04-01",
        "2023-01-05",
    ]
    assert portal.requests_to("/ed20220401/") == 0


def test_unknown_act_fails_alone(portal: FakePortal, store: Store, tmp_path: Path) -> None:
    report = _refresh(portal, store, tmp_path, [TrackedAct("999-99", ""), LAW])
    failed = {o.nreg: o.failed for o in report.outcomes}
    assert failed["999-99"] is not None and "404" in failed["999-99"]
    assert failed["100-20"] is None
    assert store.work("999-99")["last_error"] == failed["999-99"]


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("<html><body><p>Сторінка</p></body></html>", "no div#article"),
        ("TRUNCATE", "truncated"),
        (
            '<html><body><div id="article"><p class=rvps2>Текст без статей.</p></div>'
            '<div class="stamp">Публікації документа</div></body></html>',
            "no articles",
        ),
        ("<html><body>Текст відсутній</body></html>", "no public text"),
    ],
)
def test_bad_pages_are_errors_and_keep_what_was_stored(
    portal: FakePortal, store: Store, tmp_path: Path, law_html: str, page: str, message: str
) -> None:
    _refresh(portal, store, tmp_path, [LAW])
    before = store.editions("100-20")
    portal.put_card("100-20", [("20230105", "400-20"), ("20220401", "300-20")])
    portal.put(PRINT.format("100-20"), law_html[: len(law_html) // 2] if page == "TRUNCATE" else page)
    report = _refresh(portal, store, tmp_path, [LAW, OTHER])
    outcome = report.outcomes[0]
    assert outcome.failed is not None and message in outcome.failed
    assert "100-20" in outcome.failed and "print" in outcome.failed  # names the act and the URL
    assert report.outcomes[1].failed is None
    assert store.editions("100-20") == before
    # the card's validators were not kept: the next run asks again and gets the edition once it is fixed
    portal.put(PRINT.format("100-20"), edition_page(law_html, "20230105", "одразу"))
    again = _refresh(portal, store, tmp_path, [LAW])
    assert again.outcomes[0].new_editions == ("2023-01-05",)


def test_transient_faults_are_retried(portal: FakePortal, store: Store, tmp_path: Path) -> None:
    portal.faults["/data.rada.gov.ua/laws/card/100-20.json"] = [503, 429]
    portal.faults[PRINT.format("100-20")] = [502]
    report = _refresh(portal, store, tmp_path)
    assert not report.failed
    assert report.outcomes[0].requests >= 5
    assert store.edition_at("100-20").date == dt.date(2022, 4, 1)


def test_act_without_a_card_falls_back_to_the_print_page(portal: FakePortal, store: Store, tmp_path: Path) -> None:
    del portal.pages["/data.rada.gov.ua/laws/card/200-20.json"]
    report = _refresh(portal, store, tmp_path, [OTHER])
    assert report.outcomes[0].failed is None
    assert store.edition_at("200-20").date == dt.date(2020, 2, 1)  # dated by the page's stamp


def test_unreachable_portal_aborts_the_run_at_once(store: Store, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = PoliteClient(delay=0, mirror=f"http://127.0.0.1:{port}", robots_cache_dir=tmp_path / "r")
    report = Refresher(store, RadaSource(client, state_dir=tmp_path / "s")).run([LAW, OTHER])
    assert report.aborted is not None and "--mirror" in report.aborted
    assert report.outcomes[1].failed is not None and report.outcomes[1].failed.startswith("not attempted")
    assert store.editions("100-20") == []


def test_instruments_official_ukrainian_texts_are_fetched_like_acts(
    portal: FakePortal, store: Store, tmp_path: Path
) -> None:
    from pipeline.cli import refresh_instruments
    from pipeline.instruments import Instrument, add_instrument
    from tests.conftest import FIXTURES

    path = tmp_path / "instruments.toml"
    treaty = str(FIXTURES / "treaty-customs.txt")
    # the fake portal's law 100-20 stands in for a translation; 995_404 is not on the portal; 995_500 is garbled
    add_instrument(
        path, Instrument("with-uk", "Convention", "2001-01-01", "binding", portal_nreg="100-20", en_file=treaty)
    )
    add_instrument(path, Instrument("no-uk", "Other", "2001-01-01", "binding", portal_nreg="995_404", en_file=treaty))
    add_instrument(path, Instrument("bad-uk", "Third", "2001-01-01", "binding", portal_nreg="995_500", en_file=treaty))
    portal.put_card("995_500", [("20220401", "")], title="Third")
    portal.put(PRINT.format("995_500"), "<html><body>garbled</body></html>")
    client = PoliteClient(
        delay=0, mirror=portal.base, archive=RawArchive(tmp_path / "raw"), robots_cache_dir=tmp_path / "robots"
    )
    source = RadaSource(client, state_dir=tmp_path / "state")
    done, errors = refresh_instruments(store, client, path, source=source)
    assert len(errors) == 1 and errors[0].startswith("bad-uk: official Ukrainian text 995_500")
    assert any(line.startswith("with-uk") and "official Ukrainian text 100-20: new" in line for line in done)
    assert any(line.startswith("no-uk") and "995_404 not on the portal" in line for line in done)
    assert store.edition_at("100-20").date == dt.date(2022, 4, 1)
    assert all(store.editions(slug) for slug in ("with-uk", "no-uk", "bad-uk"))  # English texts stored either way
    # within a week the absent text is not asked for again
    asked = portal.requests_to("995_404")
    done, _ = refresh_instruments(store, client, path, source=source)
    assert portal.requests_to("995_404") == asked
    assert any(line.startswith("no-uk") and "not on the portal when checked" in line for line in done)
