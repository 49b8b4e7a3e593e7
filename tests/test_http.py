"""Tests of the polite HTTP client against a scripted local HTTP server (no network)."""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from pipeline.errors import (
    ConfigError,
    DecodeError,
    FetchError,
    NetworkUnavailableError,
    NotFoundError,
    RateLimitedError,
    RobotsDisallowedError,
)
from pipeline.http import (
    ANTI_BOT_MARKER,
    DEFAULT_USER_AGENT,
    PoliteClient,
    RawArchive,
    decode_body,
    parse_retry_after,
)

ARTICLE = "Стаття 1. Законодавство України з питань митної справи"
PAGE_HTML = (
    '<html><head><meta charset="utf-8"><title>Митний кодекс України</title></head>'
    f"<body><h1>Митний кодекс України</h1><p>{ARTICLE}</p></body></html>"
)
PAGE = PAGE_HTML.encode("utf-8")
PAGE_PATH = "/laws/show/4495-17/print"
ZAKON_URL = "https://zakon.rada.gov.ua/laws/show/4495-17/print"
DATA_URL = "https://data.rada.gov.ua/laws/main/r/page1.json"
HTML_UTF8 = {"Content-Type": "text/html; charset=utf-8"}
ANTI_BOT_HTML = f"<html><body><h1>{ANTI_BOT_MARKER}</h1><p>Спробуйте пізніше.</p></body></html>"


# --------------------------------------------------------------------------------------------------
# A scripted HTTP server


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # real delay before answering, to provoke a read timeout


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]  # keys lower-cased


class Script:
    """Replies queued per path (the last one repeats forever); every request received is recorded."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.seen: list[Seen] = []
        self._lock = threading.Lock()

    def add(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies)

    def answer(self, path: str, headers: dict[str, str]) -> Reply:
        with self._lock:
            self.seen.append(Seen(path, headers))
            queue = self.routes.get(path)
            if not queue:
                return Reply(404, b"<h1>404</h1>")
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def paths(self) -> list[str]:
        return [seen.path for seen in self.seen]


class ScriptedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, script: Script) -> None:
        super().__init__(("127.0.0.1", 0), ScriptedHandler)
        self.script = script

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out leaves a broken pipe behind; that is the point of the test


class ScriptedHandler(BaseHTTPRequestHandler):
    server: ScriptedServer

    def do_GET(self) -> None:
        headers = {key.lower(): value for key, value in self.headers.items()}
        reply = self.server.script.answer(self.path, headers)
        if reply.delay_s:
            time.sleep(reply.delay_s)
        self.send_response(reply.status)
        for key, value in reply.headers.items():
            self.send_header(key, value)
        has_body = reply.status != 304
        if has_body:
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if has_body:
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    httpd = ScriptedServer(Script())
    # A short poll interval: shutdown() waits for the next poll, 0.5 s by default, in every test.
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class FakeTime:
    """A monotonic clock that only moves when slept on; every sleep is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


ClientFactory = Callable[..., PoliteClient]


@pytest.fixture
def make_client(fake_time: FakeTime) -> Iterator[ClientFactory]:
    """Clients with fake time, no jitter, no delay and no robots unless a test asks for them."""
    sessions: list[requests.Session] = []

    def factory(**overrides: Any) -> PoliteClient:
        session = requests.Session()
        session.trust_env = False  # a proxy from the environment must not intercept 127.0.0.1
        sessions.append(session)
        options: dict[str, Any] = {
            "sleep": fake_time.sleep,
            "clock": fake_time.clock,
            "delay": 0.0,
            "jitter": 0.0,
            "retries": 3,
            "respect_robots": False,
            "session": session,
        }
        options.update(overrides)
        return PoliteClient(**options)

    yield factory
    for session in sessions:
        session.close()


def archived_files(root: Path) -> list[Path]:
    return sorted(path for path in (root / "objects").rglob("*") if path.is_file())


# --------------------------------------------------------------------------------------------------
# 200 and the raw archive


