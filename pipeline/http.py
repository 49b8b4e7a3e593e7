"""The one polite HTTP client every network access of the pipeline goes through.

zakon.rada.gov.ua and data.rada.gov.ua are public services run on modest hardware that throttle
aggressive clients (HTTP 429 or an HTML page saying "Доступ тимчасово обмежено"). ``PoliteClient``
therefore:

* waits a per-host delay between requests (5 s for the portal by default),
* honours robots.txt (cached in memory and, optionally, on disk across runs),
* retries throttling and server errors with exponential backoff, honouring ``Retry-After``,
* supports conditional GET (ETag / Last-Modified) so re-runs download only what changed,
* archives every raw body, content-addressed, so parsing can be re-run offline and audited,
* can be pointed at a local mirror (``--mirror URL``) for offline and test work.

All failures are raised as ``pipeline.errors`` exceptions that name the URL and the HTTP status.
"""

from __future__ import annotations

import codecs
import contextlib
import email.utils
import hashlib
import json
import logging
import os
import random
import re
import socket
import tempfile
import time
import urllib.robotparser
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, NoReturn
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import NewConnectionError

from pipeline.errors import (
    ConfigError,
    DecodeError,
    FetchError,
    NetworkUnavailableError,
    NotFoundError,
    RateLimitedError,
    RobotsDisallowedError,
)

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "normgap/0.1 (+https://github.com/normgap/normgap; legislative research)"
DEFAULT_HOST_DELAYS: Mapping[str, float] = {"zakon.rada.gov.ua": 5.0, "data.rada.gov.ua": 5.0}
DEFAULT_DELAY_S = 1.0
DEFAULT_ARCHIVE_ROOT = Path("corpora/raw")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# A refused connection or an unknown host name will not heal within a backoff window; retrying it
# a couple of times covers a server restart without making an offline run hang for minutes.
UNREACHABLE_MAX_RETRIES = 2
# A host that does not accept a TCP connection within this long is not going to; the read timeout
# may be longer because the portal renders large codes slowly.
CONNECT_TIMEOUT_CAP_S = 10.0

ANTI_BOT_MARKER = "Доступ тимчасово обмежено"
_ANTI_BOT_PATTERNS = tuple(ANTI_BOT_MARKER.encode(encoding) for encoding in ("utf-8", "cp1251"))
# The anti-bot page is a small stub with the marker in its heading; scanning only the head of a body
# keeps a long law that happens to quote the phrase from being mistaken for it.
_ANTI_BOT_SCAN_BYTES = 32 * 1024

_SNIFF_BYTES = 4096
_CONTENT_TYPE_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)", re.IGNORECASE)
_FALLBACK_ENCODINGS = ("utf-8", "cp1251")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")

FailureKind = Literal["rate_limited", "server", "unreachable", "transient"]


# --------------------------------------------------------------------------------------------------
# Decoding


def decode_body(body: bytes, content_type: str | None, *, url: str | None = None) -> str:
    """Decode a response body to text.

    The charset comes from ``content_type``, else from a ``<meta charset>`` / ``http-equiv`` tag or an
    XML declaration in the first 4 KB, else UTF-8 is assumed. When that fails, UTF-8 and then
    windows-1251 are tried (the portal's old pages and CSV exports are cp1251 and often say nothing).
    A UTF-8 BOM is stripped and overrides any declaration.
    """
    declared: str | None
    if body.startswith(codecs.BOM_UTF8):
        body, declared = body[len(codecs.BOM_UTF8) :], "utf-8"
    else:
        declared = _declared_charset(body, content_type)
    candidates = list(dict.fromkeys([declared or "utf-8", *_FALLBACK_ENCODINGS]))
    last_error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as e:
            last_error = e
            continue
        if encoding != candidates[0]:
            logger.debug("body of %s is not %s; decoded as %s", url or "<body>", candidates[0], encoding)
        return text.removeprefix("\ufeff")
    raise DecodeError(
        f"body is not text in any of {', '.join(candidates)} ({last_error})", url=url, status=None
    ) from last_error


