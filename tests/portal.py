"""A small fake of the portal's two hosts, served on 127.0.0.1 in a thread, with scripted faults.

Paths are laid out as the mirror lays them out (`/zakon.rada.gov.ua/laws/show/X/print`), so the real
client with `mirror=` talks to it exactly as it talks to shared/rada-mirror/serve.py.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakePortal:
    pages: dict[str, bytes] = field(default_factory=dict)
    faults: dict[str, list[int]] = field(default_factory=dict)  # path -> statuses to answer first
    log: list[tuple[str, int]] = field(default_factory=list)
    base: str = ""

    def put(self, path: str, body: str | bytes) -> None:
        self.pages[path] = body.encode("utf-8") if isinstance(body, str) else body

    def put_card(self, nreg: str, editions: list[tuple[str, str]], *, title: str = "Тестовий закон") -> None:
        """editions: (YYYYMMDD, pidstava), the current one first, as the portal lists them."""
        current = editions[0][0]
        card = {
            "nreg": nreg,
            "nazva": title,
            "status": 5,
            "typ": 1,
            "n_vlas": "100-IX",
            "orgdat": 20200201,
            "datred": int(current),
            "poddat": int(current),
            "eds": [{"datred": int(d), "pidstava": p, "size": 1000, "pages": 1, "format": 2} for d, p in editions],
        }
        self.put(f"/data.rada.gov.ua/laws/card/{nreg}.json", json.dumps(card, ensure_ascii=False))

    def requests_to(self, fragment: str) -> int:
        return sum(1 for path, _ in self.log if fragment in path)


class _Handler(BaseHTTPRequestHandler):
    portal: FakePortal

    def do_GET(self) -> None:
        portal = self.server.portal  # type: ignore[attr-defined]
        path = self.path.split("?", 1)[0]
        queued = portal.faults.get(path)
        if queued:
            status = queued.pop(0)
            self._answer(portal, path, status, b"busy", {"Retry-After": "0"})
            return
        body = portal.pages.get(path)
        if body is None:
            self._answer(portal, path, 404, b"not found", {})
            return
        etag = '"' + hashlib.sha256(body).hexdigest() + '"'
        if self.headers.get("If-None-Match") == etag:
            self._answer(portal, path, 304, b"", {"ETag": etag})
            return
        ctype = "application/json" if path.endswith(".json") else "text/html; charset=utf-8"
        self._answer(portal, path, 200, body, {"ETag": etag, "Content-Type": ctype})

    def _answer(self, portal: FakePortal, path: str, status: int, body: bytes, headers: dict[str, str]) -> None:
        portal.log.append((path, status))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(portal: FakePortal) -> Iterator[FakePortal]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.portal = portal  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    portal.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield portal
    finally:
        server.shutdown()
        server.server_close()


PRINT = "/zakon.rada.gov.ua/laws/show/{}/print"
ED_PRINT = "/zakon.rada.gov.ua/laws/show/{}/ed{}/print"


def edition_page(html: str, date: str, marker: str) -> str:
    """The fixture page as another edition: a different stamp date and one changed sentence."""
    day = f"{date[6:8]}.{date[4:6]}.{date[:4]}"
    return html.replace("01.04.2022</b>", f"{day}</b>").replace("невідкладно", marker)


def put_law(portal: FakePortal, html: str) -> None:
    """The fixture law 100-20 with two editions: the current one (2022-04-01) and 2021-03-01."""
    portal.put_card("100-20", [("20220401", "300-20"), ("20210301", "200-20")])
    portal.put(PRINT.format("100-20"), html)
    portal.put(ED_PRINT.format("100-20", "20210301"), edition_page(html, "20210301", "протягом доби"))