def test_200_is_archived_content_addressed_and_deduplicated(
    server: ScriptedServer, make_client: ClientFactory, tmp_path: Path
) -> None:
    headers = {**HTML_UTF8, "ETag": '"4495-17-v42"', "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"}
    server.script.add(PAGE_PATH, Reply(200, PAGE, headers))
    archive = RawArchive(tmp_path / "raw")
    client = make_client(archive=archive)
    url = server.base + PAGE_PATH

    first = client.get(url)
    second = client.get(url)

    digest = hashlib.sha256(PAGE).hexdigest()
    expected_path = tmp_path / "raw" / "objects" / digest[:2] / digest
    assert (first.status, first.body, first.sha256) == (200, PAGE, digest)
    assert first.archive_path == str(expected_path)
    assert second.archive_path == first.archive_path
    assert first.url == first.fetched_url == url
    assert first.etag == '"4495-17-v42"'
    assert first.last_modified == "Wed, 01 May 2024 10:00:00 GMT"
    assert first.headers["content-type"] == "text/html; charset=utf-8"
    assert all(key == key.lower() for key in first.headers)
    assert not first.not_modified
    assert ARTICLE in first.text()
    # One object (no temp files left behind), two index lines.
    assert archived_files(tmp_path / "raw") == [expected_path]
    assert expected_path.read_bytes() == PAGE
    assert archive.has(digest) and archive.get(digest) == PAGE
    lines = [json.loads(line) for line in (tmp_path / "raw" / "index.jsonl").read_text("utf-8").splitlines()]
    assert len(lines) == 2
    for record in lines:
        assert record["url"] == url
        assert (record["status"], record["sha256"], record["bytes"]) == (200, digest, len(PAGE))
        assert record["etag"] == '"4495-17-v42"'
        assert record["content_type"] == "text/html; charset=utf-8"
        assert record["last_modified"] == "Wed, 01 May 2024 10:00:00 GMT"
        assert record["time"]
    assert client.stats.requests == 2
    assert client.stats.bytes_received == 2 * len(PAGE)


