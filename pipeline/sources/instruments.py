"""Source: texts of international instruments (a local English file, or a URL through the polite client).

An instrument is stored like an act: a work (its slug) with one edition dated by the instrument's date,
parsed into provisions by the English treaty parser.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from pipeline.errors import ConfigError, NormgapError, NotFoundError, ParseError
from pipeline.http import PoliteClient, decode_body
from pipeline.instruments import Instrument
from pipeline.records import ParsedAct, TrackedAct
from pipeline.sources.rada import RadaSource
from pipeline.store import Store

log = logging.getLogger(__name__)


def resolve_file(path: str, *, base: Path) -> Path:
    """Relative paths are read from the working folder, else from the project root (tests, CI)."""
    candidate = Path(path)
    if candidate.is_absolute() or candidate.exists():
        return candidate
    return base / path


def instrument_text(inst: Instrument, *, client: PoliteClient | None, base: Path) -> str:
    if inst.en_file:
        path = resolve_file(inst.en_file, base=base)
        try:
            return decode_body(path.read_bytes(), "text/plain", url=str(path))
        except OSError as e:
            raise ConfigError(f"instrument text missing: {e.strerror}", work=inst.slug, path=str(path)) from e
    if inst.en_url:
        if client is None:
            raise ConfigError("instrument text is a URL but no HTTP client was given", work=inst.slug, url=inst.en_url)
        return client.get(inst.en_url).text()
    raise ConfigError("the instrument has no English text source (en_file or en_url)", work=inst.slug)


def parse_instrument(text: str, inst: Instrument) -> ParsedAct:
    from pipeline.parse.treaty_en import parse_treaty_text

    parsed = parse_treaty_text(text, slug=inst.slug)
    if parsed.article_count == 0:
        raise ParseError("no recognisable articles in the instrument text", work=inst.slug)
    return parsed


def store_instrument(store: Store, inst: Instrument, *, client: PoliteClient | None, base: Path) -> str | None:
    """Fetch, parse and store an instrument; returns the new edition label, or None when unchanged."""
    text = instrument_text(inst, client=client, base=base)
    parsed = parse_instrument(text, inst)
    store.ensure_work(TrackedAct(inst.slug, inst.title, f"instrument ({inst.force})"))
    try:
        date = dt.date.fromisoformat(inst.date) if inst.date else dt.date(1900, 1, 1)
    except ValueError as e:
        raise ConfigError(f"bad instrument date {inst.date!r}", work=inst.slug) from e
    try:
        saved = store.save_edition(inst.slug, date, parsed, source_url=inst.en_url or inst.en_file)
    except NormgapError:
        raise
    store.record_success(inst.slug, card=None, card_json=None, etag=None, last_modified=None)
    return saved.label if saved else None


def store_official_text(store: Store, source: RadaSource, inst: Instrument) -> str:
    """Fetch and store the instrument's official Ukrainian text, the portal act `inst.portal_nreg`, like any act;
    returns what was done. Absent from the portal (404), it is no error: the instrument is aligned from its
    English text, and the line says so."""
    from pipeline.refresh import Refresher

    checked = _known_absent_since(store, inst.portal_nreg)
    if checked is not None and dt.datetime.now(dt.UTC) - checked < RECHECK_ABSENT:
        # polite: a text the portal did not have is asked for again only after a while
        return (
            f"official Ukrainian text {inst.portal_nreg} not on the portal when checked {checked:%Y-%m-%d}: "
            "aligned from the English text alone"
        )
    act = TrackedAct(inst.portal_nreg, f"{inst.title} (офіційний переклад)", "instrument-uk")
    try:
        outcome = Refresher(store, source).refresh_act(act, history=False, since=None)
    except NotFoundError as e:
        log.warning("%s: no official Ukrainian text %s on the portal (%s)", inst.slug, inst.portal_nreg, e)
        store.record_failure(inst.portal_nreg, f"{_ABSENT} {e}")
        return f"official Ukrainian text {inst.portal_nreg} not on the portal: aligned from the English text alone"
    except NormgapError as e:
        store.record_failure(inst.portal_nreg, str(e))
        raise
    new = ", ".join(outcome.new_editions)
    return f"official Ukrainian text {inst.portal_nreg}: {'new ' + new if new else 'unchanged'}"


RECHECK_ABSENT = dt.timedelta(days=7)
_ABSENT = "not on the portal:"


def _known_absent_since(store: Store, nreg: str) -> dt.datetime | None:
    """When the portal last answered that it has no such act, if nothing of it is stored."""
    if not store.has_work(nreg) or store.editions(nreg):
        return None
    row = store.work(nreg)
    if not (row["last_error"] or "").startswith(_ABSENT) or not row["last_refresh"]:
        return None
    try:
        when = dt.datetime.fromisoformat(str(row["last_refresh"]))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
