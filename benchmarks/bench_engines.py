"""Local engine against Dask (LocalCluster, N worker processes) for `compare` (a script: it prints figures).

    .venv/bin/python benchmarks/bench_engines.py --db corpora/corpus.sqlite [--workers 2] [--runs 2]

The store must hold the mirror acts and the instrument texts (`normgap run` against the mirror builds it); it is
opened read-only in effect (nothing is written: the phases are timed without `save_alignments`). Phases:
the index of national articles (built once, in the client, for both engines), aligning every stored instrument
locally, starting the cluster, and aligning on Dask (best of --runs, the first run included separately since
it pays the workers' cold start). It checks the two engines give equal alignments and says so. Asserts nothing.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def main() -> None:
    from pipeline.acts import load_acts
    from pipeline.align.embed import Embedder, VectorCache, cache_path
    from pipeline.align.run import (
        DASK_CHUNK,
        _align_on_dask,
        align_units,
        comparison_units,
        make_comparator,
        unit_vectors,
    )
    from pipeline.align.thesaurus import default_thesaurus
    from pipeline.errors import NormgapError
    from pipeline.instruments import load_instruments
    from pipeline.store import Store
    from pipeline.tagging.job import DaskEngine

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, default=Path("corpora/corpus.sqlite"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()

    store = Store(args.db)
    acts, thesaurus = load_acts(), default_thesaurus()
    instruments = []
    for inst in load_instruments():
        try:
            store.edition_at(inst.slug)
            instruments.append(inst)
        except NormgapError:
            print(f"skipped {inst.slug}: not in the store")

    t = time.perf_counter()
    comparator = make_comparator(store, acts, thesaurus, embedder=Embedder(VectorCache(cache_path())))
    print(f"index of national articles (embeddings from the cache): {time.perf_counter() - t:.1f} s")
    jobs = []
    for i in instruments:
        units = comparison_units(store.provisions(store.edition_at(i.slug).edition_id))
        jobs.append((i, units, unit_vectors(comparator, units)))
    print(f"{len(jobs)} instruments, {sum(len(u) for _, u, _ in jobs)} provisions, Dask chunks of {DASK_CHUNK}")

    t = time.perf_counter()
    local = [align_units(comparator, i.slug, i.force, i.topics, u, v) for i, u, v in jobs]
    print(f"local align: {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    engine = DaskEngine(workers=args.workers)
    print(f"dask cluster start ({args.workers} workers): {time.perf_counter() - t:.1f} s")
    try:
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            remote = _align_on_dask(engine.client, comparator, jobs)
            times.append(time.perf_counter() - t)
    finally:
        engine.close()
    print(f"dask align: first {times[0]:.1f} s, best {min(times):.1f} s")
    same = [[a.as_json() for a in x] for x in local] == [[a.as_json() for a in x] for x in remote]
    print("alignments identical" if same else "ALIGNMENTS DIFFER")


if __name__ == "__main__":  # the LocalCluster's worker processes import this module
    main()