def _declared_charset(body: bytes, content_type: str | None) -> str | None:
    """The charset the server or the document declares, as a Python codec name, if any and known."""
    name: str | None = None
    if content_type and (match := _CONTENT_TYPE_CHARSET.search(content_type)):
        name = match.group(1)
    else:
        head = body[:_SNIFF_BYTES]
        found = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
        if found:
            name = found.group(1).decode("ascii")
    if name is None:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        logger.warning("unknown charset %r declared; ignoring it", name)
        return None


def _is_anti_bot_page(body: bytes) -> bool:
    head = body[:_ANTI_BOT_SCAN_BYTES]
    return any(pattern in head for pattern in _ANTI_BOT_PATTERNS)


# --------------------------------------------------------------------------------------------------
# Raw archive


class ArchiveMissingError(KeyError):
    """An object the archive does not hold (a KeyError whose message reads cleanly)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "object not in archive"


class RawArchive:
    """Content-addressed archive of every raw response body under a root dir (default corpora/raw/).

    Objects live at ``ROOT/objects/ab/abcdef...`` (sha256 hex); ``ROOT/index.jsonl`` gets one line per
    ``put`` so the history of fetches (including re-fetches of identical bodies) is kept.
    """

    def __init__(self, root: str | Path = DEFAULT_ARCHIVE_ROOT) -> None:
        self.root = Path(root)
        self.objects_dir = self.root / "objects"
        self.index_path = self.root / "index.jsonl"

    def path_for(self, sha256: str) -> Path:
        # Validating the digest also keeps a caller-supplied string from escaping the archive.
        if not _SHA256_HEX.fullmatch(sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.objects_dir / sha256[:2] / sha256

    def put(self, body: bytes, *, url: str, status: int, headers: Mapping[str, str]) -> tuple[str, str]:
        """Store ``body`` (once per distinct content) and log the fetch; return (sha256, path)."""
        digest = hashlib.sha256(body).hexdigest()
        path = self.path_for(digest)
        if not path.exists():
            _atomic_write(path, body)
        lowered = {key.lower(): value for key, value in headers.items()}
        self._append_index(
            {
                "time": datetime.now(UTC).isoformat(timespec="seconds"),
                "url": url,
                "status": status,
                "sha256": digest,
                "etag": lowered.get("etag"),
                "last_modified": lowered.get("last-modified"),
                "content_type": lowered.get("content-type"),
                "bytes": len(body),
            }
        )
        return digest, str(path)

    def get(self, sha256: str) -> bytes:
        path = self.path_for(sha256)
        try:
            return path.read_bytes()
        except FileNotFoundError as e:
            raise ArchiveMissingError(f"no object {sha256} in raw archive {self.root}") from e

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def _append_index(self, record: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        # One write() on an O_APPEND descriptor: concurrent runs cannot interleave inside a line.
        fd = os.open(self.index_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)


def _atomic_write(path: Path, data: bytes) -> None:
    """Write via a temp file in the same directory + os.replace, so readers never see a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:16]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


# --------------------------------------------------------------------------------------------------
# Responses and statistics


@dataclass(frozen=True)
class HttpResponse:
    url: str  # the URL the caller asked for (canonical)
    fetched_url: str  # the URL actually requested (after --mirror rewriting)
    status: int  # 2xx, or 304 when a conditional request found no change
    body: bytes  # b"" for 304
    headers: dict[str, str]  # response headers, keys lower-cased
    etag: str | None
    last_modified: str | None
    sha256: str | None  # of body (None for 304)
    archive_path: str | None  # where the raw body was archived (None for 304 / no archive)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        return decode_body(self.body, self.headers.get("content-type"), url=self.url)


