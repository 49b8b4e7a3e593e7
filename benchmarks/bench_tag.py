"""Benchmark of `normgap tag` against spaCy's stock Ukrainian pipeline (a script, not a test: it prints figures).

    .venv/bin/python benchmarks/bench_tag.py [--db PATH] [--limit N] [--sample F] [--batch-size B]

The texts: every unit (pipeline.units.units_of) of every stored edition, i.e. the corpus as `normgap tag` sees
it, editions that share a text included. The store is /tmp/c.sqlite (the 20 editions of the 12 mirror acts) or
--db PATH; it is copied to a temporary file first and only the copy is written to. When neither exists, a store
is built into the temporary folder by serving ../shared/rada-mirror and running `python -m pipeline refresh
--history` against it.

1. normgap, cold: `tag_store(store, Tagger(), force=True)` on the copy (its tag cache emptied first), in a fresh
   child process (empty in-process caches; peak memory = that child's VmHWM from /proc/self/status).
2. normgap, warm, in the same child right after: `tag_store` without force (nothing to do) and with force (every
   result comes from the store's tag cache: units are rebuilt, keys hashed, results read and unit rows rewritten).
3. normgap's tagging alone: `Tagger().tag` once per distinct tagger key, no store, in another fresh child.
4. spaCy: `spacy.blank("uk")` tokenizer alone (in this process), then `spacy.blank("uk")` + the stock
   "lemmatizer" in "pymorphy3" mode, `nlp.pipe(texts, batch_size=B)` (one process) over every unit and over the
   distinct texts, in a fresh child. If the full lemmatizer pass is estimated to take more than 5 minutes (or
   with --sample F) it runs on a random sample and the figures are extrapolated.

Tokens: throughputs are in spaCy tokens (the blank "uk" tokenizer's tokens of the texts) on both sides, so that
the ratio compares the same work; whitespace tokens (what TagReport.tokens counts) and normgap's own tokens
(pipeline.tagging.tokens.tokenize) are printed for reference. With --limit N only the first N units (in
`store.all_editions()` order) are used and the `tag_store` runs are skipped (they always take whole editions);
the normgap figure is then step 3. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from pipeline.mirror import MirrorServerError, start_mirror_server  # noqa: E402

MIRROR_ROOT = REPO_ROOT.parent / "shared" / "rada-mirror"
SERVE_PY = MIRROR_ROOT / "serve.py"
DEFAULT_DB = Path("/tmp/c.sqlite")
FULL_PASS_BUDGET_S = 300.0  # run the stock spaCy pass on everything when it is estimated to take less
AUTO_SAMPLE = 0.1  # the sample fraction used when the full pass would take longer
CALIBRATION_SHARE = 0.02  # share of the distinct texts timed to estimate the full pass
WARMUP_TEXTS = 100  # texts run through the stock pipeline before anything is timed
TARGET_RATIO = 3.0
TARGET_SECONDS = 30.0


# -- helpers shared by the parent and the children ----------------------------------------------------------
def proc_status(field: str) -> int | None:
    """A figure of /proc/self/status (VmHWM, VmRSS: KiB; Threads: a count), None off Linux."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def memory() -> dict[str, int | None]:
    return {
        "hwm_kib": proc_status("VmHWM"),
        "rss_kib": proc_status("VmRSS"),
        "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


@dataclass(frozen=True)
class UnitText:
    work: str
    context: str
    text: str


def load_units(db: str, limit: int | None) -> list[UnitText]:
    from pipeline.store import Store
    from pipeline.units import units_of

    out: list[UnitText] = []
    with Store(db) as store:
        for edition in store.all_editions():
            for u in units_of(edition.work_id, store.provisions(edition.edition_id)):
                out.append(UnitText(u.work, u.context, u.text))
                if limit is not None and len(out) >= limit:
                    return out
    return out


def distinct_keys(units: Sequence[UnitText]) -> list[UnitText]:
    """One unit per tagger key (the key hashes version, act, language, context and text)."""
    return list(dict.fromkeys(units))


def distinct_texts(units: Sequence[UnitText]) -> list[str]:
    return list(dict.fromkeys(u.text for u in units))


# -- children (each a fresh process: `bench_tag.py --child MODE --db COPY --out JSON`) -------------------------
def child_store(db: str) -> dict[str, Any]:
    """Cold tag_store(force=True), then warm without force and with force (store cache)."""
    started = time.perf_counter()
    from pipeline.store import Store
    from pipeline.tagging.job import tag_store
    from pipeline.tagging.tagger import Tagger

    store = Store(db)
    tagger = Tagger()
    ready = time.perf_counter() - started
    mem_ready = memory()
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    cold = tag_store(store, tagger, force=True)
    cold_wall, cold_cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    mem_cold = memory()
    t0 = time.perf_counter()
    warm = tag_store(store, tagger)
    warm_wall = time.perf_counter() - t0
    t0 = time.perf_counter()
    warm_force = tag_store(store, tagger, force=True)
    warm_force_wall = time.perf_counter() - t0
    store.close()
    return {
        "version": tagger.version,
        "ready_s": ready,
        "mem_ready": mem_ready,
        "mem_cold": mem_cold,
        "mem_end": memory(),
        "threads": threads(),
        "cold": {
            "seconds": cold.seconds,
            "wall": cold_wall,
            "cpu": cold_cpu,
            "tokens": cold.tokens,
            "editions": len(cold.editions),
            "units": sum(e.units for e in cold.editions),
            "reused": sum(e.reused for e in cold.editions),
            "errors": sum(len(e.errors) for e in cold.editions),
            "mentions": sum(e.mentions for e in cold.editions),
            "norms": sum(e.norms for e in cold.editions),
            "failed": [e.failed for e in cold.failed],
        },
        "warm": {
            "seconds": warm.seconds,
            "wall": warm_wall,
            "tokens": warm.tokens,
            "skipped": sum(e.skipped for e in warm.editions),
        },
        "warm_force": {
            "seconds": warm_force.seconds,
            "wall": warm_force_wall,
            "tokens": warm_force.tokens,
            "reused": sum(e.reused for e in warm_force.editions),
        },
    }


def child_direct(db: str, limit: int | None) -> dict[str, Any]:
    """Tagger.tag once per distinct key, in memory: normgap's tagging without the store."""
    from pipeline.tagging.tagger import Tagger, TaggingError

    keys = distinct_keys(load_units(db, limit))
    tagger = Tagger()
    mem_ready = memory()
    errors = 0
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    for u in keys:
        try:
            tagger.tag(u.text, u.context, work=u.work)
        except TaggingError:
            errors += 1
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    return {
        "seconds": wall,
        "cpu": cpu,
        "units": len(keys),
        "errors": errors,
        "mem_ready": mem_ready,
        "mem_end": memory(),
    }


def stock_spacy() -> Any:
    import spacy

    nlp = spacy.blank("uk")
    nlp.add_pipe("lemmatizer", config={"mode": "pymorphy3"})
    nlp.initialize()
    return nlp


def timed_pipe(nlp: Any, texts: Sequence[str], batch_size: int) -> dict[str, float]:
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size))
    return {"seconds": time.perf_counter() - t0, "cpu": cpu_seconds() - cpu0, "tokens": tokens, "texts": len(texts)}


