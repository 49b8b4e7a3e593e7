"""Serving the offline portal mirror (../shared/rada-mirror/serve.py) on a free local port, for the integration
tests and the benchmarks: the portal's stand-in, started as a child process and stopped after use."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import NormgapError

START_TIMEOUT = 15.0  # seconds for serve.py to answer


class MirrorServerError(NormgapError):
    """serve.py did not start or did not answer."""


@dataclass
class MirrorServer:
    url: str
    log: Path
    process: subprocess.Popen[bytes]

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []

    def settled_log_lines(self, timeout: float = 3.0) -> list[str]:
        """The log once it stops growing: the server writes a line just after it sent the response."""
        deadline = time.monotonic() + timeout
        lines = self.log_lines()
        while time.monotonic() < deadline:
            time.sleep(0.15)
            again = self.log_lines()
            if len(again) == len(lines):
                return again
            lines = again
        return lines

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/README.md", timeout=1.0) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


def start_mirror_server(
    mirror_root: Path, folder: Path, extra: Sequence[str] = (), *, cwd: Path | None = None, attempts: int = 3
) -> MirrorServer:
    """serve.py of `mirror_root` on a free port, logging requests into `folder`; retried on another port if the
    one picked was taken meanwhile. Raises MirrorServerError with serve.py's stderr when it does not answer."""
    for attempt in range(1, attempts + 1):
        port = free_port()
        log = folder / f"requests-{port}.log"
        stderr_path = folder / f"serve-{port}.stderr"
        with stderr_path.open("wb") as stderr:
            process = subprocess.Popen(
                [
                    sys.executable,
                    str(mirror_root / "serve.py"),
                    "--root",
                    str(mirror_root),
                    "--port",
                    str(port),
                    "--log",
                    str(log),
                    *extra,
                ],
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                cwd=cwd,
            )
        server = MirrorServer(f"http://127.0.0.1:{port}", log, process)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            if _answers(server.url):
                return server
            time.sleep(0.05)
        server.stop()
        message = stderr_path.read_text(encoding="utf-8", errors="replace")
        if "in use" not in message or attempt == attempts:
            raise MirrorServerError(
                f"serve.py did not answer (exit {process.returncode}): {message[-2000:]}", url=server.url
            )
    raise AssertionError("unreachable: the last attempt raises")