@dataclass
class ClientStats:
    requests: int = 0  # every HTTP request sent (including retries and robots.txt)
    retries: int = 0
    not_modified: int = 0
    bytes_received: int = 0
    politeness_sleep_s: float = 0.0  # time slept to respect the per-host delay
    backoff_sleep_s: float = 0.0  # time slept for Retry-After / backoff
    by_host: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Failure:
    """A retryable outcome of one attempt; turned into an exception when the retries run out."""

    kind: FailureKind
    reason: str
    status: int | None = None
    retry_after: float | None = None
    cause: Exception | None = None


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP-date); None if absent/bad.

    ``now`` is the wall-clock time (epoch seconds) an HTTP-date is measured against.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    with contextlib.suppress(ValueError):
        seconds = float(value)
        return seconds if seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        logger.debug("unparseable Retry-After %r", value)
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; a naive result means the zone was omitted.
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def _host_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("not an http(s) URL", url=url, status=None)
    return parts.hostname


def _exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """exc and everything it wraps: requests and urllib3 nest the socket error several levels deep."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        nested = [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
        stack.extend(item for item in nested if isinstance(item, BaseException))


def _is_unreachable(exc: BaseException) -> bool:
    unreachable = (ConnectionRefusedError, socket.gaierror, NewConnectionError)
    return isinstance(exc, requests.exceptions.ConnectTimeout) or any(
        isinstance(item, unreachable) for item in _exception_chain(exc)
    )


def _parse_robots(text: str) -> urllib.robotparser.RobotFileParser:
    parser = urllib.robotparser.RobotFileParser()
    # parse() also marks the parser as "read"; an unread parser answers False to every can_fetch().
    parser.parse(text.splitlines())
    return parser


# --------------------------------------------------------------------------------------------------
# The client


class PoliteClient:
    """Rate-limited, robots-aware, retrying HTTP GET client with a raw archive and mirror support."""

    def __init__(
        self,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        delay: float | None = None,
        host_delays: dict[str, float] | None = None,
        mirror: str | None = None,
        archive: RawArchive | None = None,
        retries: int = 5,
        timeout: float = 30.0,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        jitter: float = 0.1,
        respect_robots: bool = True,
        robots_cache_dir: str | Path | None = None,
        robots_ttl_s: float = 86400.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        if delay is not None and delay < 0:
            raise ConfigError(f"--delay must be >= 0, got {delay}")
        if retries < 0:
            raise ConfigError(f"retries must be >= 0, got {retries}")
        self.user_agent = user_agent
        self.delay = delay
        # Explicit host delays are merged over the defaults, so configuring one host never silently
        # drops the portal's 5 s; a run that wants no delay says so with delay=0.
        self.host_delays = {**DEFAULT_HOST_DELAYS, **(host_delays or {})}
        self.mirror = self._validated_mirror(mirror)
        self.archive = archive
        self.retries = retries
        self.timeout = timeout
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.jitter = jitter
        self.respect_robots = respect_robots
        self.robots_cache_dir = Path(robots_cache_dir) if robots_cache_dir is not None else None
        self.robots_ttl_s = robots_ttl_s
        self._owns_session = session is None
        self.session = session if session is not None else requests.Session()
        self.sleep = sleep
        self.clock = clock
        self.wall_clock = wall_clock
        self._rng = rng if rng is not None else random.Random()
        self.stats = ClientStats()
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._crawl_delays: dict[str, float] = {}

    # -- public API ---------------------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        """GET ``url`` politely; 2xx -> archived response, 304 -> ``not_modified``; else an error."""
        host = _host_of(url)
        if self.respect_robots:
            self._check_robots(url)
        fetched = self.mirrored(url)
        request_headers = self._request_headers(etag, last_modified, headers)
        response = self._fetch_with_retries(url, fetched, host, request_headers)
        return self._to_http_response(url, fetched, response, etag, last_modified)

    def mirrored(self, url: str) -> str:
        """The URL actually requested: ``https://HOST/PATH?Q`` -> ``MIRROR/HOST/PATH?Q`` when mirroring."""
        if self.mirror is None:
            return url
        parts = urlsplit(url)
        target = f"{self.mirror}/{parts.netloc.lower()}{parts.path or '/'}"
        return f"{target}?{parts.query}" if parts.query else target

    def delay_for(self, host: str) -> float:
        """Minimum seconds between two requests to ``host``."""
        if self.delay is not None:
            return self.delay
        configured = self.host_delays.get(host, DEFAULT_DELAY_S)
        return max(configured, self._crawl_delays.get(host, 0.0))

    def close(self) -> None:
        if self._owns_session:
            self.session.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- one request --------------------------------------------------------------------------------

    @staticmethod
    def _validated_mirror(mirror: str | None) -> str | None:
        if mirror is None:
            return None
        parts = urlsplit(mirror)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ConfigError(f"--mirror must be an http(s) base URL like http://127.0.0.1:8765, got {mirror!r}")
        return mirror.rstrip("/")

    def _request_headers(
        self, etag: str | None, last_modified: str | None, extra: Mapping[str, str] | None
    ) -> CaseInsensitiveDict[str]:
        headers: CaseInsensitiveDict[str] = CaseInsensitiveDict({"User-Agent": self.user_agent})
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if extra:
            headers.update(extra)  # the caller wins, e.g. "User-Agent: OpenData" for data.rada.gov.ua
        return headers

    def _wait_politely(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is None:
            return
        wait = last + self.delay_for(host) - self.clock()
        if wait > 0:
            logger.debug("waiting %.2f s before the next request to %s", wait, host)
            self.sleep(wait)
            self.stats.politeness_sleep_s += wait

    def _send(self, fetched: str, host: str, headers: Mapping[str, str]) -> requests.Response:
        """One HTTP request, after the per-host wait; counted in the stats whatever its outcome."""
        self._wait_politely(host)
        self.stats.requests += 1
        self.stats.by_host[host] = self.stats.by_host.get(host, 0) + 1
        logger.debug("GET %s", fetched)
        try:
            response = self.session.get(
                fetched,
                headers=headers,
                timeout=(min(self.timeout, CONNECT_TIMEOUT_CAP_S), self.timeout),
                allow_redirects=True,
            )
        finally:
            # Measured from the end of the request, so a slow response does not eat into the pause.
            self._last_request[host] = self.clock()
        self.stats.bytes_received += len(response.content)
        return response

    def _attempt(self, url: str, fetched: str, host: str, headers: Mapping[str, str]) -> requests.Response | _Failure:
        """Send once: a usable response, a retryable failure, or an exception for a permanent one."""
        try:
            response = self._send(fetched, host, headers)
        except requests.RequestException as e:
            return self._classify_exception(url, e)
        status = response.status_code
        if status in RETRY_STATUSES:
            kind: FailureKind = "rate_limited" if status == 429 else "server"
            return _Failure(kind, f"HTTP {status}", status, self._retry_after(response))
        if status == 404:
            raise NotFoundError(f"HTTP 404: not found{self._via(url, fetched)}", url=url, status=status)
        if status != 304 and not 200 <= status < 300:
            raise FetchError(f"HTTP {status}{self._via(url, fetched)}", url=url, status=status)
        if status != 304 and _is_anti_bot_page(response.content):
            reason = f"anti-bot page ({ANTI_BOT_MARKER!r}) with HTTP {status}"
            return _Failure("rate_limited", reason, status, self._retry_after(response))
        return response

    def _classify_exception(self, url: str, exc: requests.RequestException) -> _Failure:
        if isinstance(exc, requests.exceptions.SSLError):
            raise FetchError(f"TLS failure: {exc}", url=url, status=None) from exc
        if _is_unreachable(exc):
            return _Failure("unreachable", _short_reason(exc), cause=exc)
        transient = (
            requests.exceptions.Timeout,
            requests.exceptions.ConnectionError,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        )
        if isinstance(exc, transient):
            return _Failure("transient", _short_reason(exc), cause=exc)
        raise FetchError(f"request failed: {exc}", url=url, status=None) from exc

    def _retry_after(self, response: requests.Response) -> float | None:
        return parse_retry_after(response.headers.get("Retry-After"), now=self.wall_clock())

    # -- retries ------------------------------------------------------------------------------------

    def _fetch_with_retries(self, url: str, fetched: str, host: str, headers: Mapping[str, str]) -> requests.Response:
        attempt = 0
        while True:
            outcome = self._attempt(url, fetched, host, headers)
            if isinstance(outcome, requests.Response):
                return outcome
            limit = self.retries
            if outcome.kind == "unreachable":
                limit = min(limit, UNREACHABLE_MAX_RETRIES)
            if attempt >= limit:
                self._give_up(url, fetched, outcome, attempts=attempt + 1)
            wait = self._backoff_delay(attempt, outcome.retry_after)
            logger.warning("%s: %s; retry %d/%d in %.1f s", url, outcome.reason, attempt + 1, limit, wait)
            self.sleep(wait)
            self.stats.backoff_sleep_s += wait
            self.stats.retries += 1
            attempt += 1

    def _backoff_delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.backoff_max)
        base = min(self.backoff_max, self.backoff_base * 2**attempt)
        # Jitter keeps several runs that failed together from retrying in lock-step.
        return min(self.backoff_max, base + self._rng.uniform(0.0, self.jitter * base))

    def _give_up(self, url: str, fetched: str, failure: _Failure, *, attempts: int) -> NoReturn:
        tries = f"after {attempts} attempt{'s' if attempts != 1 else ''}{self._via(url, fetched)}"
        error: FetchError
        if failure.kind == "rate_limited":
            error = RateLimitedError(
                f"rate limited ({failure.reason}) {tries}; wait and retry with a larger --delay",
                url=url,
                status=failure.status,
            )
        elif failure.kind == "server":
            error = FetchError(f"server error HTTP {failure.status} {tries}", url=url, status=failure.status)
        elif failure.kind == "unreachable":
            error = NetworkUnavailableError(self._unreachable_message(fetched, failure, tries), url=url)
        else:
            error = FetchError(f"no response ({failure.reason}) {tries}", url=url, status=None)
        raise error from failure.cause

    def _unreachable_message(self, fetched: str, failure: _Failure, tries: str) -> str:
        netloc = urlsplit(fetched).netloc
        if self.mirror is not None:
            return (
                f"mirror {netloc} is unreachable ({failure.reason}) {tries}; "
                f"is the mirror server running? Check --mirror URL"
            )
        return (
            f"host {netloc} is unreachable ({failure.reason}) {tries}; no HTTP status; check the network, "
            f"or work offline against a local copy with --mirror URL (e.g. --mirror http://127.0.0.1:8765)"
        )

    @staticmethod
    def _via(url: str, fetched: str) -> str:
        return "" if url == fetched else f" (via {fetched})"

    def _to_http_response(
        self,
        url: str,
        fetched: str,
        response: requests.Response,
        etag: str | None,
        last_modified: str | None,
    ) -> HttpResponse:
        headers = {key.lower(): value for key, value in response.headers.items()}
        if response.status_code == 304:
            self.stats.not_modified += 1
            logger.debug("not modified: %s", url)
            return HttpResponse(
                url=url,
                fetched_url=fetched,
                status=304,
                body=b"",
                headers=headers,
                # A 304 need not repeat the validators; the caller's are still the current ones.
                etag=headers.get("etag") or etag,
                last_modified=headers.get("last-modified") or last_modified,
                sha256=None,
                archive_path=None,
            )
        body = response.content
        digest = hashlib.sha256(body).hexdigest()
        archive_path: str | None = None
        if self.archive is not None:
            digest, archive_path = self.archive.put(body, url=url, status=response.status_code, headers=headers)
        return HttpResponse(
            url=url,
            fetched_url=fetched,
            status=response.status_code,
            body=body,
            headers=headers,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            sha256=digest,
            archive_path=archive_path,
        )

    # -- robots.txt ---------------------------------------------------------------------------------

    def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        netloc = parts.netloc.lower()
        rules = self._robots.get(netloc)
        if rules is None:
            rules = self._load_robots_from_disk(netloc) or self._fetch_robots(parts.scheme, netloc)
            self._robots[netloc] = rules
            self._note_crawl_delay(parts.hostname or netloc, rules)
        if not rules.can_fetch(self.user_agent, url):
            raise RobotsDisallowedError(
                f"robots.txt of {netloc} disallows this path for user agent {self.user_agent!r}",
                url=url,
                status=None,
            )

    def _note_crawl_delay(self, host: str, rules: urllib.robotparser.RobotFileParser) -> None:
        crawl_delay = rules.crawl_delay(self.user_agent)
        if crawl_delay is not None:
            with contextlib.suppress(TypeError, ValueError):
                self._crawl_delays[host] = float(crawl_delay)

    def _fetch_robots(self, scheme: str, netloc: str) -> urllib.robotparser.RobotFileParser:
        """Fetch robots.txt once (no retries: the page request itself will back off if needed)."""
        robots_url = f"{scheme}://{netloc}/robots.txt"
        host = urlsplit(robots_url).hostname or netloc
        try:
            response = self._send(self.mirrored(robots_url), host, self._request_headers(None, None, None))
        except requests.RequestException as e:
            logger.warning(
                "robots.txt of %s unreachable (%s); assuming everything is allowed", netloc, _short_reason(e)
            )
            return _parse_robots("")
        status = response.status_code
        if 200 <= status < 300 and not _is_anti_bot_page(response.content):
            text = response.content.decode("utf-8", errors="replace")
            self._save_robots(netloc, robots_url, status, text)
            return _parse_robots(text)
        if 400 <= status < 500 and status != 429:
            # By convention a missing robots.txt (404/410, or any client error) allows everything.
            logger.info("robots.txt of %s: HTTP %d, everything allowed", netloc, status)
            self._save_robots(netloc, robots_url, status, "")
            return _parse_robots("")
        # Throttling or a server error says nothing about the rules: allow, but only for this run.
        what = "the anti-bot page" if 200 <= status < 300 else "an error"
        logger.warning(
            "robots.txt of %s: HTTP %d (%s); assuming everything is allowed for this run",
            netloc,
            status,
            what,
        )
        return _parse_robots("")

    def _robots_cache_path(self, netloc: str) -> Path | None:
        if self.robots_cache_dir is None:
            return None
        return self.robots_cache_dir / (re.sub(r"[^A-Za-z0-9._-]", "_", netloc) + ".robots.json")

    def _load_robots_from_disk(self, netloc: str) -> urllib.robotparser.RobotFileParser | None:
        path = self._robots_cache_path(netloc)
        if path is None or not path.is_file():
            return None
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            age = self.wall_clock() - float(record["fetched_at"])
            text = str(record["body"])
        except (OSError, ValueError, KeyError, TypeError) as e:
            logger.warning("ignoring unreadable robots.txt cache %s: %s", path, e)
            return None
        if not 0 <= age < self.robots_ttl_s:
            return None
        logger.debug("robots.txt of %s from cache %s (%.0f s old)", netloc, path, age)
        return _parse_robots(text)

    def _save_robots(self, netloc: str, robots_url: str, status: int, text: str) -> None:
        path = self._robots_cache_path(netloc)
        if path is None:
            return
        record = {
            "host": netloc,
            "url": robots_url,
            "status": status,
            "fetched_at": self.wall_clock(),
            "body": text,
        }
        try:
            _atomic_write(path, json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))
        except OSError as e:  # a cache that cannot be written costs one re-fetch next run, no more
            logger.warning("cannot write robots.txt cache %s: %s", path, e)


def _short_reason(exc: BaseException) -> str:
    """The innermost socket-level message ("[Errno 111] Connection refused"), else the type name."""
    for item in _exception_chain(exc):
        if isinstance(item, OSError) and not isinstance(item, requests.RequestException) and item.strerror:
            return f"{type(item).__name__}: {item.strerror}"
    return type(exc).__name__
