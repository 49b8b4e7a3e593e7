"""Benchmark of `normgap refresh` against the offline mirror (a script, not a test: it prints figures).

    .venv/bin/python benchmarks/bench_refresh.py [--delay S] [--fail-every K] [--rate-limit R/s] [--keep]

Starts ../shared/rada-mirror/serve.py on a free local port, then, into a temporary database and raw archive:
a cold `refresh --history` of every tracked act (corpora/acts.toml: the 12 mirror acts), then a warm
`refresh` right after. Both run in this process through `pipeline.cli.main([..., "--json"])`. For each run it
prints the requests made (the client's count from the JSON summary and the server's from its request log;
per act for the warm run), wall seconds, seconds excluding the polite pauses (seconds - politeness_sleep_s),
back-off seconds, pages fetched and new editions; and whether the warm run made exactly one request per act.
Asserts nothing. `--delay 0` (the default) measures the pipeline; `--delay 5` shows the polite mode used
against the real portal (expect minutes).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from pipeline.cli import main as normgap_main  # noqa: E402
from pipeline.mirror import MirrorServer, MirrorServerError, start_mirror_server  # noqa: E402

MIRROR_ROOT = REPO_ROOT.parent / "shared" / "rada-mirror"
SERVE_PY = MIRROR_ROOT / "serve.py"
ACTS_FILE = REPO_ROOT / "corpora" / "acts.toml"


def start_server(folder: Path, extra: list[str]) -> MirrorServer:
    try:
        return start_mirror_server(MIRROR_ROOT, folder, extra)
    except MirrorServerError as e:
        raise SystemExit(f"bench_refresh: {e}") from None


@dataclass(frozen=True)
class Run:
    name: str
    code: int
    wall_s: float
    summary: dict[str, Any]
    server_requests: list[tuple[str, int, int]]  # (path, status, body bytes) of every request logged

    def print(self) -> None:
        s, t = self.summary, self.summary["totals"]
        statuses = Counter(status for _, status, _ in self.server_requests)
        sent = sum(n for _, _, n in self.server_requests)
        status_text = ", ".join(f"{n}x{code}" for code, n in sorted(statuses.items()))
        print(f"{self.name}: exit {self.code}")
        print(f"  requests (client count)        {t['requests']:>8}")
        print(f"  requests (server log)          {len(self.server_requests):>8}   ({status_text})")
        print(f"  bytes sent by the server       {sent:>8,}")
        print(f"  pages fetched / new editions   {t['fetched']:>8} / {t['new_editions']}")
        print(f"  unchanged / failed acts        {t['unchanged']:>8} / {t['failed']}")
        print(f"  wall seconds (main() call)     {self.wall_s:>8.2f}")
        print(f"  seconds (summary)              {s['seconds']:>8.2f}")
        print(
            f"  seconds - politeness_sleep_s   {s['seconds'] - s['politeness_sleep_s']:>8.2f}   "
            f"(polite pauses {s['politeness_sleep_s']:.2f} s)"
        )
        print(f"  of which back-off sleeps       {s['backoff_sleep_s']:>8.2f}")
        if s.get("aborted"):
            print(f"  ABORTED: {s['aborted']}")


def refresh(name: str, server: MirrorServer, db: Path, archive: Path, delay: float, *extra: str) -> Run:
    argv = [
        "refresh",
        "--mirror",
        server.url,
        "--delay",
        str(delay),
        "--db",
        str(db),
        "--archive",
        str(archive),
        "--acts-file",
        str(ACTS_FILE),
        "--json",
        *extra,
    ]
    before = len(server.settled_log_lines())
    out = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = normgap_main(argv)
    wall = time.perf_counter() - started
    lines = server.settled_log_lines()[before:]
    requests = [(parts[3], int(parts[4]), int(parts[5])) for parts in (line.split() for line in lines)]
    return Run(name, code, wall, json.loads(out.getvalue()), requests)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--delay",
        type=float,
        default=0.0,
        help="seconds between requests to one host (default 0; the portal default is 5)",
    )
    ap.add_argument("--fail-every", type=int, default=0, metavar="K", help="serve.py: 503 on every K-th request")
    ap.add_argument("--rate-limit", default=None, metavar="R/s", help="serve.py: 429 above R requests/s")
    ap.add_argument("--latency-ms", type=int, default=0, metavar="L", help="serve.py: delay every response")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (db, archive, server log)")
    args = ap.parse_args(argv)
    if not SERVE_PY.is_file():
        print(f"bench_refresh: mirror not found: {SERVE_PY}", file=sys.stderr)
        return 2
    extra = []
    if args.fail_every:
        extra += ["--fail-every", str(args.fail_every)]
    if args.rate_limit:
        extra += ["--rate-limit", args.rate_limit]
    if args.latency_ms:
        extra += ["--latency-ms", str(args.latency_ms)]

    folder = Path(tempfile.mkdtemp(prefix="normgap-bench-refresh-"))
    server = start_server(folder, extra)
    try:
        db, archive = folder / "corpus.sqlite", folder / "raw"
        print(f"mirror {server.url} ({' '.join(extra) or 'no faults'}); --delay {args.delay:g}; temp folder {folder}\n")
        cold = refresh("cold refresh --history", server, db, archive, args.delay, "--history")
        cold.print()
        warm = refresh("\nwarm refresh (right after)", server, db, archive, args.delay)
        warm.print()
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    per_act = {a["nreg"]: a["requests"] for a in warm.summary["acts"]}
    logged = Counter(path.rsplit("/", 1)[-1].removesuffix(".json") for path, _, _ in warm.server_requests)
    print("  requests per act (client)      " + ", ".join(f"{n} {c}" for n, c in per_act.items()))
    print("  requests per act (server log)  " + ", ".join(f"{n} {logged.get(n, 0)}" for n in per_act))
    one_each = (
        set(per_act.values()) == {1}
        and warm.summary["totals"]["requests"] == len(per_act)
        and len(warm.server_requests) == len(per_act)
        and set(logged.values()) == {1}
        and set(logged) == set(per_act)
    )
    print(
        f"\nwarm run == exactly one request per act: {'yes' if one_each else 'NO'} "
        f"({len(per_act)} acts, {warm.summary['totals']['requests']} requests by the client, "
        f"{len(warm.server_requests)} in the server log)"
    )
    if args.keep:
        print(f"kept: {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
