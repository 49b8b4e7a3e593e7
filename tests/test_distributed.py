"""The Dask engine gives the same tags as the local one (on a LocalCluster of two worker processes)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from pipeline.parse import parse_print_html
from pipeline.records import TrackedAct
from pipeline.store import Store
from pipeline.tagging.job import LocalEngine, tag_partition, tag_store
from pipeline.tagging.tagger import Tagger


def _store(path: Path, law_html: str) -> Store:
    s = Store(path)
    s.ensure_work(TrackedAct("100-20", "Про випробувальну митну службу"))
    parsed = parse_print_html(law_html)
    s.save_edition("100-20", dt.date(2022, 4, 1), parsed)
    s.save_edition(
        "100-20",
        dt.date(2021, 3, 1),
        dataclasses.replace(
            parsed,
            provisions=tuple(
                dataclasses.replace(p, text=p.text.replace("невідкладно", "протягом доби")) for p in parsed.provisions
            ),
        ),
    )
    return s


def _rows(store: Store) -> list[tuple[object, ...]]:
    return sorted(
        tuple(r)
        for r in store.conn.execute(
            "SELECT u.edition_id, u.eid, u.start, u.end, r.mentions, r.norms FROM unit_tags u "
            "JOIN tag_results r ON r.key = u.key"
        )
    )


def test_dask_engine_matches_the_local_engine(tmp_path: Path, law_html: str) -> None:
    pytest.importorskip("distributed", reason="the dask engine needs dask[distributed]")
    from pipeline.tagging.job import DaskEngine

    local, remote = _store(tmp_path / "local.sqlite", law_html), _store(tmp_path / "dask.sqlite", law_html)
    a = tag_store(local, Tagger(), engine=LocalEngine())
    engine = DaskEngine(workers=2)
    try:
        b = tag_store(remote, Tagger(), engine=engine)
    finally:
        engine.close()
    assert b.engine == "dask" and a.engine == "local"
    assert [(e.label, e.units, e.mentions, e.norms, e.reused) for e in a.editions] == [
        (e.label, e.units, e.mentions, e.norms, e.reused) for e in b.editions
    ]
    rows = _rows(local)
    assert rows and rows == _rows(remote)


def test_workers_refuse_another_tagger_version() -> None:
    with pytest.raises(RuntimeError, match="install the same normgap"):
        tag_partition("rules-0000000000", True, [("k", "Митні органи", "", "4495-17", "uk", "4495-17#art_1")])