def child_spacy(db: str, limit: int | None, sample: float | None, batch_size: int, seed: int) -> dict[str, Any]:
    """The stock pipeline over every unit's text and over the distinct texts (or samples of both)."""
    units = load_units(db, limit)
    texts = [u.text for u in units]
    distinct = distinct_texts(units)
    started = time.perf_counter()
    nlp = stock_spacy()
    ready = time.perf_counter() - started
    mem_ready = memory()
    warmup = timed_pipe(nlp, distinct[:WARMUP_TEXTS], batch_size)  # one-time costs (pymorphy3 pages), untimed
    rng = random.Random(seed)
    calibration = None
    if sample is None:  # auto: estimate the full pass on a small sample of the distinct texts
        probe = rng.sample(distinct, max(1, min(len(distinct), round(len(distinct) * CALIBRATION_SHARE))))
        calibration = timed_pipe(nlp, probe, batch_size)
        chars_per_s = sum(map(len, probe)) / max(calibration["seconds"], 1e-9)
        estimate = (sum(map(len, texts)) + sum(map(len, distinct))) / chars_per_s
        calibration["estimate_s"] = estimate
        sample = 1.0 if estimate <= FULL_PASS_BUDGET_S else AUTO_SAMPLE
    if sample < 1.0:
        texts = rng.sample(texts, max(1, round(len(texts) * sample)))
        distinct = rng.sample(distinct, max(1, round(len(distinct) * sample)))
    corpus = timed_pipe(nlp, texts, batch_size)
    unique = timed_pipe(nlp, distinct, batch_size)
    return {
        "ready_s": ready,
        "warmup_s": warmup["seconds"],
        "sample": sample,
        "calibration": calibration,
        "corpus": corpus,
        "distinct": unique,
        "mem_ready": mem_ready,
        "mem_end": memory(),
        "threads": threads(),
    }


