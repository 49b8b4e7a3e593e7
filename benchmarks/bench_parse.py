"""Benchmark of the print-page parser on the offline mirror (a script, not a test: it prints figures).

    .venv/bin/python benchmarks/bench_parse.py [--runs N] [--page PATH] [--no-pages] [--no-bs4]

1. The Customs Code page (4495-17, 2.9 MB): best-of-N time of a bare ``lxml.html.fromstring`` of the bytes
   against ``parse_print_html`` (decode + parse into the provision tree), measured in the same run, and their
   ratio (target <= 5x); a breakdown (decode alone, lxml on the decoded str); BeautifulSoup(bytes, "lxml")
   for reference when bs4 is installed.
2. Peak memory of one parse, each measured in a fresh child process so that earlier work does not hide it:
   the peak resident set (VmHWM of /proc/self/status; Linux carries ru_maxrss over fork+exec, so a child's
   ru_maxrss starts at its parent's peak, and VmHWM is the clean figure) of a child that parses vs. one that
   only imports and reads the page, the tracemalloc peak (Python allocations only: libxml2's own tree is not
   traced), and ru_maxrss of this process after all the timing runs.
3. Every print page of the mirror: bytes, articles, provisions, notes, parser warnings, seconds.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import lxml.html  # noqa: E402

from pipeline.http import decode_body  # noqa: E402
from pipeline.parse import parse_print_html  # noqa: E402

MIRROR_ROOT = REPO_ROOT.parent / "shared" / "rada-mirror"
PORTAL_SHOW = MIRROR_ROOT / "zakon.rada.gov.ua" / "laws" / "show"
CUSTOMS_CODE = PORTAL_SHOW / "4495-17" / "print"
CONTENT_TYPE = "text/html; charset=utf-8"  # what the mirror (and the portal) sends with print pages
TARGET_RATIO = 5.0


def best_of(runs: int, fn: Callable[[], object]) -> float:
    """The fastest of `runs` timed calls (seconds); garbage from the previous run is collected first."""
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def best_of_interleaved(runs: int, *fns: Callable[[], object]) -> list[float]:
    """Best-of-`runs` times of several functions, run in turn (a, b, c, a, b, c, ...) so that a burst of
    load on the machine hits all of them alike and their ratio stays meaningful."""
    best = [float("inf")] * len(fns)
    for _ in range(runs):
        for i, fn in enumerate(fns):
            gc.collect()
            started = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - started)
    return best


def parse_bytes(raw: bytes) -> Any:
    """What the pipeline does with a fetched print page: decode, then parse into the provision tree."""
    return parse_print_html(decode_body(raw, CONTENT_TYPE))


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def peak_rss_mib() -> float:
    """Peak resident set of this process image (VmHWM); ru_maxrss where /proc is not available."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return maxrss_mib()


# -- memory, in a child process --------------------------------------------------------------------
def child(mode: str, page: Path) -> None:
    """Run in a fresh interpreter: read the page, optionally parse it, print memory figures as JSON."""
    raw = page.read_bytes()
    figures: dict[str, Any] = {"mode": mode, "hwm_before_mib": peak_rss_mib()}
    if mode == "parse":
        tracemalloc.start()
        parsed = parse_bytes(raw)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures["tracemalloc_peak_mib"] = peak / 2**20
        figures["articles"] = parsed.article_count
    elif mode == "lxml":
        tracemalloc.start()
        root = lxml.html.fromstring(raw)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures["tracemalloc_peak_mib"] = peak / 2**20
        figures["elements"] = sum(1 for _ in root.iter())
    figures["hwm_after_mib"] = peak_rss_mib()
    figures["ru_maxrss_mib"] = maxrss_mib()
    print(json.dumps(figures))


