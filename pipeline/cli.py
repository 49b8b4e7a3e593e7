"""The `normgap` command line: the only place that prints. Every command returns an exit code:

0 success; 1 some items failed (the others were processed); 2 bad usage, configuration or input;
3 the portal (or the mirror) cannot be reached; 4 an id or act that the store does not hold.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.acts import DEFAULT_ACTS_FILE, add_act, load_acts, remove_act, save_acts
from pipeline.errors import NetworkUnavailableError, NormgapError, NotFoundInStoreError
from pipeline.records import ActOutcome, ParsedAct, TrackedAct

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_NOT_FOUND = 0, 1, 2, 3, 4
DEFAULT_OUTPUTS = Path("outputs")
DEFAULT_ARCHIVE = Path("corpora/raw")

log = logging.getLogger("normgap")


def _out(text: str = "") -> None:
    print(text)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


# -- argument parser -------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="normgap",
        description=(
            "normgap: which Ukrainian agency may do what against smuggling, and which international norms "
            "Ukrainian law has not implemented. Builds a local corpus of the tracked acts (every edition, "
            "parsed into provisions with stable ids) from zakon.rada.gov.ua / data.rada.gov.ua."
        ),
        epilog="Exit codes: 0 ok, 1 some items failed, 2 bad usage or input, 3 portal unreachable, "
        "4 unknown act or provision. Database: --db, else $NORMGAP_DB, else corpora/corpus.sqlite.",
    )
    parser.add_argument("--version", action="version", version=f"normgap {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv: debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", metavar="PATH", help="corpus database (default: $NORMGAP_DB or corpora/corpus.sqlite)")
        return p

    def with_fetch(p: argparse.ArgumentParser) -> None:
        p.add_argument("--acts", nargs="+", metavar="NREG", help="only these tracked acts (default: all)")
        p.add_argument("--history", action="store_true", help="also backfill earlier editions of each act")
        p.add_argument("--since", metavar="DATE", help="with --history: only editions from DATE (YYYY-MM-DD)")
        p.add_argument(
            "--mirror",
            metavar="URL",
            help="send every request for https://HOST/PATH to URL/HOST/PATH (a local mirror)",
        )
        p.add_argument(
            "--delay",
            type=float,
            metavar="SECONDS",
            help="pause between requests to one host (default 5 s for the portal; 0 for a mirror)",
        )
        p.add_argument("--acts-file", type=Path, default=DEFAULT_ACTS_FILE, help="tracked acts (TOML)")
        p.add_argument(
            "--archive",
            type=Path,
            default=DEFAULT_ARCHIVE,
            help="content-addressed archive of raw responses (default corpora/raw)",
        )
        p.add_argument("--no-robots", action="store_true", help="do not read robots.txt (local mirrors only)")
        p.add_argument("--json", action="store_true", help="print the run summary as JSON")

    p = with_db(
        sub.add_parser(
            "refresh",
            help="fetch new editions of the tracked acts and store them",
            description="Fetch the tracked acts from the portal: one conditional request "
            "per act when nothing changed; every new edition parsed and stored.",
        )
    )
    with_fetch(p)
    p.set_defaults(func=cmd_refresh)

    p = with_db(
        sub.add_parser(
            "run",
            help="the main job: refresh, then every later stage, outputs in outputs/",
            description="Refresh the corpus, then write what a scholar opens to outputs/.",
        )
    )
    with_fetch(p)
    p.add_argument("--out", type=Path, default=DEFAULT_OUTPUTS, help="output folder (default outputs/)")
    p.set_defaults(func=cmd_run)

    p = with_db(sub.add_parser("status", help="per act: editions, articles, last refresh, last error"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)

    p = with_db(sub.add_parser("show", help="a provision's text in force at a date, with its notes"))
    p.add_argument("id", metavar="WORK#EID", help="e.g. 4495-17#art_558 or 4495-17#art_558__para_2")
    p.add_argument("--at", metavar="DATE", help="the edition in force on DATE (default: the newest)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = with_db(sub.add_parser("diff", help="what changed in a provision between two editions"))
    p.add_argument("id", metavar="WORK#EID")
    p.add_argument("--from", dest="date_from", required=True, metavar="DATE")
    p.add_argument("--to", dest="date_to", required=True, metavar="DATE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_diff)

    p = with_db(
        sub.add_parser(
            "search",
            help="full-text search (any inflected form of each word)",
            description='Every word must occur in some inflected form; "quoted phrases" '
            "match exactly. Searches the newest edition of each act.",
        )
    )
    p.add_argument("query")
    p.add_argument("--act", metavar="NREG", help="only this act")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--all-editions", action="store_true", help="search every stored edition")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("parse", help="the provision tree of a saved page (print view HTML or open-data .txt)")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="the whole tree as JSON")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("acts", help="list, add or remove tracked acts (corpora/acts.toml)")
    p.add_argument("--acts-file", type=Path, default=DEFAULT_ACTS_FILE)
    acts_sub = p.add_subparsers(dest="acts_command", metavar="ACTION")
    a = acts_sub.add_parser("list", help="the tracked acts")
    a.set_defaults(func=cmd_acts_list)
    a = acts_sub.add_parser("add", help="track another act")
    a.add_argument("nreg")
    a.add_argument("--title", default="")
    a.add_argument("--role", default="")
    a.set_defaults(func=cmd_acts_add)
    a = acts_sub.add_parser("remove", help="stop tracking an act (stored editions are kept)")
    a.add_argument("nreg")
    a.set_defaults(func=cmd_acts_remove)
    p.set_defaults(func=cmd_acts_list)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except NotFoundInStoreError as e:
        _err(f"normgap: {e}")
        return EXIT_NOT_FOUND
    except NetworkUnavailableError as e:
        _err(f"normgap: {e}")
        return EXIT_UNREACHABLE
    except NormgapError as e:
        _err(f"normgap: {e}")
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into `head`: not an error of ours
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        _err("normgap: interrupted; everything stored so far is kept")
        return 130


# -- refresh and run -------------------------------------------------------------------------------
def _selected_acts(args: argparse.Namespace) -> list[TrackedAct]:
    acts = load_acts(args.acts_file)
    if not args.acts:
        return acts
    by_nreg = {a.nreg: a for a in acts}
    unknown = [n for n in args.acts if n not in by_nreg]
    if unknown:
        raise NormgapError(
            f"not tracked: {', '.join(unknown)} (add with `normgap acts add NREG`)", path=str(args.acts_file)
        )
    return [by_nreg[n] for n in args.acts]


def _refresh(args: argparse.Namespace) -> tuple[int, dict[str, Any]]:
    from tqdm import tqdm

    from pipeline.http import PoliteClient, RawArchive
    from pipeline.ids import parse_date
    from pipeline.refresh import Refresher
    from pipeline.sources.rada import RadaSource
    from pipeline.store import open_store

    acts = _selected_acts(args)
    since = parse_date(args.since) if args.since else None
    if since and not args.history:
        raise NormgapError("--since goes with --history (earlier editions from that date)")
    client = PoliteClient(
        delay=args.delay,
        mirror=args.mirror,
        archive=RawArchive(args.archive),
        respect_robots=not args.no_robots,
        robots_cache_dir=args.archive / "robots",
    )
    with open_store(args.db) as store, client:
        source = RadaSource(client, state_dir=args.archive / "state")
        bar = tqdm(total=len(acts), desc="refresh", unit="act", file=sys.stderr, disable=None)

        def done(outcome: ActOutcome) -> None:
            bar.set_postfix_str(outcome.nreg)
            bar.update(1)

        try:
            report = Refresher(store, source).run(acts, history=args.history, since=since, on_act_done=done)
        finally:
            bar.close()
    summary = report.as_dict()
    if args.json:
        _out(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _print_refresh_summary(report.outcomes, summary)
    if report.aborted:
        _err(f"normgap: stopped early: {report.aborted}")
        return EXIT_UNREACHABLE, summary
    return (EXIT_FAILED if report.failed else EXIT_OK), summary


def _print_refresh_summary(outcomes: Sequence[ActOutcome], summary: dict[str, Any]) -> None:
    _out(f"{'act':<10} {'fetched':>7} {'unchanged':>9} {'requests':>8}  new editions / error")
    for o in outcomes:
        tail = f"FAILED: {o.failed}" if o.failed else ", ".join(o.new_editions)
        _out(f"{o.nreg:<10} {o.fetched:>7} {o.unchanged:>9} {o.requests:>8}  {tail}")
    t = summary["totals"]
    _out(
        f"\n{t['acts']} acts: {t['fetched']} pages fetched, {t['unchanged']} unchanged, "
        f"{t['new_editions']} new editions, {t['failed']} failed; {t['requests']} requests in "
        f"{summary['seconds']:.1f} s (of which {summary['politeness_sleep_s']:.1f} s polite pauses, "
        f"{summary['backoff_sleep_s']:.1f} s back-off)"
    )


def cmd_refresh(args: argparse.Namespace) -> int:
    return _refresh(args)[0]


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.outputs import write_corpus_outputs
    from pipeline.store import open_store

    code, _ = _refresh(args)
    if code == EXIT_UNREACHABLE:
        _err(
            "normgap: no network? For offline work serve a mirror and pass --mirror URL, e.g.\n"
            "  python ../shared/rada-mirror/serve.py --root ../shared/rada-mirror --port 8765 &\n"
            "  normgap run --mirror http://127.0.0.1:8765 --delay 0"
        )
        return code
    with open_store(args.db) as store:
        written = write_corpus_outputs(store, args.out / "corpus")
    _out("\nWritten for reading:")
    for path in written:
        _out(f"  {path}")
    return code


# -- status ----------------------------------------------------------------------------------------
def cmd_status(args: argparse.Namespace) -> int:
    from pipeline.outputs import corpus_status
    from pipeline.store import open_store

    with open_store(args.db) as store:
        rows = corpus_status(store)
    if args.json:
        _out(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        _out("The store holds no acts yet: run `normgap refresh`.")
        return EXIT_OK
    for r in rows:
        eds = ", ".join(e["date"] for e in r["editions"]) or "none"
        _out(f"{r['work_id']}  {r['title'] or ''}")
        _out(f"    editions: {eds}")
        _out(f"    articles in the newest edition: {r['articles']}   last refresh: {r['last_refresh'] or 'never'}")
        if r["last_error"]:
            _out(f"    LAST ERROR: {r['last_error']}")
    return EXIT_OK


# -- show / diff / search --------------------------------------------------------------------------
def cmd_show(args: argparse.Namespace) -> int:
    from pipeline.diff import render_provision
    from pipeline.ids import parse_date, parse_provision_id
    from pipeline.store import open_store

    work, eid = parse_provision_id(args.id)
    at = parse_date(args.at) if args.at else None
    with open_store(args.db) as store:
        edition = store.edition_at(work, at)
        provisions = store.subtree(edition, eid) if eid else store.provisions(edition.edition_id)
        notes = store.notes_for(edition, [p.eid for p in provisions])
    if args.json:
        _out(
            json.dumps(
                {
                    "id": args.id,
                    "edition": edition.date.isoformat(),
                    "basis": edition.basis,
                    "provisions": [dataclasses.asdict(p) for p in provisions],
                    "notes": [dataclasses.asdict(n) for n in notes],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    _out(
        f"{work}#{eid or ''}  — edition of {edition.date.isoformat()}"
        + (f" (basis {edition.basis})" if edition.basis else "")
    )
    notes_by_target: dict[str, list[str]] = {}
    for n in notes:
        notes_by_target.setdefault(n.target or "", []).append(n.text)
    for p in provisions:
        _out(f"[{p.eid}] {render_provision(p)}")
        for text in notes_by_target.get(p.eid, []):
            _out(f"    {{{text}}}")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from pipeline.diff import diff_provisions
    from pipeline.ids import parse_date, parse_provision_id
    from pipeline.store import open_store

    work, eid = parse_provision_id(args.id)
    date_from, date_to = parse_date(args.date_from), parse_date(args.date_to)
    with open_store(args.db) as store:
        old_ed, new_ed = store.edition_at(work, date_from), store.edition_at(work, date_to)
        old = _subtree_or_empty(store, old_ed, eid)
        new = _subtree_or_empty(store, new_ed, eid)
        if not old and not new:
            raise NotFoundInStoreError(f"no provision {eid} in either edition", provision=args.id)
    changes = diff_provisions(old, new)
    if args.json:
        _out(
            json.dumps(
                {
                    "from": old_ed.date.isoformat(),
                    "to": new_ed.date.isoformat(),
                    "changes": [c.__dict__ for c in changes],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    _out(f"{args.id}: edition {old_ed.date.isoformat()} -> {new_ed.date.isoformat()}")
    if old_ed.edition_id == new_ed.edition_id:
        _out("(the same edition is in force on both dates)")
    if not changes:
        _out("no changes")
    for c in changes:
        _out(f"\n{c.change.upper()} {c.eid}")
        if c.change == "changed":
            _out(c.unified())
        else:
            _out(("+ " if c.after else "- ") + (c.after or c.before or ""))
    return EXIT_OK


def _subtree_or_empty(store: Any, edition: Any, eid: str) -> list[Any]:
    try:
        return list(store.subtree(edition, eid)) if eid else list(store.provisions(edition.edition_id))
    except NotFoundInStoreError:
        return []


def cmd_search(args: argparse.Namespace) -> int:
    from pipeline.search import build_match
    from pipeline.store import open_store

    match = build_match(args.query)
    if not match:
        raise NormgapError(f"nothing to search for in {args.query!r}")
    with open_store(args.db) as store:
        hits = store.search(match, limit=args.limit, work_id=args.act, all_editions=args.all_editions)
    if args.json:
        _out(
            json.dumps(
                [{**h.__dict__, "edition_date": h.edition_date.isoformat()} for h in hits],
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    if not hits:
        _out("no matches")
    for h in hits:
        text = " ".join(x for x in (h.heading, h.text) if x)
        _out(f"{h.work_id}#{h.eid} ({h.edition_date.isoformat()})\n    {text[:300]}")
    return EXIT_OK


# -- parse -----------------------------------------------------------------------------------------
def cmd_parse(args: argparse.Namespace) -> int:
    from pipeline.http import decode_body
    from pipeline.parse import parse_document

    try:
        raw = args.file.read_bytes()
    except OSError as e:
        raise NormgapError(f"cannot read: {e.strerror}", path=str(args.file)) from e
    parsed = parse_document(decode_body(raw, None, url=str(args.file)))
    if args.json:
        _out(json.dumps(_parsed_json(parsed), ensure_ascii=False, indent=2))
    else:
        _out(
            f"{parsed.title or '(no title)'} — edition {parsed.edition_date or 'unknown'}, "
            f"{parsed.article_count} articles, {len(parsed.provisions)} provisions, {len(parsed.notes)} notes"
        )
        for p in parsed.provisions:
            depth = p.eid.count("__")
            label = p.heading or p.text
            _out(f"{'  ' * depth}{p.eid}  {label[:90]}")
        for w in parsed.warnings:
            _err(f"warning: {w}")
    if parsed.article_count == 0:
        _err(f"normgap: no articles found in {args.file}")
        return EXIT_FAILED
    return EXIT_OK


def _parsed_json(parsed: ParsedAct) -> dict[str, Any]:
    return {
        "title": parsed.title,
        "act_type": parsed.act_type,
        "edition_date": parsed.edition_date.isoformat() if parsed.edition_date else None,
        "basis": parsed.basis,
        "article_count": parsed.article_count,
        "provisions": [dataclasses.asdict(p) for p in parsed.provisions],
        "notes": [dataclasses.asdict(n) for n in parsed.notes],
        "warnings": [str(w) for w in parsed.warnings],
    }


# -- acts ------------------------------------------------------------------------------------------
def cmd_acts_list(args: argparse.Namespace) -> int:
    for a in load_acts(args.acts_file):
        _out(f"{a.nreg:<10} {a.title}" + (f"  [{a.role}]" if a.role else ""))
    return EXIT_OK


def cmd_acts_add(args: argparse.Namespace) -> int:
    acts = add_act(load_acts(args.acts_file), args.nreg, args.title, args.role)
    save_acts(acts, args.acts_file)
    _out(f"tracking {args.nreg} ({len(acts)} acts); fetch it with `normgap refresh --acts {args.nreg}`")
    return EXIT_OK


def cmd_acts_remove(args: argparse.Namespace) -> int:
    acts = remove_act(load_acts(args.acts_file), args.nreg)
    save_acts(acts, args.acts_file)
    _out(f"no longer tracking {args.nreg} ({len(acts)} acts); its stored editions are kept")
    return EXIT_OK