def threads() -> int | None:
    return proc_status("Threads")


def run_child(mode: str, db: Path, args: argparse.Namespace, extra: Sequence[str] = ()) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(prefix=f"bench-tag-{mode}-", suffix=".json", delete=False) as f:
        out = Path(f.name)
    try:
        argv = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            mode,
            "--db",
            str(db),
            "--out",
            str(out),
            "--batch-size",
            str(args.batch_size),
            "--seed",
            str(args.seed),
            *extra,
        ]
        if args.limit is not None:
            argv += ["--limit", str(args.limit)]
        done = subprocess.run(argv, cwd=REPO_ROOT, check=False)
        if done.returncode != 0:
            raise SystemExit(f"bench_tag: the {mode} child failed (exit {done.returncode})")
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result
    finally:
        out.unlink(missing_ok=True)


# -- the store ------------------------------------------------------------------------------------------------
@contextmanager
def mirror_server(folder: Path) -> Iterator[str]:
    try:
        server = start_mirror_server(MIRROR_ROOT, folder)
    except MirrorServerError as e:
        raise SystemExit(f"bench_tag: {e}") from None
    try:
        yield server.url
    finally:
        server.stop()


def build_store(folder: Path) -> Path | None:
    """A store of every edition of the mirror acts, or None (with a message) when ../shared is absent."""
    if not SERVE_PY.is_file():
        print(f"bench_tag: no store at {DEFAULT_DB} and no mirror at {SERVE_PY} to build one: skipped", file=sys.stderr)
        return None
    db = folder / "built.sqlite"
    print(f"no store at {DEFAULT_DB}: building one from {MIRROR_ROOT} ...", flush=True)
    with mirror_server(folder) as url:
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pipeline",
                "refresh",
                "--history",
                "--mirror",
                url,
                "--delay",
                "0",
                "--db",
                str(db),
                "--archive",
                str(folder / "raw"),
            ],
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            check=False,
        )
    if done.returncode != 0:
        raise SystemExit(f"bench_tag: refresh into {db} failed (exit {done.returncode})")
    print(f"built in {time.perf_counter() - started:.1f} s\n")
    return db


def copy_store(source: Path, target: Path) -> int:
    """Copy a store (and its WAL, if any); empty the copy's tag tables so that the first run is cold."""
    shutil.copyfile(source, target)
    wal = Path(str(source) + "-wal")
    if wal.exists():
        shutil.copyfile(wal, Path(str(target) + "-wal"))
    conn = sqlite3.connect(target)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        cleared = 0
        for table in ("unit_tags", "edition_tagging", "tag_results"):
            if table in tables:
                cleared += conn.execute(f"DELETE FROM {table}").rowcount
        conn.commit()
    finally:
        conn.close()
    return cleared


# -- printing -------------------------------------------------------------------------------------------------
def mib(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:.0f} MiB"