def run_child(mode: str, page: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--page", str(page)], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- the report ------------------------------------------------------------------------------------
def bench_one_page(page: Path, runs: int, with_bs4: bool) -> None:
    raw = page.read_bytes()
    text = decode_body(raw, CONTENT_TYPE)
    print(f"page: {page.relative_to(MIRROR_ROOT)}  ({len(raw):,} bytes, {len(text):,} characters)")
    print(
        f"timing: best of {runs} interleaved runs each, in this process (Python {sys.version.split()[0]}, "
        f"lxml {'.'.join(map(str, lxml.etree.LXML_VERSION))})"
    )

    parse_bytes(raw)  # warm-up: imports, regex compilation
    lxml.html.fromstring(raw)
    t_lxml, t_parse, t_decode, t_lxml_str = best_of_interleaved(
        runs,
        lambda: lxml.html.fromstring(raw),
        lambda: parse_bytes(raw),
        lambda: decode_body(raw, CONTENT_TYPE),
        lambda: lxml.html.fromstring(text),
    )
    parsed = parse_bytes(raw)

    ratio = t_parse / t_lxml
    verdict = "OK" if ratio <= TARGET_RATIO else "ABOVE TARGET"
    print(f"  lxml.html.fromstring(bytes)            {t_lxml * 1000:9.1f} ms")
    print(
        f"  parse_print_html(decode_body(bytes))   {t_parse * 1000:9.1f} ms   ({parsed.article_count} "
        f"articles, {len(parsed.provisions)} provisions, {len(parsed.notes)} notes)"
    )
    print(f"  ratio parse / bare lxml                {ratio:9.2f} x   (target <= {TARGET_RATIO:g} x: {verdict})")
    print("  breakdown:")
    print(f"    decode_body(bytes) alone             {t_decode * 1000:9.1f} ms")
    print(f"    lxml.html.fromstring(decoded str)    {t_lxml_str * 1000:9.1f} ms   (parse_print_html receives a str)")
    print(f"    tree walk, blocks, ids (the rest)    {(t_parse - t_decode - t_lxml_str) * 1000:9.1f} ms")
    if with_bs4:
        try:
            from bs4 import BeautifulSoup
        except ImportError:
            print("  BeautifulSoup: bs4 not installed")
        else:
            bs_runs = max(1, min(runs, 3))
            t_bs4 = best_of(bs_runs, lambda: BeautifulSoup(raw, "lxml"))
            print(
                f"  BeautifulSoup(bytes, 'lxml')           {t_bs4 * 1000:9.1f} ms   "
                f"(best of {bs_runs}; {t_bs4 / t_lxml:.1f} x bare lxml; reference only)"
            )

    base, lx, mem = run_child("baseline", page), run_child("lxml", page), run_child("parse", page)
    print("memory of one parse (each in a fresh child process; peak RSS = VmHWM of that process):")
    print(f"  imports + read page only               peak RSS {base['hwm_after_mib']:7.1f} MiB")
    print(
        f"  + lxml.html.fromstring(bytes)          peak RSS {lx['hwm_after_mib']:7.1f} MiB   "
        f"(+{lx['hwm_after_mib'] - base['hwm_after_mib']:.1f}; tracemalloc peak "
        f"{lx['tracemalloc_peak_mib']:.1f} MiB; {lx['elements']:,} elements)"
    )
    print(
        f"  + parse_print_html(decode_body(bytes)) peak RSS {mem['hwm_after_mib']:7.1f} MiB   "
        f"(+{mem['hwm_after_mib'] - base['hwm_after_mib']:.1f}; tracemalloc peak "
        f"{mem['tracemalloc_peak_mib']:.1f} MiB)"
    )
    print("  (tracemalloc sees Python allocations only, not libxml2's tree; peak RSS sees both)")
    print(f"  ru_maxrss of this process after all timing runs: {maxrss_mib():.1f} MiB")


def bench_all_pages(runs: int) -> None:
    pages = sorted(PORTAL_SHOW.rglob("print"), key=lambda p: str(p.relative_to(PORTAL_SHOW)))
    print(f"\nevery print page of the mirror ({len(pages)}; seconds = best of {runs}, decode + parse):")
    print(f"  {'page':<28} {'bytes':>10} {'articles':>8} {'provisions':>10} {'notes':>6} {'warn':>5} {'s':>7}")
    total_bytes = total_s = 0.0
    for page in pages:
        raw = page.read_bytes()
        parsed = parse_bytes(raw)
        seconds = best_of(runs, functools.partial(parse_bytes, raw))
        total_bytes += len(raw)
        total_s += seconds
        name = str(page.parent.relative_to(PORTAL_SHOW))
        print(
            f"  {name:<28} {len(raw):>10,} {parsed.article_count:>8} {len(parsed.provisions):>10} "
            f"{len(parsed.notes):>6} {len(parsed.warnings):>5} {seconds:>7.3f}"
        )
    print(
        f"  {'total':<28} {int(total_bytes):>10,} {'':>8} {'':>10} {'':>6} {'':>5} {total_s:>7.3f}   "
        f"({total_bytes / 2**20 / total_s:.1f} MiB/s)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10, help="timed runs per measurement, best kept (default 10)")
    ap.add_argument("--page", type=Path, default=CUSTOMS_CODE, help="page for parts 1-2 (default 4495-17)")
    ap.add_argument("--page-runs", type=int, default=1, help="timed runs per page in part 3 (default 1)")
    ap.add_argument("--no-pages", action="store_true", help="skip part 3 (every page of the mirror)")
    ap.add_argument("--no-bs4", action="store_true", help="skip the BeautifulSoup reference timing")
    ap.add_argument("--child", choices=["baseline", "lxml", "parse"], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if not args.page.is_file():
        print(f"bench_parse: page not found: {args.page} (is ../shared/rada-mirror there?)", file=sys.stderr)
        return 2
    if args.child:
        child(args.child, args.page)
        return 0
    bench_one_page(args.page, max(1, args.runs), not args.no_bs4)
    if not args.no_pages:
        bench_all_pages(max(1, args.page_runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
