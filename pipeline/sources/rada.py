"""Source: the official portal zakon.rada.gov.ua and its open-data twin data.rada.gov.ua.

Pure ``parse_*`` functions (tested on recorded responses) and a thin ``RadaSource`` that asks the one polite
HTTP client for pages. Rules followed (shared/docs/portal-notes.md §4): "OpenData" as User-Agent on
data.rada.gov.ua, the daily token as User-Agent for its JSON endpoints (when the site issues one), a pause of
at least 5 s between requests to one host (the client's per-host delay), conditional requests.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pipeline.errors import FetchError, NormgapError, NotFoundError, ParseError
from pipeline.http import HttpResponse, PoliteClient
from pipeline.parse.print_html import is_truncated, parse_print_html
from pipeline.records import Card, ChangedAct, EditionInfo, ParsedAct

log = logging.getLogger(__name__)

PORTAL = "https://zakon.rada.gov.ua"
OPEN_DATA = "https://data.rada.gov.ua"
OPEN_DATA_AGENT = "OpenData"
_NO_TEXT_MARKERS = ("Текст відсутній", "__RESTRICTED__")


# -- URLs ------------------------------------------------------------------------------------------
def _nreg_path(nreg: str) -> str:
    # Cyrillic letters are percent-encoded, the slash of ids like "254к/96-вр" stays literal.
    return quote(nreg, safe="/")


def print_url(nreg: str, edition: dt.date | None = None) -> str:
    """The print view: the whole act on one page; an older edition when a date is given."""
    if edition is None:
        return f"{PORTAL}/laws/show/{_nreg_path(nreg)}/print"
    return f"{PORTAL}/laws/show/{_nreg_path(nreg)}/ed{edition:%Y%m%d}/print"


def txt_url(nreg: str, edition: dt.date | None = None) -> str:
    if edition is None:
        return f"{OPEN_DATA}/laws/show/{_nreg_path(nreg)}.txt"
    return f"{OPEN_DATA}/laws/show/{_nreg_path(nreg)}/ed{edition:%Y%m%d}.txt"


def card_url(nreg: str) -> str:
    return f"{OPEN_DATA}/laws/card/{_nreg_path(nreg)}.json"


def token_url() -> str:
    return f"{OPEN_DATA}/api/token"


def changes_url(page: int = 1) -> str:
    return f"{OPEN_DATA}/laws/main/r/page{page}.json"


# -- pure parsers ----------------------------------------------------------------------------------
def _date(value: Any) -> dt.date | None:
    """Card dates are integers YYYYMMDD (0 or absent when unknown)."""
    if value in (None, "", 0, "0"):
        return None
    try:
        s = str(int(value))
        return dt.date(int(s[:4]), int(s[4:6]), int(s[6:8]))
    except (TypeError, ValueError):
        return None


def _json_object(text: str, what: str, url: str | None) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ParseError(f"{what} is not valid JSON ({e.msg} at line {e.lineno})", url=url) from e
    if not isinstance(data, dict):
        raise ParseError(f"{what} is not a JSON object", url=url)
    return data


def parse_card(text: str, *, url: str | None = None) -> Card:
    """The open-data card: title, status, and the list of editions (`eds[]`, current first)."""
    data = _json_object(text, "card", url)
    nreg = str(data.get("nreg") or "")
    if not nreg:
        raise ParseError("card has no nreg", url=url)
    current = _date(data.get("datred") or data.get("poddat"))
    editions: list[EditionInfo] = []
    seen: set[dt.date] = set()
    for entry in data.get("eds") or []:
        if not isinstance(entry, dict):
            continue
        date = _date(entry.get("datred"))
        if date is None or date in seen:
            continue
        seen.add(date)
        size = entry.get("size")
        editions.append(
            EditionInfo(
                date,
                str(entry.get("pidstava") or ""),
                date == current,
                int(size) if isinstance(size, int) else None,
            )
        )
    if current is not None and current not in seen:
        editions.append(EditionInfo(current, str(data.get("pidstava") or ""), True, None))
    if not editions:
        raise ParseError("card lists no editions", url=url, work=nreg)
    return Card(
        nreg=nreg,
        title=str(data.get("nazva") or ""),
        status=data.get("status") if isinstance(data.get("status"), int) else None,
        doc_type=data.get("typ") if isinstance(data.get("typ"), int) else None,
        number=str(data.get("n_vlas") or data.get("orgnum") or ""),
        adopted=_date(data.get("orgdat")),
        current_edition=current,
        editions=tuple(sorted(editions, key=lambda e: e.date)),
    )


def parse_change_list(text: str, *, url: str | None = None) -> list[ChangedAct]:
    """The list of recently changed acts (laws/main/r/page{N}.json)."""
    data = _json_object(text, "change list", url)
    items = data.get("list")
    if not isinstance(items, list):
        raise ParseError("change list has no `list`", url=url)
    changed = []
    for item in items:
        if isinstance(item, dict) and item.get("nreg"):
            changed.append(
                ChangedAct(
                    str(item["nreg"]),
                    str(item.get("nazva") or ""),
                    _date(item.get("poddat") or item.get("datred")),
                )
            )
    return changed


def parse_token(text: str, *, url: str | None = None) -> str:
    data = _json_object(text, "token answer", url)
    token = data.get("token")
    if not isinstance(token, str) or not token:
        raise ParseError("token answer has no token", url=url)
    return token


def parse_act_page(html: str, *, nreg: str, url: str | None = None) -> ParsedAct:
    """A print page checked for the ways a page fails silently: no text, cut short, no articles."""
    if any(marker in html for marker in _NO_TEXT_MARKERS) and 'id="article"' not in html:
        raise ParseError("the portal has no public text for this act", work=nreg, url=url)
    if 'id="article"' not in html and "id=article" not in html:
        raise ParseError("not a print page of an act (no div#article)", work=nreg, url=url)
    if is_truncated(html):
        raise ParseError("page is truncated (it ends before the portal's stamp)", work=nreg, url=url)
    parsed = parse_print_html(html)
    if parsed.article_count == 0:
        raise ParseError("page has no articles", work=nreg, url=url)
    return parsed


# -- the source ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fetched:
    response: HttpResponse
    parsed: ParsedAct | None


class RadaSource:
    """Fetches cards and print pages through the polite client; caches the daily token on disk."""

    def __init__(self, client: PoliteClient, *, state_dir: Path | None = None) -> None:
        self.client = client
        self.state_dir = state_dir
        self._token: str | None = None
        self._token_checked = False

    def _token_file(self) -> Path | None:
        return self.state_dir / "data-rada-token.json" if self.state_dir else None

    def json_agent(self) -> str:
        """The User-Agent for data.rada JSON: today's token, or "OpenData" where no token is issued."""
        if self._token_checked:
            return self._token or OPEN_DATA_AGENT
        self._token_checked = True
        today = dt.date.today().isoformat()
        path = self._token_file()
        if path and path.exists():
            try:
                cached = json.loads(path.read_text(encoding="utf-8"))
                if cached.get("day") == today:
                    self._token = cached.get("token")
                    return self._token or OPEN_DATA_AGENT
            except (OSError, json.JSONDecodeError):
                pass
        try:
            response = self.client.get(token_url(), headers={"User-Agent": OPEN_DATA_AGENT})
            self._token = parse_token(response.text(), url=token_url())
        except (NotFoundError, ParseError) as e:
            log.info("no open-data token (%s); using User-Agent %s", e, OPEN_DATA_AGENT)
            self._token = None
        except FetchError:
            raise
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"day": today, "token": self._token, "at": time.time()}), encoding="utf-8")
        return self._token or OPEN_DATA_AGENT

    def fetch_card(
        self, nreg: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> tuple[HttpResponse, Card | None]:
        url = card_url(nreg)
        response = self.client.get(
            url, etag=etag, last_modified=last_modified, headers={"User-Agent": self.json_agent()}
        )
        if response.not_modified:
            return response, None
        card = parse_card(response.text(), url=url)
        if card.nreg != nreg:
            raise ParseError(f"card answers for {card.nreg}, not {nreg}", work=nreg, url=url)
        return response, card

    def fetch_change_list(self, page: int = 1) -> list[ChangedAct]:
        """The portal's list of recently changed acts (one page is what a daily run needs)."""
        url = changes_url(page)
        response = self.client.get(url, headers={"User-Agent": self.json_agent()})
        return parse_change_list(response.text(), url=url)

    def fetch_edition(
        self, nreg: str, edition: dt.date | None, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """A print page (current edition when `edition` is None), parsed and checked."""
        url = print_url(nreg, edition)
        response = self.client.get(url, etag=etag, last_modified=last_modified)
        if response.not_modified:
            return Fetched(response, None)
        try:
            html = response.text()
            parsed = parse_act_page(html, nreg=nreg, url=url)
        except NormgapError as e:
            e.work = e.work or nreg
            e.url = e.url or url
            raise
        return Fetched(response, parsed)
