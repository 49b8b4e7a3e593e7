"""The `normgap` command line: the only place that prints. Every command returns an exit code:

0 success; 1 some items failed (the others were processed); 2 bad usage, configuration or input;
3 the portal (or the mirror) cannot be reached; 4 an id or act that the store does not hold;
5 another refresh / run / update holds the lock.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.acts import DEFAULT_ACTS_FILE, add_act, load_acts, remove_act, save_acts
from pipeline.errors import NetworkUnavailableError, NormgapError, NotFoundInStoreError
from pipeline.records import ActOutcome, ParsedAct, TrackedAct
from pipeline.schedule import LockedError, store_lock

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_NOT_FOUND, EXIT_LOCKED = 0, 1, 2, 3, 4, 5
DEFAULT_OUTPUTS = Path("outputs")
DEFAULT_ARCHIVE = Path("corpora/raw")
DEFAULT_INSTRUMENTS = Path("corpora/instruments.toml")
ROOT = Path(__file__).resolve().parent.parent
# format -> (module, file suffix, binary)
DATASET_FORMATS = {
    "labelstudio": ("pipeline.datasets.labelstudio", ".json", False),
    "doccano": ("pipeline.datasets.doccano", ".jsonl", False),
    "conllu": ("pipeline.datasets.conllu", ".conllu", False),
    "inception": ("pipeline.datasets.webanno", ".tsv", False),
    "spacy": ("pipeline.datasets.docbin", ".spacy", True),
}

log = logging.getLogger("normgap")


def _out(text: str = "") -> None:
    print(text)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


# -- argument parser -------------------------------------------------------------------------------
NO_EMBEDDINGS_HELP = (
    "align on lexical signals only, without the multilingual embedding model (its vectors are cached in "
    "corpora/cache/ or $NORMGAP_EMBEDDINGS: the first comparison embeds every article, about 5 minutes on "
    "2 cores, later ones only what changed)"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="normgap",
        description=(
            "normgap: which Ukrainian agency may do what against smuggling, and which international norms "
            "Ukrainian law has not implemented. Builds a local corpus of the tracked acts (every edition, "
            "parsed into provisions with stable ids) from zakon.rada.gov.ua / data.rada.gov.ua."
        ),
        epilog="Exit codes: 0 ok, 1 some items failed, 2 bad usage or input, 3 portal unreachable, "
        "4 unknown act or provision, 5 another run holds the lock. "
        "Database: --db, else $NORMGAP_DB, else corpora/corpus.sqlite; a SQLite file or a shared PostgreSQL "
        "database given as postgresql://user:password@host:port/dbname.",
    )
    parser.add_argument("--version", action="version", version=f"normgap {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv: debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "--db",
            metavar="PATH|URL",
            help="corpus database: a SQLite file or postgresql://user@host:port/dbname "
            "(default: $NORMGAP_DB or corpora/corpus.sqlite)",
        )
        return p

    def with_fetch(p: argparse.ArgumentParser) -> None:
        p.add_argument("--acts", nargs="+", metavar="NREG", help="only these tracked acts (default: all)")
        p.add_argument("--history", action="store_true", help="also backfill earlier editions of each act")
        p.add_argument(
            "--since",
            metavar="DATE",
            help="with --history: only editions from DATE; alone: only the acts the portal's change "
            "list shows as changed since DATE",
        )
        p.add_argument("--log", type=Path, metavar="FILE", help="also write the log to FILE (for cron and systemd)")
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
        p.add_argument("--instruments-file", type=Path, default=DEFAULT_INSTRUMENTS)
        p.add_argument("--no-instruments", action="store_true", help="do not store the instruments' texts")

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
    p.add_argument("--no-embeddings", action="store_true", help=NO_EMBEDDINGS_HELP)
    p.set_defaults(func=cmd_run)

    p = with_db(
        sub.add_parser(
            "update",
            help="for schedules: refresh -> tag -> compare on what changed, change report",
            description="The scheduled job: refresh (with a lock: a second run exits with code 5), "
            "tag what is new, compare again when anything changed, and write "
            "outputs/changes/DATE.md/.json/.html (new editions, changed provisions, norms gained "
            "or lost per agency, flags opened or closed, decisions needing re-review).",
        )
    )
    with_fetch(p)
    p.add_argument("--out", type=Path, default=DEFAULT_OUTPUTS, help="output folder (default outputs/)")
    p.add_argument("--no-embeddings", action="store_true", help=NO_EMBEDDINGS_HELP)
    p.set_defaults(func=cmd_update)

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

    p = with_db(
        sub.add_parser(
            "tag",
            help="tag agencies and norms in every stored edition (incremental)",
            description="Tag each edition not yet tagged by this tagger version (all of them "
            "with --all). Texts that editions share are tagged once.",
        )
    )
    p.add_argument("--acts", nargs="+", metavar="NREG", help="only these acts")
    p.add_argument("--all", action="store_true", help="re-tag every edition")
    p.add_argument("--rules-only", action="store_true", help="do not use the trained model")
    p.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="where to tag: this process, or a Dask cluster (partitioned by edition)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the scheduler (tcp://host:8786); default a local cluster",
    )
    p.add_argument("--workers", type=int, default=2, help="with a local Dask cluster: worker processes")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tag)

    p = sub.add_parser(
        "evaluate", help="score the tagger or the comparator on a gold file (shared/specs/gold-format.md)"
    )
    ev = p.add_subparsers(dest="evaluate_what", metavar="WHAT")
    e = ev.add_parser(
        "tagging",
        help="agency_f1, agency_overlap_f1, norm_f1, modality_f1, counterpart_f1",
        description="Score the tagger on a gold file (no store needed), or on the project's stand-off "
        "annotations (--annotations DIR, texts from the store given by --db).",
    )
    source = e.add_mutually_exclusive_group(required=True)
    source.add_argument("--gold", type=Path, help="a gold-format JSONL file")
    source.add_argument(
        "--annotations", type=Path, metavar="DIR", help="stand-off annotations (e.g. annotations/tagging)"
    )
    e.add_argument("--split", choices=("dev", "train", "all"), default="dev", help="with --annotations (default dev)")
    e.add_argument("--db", metavar="PATH|URL", help="with --annotations: the corpus database")
    e.add_argument("--json", action="store_true")
    e.add_argument("--rules-only", action="store_true", help="score the rules without the model")
    e.add_argument("--errors", action="store_true", help="also list the units with errors")
    e.set_defaults(func=cmd_evaluate_tagging)
    p.set_defaults(func=lambda args: _usage(p))

    p = with_db(sub.add_parser("train", help="reproduce the norm model from annotations/ (texts from the store)"))
    p.add_argument("--annotations", type=Path, default=Path("annotations/tagging"))
    p.add_argument("--out", type=Path, default=None, help="model file (default: the shipped pipeline/data model)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_train)

    p = with_db(sub.add_parser("norms", help="a provision with its agencies and norms highlighted"))
    p.add_argument("id", metavar="WORK#EID")
    p.add_argument("--at", metavar="DATE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_norms)

    p = with_db(
        sub.add_parser(
            "agencies",
            help="tasks, powers, duties, prohibitions per agency; unserved tasks",
            description="For each agency: its norms across the newest editions, and for each "
            "task the powers and duties that serve it; tasks no power serves are flagged. "
            "Written to outputs/agencies/.",
        )
    )
    p.add_argument("agency", nargs="?", help="one agency id (e.g. customs)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--out", type=Path, default=DEFAULT_OUTPUTS / "agencies")
    p.set_defaults(func=cmd_agencies)

    p = sub.add_parser("instruments", help="list or add international instruments (corpora/instruments.toml)")
    p.add_argument("--instruments-file", type=Path, default=DEFAULT_INSTRUMENTS)
    isub = p.add_subparsers(dest="instruments_command", metavar="ACTION")
    i = isub.add_parser("list", help="the registered instruments")
    i.set_defaults(func=cmd_instruments_list)
    i = isub.add_parser("add", help="register an instrument")
    i.add_argument("slug")
    i.add_argument("--title", required=True)
    i.add_argument("--date", default="")
    i.add_argument("--force", choices=("binding", "soft_law", "benchmark"), default="binding")
    i.add_argument("--topics", nargs="*", default=[])
    i.add_argument("--ratified-by", default="", help="nreg of the ratifying act")
    i.add_argument("--ratified-on", default="")
    i.add_argument("--portal-nreg", default="", help="nreg of the official Ukrainian text on the portal")
    i.add_argument("--en-file", default="")
    i.add_argument("--en-url", default="")
    i.set_defaults(func=cmd_instruments_add)
    p.set_defaults(func=cmd_instruments_list)

    p = with_db(
        sub.add_parser(
            "compare",
            help="align instruments with Ukrainian law; concordance tables",
            description="For each provision of each instrument, rank the national articles "
            "and decide implemented / partial / not_implemented with evidence; writes "
            "outputs/concordance/{slug}.csv, .json, .xlsx and stores the alignments.",
        )
    )
    p.add_argument("--instrument", nargs="+", metavar="SLUG", help="only these instruments")
    p.add_argument("--instruments-file", type=Path, default=DEFAULT_INSTRUMENTS)
    p.add_argument("--acts-file", type=Path, default=DEFAULT_ACTS_FILE)
    p.add_argument("--out", type=Path, default=DEFAULT_OUTPUTS / "concordance")
    p.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="where to align: this process, or a Dask cluster (one task per instrument)",
    )
    p.add_argument("--scheduler", metavar="ADDRESS", help="with --engine dask: the scheduler address")
    p.add_argument("--workers", type=int, default=2, help="with a local Dask cluster: worker processes")
    p.add_argument("--no-embeddings", action="store_true", help=NO_EMBEDDINGS_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_compare)

    e = ev.add_parser("alignment", help="recall@k, mrr, gap_f1, status_accuracy against the stored corpus")
    e.add_argument("--gold", type=Path, required=True)
    e.add_argument("--db", metavar="PATH|URL", help="corpus database (a SQLite file or a postgresql:// URL)")
    e.add_argument("--acts-file", type=Path, default=DEFAULT_ACTS_FILE)
    e.add_argument("--instruments-file", type=Path, default=DEFAULT_INSTRUMENTS)
    e.add_argument("--json", action="store_true")
    e.add_argument("--details", action="store_true", help="also list each line's candidates and status")
    e.add_argument("--no-embeddings", action="store_true", help=NO_EMBEDDINGS_HELP)
    e.set_defaults(func=cmd_evaluate_alignment)

    p = with_db(
        sub.add_parser(
            "train-alignment",
            help="refit the comparator's rank and status models on alignment annotations",
            description="Fits the logistic regressions that weigh the alignment signals and decide the status "
            "on gold-format files (default: annotations/alignment/train-*.jsonl; never the held-out files), "
            "then reports the metrics on each --eval file.",
        )
    )
    p.add_argument("--gold", type=Path, nargs="+", help="training files (gold format)")
    p.add_argument("--eval", type=Path, nargs="*", default=[], help="files to report metrics on after training")
    p.add_argument("--acts-file", type=Path, default=DEFAULT_ACTS_FILE)
    p.add_argument("--instruments-file", type=Path, default=DEFAULT_INSTRUMENTS)
    p.add_argument("--out", type=Path, default=None, help="model file (default: the shipped pipeline/data model)")
    p.add_argument("--no-embeddings", action="store_true", help=NO_EMBEDDINGS_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_train_alignment)

    p = with_db(sub.add_parser("review", help="the review web app for legal scholars (127.0.0.1 by default)"))
    p.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--instruments-file", type=Path, default=DEFAULT_INSTRUMENTS)
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("users", help="reviewer accounts")
    usub = p.add_subparsers(dest="users_command", metavar="ACTION")
    u = with_db(usub.add_parser("add", help="add a reviewer (the password is read from the terminal or stdin)"))
    u.add_argument("username")
    u.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    u.set_defaults(func=cmd_users_add)
    p.set_defaults(func=lambda args: _usage(p))

    p = with_db(sub.add_parser("report", help="static HTML report and CSV tables (opens from disk)"))
    p.add_argument("--out", type=Path, default=DEFAULT_OUTPUTS / "report")
    p.set_defaults(func=cmd_report)

    p = with_db(
        sub.add_parser(
            "export",
            help="units for annotation tools, with pre-annotations and a dataset card",
            description="Export units (the annotated ones with their labels, and other units of "
            "the chosen acts) for Label Studio, INCEpTION, doccano, spaCy or CoNLL-U.",
        )
    )
    p.add_argument("--format", required=True, choices=sorted(DATASET_FORMATS))
    p.add_argument("--acts", nargs="+", metavar="NREG")
    p.add_argument("--agency", metavar="ID", help="only units that name (or make bear a norm) this agency")
    p.add_argument("--sample", type=int, metavar="N")
    p.add_argument("--stratify", choices=("modality", "agency", "act"))
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--with-predictions", action="store_true", help="the tagger's output as pre-annotations")
    p.add_argument("--gold-only", action="store_true", help="only units with the project's annotations")
    p.add_argument("--annotations", type=Path, default=Path("annotations/tagging"))
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_export)

    p = with_db(
        sub.add_parser("import", help="finished annotations back into annotations/ (checked against the store)")
    )
    p.add_argument("path", type=Path)
    p.add_argument("--format", choices=sorted(DATASET_FORMATS), help="default: guessed from the file name")
    p.add_argument("--annotator", default="", help="name recorded with every imported unit")
    p.add_argument("--annotations", type=Path, default=Path("annotations/tagging"))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "agreement",
        help="inter-annotator agreement: span F1, norm F1 and kappa, counterpart F1, disagreements",
        description="Compares every two annotators who annotated the same units (or the two --annotators); the "
        "annotations may sit in several folders or files (a first annotation and its independent second one).",
    )
    p.add_argument("--annotators", nargs=2, metavar=("A", "B"))
    p.add_argument("--annotations", type=Path, nargs="+", default=[Path("annotations/tagging")], metavar="DIR|FILE")
    p.add_argument("--out", type=Path, default=DEFAULT_OUTPUTS / "agreement")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_agreement)

    p = with_db(
        sub.add_parser(
            "interactions",
            help="the network of required interactions between agencies",
            description="Directed multigraph (agent -> counterpart, modality, type, provisions) "
            "from the tagged store, its findings, and its changes between two dates; written "
            "to outputs/interactions/.",
        )
    )
    p.add_argument("--agency", metavar="ID")
    p.add_argument("--type", choices=("inform", "request", "assist", "joint", "coordinate", "oversee", "delegate"))
    p.add_argument("--format", choices=("table", "json", "csv", "graphml", "html"), default="table")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="with --to: how the network changed")
    p.add_argument("--to", dest="date_to", metavar="DATE")
    p.add_argument("--out", type=Path, default=DEFAULT_OUTPUTS / "interactions")
    p.set_defaults(func=cmd_interactions)
    return parser


def _usage(p: argparse.ArgumentParser) -> int:
    p.print_help()
    return EXIT_USAGE


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
    except LockedError as e:
        _err(f"normgap: {e}")
        return EXIT_LOCKED
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
    client = PoliteClient(
        delay=args.delay,
        mirror=args.mirror,
        archive=RawArchive(args.archive),
        respect_robots=not args.no_robots,
        robots_cache_dir=args.archive / "robots",
    )
    with open_store(args.db) as store, client:
        source = RadaSource(client, state_dir=args.archive / "state")
        skipped: list[str] = []
        if since and not args.history:
            # --since alone: the portal's list of changed acts decides which acts to ask for at all
            from pipeline.schedule import changed_since

            changed = changed_since(source.fetch_change_list(), since)
            skipped = [a.nreg for a in acts if a.nreg not in changed]
            acts = [a for a in acts if a.nreg in changed]
            since = None
        bar = tqdm(total=len(acts), desc="refresh", unit="act", file=sys.stderr, disable=None)

        def done(outcome: ActOutcome) -> None:
            bar.set_postfix_str(outcome.nreg)
            bar.update(1)

        try:
            report = Refresher(store, source).run(acts, history=args.history, since=since, on_act_done=done)
        finally:
            bar.close()
        stored: list[str] = []
        instrument_errors: list[str] = []
        if not args.acts and not args.no_instruments and not report.aborted and args.instruments_file.exists():
            stored, instrument_errors = refresh_instruments(store, client, args.instruments_file, source=source)
    summary = report.as_dict()
    # every request the client sent, the instruments' official texts included
    summary["totals"] = {**report.totals(), "requests": client.stats.requests}
    summary["skipped_by_change_list"] = skipped
    summary["instruments"] = stored
    summary["instrument_errors"] = instrument_errors
    if args.json:
        _out(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _print_refresh_summary(report.outcomes, summary)
        for line in stored:
            _out(f"instrument {line}")
        if skipped:
            _out(f"not changed since {args.since} per the portal's change list: {', '.join(skipped)}")
        for line in instrument_errors:
            _err(f"normgap: instrument {line}")
    if report.aborted:
        _err(f"normgap: stopped early: {report.aborted}")
        return EXIT_UNREACHABLE, summary
    return (EXIT_FAILED if report.failed or instrument_errors else EXIT_OK), summary


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


def _lock(args: argparse.Namespace) -> AbstractContextManager[None]:
    """One run at a time per store: a lock file beside a SQLite file, an advisory lock in a PostgreSQL store."""
    from pipeline.store import resolve_db

    return store_lock(resolve_db(getattr(args, "db", None)))


def _log_to_file(args: argparse.Namespace) -> None:
    if getattr(args, "log", None):
        args.log.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(args.log, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.setLevel(logging.INFO)
        logging.getLogger().addHandler(handler)
        logging.getLogger().setLevel(min(logging.getLogger().level, logging.INFO))


def cmd_refresh(args: argparse.Namespace) -> int:
    _log_to_file(args)
    with _lock(args):
        return _refresh(args)[0]


def cmd_run(args: argparse.Namespace) -> int:
    _log_to_file(args)
    with _lock(args):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from pipeline.acts import write_atomic
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
    from pipeline.balance import balance, balance_json, collect_norms
    from pipeline.tagging.job import tag_store
    from pipeline.tagging.tagger import Tagger

    with open_store(args.db) as store:
        written = write_corpus_outputs(store, args.out / "corpus")
        report = tag_store(store, Tagger())
        tagged = [e for e in report.editions if not e.skipped]
        _out(
            f"\ntagged {len(tagged)} editions ({len(report.editions) - len(tagged)} up to date) in "
            f"{report.seconds:.1f} s with {report.version}"
        )
        for e in report.failed:
            _err(f"normgap: tagging {e.label}: {e.failed}")
            code = max(code, EXIT_FAILED)
        balances = balance(collect_norms(store))
        compared = _compare_for_run(store, args)
    folder = args.out / "agencies"
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / "all.json", json.dumps(balance_json(balances), ensure_ascii=False, indent=2) + "\n")
    write_atomic(folder / "all.csv", _balance_csv(balances))
    write_atomic(folder / "all.md", _balance_markdown(balances))
    written += [folder / "all.md", folder / "all.csv", folder / "all.json"]
    from pipeline.align.run import write_concordance

    with open_store(args.db) as store:
        reviews = _reviews(store, compared)
    for result in compared:
        written += write_concordance(result, args.out / "concordance", reviews)
    from pipeline.review.report import write_report

    with open_store(args.db) as store:
        written += write_report(store, args.out / "report")
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
def _provisions_at(store: Any, args: argparse.Namespace) -> tuple[str, str, Any, list[Any]]:
    """The provision named by args.id (and everything below it) in the edition in force at args.at."""
    from pipeline.ids import parse_date, parse_provision_id

    work, eid = parse_provision_id(args.id)
    edition = store.edition_at(work, parse_date(args.at) if args.at else None)
    provisions = store.subtree(edition, eid) if eid else store.provisions(edition.edition_id)
    return work, eid, edition, list(provisions)


def cmd_show(args: argparse.Namespace) -> int:
    from pipeline.diff import render_provision
    from pipeline.store import open_store

    with open_store(args.db) as store:
        work, eid, edition, provisions = _provisions_at(store, args)
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
    from pipeline.search import build_query
    from pipeline.store import open_store

    query = build_query(args.query)
    if not query:
        raise NormgapError(f"nothing to search for in {args.query!r}")
    with open_store(args.db) as store:
        hits = store.search(query, limit=args.limit, work_id=args.act, all_editions=args.all_editions)
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


# -- tagging ---------------------------------------------------------------------------------------
def _progress(bar: Any) -> Any:
    def advance(n: int) -> None:
        bar.update(n)

    return advance


def _engine(args: argparse.Namespace) -> Any:
    from pipeline.tagging.job import DaskEngine, LocalEngine

    if args.engine == "dask":
        return DaskEngine(args.scheduler, workers=args.workers)
    if args.scheduler:
        raise NormgapError("--scheduler goes with --engine dask")
    return LocalEngine()


def cmd_tag(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from pipeline.store import open_store
    from pipeline.tagging.job import tag_store
    from pipeline.tagging.tagger import Tagger

    tagger = Tagger(use_model=not args.rules_only)
    with open_store(args.db) as store:
        editions = store.all_editions(args.acts)
        if not editions:
            raise NotFoundInStoreError("no stored edition to tag (run `normgap refresh` first)")
        total = sum(e.provision_count for e in editions)
        bar = tqdm(total=total, desc="tag", unit="unit", file=sys.stderr, disable=None)
        engine = _engine(args)
        try:
            report = tag_store(
                store, tagger, work_ids=args.acts, force=args.all, on_units=_progress(bar), engine=engine
            )
        finally:
            bar.close()
            if hasattr(engine, "close"):
                engine.close()
    if args.json:
        rows = [dataclasses.asdict(e) for e in report.editions]
        _out(
            json.dumps(
                {"tagger": report.version, "seconds": round(report.seconds, 2), "editions": rows},
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_FAILED if report.failed else EXIT_OK
    _out(f"{'edition':<22} {'units':>6} {'mentions':>8} {'norms':>6} {'reused':>6}  note")
    for e in report.editions:
        if e.skipped:
            note = "unchanged, skipped"
        elif e.failed:
            note = f"FAILED: {e.failed}"
        else:
            note = f"{len(e.errors)} unit errors" if e.errors else ""
        _out(f"{e.label:<22} {e.units:>6} {e.mentions:>8} {e.norms:>6} {e.reused:>6}  {note}")
    tagged = [e for e in report.editions if not e.skipped]
    _out(
        f"\n{len(tagged)} editions tagged, {len(report.editions) - len(tagged)} already up to date; "
        f"tagger {report.version}; {report.seconds:.1f} s"
    )
    return EXIT_FAILED if report.failed else EXIT_OK


def _annotated_gold(args: argparse.Namespace) -> list[Any]:
    """Gold lines rebuilt from stand-off annotations and the stored texts (a unit whose text changed is an
    error naming it)."""
    from pipeline.annotations import load_annotations, to_gold
    from pipeline.store import open_store
    from pipeline.tagging.evaluate import load_gold_lines

    with open_store(args.db) as store:
        build = to_gold(store, load_annotations(args.annotations), split=None if args.split == "all" else args.split)
    for e in build.errors:
        _err(f"warning: {e}")
    if not build.lines:
        raise NormgapError(f"no annotated unit in the {args.split} split", path=str(args.annotations))
    return list(load_gold_lines(build.lines))


def cmd_evaluate_tagging(args: argparse.Namespace) -> int:
    from pipeline.tagging.evaluate import Prediction, errors, load_gold, score
    from pipeline.tagging.tagger import Tagger, TaggingError

    gold = load_gold(args.gold) if args.gold else _annotated_gold(args)
    tagger = Tagger(use_model=not args.rules_only)
    preds = []
    for g in gold:
        try:
            r = tagger.tag(g.text, g.context, work=g.id.split("#", 1)[0], lang=g.lang, provision=g.id)
            preds.append(Prediction(r.mentions, r.norm_pairs(), frozenset(r.counterparts)))
        except TaggingError as e:
            _err(f"warning: {e}")
            preds.append(Prediction((), frozenset()))
    result = score(gold, preds)
    result["tagger"] = tagger.version
    if args.errors:
        result["errors"] = errors(gold, preds)
    if args.json:
        _out(json.dumps(result, ensure_ascii=False, indent=2))
        return EXIT_OK
    _out(f"{args.gold or f'{args.annotations} ({args.split})'}: {result['units']} units, tagger {tagger.version}")
    _out(
        f"agency_f1 {result['agency_f1']:.4f}   agency_overlap_f1 {result['agency_overlap_f1']:.4f}   "
        f"norm_f1 {result['norm_f1']:.4f}"
    )
    for m, f in result["modality_f1"].items():
        c = result["modality_counts"][m]
        _out(f"  {m:<12} F1 {f:.4f}  (tp {c['tp']}, predicted {c['predicted']}, gold {c['gold']})")
    if "counterpart_f1" in result:
        _out(
            f"counterpart_f1 {result['counterpart_f1']:.4f}   (precision {result['counterpart_precision']:.4f}, "
            f"recall {result['counterpart_recall']:.4f}; agent-counterpart pairs, type ignored: "
            f"{result['counterpart_pair_f1']:.4f})"
        )
        for t, f in result["interaction_f1"].items():
            c = result["interaction_counts"][t]
            if c["predicted"] or c["gold"]:
                _out(f"  {t:<12} F1 {f:.4f}  (tp {c['tp']}, predicted {c['predicted']}, gold {c['gold']})")
    for item in result.get("errors", []):
        _out(
            f"  {item['id']}: missed {item['missed_norms']} {item['missed_agencies']} {item['missed_counterparts']}; "
            f"extra {item['extra_norms']} {item['extra_agencies']} {item['extra_counterparts']}"
        )
    return EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from importlib import resources

    from pipeline.acts import write_atomic
    from pipeline.store import open_store
    from pipeline.tagging.model import MODEL_FILE
    from pipeline.tagging.training import train_from_annotations

    with open_store(args.db) as store:
        report = train_from_annotations(store, args.annotations)
    out = args.out or Path(str(resources.files("pipeline") / "data" / MODEL_FILE))
    write_atomic(out, report.model.to_json() + "\n")
    summary = {
        "model": report.model.version,
        "written": str(out),
        "train_units": report.train_units,
        "dev_units": report.dev_units,
        "threshold": report.model.threshold,
        "cross_validation_norm_f1": report.cv_norm_f1,
        "tuning_units": report.tuning_units,
        "tuning_norm_f1": report.tuning_norm_f1,
        "dev": {k: report.dev.get(k) for k in ("agency_f1", "norm_f1", "modality_f1")},
        "dev_rules_only": {k: report.dev_rules.get(k) for k in ("norm_f1", "modality_f1")},
        "annotation_errors": report.errors,
    }
    if args.json:
        _out(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _out(f"model {report.model.version} -> {out}")
        if report.tuning_norm_f1:
            chosen = "never (the rules alone)" if report.model.threshold > 1 else report.model.threshold
            _out(
                f"trained on {report.train_units} units; override threshold {chosen} "
                f"(chosen on {report.tuning_units} units of the development sets: {report.tuning_norm_f1}; "
                f"5-fold cross-validation on the training units: {report.cv_norm_f1})"
            )
        else:
            _out(
                f"trained on {report.train_units} units; override threshold {report.model.threshold} "
                f"(chosen by {5}-fold cross-validation by article: {report.cv_norm_f1})"
            )
        if report.dev:
            _out(
                f"held-out dev ({report.dev_units} units): agency_f1 {report.dev['agency_f1']:.4f}, "
                f"norm_f1 {report.dev['norm_f1']:.4f} (rules alone {report.dev_rules['norm_f1']:.4f})"
            )
        for e in report.errors:
            _err(f"warning: {e}")
    return EXIT_FAILED if report.errors else EXIT_OK


def cmd_norms(args: argparse.Namespace) -> int:
    from pipeline.diff import render_provision
    from pipeline.store import open_store
    from pipeline.tagging.tagger import UnitResult

    with open_store(args.db) as store:
        work, eid, edition, provisions = _provisions_at(store, args)
        tags = store.unit_tags(edition.edition_id, [p.eid for p in provisions])
        if not tags and store.tagging_of(edition.edition_id) is None:
            raise NotFoundInStoreError("this edition is not tagged yet (run `normgap tag`)", provision=args.id)
    by_eid: dict[str, list[Any]] = {}
    for row in tags:
        by_eid.setdefault(row["eid"], []).append(row)
    records = []
    for p in provisions:
        units = []
        for row in by_eid.get(p.eid, []):
            result = UnitResult.from_json(row["mentions"], row["norms"])
            text = p.text[row["start"] : row["end"]]
            units.append({"start": row["start"], "end": row["end"], "text": text, "result": result})
        records.append((p, units))
    if args.json:
        _out(
            json.dumps(
                [
                    {
                        "eid": p.eid,
                        "units": [
                            {
                                "start": u["start"],
                                "end": u["end"],
                                "mentions": [list(m) for m in u["result"].mentions],
                                "norms": [n.as_json() for n in u["result"].norms],
                            }
                            for u in units
                        ],
                    }
                    for p, units in records
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    _out(f"{work}#{eid}  — edition of {edition.date.isoformat()}   [agency mention|id]  <<cue>>")
    for p, units in records:
        if not units:
            _out(f"[{p.eid}] {render_provision(p)}")
            continue
        for u in units:
            _out(f"[{p.eid}] {_highlight(u['text'], u['result'])}")
            for n in u["result"].norms:
                how = {0: "model", 1: "modal word", 2: "lead-in", 3: "heading", 4: "present tense"}[n.level]
                _out(f"      -> {n.agent}: {n.modality.upper()}  ({how}; agent from {n.source})")
    return EXIT_OK


def _highlight(text: str, result: Any) -> str:
    marks: list[tuple[int, str]] = []
    for s, e, agency in result.mentions:
        marks += [(s, "["), (e, f"|{agency}]")]
    for n in result.norms:
        if n.cue:
            marks += [(n.cue[0], "<<"), (n.cue[1], ">>")]
    out = text
    for pos, mark in sorted(marks, key=lambda m: -m[0]):
        out = out[:pos] + mark + out[pos:]
    return out


def cmd_agencies(args: argparse.Namespace) -> int:
    from pipeline.acts import write_atomic
    from pipeline.balance import balance, balance_json, collect_norms
    from pipeline.store import open_store

    with open_store(args.db) as store:
        items = collect_norms(store)
    if not items:
        raise NotFoundInStoreError("no tagged norms in the store (run `normgap tag` first)")
    balances = balance(items, agency=args.agency)
    if args.agency and not balances:
        raise NotFoundInStoreError(f"no norms of agency {args.agency!r} in the corpus")
    data = balance_json(balances)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.agency or "all"
    write_atomic(args.out / f"{stem}.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    write_atomic(args.out / f"{stem}.csv", _balance_csv(balances))
    write_atomic(args.out / f"{stem}.md", _balance_markdown(balances))
    if args.format == "json":
        _out(json.dumps(data, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        _out(_balance_csv(balances))
    else:
        _out(f"{'agency':<18} {'tasks':>6} {'powers':>7} {'duties':>7} {'prohib.':>7} {'tasks no power serves':>22}")
        for b in balances:
            c = b.counts
            _out(
                f"{b.agency:<18} {c['task']:>6} {c['power']:>7} {c['duty']:>7} {c['prohibition']:>7} "
                f"{len(b.unserved_tasks):>22}"
            )
        if args.agency and balances:
            for link in balances[0].tasks:
                flag = "UNSERVED " if link.unserved else ""
                _out(f"\n{flag}task {link.task.unit}: {link.task.text[:160]}")
                for m, score in link.served_by:
                    _out(f"    {m.modality} {m.unit} ({score}): {m.text[:120]}")
    _err(f"written: {args.out}/{stem}.json, .csv, .md")
    return EXIT_OK


def _balance_csv(balances: Any) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["agency", "modality", "unit", "edition", "text", "task served by (units)"])
    for b in balances:
        served = {t.task.unit: " ".join(m.unit for m, _ in t.served_by) for t in b.tasks}
        for modality, items in sorted(b.norms.items()):
            for it in items:
                w.writerow(
                    [
                        b.agency,
                        modality,
                        it.unit,
                        it.edition,
                        it.text,
                        served.get(it.unit, "") if modality == "task" else "",
                    ]
                )
    return buf.getvalue()


def _balance_markdown(balances: Any) -> str:
    lines = [
        "# Tasks, powers, duties and prohibitions by agency",
        "",
        "| agency | tasks | powers | duties | prohibitions | tasks no power serves |",
        "|---|---|---|---|---|---|",
    ]
    for b in balances:
        c = b.counts
        lines.append(
            f"| {b.agency} | {c['task']} | {c['power']} | {c['duty']} | {c['prohibition']} | {len(b.unserved_tasks)} |"
        )
    for b in balances:
        if b.unserved_tasks:
            lines += ["", f"## {b.agency}: tasks no power or duty serves", ""]
            lines += [f"- `{t.task.unit}` {t.task.text}" for t in b.unserved_tasks]
    return "\n".join(lines) + "\n"


# -- instruments and alignment ---------------------------------------------------------------------
def cmd_instruments_list(args: argparse.Namespace) -> int:
    from pipeline.instruments import load_instruments

    for inst in load_instruments(args.instruments_file):
        source = inst.en_file or inst.en_url or (f"portal {inst.portal_nreg}" if inst.portal_nreg else "no text yet")
        _out(f"{inst.slug:<16} {inst.force:<9} {inst.title[:70]}  [{source}]")
    return EXIT_OK


def cmd_instruments_add(args: argparse.Namespace) -> int:
    from pipeline.instruments import Instrument, add_instrument

    inst = Instrument(
        args.slug,
        args.title,
        args.date,
        args.force,
        tuple(args.topics),
        args.ratified_by,
        args.ratified_on,
        args.portal_nreg,
        args.en_file,
        args.en_url,
    )
    add_instrument(args.instruments_file, inst)
    _out(f"registered {args.slug}; `normgap refresh` stores its text, `normgap compare` aligns it")
    return EXIT_OK


def refresh_instruments(
    store: Any, client: Any, path: Path, only: Sequence[str] | None = None, *, source: Any = None
) -> tuple[list[str], list[str]]:
    """Store every instrument's English text and, given the portal `source`, its official Ukrainian text (the
    portal act `portal_nreg`, fetched and parsed like any act): (what was done, errors); the others go on."""
    from pipeline.instruments import load_instruments
    from pipeline.sources.instruments import store_instrument, store_official_text

    done: list[str] = []
    errors: list[str] = []
    for inst in load_instruments(path):
        if only and inst.slug not in only:
            continue
        if inst.en_file or inst.en_url:
            try:
                label = store_instrument(store, inst, client=client, base=ROOT)
                done.append(f"{inst.slug:<16} {'new ' + label if label else 'unchanged'}")
            except NormgapError as e:
                store.ensure_work(TrackedAct(inst.slug, inst.title, "instrument"))
                store.record_failure(inst.slug, str(e))
                errors.append(f"{inst.slug}: {e}")
        if inst.portal_nreg and source is not None:
            try:
                done.append(f"{inst.slug:<16} {store_official_text(store, source, inst)}")
            except NormgapError as e:
                errors.append(f"{inst.slug}: official Ukrainian text {inst.portal_nreg}: {e}")
    return done, errors


def _reviews(store: Any, results: Sequence[Any]) -> Any:
    import hashlib

    from pipeline.align.run import reviews_for

    hashes = {a.provision: hashlib.sha256(a.text.encode()).hexdigest() for r in results for a in r.alignments}
    return reviews_for(store, list(hashes), hashes)


def _compare_for_run(store: Any, args: argparse.Namespace) -> list[Any]:
    from pipeline.align.run import compare_instruments
    from pipeline.align.thesaurus import default_thesaurus
    from pipeline.instruments import load_instruments

    if not args.instruments_file.exists():
        return []
    stored = [i for i in load_instruments(args.instruments_file) if store.has_work(i.slug) and store.editions(i.slug)]
    if not stored:
        return []
    results = _with_align_bar(
        lambda on_aligned: compare_instruments(
            store,
            stored,
            load_acts(args.acts_file),
            default_thesaurus(),
            embedder=_embedder(args),
            on_aligned=on_aligned,
        )
    )
    _out(f"compared {len(stored)} instruments, {sum(len(r.alignments) for r in results)} provisions")
    return results


def cmd_compare(args: argparse.Namespace) -> int:
    from pipeline.align.run import compare_instruments, write_concordance
    from pipeline.align.thesaurus import default_thesaurus
    from pipeline.instruments import load_instruments
    from pipeline.store import open_store

    instruments = [
        i for i in load_instruments(args.instruments_file) if not args.instrument or i.slug in args.instrument
    ]
    if args.instrument:
        unknown = set(args.instrument) - {i.slug for i in instruments}
        if unknown:
            raise NormgapError(f"unknown instrument(s): {', '.join(sorted(unknown))}", path=str(args.instruments_file))
    tracked = load_acts(args.acts_file)
    failures = []
    with open_store(args.db) as store:
        stored = []
        for inst in instruments:
            if store.has_work(inst.slug) and store.editions(inst.slug):
                stored.append(inst)
            elif args.instrument or inst.en_file or inst.en_url:
                failures.append(f"{inst.slug}: no stored text (run `normgap refresh`)")
        if not stored:
            raise NotFoundInStoreError("no instrument text in the store (run `normgap refresh` first)")
        engine = _engine(args)
        try:
            results = _with_align_bar(
                lambda on_aligned: compare_instruments(
                    store,
                    stored,
                    tracked,
                    default_thesaurus(),
                    client=getattr(engine, "client", None),
                    embedder=_embedder(args),
                    on_aligned=on_aligned,
                )
            )
        finally:
            if hasattr(engine, "close"):
                engine.close()
        reviews = _reviews(store, results)
    summary = []
    for r in results:
        paths = write_concordance(r, args.out, reviews)
        summary.append(
            {
                "instrument": r.instrument.slug,
                "force": r.instrument.force,
                "provisions": len(r.alignments),
                **r.counts(),
                "written": [str(p) for p in paths],
            }
        )
    if args.json:
        _out(json.dumps({"instruments": summary, "failures": failures}, ensure_ascii=False, indent=2))
    else:
        _out(f"{'instrument':<16} {'provisions':>10} {'implemented':>12} {'partial':>8} {'not impl.':>10} {'n/a':>5}")
        for row in summary:
            _out(
                f"{row['instrument']:<16} {row['provisions']:>10} {row.get('implemented', 0):>12} "
                f"{row.get('partial', 0):>8} {row.get('not_implemented', 0):>10} {row.get('not_applicable', 0):>5}"
            )
        _out(f"\nconcordance tables (CSV, JSON, XLSX) in {args.out}/")
        for f in failures:
            _err(f"normgap: {f}")
    return EXIT_FAILED if failures else EXIT_OK


def _embedder(args: argparse.Namespace) -> Any:
    """The embedding signal for alignment (cached on disk), unless --no-embeddings; a bar while it embeds."""
    from tqdm import tqdm

    from pipeline.align.embed import Embedder, VectorCache, cache_path

    if getattr(args, "no_embeddings", False):
        return None
    bars: dict[int, Any] = {}

    def progress(done: int, total: int) -> None:
        bar = bars.get(total)
        if bar is None:
            if total >= 500:  # minutes of work: say so even when no bar can be drawn (cron, a log file)
                _err(f"normgap: embedding {total} texts for the alignment (once: they are cached)")
            bar = bars[total] = tqdm(total=total, desc="embed", unit="text", file=sys.stderr, disable=None)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()
            bars.pop(total, None)

    return Embedder(VectorCache(cache_path()), progress=progress)


def _with_align_bar(compare: Any) -> Any:
    """Run a comparison with a progress bar over the provisions aligned (shown on a terminal only)."""
    from tqdm import tqdm

    with tqdm(desc="align", unit="provision", file=sys.stderr, disable=None) as bar:
        return compare(_progress(bar))


def _registered_instruments(args: argparse.Namespace) -> list[Any]:
    from pipeline.instruments import load_instruments

    return load_instruments(args.instruments_file) if args.instruments_file.exists() else []


def _alignment_setting(args: argparse.Namespace) -> tuple[dict[str, str], dict[str, Any]]:
    registry = _registered_instruments(args)
    return {i.slug: i.force for i in registry}, {i.slug: i.topics for i in registry}


def _unknown_gold_acts(store: Any, lines: Sequence[dict[str, Any]]) -> list[str]:
    named = {x.split("#")[0] for g in lines for x in g["implemented_by"]}
    return sorted(named - {w["work_id"] for w in store.works()})


def cmd_evaluate_alignment(args: argparse.Namespace) -> int:
    from pipeline.align.compare import alignment_metrics
    from pipeline.align.run import align_gold_lines, gold_official_texts, make_comparator
    from pipeline.align.thesaurus import default_thesaurus
    from pipeline.store import open_store

    lines = _read_alignment_gold(args.gold)
    forces, topics = _alignment_setting(args)
    with open_store(args.db) as store:
        unknown = _unknown_gold_acts(store, lines)
        if unknown:
            _err(f"normgap: the gold file names acts the store does not hold: {', '.join(unknown)}")
        comparator = make_comparator(store, load_acts(args.acts_file), default_thesaurus(), embedder=_embedder(args))
        officials = gold_official_texts(store, _registered_instruments(args), lines)
    predicted = align_gold_lines(comparator, lines, forces, topics, officials)
    result = alignment_metrics(lines, predicted)
    result["method"] = comparator.version
    if args.details:
        result["details"] = [
            {
                "id": g["id"],
                "gold_status": g["status"],
                "status": a.status,
                "gold": g["implemented_by"],
                "top": [c.provision for c in a.candidates[:5]],
                "concepts": list(a.concepts),
            }
            for g, a in zip(lines, predicted, strict=True)
        ]
    if args.json:
        _out(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _out(f"{args.gold}: {result['lines']} provisions, method {result['method']}")
        _out(
            f"recall_at_1 {result['recall_at_1']:.4f}  recall_at_5 {result['recall_at_5']:.4f}  "
            f"recall_at_10 {result['recall_at_10']:.4f}  mrr {result['mrr']:.4f}"
        )
        _out(
            f"gap_f1 {result['gap_f1']:.4f} "
            f"(precision {result['gap_precision']:.4f}, recall {result['gap_recall']:.4f})"
            f"  status_accuracy {result['status_accuracy']:.4f}"
        )
        for d in result.get("details", []):
            _out(f"  {d['id']}: {d['status']} (gold {d['gold_status']}); top {d['top']}; gold {d['gold']}")
    return EXIT_FAILED if unknown else EXIT_OK


def cmd_train_alignment(args: argparse.Namespace) -> int:
    from importlib import resources

    from pipeline.align.compare import alignment_metrics
    from pipeline.align.learn import train
    from pipeline.align.model import save_model
    from pipeline.align.run import align_gold_lines, make_comparator, unit_vectors
    from pipeline.align.thesaurus import default_thesaurus
    from pipeline.store import open_store

    files = args.gold or sorted(Path("annotations/alignment").glob("train-*.jsonl"))
    if not files:
        raise NormgapError("no training file (annotations/alignment/train-*.jsonl); pass --gold FILE")
    forces, topics = _alignment_setting(args)
    lines = [dict(g, topics=topics.get(g.get("instrument", ""), ())) for f in files for g in _read_alignment_gold(f)]
    with open_store(args.db) as store:
        unknown = _unknown_gold_acts(store, lines)
        if unknown:
            raise NotFoundInStoreError(f"the training files name acts the store does not hold: {', '.join(unknown)}")
        comparator = make_comparator(store, load_acts(args.acts_file), default_thesaurus(), embedder=_embedder(args))
    vectors = unit_vectors(comparator, [(g["id"], g["text"]) for g in lines])
    model = train(comparator, lines, [str(f) for f in files], vectors=vectors)
    out = args.out or Path(str(resources.files("pipeline") / "data" / "align-model.json"))
    save_model(model, out)
    trained = dataclasses.replace(comparator, model=model)
    report: dict[str, Any] = {"model": model.version, "written": str(out), "training_lines": len(lines)}
    for f in [*files, *args.eval]:
        gold = _read_alignment_gold(f)
        metrics = alignment_metrics(gold, align_gold_lines(trained, gold, forces, topics))
        report[str(f)] = {k: v for k, v in metrics.items() if k != "counts"}
    if args.json:
        _out(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _out(f"model {model.version} -> {out} ({len(lines)} training lines)")
        for f in [*files, *args.eval]:
            m = report[str(f)]
            _out(
                f"{f}: recall_at_5 {m['recall_at_5']:.4f}  mrr {m['mrr']:.4f}  gap_f1 {m['gap_f1']:.4f}  "
                f"status_accuracy {m['status_accuracy']:.4f}"
            )
    return EXIT_OK


def _read_alignment_gold(path: Path) -> list[dict[str, Any]]:
    try:
        raw = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise NormgapError(f"cannot read the gold file: {e.strerror}", path=str(path)) from e
    lines = []
    for n, line in enumerate(raw, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            if not isinstance(d.get("text"), str) or not isinstance(d.get("implemented_by"), list):
                raise ValueError("needs text and implemented_by")
            if d.get("status") not in ("implemented", "partial", "not_implemented"):
                raise ValueError(f"bad status {d.get('status')!r}")
            d.setdefault("id", f"line {n}")
        except (json.JSONDecodeError, ValueError) as e:
            raise NormgapError(f"malformed alignment gold line: {e}", path=f"{path}:{n}") from e
        lines.append(d)
    if not lines:
        raise NormgapError("the gold file has no lines", path=str(path))
    return lines


# -- review ----------------------------------------------------------------------------------------
def cmd_review(args: argparse.Namespace) -> int:
    import uvicorn

    from pipeline.review.app import create_app, load_secret
    from pipeline.store import local_folder, open_store, resolve_db

    db = resolve_db(args.db)
    with open_store(db):
        pass  # migrate before serving
    # with a shared PostgreSQL store, give every machine's app the same NORMGAP_SECRET or keep this file apart
    secret = load_secret(local_folder(db) / "review-secret")
    app = create_app(db, secret=secret, instruments_file=args.instruments_file)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        _err(f"normgap: warning: serving on {args.host}, reachable from other machines")
    _out(f"normgap review on http://{args.host}:{args.port}/ (Ctrl-C to stop)")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return EXIT_OK


def cmd_users_add(args: argparse.Namespace) -> int:
    import getpass

    from pipeline.review.db import add_user
    from pipeline.store import open_store

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"password for {args.username}: ")
        if getpass.getpass("again: ") != password:
            raise NormgapError("the passwords differ")
    with open_store(args.db) as store:
        add_user(store, args.username, password)
    _out(f"reviewer {args.username} added")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.review.report import write_report
    from pipeline.store import open_store

    with open_store(args.db) as store:
        paths = write_report(store, args.out)
    _out("report written:")
    for p in paths:
        _out(f"  {p}")
    return EXIT_OK


# -- datasets --------------------------------------------------------------------------------------
def _format_module(fmt: str) -> Any:
    import importlib

    return importlib.import_module(DATASET_FORMATS[fmt][0])


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.acts import write_atomic
    from pipeline.datasets.build import Selection, collect_units, dataset_card
    from pipeline.store import open_store

    selection = Selection(args.acts, args.agency, args.sample, args.stratify, args.seed, args.gold_only)
    with open_store(args.db) as store:
        units = collect_units(
            store, selection, annotations_folder=args.annotations, with_predictions=args.with_predictions
        )
    if not units:
        raise NormgapError("no unit matches the selection (refresh the corpus, or widen --acts/--agency)")
    module = _format_module(args.format)
    content = module.export_units(units, with_predictions=args.with_predictions)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        tmp = args.out.with_name(args.out.name + ".tmp")
        tmp.write_bytes(content)
        tmp.replace(args.out)
    else:
        write_atomic(args.out, content)
    version = next((u.model_version for u in units if u.model_version), "")
    card = args.out.with_name(args.out.name + ".card.md")
    write_atomic(card, dataset_card(units, fmt=args.format, model_version=version))
    written = [args.out, card]
    if args.format == "labelstudio":
        config = args.out.with_name(args.out.name + ".config.xml")
        write_atomic(config, module.labeling_config())
        written.append(config)
    _out(f"exported {len(units)} units ({sum(1 for u in units if u.gold)} with gold labels) as {args.format}:")
    for path in written:
        _out(f"  {path}")
    return EXIT_OK


def _guess_format(path: Path) -> str:
    name = path.name.lower()
    for fmt, (_, suffix, _) in DATASET_FORMATS.items():
        if name.endswith(suffix):
            return fmt
    raise NormgapError("cannot tell the format from the file name: give --format", path=str(path))


def cmd_import(args: argparse.Namespace) -> int:
    from pipeline.datasets.build import to_annotation_records, write_records
    from pipeline.store import open_store

    fmt = args.format or _guess_format(args.path)
    module = _format_module(fmt)
    try:
        data = args.path.read_bytes()
    except OSError as e:
        raise NormgapError(f"cannot read: {e.strerror}", path=str(args.path)) from e
    source = str(args.path)
    imported = (
        module.import_bytes(data, source=source)
        if DATASET_FORMATS[fmt][2]
        else module.import_text(data.decode("utf-8-sig"), source=source)
    )
    if not imported:
        raise NormgapError("the file holds no annotated unit", path=source)
    annotator = args.annotator or next((u.annotator for u in imported if u.annotator), "") or "imported"
    with open_store(args.db) as store:
        records = to_annotation_records(store, imported, annotator=annotator)
    target = args.annotations / f"import-{annotator}.jsonl"
    write_records(target, records)
    _out(f"imported {len(records)} units by {annotator} into {target}")
    return EXIT_OK


def cmd_agreement(args: argparse.Namespace) -> int:
    from itertools import combinations

    from pipeline.acts import write_atomic
    from pipeline.annotations import load_annotations
    from pipeline.datasets.build import agreement

    annotations = [a for path in args.annotations for a in load_annotations(path)]
    if args.annotators:
        pairs = [tuple(args.annotators)]
    else:
        units: dict[str, set[str]] = {}
        for a in annotations:
            units.setdefault(a.annotator, set()).add(a.unit)
        pairs = [(x, y) for x, y in combinations(sorted(units), 2) if units[x] & units[y]]
        if not pairs:
            raise NormgapError("no two annotators share a unit: nothing to compare (double-annotate some units)")
    results = [agreement(annotations, a, b) for a, b in pairs]
    args.out.mkdir(parents=True, exist_ok=True)
    for r in results:
        write_atomic(
            args.out / f"{r['annotators'][0]}-{r['annotators'][1]}.json",
            json.dumps(r, ensure_ascii=False, indent=2) + "\n",
        )
    if args.json:
        _out(json.dumps(results, ensure_ascii=False, indent=2))
        return EXIT_OK
    _out(
        f"{'annotators':<40} {'units':>6} {'agency F1':>10} {'norm F1':>8} {'kappa':>6} {'triple F1':>10} "
        f"{'to adjudicate':>14}"
    )
    for r in results:
        pair = " / ".join(r["annotators"])
        triples = f"{r['counterpart_f1']:.3f}" if "counterpart_f1" in r else "-"
        _out(
            f"{pair:<40} {r['units']:>6} {r['agency_span_f1']:>10.3f} {r['norm_f1']:>8.3f} {r['norm_kappa']:>6.3f} "
            f"{triples:>10} {len(r['disagreements']):>14}"
        )
    _out(f"disagreements to adjudicate: {args.out}/")
    return EXIT_OK


# -- interactions ----------------------------------------------------------------------------------
def cmd_interactions(args: argparse.Namespace) -> int:
    import csv
    import io

    from pipeline.acts import write_atomic
    from pipeline.ids import parse_date
    from pipeline.interactions import changes, collect_edges, filter_edges, findings, to_graphml, to_html, to_json
    from pipeline.store import open_store

    with open_store(args.db) as store:
        edges = filter_edges(collect_edges(store), agency=args.agency, kind=args.type)
        diff = None
        if args.date_from or args.date_to:
            if not (args.date_from and args.date_to):
                raise NormgapError("--from and --to go together")
            before = filter_edges(
                collect_edges(store, at=parse_date(args.date_from)), agency=args.agency, kind=args.type
            )
            after = filter_edges(collect_edges(store, at=parse_date(args.date_to)), agency=args.agency, kind=args.type)
            diff = changes(before, after)
    if not edges:
        raise NotFoundInStoreError("no interaction found (run `normgap tag`, or widen --agency/--type)")
    found = findings(edges)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = "-".join(x for x in (args.agency or "all", args.type or "") if x)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["agent", "counterpart", "modality", "type", "provision", "edition"])
    writer.writeheader()
    writer.writerows(to_json(edges))
    report = {"edges": to_json(edges), "findings": found, "changes": diff}
    write_atomic(args.out / f"{stem}.json", json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    write_atomic(args.out / f"{stem}.csv", buf.getvalue())
    write_atomic(args.out / f"{stem}.graphml", to_graphml(edges))
    write_atomic(args.out / f"{stem}.html", to_html(edges, found))
    if args.format == "json":
        _out(json.dumps(report, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        _out(buf.getvalue())
    elif args.format == "graphml":
        _out(to_graphml(edges))
    elif args.format == "html":
        _out(str(args.out / f"{stem}.html"))
    else:
        pairs: dict[tuple[str, str], list[str]] = {}
        for e in edges:
            pairs.setdefault((e.agent, e.counterpart), []).append(f"{e.modality}/{e.type}")
        _out(f"{'agent':<18} {'counterpart':<18} norms  kinds")
        for (a, c), kinds in sorted(pairs.items(), key=lambda kv: -len(kv[1])):
            common = ", ".join(f"{k} x{n}" for k, n in Counter(kinds).most_common(3))
            _out(f"{a:<18} {c:<18} {len(kinds):>5}  {common}")
        _out(
            f"\n{len(found['one_way_duties'])} one-way duties; {len(found['powers_only'])} pairs linked only by powers"
        )
        if diff is not None:
            _out(
                f"between {args.date_from} and {args.date_to}: {len(diff['gained'])} interactions gained, "
                f"{len(diff['lost'])} lost"
            )
    _err(f"written: {args.out}/{stem}.json, .csv, .graphml, .html")
    return EXIT_OK


# -- scheduled update ------------------------------------------------------------------------------
def cmd_update(args: argparse.Namespace) -> int:
    _log_to_file(args)
    with _lock(args):
        return _update(args)


def _flag_states(store: Any) -> dict[str, str]:
    from pipeline.review.app import latest_alignments

    return {a["provision"]: a["status"] for a in latest_alignments(store)}


def _update(args: argparse.Namespace) -> int:
    from pipeline.align.run import write_concordance
    from pipeline.review.report import report_rows, write_report
    from pipeline.schedule import change_report, write_change_report
    from pipeline.store import open_store
    from pipeline.tagging.job import tag_store
    from pipeline.tagging.tagger import Tagger

    with open_store(args.db) as store:
        flags_before = _flag_states(store)
    code, summary = _refresh(args)
    if code == EXIT_UNREACHABLE:
        return code
    new_editions = [f"{a['nreg']}@{d}" for a in summary["acts"] for d in a["new_editions"]]
    changed_instruments = [line for line in summary.get("instruments", []) if " new " in line]
    with open_store(args.db) as store:
        report = tag_store(store, Tagger())
        for e in report.failed:
            _err(f"normgap: tagging {e.label}: {e.failed}")
            code = max(code, EXIT_FAILED)
        compared = []
        # editions tagged again (new ones, or all of them after an upgrade of the rules) may carry other norms: the
        # alignments that weigh them are made again too
        retagged = any(not e.skipped for e in report.editions)
        if new_editions or changed_instruments or retagged or not flags_before:
            compared = _compare_for_run(store, args)
            reviews = _reviews(store, compared)
            for result in compared:
                write_concordance(result, args.out / "concordance", reviews)
        flags_after = _flag_states(store)
        needs = [r["provision"] for r in report_rows(store) if r["review_state"] == "needs_re_review"]
        changes = change_report(
            store, new_editions, flags_before=flags_before, flags_after=flags_after, needs_review=needs
        )
        written = write_change_report(changes, args.out / "changes")
        written += write_report(store, args.out / "report")
    _out(
        f"\n{len(new_editions)} new editions; {len(changes['flags_opened'])} flags opened, "
        f"{len(changes['flags_closed'])} closed; {len(needs)} decisions need re-review"
        + ("" if compared else "; nothing changed, so nothing compared again")
    )
    for path in written:
        _out(f"  {path}")
    return code