def test_archive_writes_objects_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = RawArchive(tmp_path)
    real_replace = os.replace
    moves: list[tuple[Path, Path]] = []

    def spy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        moves.append((Path(src), Path(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    digest, path = archive.put(PAGE, url=ZAKON_URL, status=200, headers=HTML_UTF8)

    # The object appeared by renaming a fully written temp file from the same directory.
    [(src, dst)] = moves
    assert dst == Path(path) == archive.path_for(digest) and src.parent == dst.parent and src != dst
    assert not src.exists()
    assert Path(path).read_bytes() == PAGE


def test_archive_failed_write_leaves_no_partial_object(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = RawArchive(tmp_path)

    def failing_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        archive.put(PAGE, url=ZAKON_URL, status=200, headers=HTML_UTF8)

    assert archived_files(tmp_path) == []
    assert not archive.has(hashlib.sha256(PAGE).hexdigest())
    assert not (tmp_path / "index.jsonl").exists()


def test_archive_get_of_absent_object_is_a_clear_key_error(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    digest = hashlib.sha256(b"never stored").hexdigest()
    assert not archive.has(digest)
    with pytest.raises(KeyError, match=f"no object {digest} in raw archive"):
        archive.get(digest)
    with pytest.raises(ValueError, match="not a sha256"):
        archive.get("../../etc/passwd")


# --------------------------------------------------------------------------------------------------
# Mirror


@pytest.mark.parametrize(
    ("mirror", "url", "expected"),
    [
        (None, ZAKON_URL, ZAKON_URL),
        (
            "http://127.0.0.1:8765",
            ZAKON_URL,
            "http://127.0.0.1:8765/zakon.rada.gov.ua/laws/show/4495-17/print",
        ),
        (
            "http://127.0.0.1:8765/",
            ZAKON_URL,
            "http://127.0.0.1:8765/zakon.rada.gov.ua/laws/show/4495-17/print",
        ),
        (
            "http://mirror.local/snapshots/2024",
            "https://data.rada.gov.ua/laws/main/r?find=1&page=2",
            "http://mirror.local/snapshots/2024/data.rada.gov.ua/laws/main/r?find=1&page=2",
        ),
        ("http://127.0.0.1:8765", "https://zakon.rada.gov.ua", "http://127.0.0.1:8765/zakon.rada.gov.ua/"),
    ],
)
def test_mirrored_rewrites_host_into_path(
    make_client: ClientFactory, mirror: str | None, url: str, expected: str
) -> None:
    assert make_client(mirror=mirror).mirrored(url) == expected


def test_mirrored_request_arrives_under_host_path(server: ScriptedServer, make_client: ClientFactory) -> None:
    mirrored_path = "/zakon.rada.gov.ua/laws/show/4495-17/print"
    server.script.add(mirrored_path, Reply(200, PAGE, HTML_UTF8))
    client = make_client(mirror=server.base)

    response = client.get(ZAKON_URL)

    assert server.script.paths() == [mirrored_path]
    assert response.url == ZAKON_URL
    assert response.fetched_url == server.base + mirrored_path
    assert client.stats.by_host == {"zakon.rada.gov.ua": 1}


@pytest.mark.parametrize(
    "kwargs",
    [{"mirror": "ftp://mirror.local"}, {"mirror": "127.0.0.1:8765"}, {"delay": -1.0}, {"retries": -1}],
)
def test_bad_configuration_is_a_config_error(make_client: ClientFactory, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        make_client(**kwargs)


def test_non_http_url_is_a_fetch_error(make_client: ClientFactory) -> None:
    with pytest.raises(FetchError, match="not an http"):
        make_client().get("file:///etc/passwd")


# --------------------------------------------------------------------------------------------------
# Retries and errors


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retryable_status_with_retry_after_then_success(
    server: ScriptedServer, make_client: ClientFactory, fake_time: FakeTime, status: int
) -> None:
    server.script.add(PAGE_PATH, Reply(status, b"busy", {"Retry-After": "1"}), Reply(200, PAGE, HTML_UTF8))
    client = make_client()

    response = client.get(server.base + PAGE_PATH)

    assert response.body == PAGE
    assert client.stats.retries == 1
    assert client.stats.requests == 2
    assert fake_time.sleeps == [pytest.approx(1.0)]
    assert client.stats.backoff_sleep_s == pytest.approx(1.0)
    assert client.stats.politeness_sleep_s == 0.0


def test_429_forever_is_rate_limited_error_after_all_retries(
    server: ScriptedServer, make_client: ClientFactory, fake_time: FakeTime
) -> None:
    # An absurd Retry-After is capped at backoff_max.
    server.script.add(PAGE_PATH, Reply(429, b"Too Many Requests", {"Retry-After": "3600"}))
    client = make_client(retries=3, backoff_max=7.0)
    url = server.base + PAGE_PATH

    with pytest.raises(RateLimitedError) as caught:
        client.get(url)

    assert caught.value.url == url
    assert caught.value.status == 429
    assert url in str(caught.value) and "429" in str(caught.value)
    assert client.stats.retries == 3
    assert server.script.paths() == [PAGE_PATH] * 4
    assert fake_time.sleeps == [7.0, 7.0, 7.0]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_error_forever_backs_off_exponentially_then_fetch_error(
    server: ScriptedServer, make_client: ClientFactory, fake_time: FakeTime, status: int
) -> None:
    server.script.add(PAGE_PATH, Reply(status, b"Service Unavailable"))
    client = make_client(retries=4, backoff_base=1.0, backoff_max=5.0)

    with pytest.raises(FetchError) as caught:
        client.get(server.base + PAGE_PATH)

    assert type(caught.value) is FetchError
    assert caught.value.status == status
    assert fake_time.sleeps == [1.0, 2.0, 4.0, 5.0]
    assert client.stats.retries == 4
    assert len(server.script.seen) == 5


def test_backoff_jitter_stays_within_bounds(
    server: ScriptedServer, make_client: ClientFactory, fake_time: FakeTime
) -> None:
    server.script.add(PAGE_PATH, Reply(503))
    client = make_client(retries=3, backoff_base=2.0, backoff_max=60.0, jitter=0.5)

    with pytest.raises(FetchError):
        client.get(server.base + PAGE_PATH)

    for waited, base in zip(fake_time.sleeps, [2.0, 4.0, 8.0], strict=True):
        assert base <= waited <= base * 1.5


@pytest.mark.parametrize(
    ("status", "error_type"),
    [(404, NotFoundError), (400, FetchError), (403, FetchError), (410, FetchError), (501, FetchError)],
)
def test_non_retryable_status_fails_at_once(
    server: ScriptedServer,
    make_client: ClientFactory,
    fake_time: FakeTime,
    status: int,
    error_type: type[FetchError],
) -> None:
    server.script.add(PAGE_PATH, Reply(status, b"no"))
    client = make_client(retries=5)
    url = server.base + PAGE_PATH

    with pytest.raises(error_type) as caught:
        client.get(url)

    assert type(caught.value) is error_type
    assert (caught.value.url, caught.value.status) == (url, status)
    assert str(status) in str(caught.value)
    assert server.script.paths() == [PAGE_PATH]
    assert client.stats.retries == 0 and fake_time.sleeps == []


@pytest.mark.parametrize("through_mirror", [False, True])
def test_connection_refused_is_network_unavailable_quickly(
    make_client: ClientFactory, fake_time: FakeTime, closed_port: int, through_mirror: bool
) -> None:
    dead = f"http://127.0.0.1:{closed_port}"
    client = make_client(retries=5, mirror=dead) if through_mirror else make_client(retries=5)
    url = ZAKON_URL if through_mirror else dead + PAGE_PATH

    started = time.monotonic()
    with pytest.raises(NetworkUnavailableError) as caught:
        client.get(url)

    assert time.monotonic() - started < 2.0
    message = str(caught.value)
    assert "unreachable" in message and "--mirror" in message
    assert ("mirror" in message) if through_mirror else ("127.0.0.1" in message)
    assert caught.value.url == url and caught.value.status is None
    assert isinstance(caught.value.__cause__, requests.ConnectionError)
    # Refused connections get only two retries whatever `retries` says.
    assert client.stats.retries == 2 and client.stats.requests == 3
    assert sum(fake_time.sleeps) <= 3.0


def test_dns_failure_is_network_unavailable_and_robots_failure_only_warns(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_dns(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    client = make_client(respect_robots=True)

    with (
        caplog.at_level(logging.WARNING, logger="pipeline.http"),
        pytest.raises(NetworkUnavailableError) as caught,
    ):
        client.get(ZAKON_URL)

    assert "zakon.rada.gov.ua is unreachable" in str(caught.value)
    assert "--mirror" in str(caught.value)
    assert any("robots.txt of zakon.rada.gov.ua unreachable" in record.message for record in caplog.records)
    assert client.stats.requests == 1 + 3  # robots.txt once, the page with two retries


def test_read_timeout_is_retried(server: ScriptedServer, make_client: ClientFactory) -> None:
    server.script.add(PAGE_PATH, Reply(200, PAGE, HTML_UTF8, delay_s=0.6), Reply(200, PAGE, HTML_UTF8))
    client = make_client(timeout=0.2)

    response = client.get(server.base + PAGE_PATH)

    assert response.body == PAGE
    assert client.stats.retries == 1


def test_read_timeout_forever_is_fetch_error_not_network_unavailable(
    server: ScriptedServer, make_client: ClientFactory
) -> None:
    server.script.add(PAGE_PATH, Reply(200, PAGE, HTML_UTF8, delay_s=0.5))
    client = make_client(timeout=0.15, retries=1)

    with pytest.raises(FetchError, match="no response") as caught:
        client.get(server.base + PAGE_PATH)

    assert not isinstance(caught.value, NetworkUnavailableError)
    assert caught.value.status is None
    assert isinstance(caught.value.__cause__, requests.Timeout)


NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        (email.utils.formatdate(NOW + 30, usegmt=True), 30.0),
        (email.utils.formatdate(NOW - 30, usegmt=True), 0.0),
        (None, None),
        ("", None),
        ("-5", None),
        ("soon", None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251"])
def test_anti_bot_page_is_retried_like_429(
    server: ScriptedServer, make_client: ClientFactory, tmp_path: Path, encoding: str
) -> None:
    anti_bot = Reply(200, ANTI_BOT_HTML.encode(encoding), {"Content-Type": f"text/html; charset={encoding}"})
    server.script.add(PAGE_PATH, anti_bot, Reply(200, PAGE, HTML_UTF8))
    archive = RawArchive(tmp_path)
    client = make_client(archive=archive)

    response = client.get(server.base + PAGE_PATH)

    assert response.body == PAGE
    assert client.stats.retries == 1
    assert archived_files(tmp_path) == [Path(str(response.archive_path))]  # the stub is not archived


def test_anti_bot_page_forever_is_rate_limited(server: ScriptedServer, make_client: ClientFactory) -> None:
    server.script.add(PAGE_PATH, Reply(200, ANTI_BOT_HTML.encode("utf-8"), HTML_UTF8))
    client = make_client(retries=2)

    with pytest.raises(RateLimitedError, match="anti-bot"):
        client.get(server.base + PAGE_PATH)

    assert client.stats.retries == 2


# --------------------------------------------------------------------------------------------------
# Request headers and conditional GET


@pytest.mark.parametrize(
    ("extra", "expected_agent"),
    [
        (None, DEFAULT_USER_AGENT),
        ({"User-Agent": "OpenData"}, "OpenData"),
        ({"user-agent": "OpenData"}, "OpenData"),
    ],
)
def test_user_agent_default_and_override(
    server: ScriptedServer, make_client: ClientFactory, extra: dict[str, str] | None, expected_agent: str
) -> None:
    server.script.add(PAGE_PATH, Reply(200, PAGE, HTML_UTF8))
    make_client().get(server.base + PAGE_PATH, headers=extra)
    [seen] = server.script.seen
    assert seen.headers["user-agent"] == expected_agent


def test_conditional_get_304_is_not_modified(
    server: ScriptedServer, make_client: ClientFactory, tmp_path: Path
) -> None:
    server.script.add(PAGE_PATH, Reply(304, headers={"ETag": '"v1"'}))
    client = make_client(archive=RawArchive(tmp_path))
    modified = "Wed, 01 May 2024 10:00:00 GMT"

    response = client.get(server.base + PAGE_PATH, etag='"v1"', last_modified=modified)

    [seen] = server.script.seen
    assert seen.headers["if-none-match"] == '"v1"'
    assert seen.headers["if-modified-since"] == modified
    assert response.not_modified and response.status == 304
    assert (response.body, response.sha256, response.archive_path) == (b"", None, None)
    # The 304 repeated the ETag but not Last-Modified: the caller's validator still holds.
    assert (response.etag, response.last_modified) == ('"v1"', modified)
    assert client.stats.not_modified == 1
    assert not (tmp_path / "index.jsonl").exists()


def test_unconditional_get_sends_no_validators(server: ScriptedServer, make_client: ClientFactory) -> None:
    server.script.add(PAGE_PATH, Reply(200, PAGE, HTML_UTF8))
    make_client().get(server.base + PAGE_PATH)
    [seen] = server.script.seen
    assert "if-none-match" not in seen.headers and "if-modified-since" not in seen.headers


# --------------------------------------------------------------------------------------------------
# Per-host politeness delay


@pytest.fixture
def mirrored_portal(server: ScriptedServer) -> ScriptedServer:
    for path in ("/zakon.rada.gov.ua/laws/show/4495-17/print", "/zakon.rada.gov.ua/laws/show/2341-14/print"):
        server.script.add(path, Reply(200, PAGE, HTML_UTF8))
    server.script.add("/data.rada.gov.ua/laws/main/r/page1.json", Reply(200, b"[]"))
    server.script.add("/example.org/a", Reply(200, b"a"))
    return server


def test_same_host_waits_delay_other_hosts_do_not(
    mirrored_portal: ScriptedServer, make_client: ClientFactory, fake_time: FakeTime
) -> None:
    client = make_client(mirror=mirrored_portal.base, delay=None)

    client.get(ZAKON_URL)
    assert fake_time.sleeps == []
    client.get("https://zakon.rada.gov.ua/laws/show/2341-14/print")
    assert fake_time.sleeps == [5.0]  # the portal's 5 s, keyed by the original host, not the mirror
    client.get(DATA_URL)
    assert fake_time.sleeps == [5.0]  # another host: no wait
    client.get("https://example.org/a")
    client.get("https://example.org/a")
    assert fake_time.sleeps == [5.0, 1.0]  # unknown hosts get 1 s
    assert client.stats.politeness_sleep_s == pytest.approx(6.0)
    assert client.stats.by_host == {"zakon.rada.gov.ua": 2, "data.rada.gov.ua": 1, "example.org": 2}


def test_delay_counts_time_already_elapsed(
    mirrored_portal: ScriptedServer, make_client: ClientFactory, fake_time: FakeTime
) -> None:
    client = make_client(mirror=mirrored_portal.base, delay=None)
    client.get(ZAKON_URL)
    fake_time.now += 3.0  # the caller spent 3 s parsing
    client.get(ZAKON_URL)
    assert fake_time.sleeps == [pytest.approx(2.0)]


@pytest.mark.parametrize(("delay", "expected_sleeps"), [(0.0, []), (2.5, [2.5, 2.5])])
def test_explicit_delay_applies_to_every_host(
    mirrored_portal: ScriptedServer,
    make_client: ClientFactory,
    fake_time: FakeTime,
    delay: float,
    expected_sleeps: list[float],
) -> None:
    client = make_client(mirror=mirrored_portal.base, delay=delay)
    for url in (ZAKON_URL, ZAKON_URL, "https://example.org/a", "https://example.org/a"):
        client.get(url)
    assert fake_time.sleeps == expected_sleeps


def test_host_delays_are_merged_over_defaults(make_client: ClientFactory) -> None:
    client = make_client(delay=None, host_delays={"example.org": 0.5})
    assert client.delay_for("example.org") == 0.5
    assert client.delay_for("zakon.rada.gov.ua") == 5.0
    assert client.delay_for("other.example") == 1.0


# --------------------------------------------------------------------------------------------------
# robots.txt


ROBOTS_DISALLOW_SHOW = b"User-agent: *\nDisallow: /laws/show/\n"


def test_robots_disallow_raises_without_requesting_the_path(server: ScriptedServer, make_client: ClientFactory) -> None:
    server.script.add("/robots.txt", Reply(200, ROBOTS_DISALLOW_SHOW, {"Content-Type": "text/plain"}))
    server.script.add("/laws/main/a", Reply(200, b"ok"))
    client = make_client(respect_robots=True)
    url = server.base + PAGE_PATH

    with pytest.raises(RobotsDisallowedError) as caught:
        client.get(url)
    client.get(server.base + "/laws/main/a")  # allowed, and robots.txt is not fetched again

    assert caught.value.url == url
    assert server.script.paths() == ["/robots.txt", "/laws/main/a"]
    assert client.stats.requests == 2


@pytest.mark.parametrize(("user_agent", "allowed"), [(DEFAULT_USER_AGENT, False), ("OtherBot/1.0", True)])
def test_robots_rules_are_checked_for_the_clients_user_agent(
    server: ScriptedServer, make_client: ClientFactory, user_agent: str, allowed: bool
) -> None:
    robots = b"User-agent: normgap\nDisallow: /laws/\n\nUser-agent: *\nAllow: /\n"
    server.script.add("/robots.txt", Reply(200, robots))
    server.script.add(PAGE_PATH, Reply(200, PAGE, HTML_UTF8))
    client = make_client(respect_robots=True, user_agent=user_agent)

    if allowed:
        assert client.get(server.base + PAGE_PATH).body == PAGE
    else:
        with pytest.raises(RobotsDisallowedError):
            client.get(server.base + PAGE_PATH)


@pytest.mark.parametrize("status", [404, 410, 403])
def test_robots_client_error_allows_everything(server: ScriptedServer, make_client: ClientFactory, status: int) -> None:
    server.script.add("/robots.txt", Reply(status, b"nope"))
    server.script.add(PAGE_PATH, Reply(200, PAGE, HTML_UTF8))
    client = make_client(respect_robots=True)

    assert client.get(server.base + PAGE_PATH).body == PAGE
    assert server.script.paths() == ["/robots.txt", PAGE_PATH]


@pytest.mark.parametrize("status", [500, 503])
def test_robots_server_error_allows_with_warning_and_is_not_persisted(
    server: ScriptedServer,
    make_client: ClientFactory,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    server.script.add("/robots.txt", Reply(status, b"oops"))
    server.script.add(PAGE_PATH, Reply(200, PAGE, HTML_UTF8))
    client = make_client(respect_robots=True, robots_cache_dir=tmp_path)

    with caplog.at_level(logging.WARNING, logger="pipeline.http"):
        assert client.get(server.base + PAGE_PATH).body == PAGE

    assert any(f"HTTP {status}" in record.message for record in caplog.records)
    assert list(tmp_path.iterdir()) == []


def test_robots_fetched_from_the_mirror(server: ScriptedServer, make_client: ClientFactory) -> None:
    server.script.add("/zakon.rada.gov.ua/robots.txt", Reply(200, ROBOTS_DISALLOW_SHOW))
    client = make_client(respect_robots=True, mirror=server.base)

    with pytest.raises(RobotsDisallowedError):
        client.get(ZAKON_URL)

    assert server.script.paths() == ["/zakon.rada.gov.ua/robots.txt"]


def test_robots_cached_on_disk_across_clients_until_ttl(
    server: ScriptedServer, make_client: ClientFactory, tmp_path: Path
) -> None:
    server.script.add("/robots.txt", Reply(200, ROBOTS_DISALLOW_SHOW))
    server.script.add("/laws/main/a", Reply(200, b"ok"))
    url = server.base + "/laws/main/a"
    cache = tmp_path / "robots"

    make_client(respect_robots=True, robots_cache_dir=cache).get(url)
    second = make_client(respect_robots=True, robots_cache_dir=cache)
    second.get(url)
    with pytest.raises(RobotsDisallowedError):  # the cached rules are really applied
        second.get(server.base + PAGE_PATH)

    assert server.script.paths().count("/robots.txt") == 1
    [cached] = list(cache.iterdir())
    record = json.loads(cached.read_text("utf-8"))
    assert record["body"] == ROBOTS_DISALLOW_SHOW.decode() and record["status"] == 200

    two_days_later = time.time() + 2 * 86400
    make_client(respect_robots=True, robots_cache_dir=cache, wall_clock=lambda: two_days_later).get(url)
    assert server.script.paths().count("/robots.txt") == 2


@pytest.mark.parametrize(("delay", "expected_sleeps"), [(None, [7.0]), (0.0, [])])
def test_robots_crawl_delay_raises_the_default_delay_only(
    server: ScriptedServer,
    make_client: ClientFactory,
    fake_time: FakeTime,
    delay: float | None,
    expected_sleeps: list[float],
) -> None:
    server.script.add("/robots.txt", Reply(200, b"User-agent: *\nCrawl-delay: 7\n"))
    server.script.add(PAGE_PATH, Reply(200, PAGE, HTML_UTF8))
    client = make_client(respect_robots=True, delay=delay)

    client.get(server.base + PAGE_PATH)

    assert fake_time.sleeps == expected_sleeps


# --------------------------------------------------------------------------------------------------
# Decoding


CP1251_ARTICLE = ARTICLE.encode("cp1251")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(ARTICLE.encode("utf-8"), "text/html; charset=utf-8", id="utf8-declared"),
        pytest.param(ARTICLE.encode("utf-8"), None, id="utf8-assumed"),
        pytest.param(ARTICLE.encode("utf-8"), "text/html; charset=x-bogus", id="unknown-charset"),
        pytest.param(CP1251_ARTICLE, None, id="cp1251-undeclared"),
        pytest.param(CP1251_ARTICLE, "text/csv; charset=utf-8", id="cp1251-declared-utf8"),
        pytest.param(CP1251_ARTICLE, 'text/html; charset="windows-1251"', id="cp1251-header"),
        pytest.param(b'<meta charset="windows-1251"><p>' + CP1251_ARTICLE, "text/html", id="cp1251-meta"),
        pytest.param(
            b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">' + CP1251_ARTICLE,
            None,
            id="cp1251-http-equiv",
        ),
        pytest.param(b'<?xml version="1.0" encoding="windows-1251"?><a>' + CP1251_ARTICLE, None, id="cp1251-xml"),
        pytest.param(b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"), None, id="bom"),
        pytest.param(b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"), "text/html; charset=windows-1251", id="bom-wins"),
    ],
)
def test_decode_body(body: bytes, content_type: str | None) -> None:
    text = decode_body(body, content_type)
    assert ARTICLE in text
    assert not text.startswith("\ufeff")


def test_decode_body_header_charset_wins_over_meta() -> None:
    # The meta tag lies (a page re-encoded to UTF-8 without updating it); the header is right.
    body = b'<meta charset="windows-1251"><p>' + ARTICLE.encode("utf-8")
    assert ARTICLE in decode_body(body, "text/html; charset=utf-8")


def test_decode_body_undecodable_is_decode_error() -> None:
    # Invalid UTF-8 (a cp1251 byte sequence) plus 0x98, the one byte cp1251 does not define.
    garbage = CP1251_ARTICLE + b"\x98"
    with pytest.raises(DecodeError) as caught:
        decode_body(garbage, None, url=ZAKON_URL)
    assert caught.value.url == ZAKON_URL
    assert "utf-8" in str(caught.value) and "cp1251" in str(caught.value)
    assert isinstance(caught.value.__cause__, UnicodeDecodeError)


def test_response_text_decodes_a_cp1251_page(server: ScriptedServer, make_client: ClientFactory) -> None:
    server.script.add(PAGE_PATH, Reply(200, CP1251_ARTICLE, {"Content-Type": "text/html; charset=windows-1251"}))
    assert make_client().get(server.base + PAGE_PATH).text() == ARTICLE