def rate(tokens: float, seconds: float) -> float:
    return tokens / seconds if seconds > 0 else float("inf")


def row(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<44} {value:>14}   {note}".rstrip())


def yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def whole(args: argparse.Namespace) -> str:
    return "whole corpus" if args.limit is None else f"--limit {args.limit} (NOT the whole corpus)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, help=f"store to measure on (copied first; default {DEFAULT_DB})")
    ap.add_argument("--limit", type=int, metavar="N", help="only the first N units (skips the tag_store runs)")
    ap.add_argument(
        "--sample",
        type=float,
        metavar="F",
        help="run the stock spaCy pass on a random share F (0 < F <= 1) and extrapolate "
        f"(default: everything, unless that is estimated to take over {FULL_PASS_BUDGET_S:.0f} s)",
    )
    ap.add_argument("--batch-size", type=int, default=1000, help="nlp.pipe batch size (default 1000)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the samples")
    ap.add_argument("--no-spacy", action="store_true", help="skip the stock spaCy lemmatizer pass")
    ap.add_argument("--child", choices=["store", "direct", "spacy"], help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.sample is not None and not 0 < args.sample <= 1:
        ap.error("--sample must be in (0, 1]")

    if args.child:
        db = str(args.db)
        if args.child == "store":
            result = child_store(db)
        elif args.child == "direct":
            result = child_direct(db, args.limit)
        else:
            result = child_spacy(db, args.limit, args.sample, args.batch_size, args.seed)
        args.out.write_text(json.dumps(result), encoding="utf-8")
        return 0

    folder = Path(tempfile.mkdtemp(prefix="normgap-bench-tag-"))
    try:
        return measure(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure(args: argparse.Namespace, folder: Path) -> int:
    source = args.db
    if source is None:
        source = DEFAULT_DB if DEFAULT_DB.is_file() else build_store(folder)
        if source is None:
            return 0
    elif not source.is_file():
        print(f"bench_tag: no such store: {source}", file=sys.stderr)
        return 2
    db = folder / "copy.sqlite"
    cleared = copy_store(source, db)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"store {source} (copied to a temp file; {cleared} tag rows cleared in the copy)")
    print(f"python {sys.version.split()[0]}, {cores} cores available, load average {load}")

    # -- the corpus and its token counts ---------------------------------------------------------------------
    import spacy

    from pipeline.tagging.tokens import tokenize

    t0 = time.perf_counter()
    units = load_units(str(db), args.limit)
    load_s = time.perf_counter() - t0
    keys = distinct_keys(units)
    texts = distinct_texts(units)
    with sqlite3.connect(db) as conn:
        editions = conn.execute("SELECT count(*) FROM editions").fetchone()[0]

    blank = spacy.blank("uk")
    t0 = time.perf_counter()
    sp_counts = [len(doc) for doc in blank.pipe([u.text for u in units], batch_size=args.batch_size)]
    blank_s = time.perf_counter() - t0
    sp_of = {u.text: n for u, n in zip(units, sp_counts, strict=True)}
    t0 = time.perf_counter()
    ng_counts = [len(tokenize(u.text)) for u in units]
    ng_tok_s = time.perf_counter() - t0
    ng_of = {u.text: n for u, n in zip(units, ng_counts, strict=True)}

    sp_all, sp_keys, sp_texts = sum(sp_counts), sum(sp_of[u.text] for u in keys), sum(sp_of[t] for t in texts)
    ws_all, ws_keys = sum(len(u.text.split()) for u in units), sum(len(u.text.split()) for u in keys)
    ws_texts = sum(len(t.split()) for t in texts)
    ng_all, ng_keys, ng_texts = sum(ng_counts), sum(ng_of[u.text] for u in keys), sum(ng_of[t] for t in texts)

    scope = f"first {len(units)} units" if args.limit is not None else f"all units of all {editions} editions"
    print(f"\ncorpus: {scope} (loaded and split into units in {load_s:.1f} s, not timed below)")
    print(f"  {'':<44} {'units':>9} {'spaCy tok':>11} {'normgap tok':>12} {'whitespace':>11}")
    for label, n, a, b, c in (
        ("every unit (the corpus)", len(units), sp_all, ng_all, ws_all),
        ("distinct tagger keys (act, context, text)", len(keys), sp_keys, ng_keys, ws_keys),
        ("distinct texts", len(texts), sp_texts, ng_texts, ws_texts),
    ):
        print(f"  {label:<44} {n:>9,} {a:>11,} {b:>12,} {c:>11,}")
    print("  tokens below are spaCy tokens (blank 'uk' tokenizer) unless marked otherwise")
    row("spacy.blank('uk') tokenizer, every unit", f"{blank_s:.2f} s", f"{rate(sp_all, blank_s):,.0f} tok/s")
    row(
        "pipeline.tagging.tokens.tokenize, every unit",
        f"{ng_tok_s:.2f} s",
        f"{rate(ng_all, ng_tok_s):,.0f} normgap tok/s",
    )

    # -- normgap ---------------------------------------------------------------------------------------------
    store_run = None
    if args.limit is None:
        store_run = run_child("store", db, args)
        c = store_run["cold"]
        print(f"\nnormgap tag_store, cold (fresh child process, empty tag cache; tagger {store_run['version']})")
        row("wall seconds", f"{c['seconds']:.2f} s", f"(CPU {c['cpu']:.2f} s: one process, one core busy)")
        row(
            "corpus throughput (every unit)",
            f"{rate(sp_all, c['seconds']):,.0f} tok/s",
            f"= per core (single-process job); {rate(ws_all, c['seconds']):,.0f} whitespace tok/s",
        )
        row(
            "distinct tokens actually tagged",
            f"{rate(sp_keys, c['seconds']):,.0f} tok/s",
            f"{c['tokens']:,} whitespace tokens tagged (TagReport.tokens; expected {ws_keys:,}), "
            f"{rate(c['tokens'], c['seconds']):,.0f}/s",
        )
        row(
            "editions / units / reused in the run",
            f"{c['editions']} / {c['units']:,}",
            f"{c['reused']:,} units reused from the run's memo; {c['errors']} errors; "
            f"{c['mentions']:,} mentions, {c['norms']:,} norms; failed: {c['failed'] or 'none'}",
        )
        row(
            "peak memory (child VmHWM)",
            mib(store_run["mem_cold"]["hwm_kib"]),
            f"after imports + Tagger(): {mib(store_run['mem_ready']['hwm_kib'])} "
            f"(child ready in {store_run['ready_s']:.2f} s; threads: {store_run['threads']})",
        )
        w, f = store_run["warm"], store_run["warm_force"]
        print("normgap tag_store, warm (same child, right after)")
        row(
            "without force (nothing to do)",
            f"{w['seconds']:.3f} s",
            f"{w['skipped']} editions skipped, {w['tokens']} tokens tagged",
        )
        row(
            "force, results from the store's tag cache",
            f"{f['seconds']:.2f} s",
            f"{f['reused']:,} units reused, {f['tokens']} tokens tagged",
        )

    direct = run_child("direct", db, args)
    print("\nnormgap Tagger.tag alone, once per distinct key, no store (fresh child process)")
    row(
        "seconds",
        f"{direct['seconds']:.2f} s",
        f"(CPU {direct['cpu']:.2f} s) {direct['units']:,} units, {direct['errors']} TaggingErrors",
    )
    row(
        "throughput, distinct keys",
        f"{rate(sp_keys, direct['seconds']):,.0f} tok/s",
        f"{rate(ng_keys, direct['seconds']):,.0f} normgap tok/s",
    )
    row(
        "peak memory (child VmHWM)",
        mib(direct["mem_end"]["hwm_kib"]),
        f"before tagging (units loaded, Tagger()): {mib(direct['mem_ready']['hwm_kib'])}",
    )
    if store_run:
        store_overhead = store_run["cold"]["seconds"] - direct["seconds"]
        row(
            "tag_store cold minus tagging alone",
            f"{store_overhead:.2f} s",
            "(units_of from the store, key hashing, JSON, SQLite writes)",
        )

    normgap_s = store_run["cold"]["seconds"] if store_run else direct["seconds"]
    normgap_name = "tag_store cold" if store_run else "Tagger.tag alone (--limit: no tag_store run)"
    if args.no_spacy:
        print(
            f"\n{whole(args)} tagged by normgap ({normgap_name}) in {normgap_s:.2f} s: "
            f"under {TARGET_SECONDS:.0f} s on this machine: {yes(normgap_s < TARGET_SECONDS)}"
        )
        return 0

    # -- stock spaCy -----------------------------------------------------------------------------------------
    extra = ["--sample", str(args.sample)] if args.sample is not None else []
    sp = run_child("spacy", db, args, extra)
    sampled = sp["sample"] < 1.0
    print(
        f"\nstock spaCy: spacy.blank('uk') + lemmatizer(mode='pymorphy3'), nlp.pipe(batch_size={args.batch_size}),"
        " one process (fresh child)"
    )
    if sp["calibration"]:
        cal = sp["calibration"]
        print(
            f"  (calibration on {cal['texts']:,} distinct texts: full pass estimated at {cal['estimate_s']:.0f} s; "
            f"{'sampling ' + str(sp['sample']) if sampled else 'running it in full'})"
        )
    if sampled:
        print(f"  SAMPLED: {sp['sample']:g} of the texts; seconds for the whole corpus are extrapolated (marked ~)")
    results: dict[str, float] = {}
    for name, key, total in (("every unit (the corpus)", "corpus", sp_all), ("distinct texts", "distinct", sp_texts)):
        r = sp[key]
        tps = rate(r["tokens"], r["seconds"])
        seconds = total / tps if sampled else r["seconds"]
        results[key] = tps
        row(
            name,
            f"{'~' if sampled else ''}{seconds:.2f} s",
            f"{tps:,.0f} tok/s (CPU {r['cpu']:.2f} s for {r['tokens']:,} tokens in {r['texts']:,} texts)",
        )
    row(
        "peak memory (child VmHWM)",
        mib(sp["mem_end"]["hwm_kib"]),
        f"after loading units + building the pipeline: {mib(sp['mem_ready']['hwm_kib'])} "
        f"(built in {sp['ready_s']:.2f} s; threads: {sp['threads']})",
    )
    print(f"  (timed after a warm-up of {WARMUP_TEXTS} texts, {sp['warmup_s']:.2f} s; normgap's cold figure has none)")

    # -- the comparison --------------------------------------------------------------------------------------
    ng_corpus = rate(sp_all, normgap_s)
    ng_distinct = rate(sp_keys, normgap_s)
    ng_alone = rate(sp_keys, direct["seconds"])
    print(
        f"\nnormgap ({normgap_name}) / stock spaCy throughput, spaCy tokens on both sides (target >= {TARGET_RATIO:g}x)"
    )
    comparisons = [
        ("corpus: every unit", ng_corpus, results["corpus"], "normgap over the corpus vs spaCy over every unit"),
        (
            "distinct: each text once on both sides",
            ng_distinct,
            results["distinct"],
            "normgap's distinct keys vs spaCy's distinct texts",
        ),
    ]
    if store_run:
        comparisons.append(
            (
                "tagging alone vs spaCy, distinct texts",
                ng_alone,
                results["distinct"],
                "Tagger.tag per distinct key, no store",
            )
        )
    for label, ours, theirs, note in comparisons:
        ratio = ours / theirs
        row(label, f"{ratio:.2f}x", f"{yes(ratio >= TARGET_RATIO)} ({ours:,.0f} vs {theirs:,.0f} tok/s: {note})")
    print(
        f"\n{whole(args)}: {sp_all:,} spaCy tokens in {len(units):,} units tagged by normgap ({normgap_name}) in "
        f"{normgap_s:.2f} s: under {TARGET_SECONDS:.0f} s on this machine: {yes(normgap_s < TARGET_SECONDS)}"
    )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
