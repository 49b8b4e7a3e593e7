"""`compare` on the whole corpus: every provision of every stored instrument against every national article
(a script: it prints figures, asserts nothing).

    .venv/bin/python benchmarks/bench_compare.py --db corpora/corpus.sqlite [--cold]

Phases, each timed: the lexical index of the national articles; their embeddings (through the cache in
corpora/cache/ or $NORMGAP_EMBEDDINGS; --cold uses an empty cache in a temporary folder, so every article and
provision reaches the model); the instruments' unit embeddings; aligning every unit (ranking all articles and
deciding a status). Peak memory is the process's maximum resident set size. Nothing is written to the store.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    from pipeline.acts import load_acts
    from pipeline.align.compare import Comparator
    from pipeline.align.embed import Embedder, VectorCache, cache_path
    from pipeline.align.index import attach_vectors, build_index
    from pipeline.align.run import align_units, comparison_units, unit_vectors
    from pipeline.align.thesaurus import default_thesaurus
    from pipeline.errors import NormgapError
    from pipeline.instruments import load_instruments
    from pipeline.store import open_store

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="corpora/corpus.sqlite")
    ap.add_argument("--cold", action="store_true", help="start from an empty embedding cache")
    args = ap.parse_args()

    cache = Path(tempfile.mkdtemp()) / "embeddings.sqlite" if args.cold else cache_path()
    embedder = Embedder(VectorCache(cache))
    started = time.perf_counter()
    with open_store(args.db) as store:
        acts, thesaurus = load_acts(), default_thesaurus()
        t = time.perf_counter()
        index = build_index(store, thesaurus, [a.nreg for a in acts], {a.nreg: a.topics for a in acts})
        print(f"lexical index: {time.perf_counter() - t:.1f} s ({len(index.docs)} articles of {len(acts)} acts)")
        t = time.perf_counter()
        attach_vectors(index, embedder)
        print(f"article embeddings ({'cold' if args.cold else 'cache'}): {time.perf_counter() - t:.1f} s")
        comparator = Comparator(index, thesaurus, embedder=embedder)
        jobs = []
        for inst in load_instruments():
            try:
                jobs.append((inst, comparison_units(store.provisions(store.edition_at(inst.slug).edition_id))))
            except NormgapError:
                print(f"skipped {inst.slug}: not in the store")
    t = time.perf_counter()
    vectors = [unit_vectors(comparator, units) for _, units in jobs]
    total = sum(len(u) for _, u in jobs)
    print(f"unit embeddings ({len(jobs)} instruments, {total} provisions): {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    statuses: dict[str, int] = {}
    for (inst, units), v in zip(jobs, vectors, strict=True):
        for a in align_units(comparator, inst.slug, inst.force, inst.topics, units, v):
            statuses[a.status] = statuses.get(a.status, 0) + 1
    align = time.perf_counter() - t
    pairs = total * len(index.docs)
    print(f"align: {align:.1f} s ({total / align:.0f} provisions/s; {pairs:,} provision-article pairs)")
    print(f"statuses: {statuses}")
    print(f"total: {time.perf_counter() - started:.1f} s; peak RSS {_peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
