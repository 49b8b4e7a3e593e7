"""`normgap refresh`: keep the local corpus current, act by act, edition by edition.

For each tracked act: one conditional request for its open-data card; when the card changed, the print page
of every edition not yet stored (the current one; with --history the earlier ones too; on later runs every
edition published since). Each edition is stored in its own transaction, so a failure keeps what was stored;
the card's validators are kept only once every wanted edition is in, so a failed act is retried in full.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pipeline.errors import NetworkUnavailableError, NormgapError, NotFoundError
from pipeline.records import ActOutcome, Card, TrackedAct
from pipeline.sources.rada import RadaSource, parse_card, print_url
from pipeline.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshReport:
    outcomes: tuple[ActOutcome, ...]
    seconds: float
    requests: int
    politeness_sleep_s: float
    backoff_sleep_s: float
    aborted: str | None = None  # set when the run stopped early (network unreachable)

    @property
    def failed(self) -> list[ActOutcome]:
        return [o for o in self.outcomes if o.failed]

    def totals(self) -> dict[str, int]:
        return {
            "acts": len(self.outcomes),
            "fetched": sum(o.fetched for o in self.outcomes),
            "unchanged": sum(o.unchanged for o in self.outcomes),
            "new_editions": sum(len(o.new_editions) for o in self.outcomes),
            "failed": len(self.failed),
            "requests": self.requests,
        }

    def as_dict(self) -> dict[str, object]:
        return {
            "totals": self.totals(),
            "seconds": round(self.seconds, 3),
            "politeness_sleep_s": round(self.politeness_sleep_s, 3),
            "backoff_sleep_s": round(self.backoff_sleep_s, 3),
            "aborted": self.aborted,
            "acts": [
                {
                    "nreg": o.nreg,
                    "fetched": o.fetched,
                    "unchanged": o.unchanged,
                    "new_editions": list(o.new_editions),
                    "failed": o.failed,
                    "warnings": o.warnings,
                    "requests": o.requests,
                }
                for o in self.outcomes
            ],
        }


def editions_to_fetch(
    card: Card,
    stored: set[dt.date],
    *,
    history: bool,
    since: dt.date | None,
    today: dt.date | None = None,
) -> list[dt.date]:
    """Which editions of the card to fetch, oldest first (pure: the heart of incremental refresh)."""
    today = today or dt.date.today()
    dates = sorted(e.date for e in card.editions if e.date <= today)
    if not dates:
        return []
    current = card.current_edition if card.current_edition in dates else dates[-1]
    wanted: set[dt.date] = {current}
    if stored:
        newest = max(stored)
        wanted |= {d for d in dates if d > newest}
    if history:
        wanted |= {d for d in dates if since is None or d >= since}
    return sorted(d for d in wanted if d not in stored)


@dataclass
class _ActRun:
    act: TrackedAct
    fetched: int = 0
    new: list[str] = field(default_factory=list)
    warnings: int = 0


class Refresher:
    def __init__(self, store: Store, source: RadaSource) -> None:
        self.store = store
        self.source = source

    def run(
        self,
        acts: Sequence[TrackedAct],
        *,
        history: bool = False,
        since: dt.date | None = None,
        on_act_done: Callable[[ActOutcome], None] | None = None,
    ) -> RefreshReport:
        started = time.monotonic()
        stats = self.source.client.stats
        run_id = self.store.start_run()
        outcomes: list[ActOutcome] = []
        aborted: str | None = None
        for act in acts:
            before = stats.requests
            try:
                outcome = self.refresh_act(act, history=history, since=since)
            except NetworkUnavailableError as e:
                # Nothing will get through: stop now instead of waiting out every act's retries.
                self.store.record_failure(act.nreg, str(e))
                outcome = ActOutcome(act.nreg, failed=str(e), requests=stats.requests - before)
                aborted = str(e)
            except NormgapError as e:
                log.error("%s: %s", act.nreg, e)
                self.store.record_failure(act.nreg, str(e))
                outcome = ActOutcome(act.nreg, failed=str(e), requests=stats.requests - before)
            outcome = ActOutcome(
                outcome.nreg,
                outcome.fetched,
                outcome.unchanged,
                outcome.new_editions,
                outcome.failed,
                outcome.warnings,
                stats.requests - before,
            )
            outcomes.append(outcome)
            if on_act_done:
                on_act_done(outcome)
            if aborted:
                for rest in acts[len(outcomes) :]:
                    outcomes.append(ActOutcome(rest.nreg, failed="not attempted: " + aborted))
                break
        report = RefreshReport(
            tuple(outcomes),
            time.monotonic() - started,
            stats.requests,
            stats.politeness_sleep_s,
            stats.backoff_sleep_s,
            aborted,
        )
        self.store.finish_run(run_id, report.as_dict())
        return report

    def refresh_act(self, act: TrackedAct, *, history: bool, since: dt.date | None) -> ActOutcome:
        nreg = act.nreg
        self.store.ensure_work(act)
        stored = self.store.edition_dates(nreg)
        etag, last_modified, card_json = self.store.card_validators(nreg)
        run = _ActRun(act)
        conditional = bool(stored) and not history
        try:
            response, card = self.source.fetch_card(
                nreg, etag=etag if conditional else None, last_modified=last_modified if conditional else None
            )
        except NotFoundError:
            log.warning("%s: no open-data card; falling back to the print page alone", nreg)
            return self._refresh_without_card(run, stored)
        self.store.log_fetch(nreg, response.url, response.status, len(response.body), response.sha256)
        if response.not_modified:
            card = parse_card(card_json) if card_json else None
            missing = editions_to_fetch(card, stored, history=False, since=None) if card else []
            if not missing:
                self.store.record_success(nreg, card=None, card_json=None, etag=None, last_modified=None)
                return ActOutcome(nreg, unchanged=1)
        assert card is not None
        for date in editions_to_fetch(card, stored, history=history, since=since):
            self._fetch_and_store(run, card, date)
        self.store.record_success(
            nreg,
            card=card,
            card_json=response.body.decode("utf-8") if response.body else card_json,
            etag=response.etag or etag,
            last_modified=response.last_modified or last_modified,
        )
        unchanged = 0 if run.new else 1
        return ActOutcome(nreg, run.fetched, unchanged, tuple(run.new), None, run.warnings)

    def _fetch_and_store(self, run: _ActRun, card: Card, date: dt.date) -> None:
        nreg = run.act.nreg
        is_current = date == card.current_edition
        fetched = self.source.fetch_edition(nreg, None if is_current else date)
        run.fetched += 1
        response, parsed = fetched.response, fetched.parsed
        self.store.log_fetch(nreg, response.url, response.status, len(response.body), response.sha256)
        assert parsed is not None
        if parsed.edition_date and parsed.edition_date != date:
            log.warning("%s: card says edition %s, page stamp says %s", nreg, date, parsed.edition_date)
        basis = next((e.basis for e in card.editions if e.date == date), "") or parsed.basis
        saved = self.store.save_edition(
            nreg,
            date,
            parsed,
            basis=basis or None,
            source_url=response.url,
            raw_sha256=response.sha256,
            etag=response.etag,
            last_modified=response.last_modified,
        )
        run.warnings += len(parsed.warnings)
        if saved is not None:
            run.new.append(saved.label.split("@", 1)[1])

    def _refresh_without_card(self, run: _ActRun, stored: set[dt.date]) -> ActOutcome:
        """No card (an act missing from open data): the current print page, dated by its stamp."""
        nreg = run.act.nreg
        fetched = self.source.fetch_edition(nreg, None)
        self.store.log_fetch(
            nreg,
            print_url(nreg),
            fetched.response.status,
            len(fetched.response.body),
            fetched.response.sha256,
        )
        run.fetched += 1
        parsed = fetched.parsed
        assert parsed is not None
        date = parsed.edition_date or dt.date.today()
        saved = self.store.save_edition(
            nreg,
            date,
            parsed,
            basis=parsed.basis,
            source_url=fetched.response.url,
            raw_sha256=fetched.response.sha256,
        )
        self.store.record_success(nreg, card=None, card_json=None, etag=None, last_modified=None)
        new = (saved.label.split("@", 1)[1],) if saved else ()
        unchanged = 0 if new else 1
        return ActOutcome(nreg, 1, unchanged, new, None, len(parsed.warnings))
