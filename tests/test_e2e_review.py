"""End to end, in a real browser: a legal scholar signs in, opens the queue, records a decision on a flag,
reloads the page and sees it, and finds it in the queue.

Debian's chromium (/usr/bin/chromium) driven by Playwright for Python against the review app served by uvicorn
on 127.0.0.1. Without the browser or the package the test skips with the reason, except under CI (CI=true),
where `.ci/setup` installs both and a skip would hide a broken setup, so it fails instead."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from pipeline.review.app import create_app
from tests.test_review import FLAG, db

__all__ = ["db"]  # the store fixture of tests/test_review.py: a law edition, a compared treaty, tags, two users

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
COMMENT = "Art. 1 names customs control but no sanction for smuggling; see the Customs Code."
MISSING = "a sanction for smuggling"
TIMEOUT_MS = 15_000


def _need(what: str) -> None:
    """Skip for want of the browser, or fail under CI, where .ci/setup must have installed it."""
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(f"CI is set and {what} is missing: .ci/setup should have installed it")
    pytest.skip(f"needs {what}, which is missing (.ci/setup installs Debian's chromium and playwright)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(db: Path) -> Iterator[str]:
    """The review app on 127.0.0.1 in a background thread; yields its base URL."""
    app = create_app(str(db), secret="e2e-secret", instruments_file=Path("missing.toml"))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, name="uvicorn-e2e", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if not thread.is_alive() or time.monotonic() > deadline:
            srv.should_exit = True
            pytest.fail(f"the review app did not answer on {base}")
        time.sleep(0.05)
    try:
        yield base
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def test_reviewer_records_a_decision_in_a_real_browser(server: str, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        _need(str(CHROMIUM))
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _need("the playwright package")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(TIMEOUT_MS)
            expect.set_options(timeout=TIMEOUT_MS)

            # Unsigned, the queue sends the reviewer to the login form.
            page.goto(f"{server}/")
            expect(page).to_have_url(f"{server}/login")
            page.get_by_label("User").fill("alice")
            page.get_by_label("Password").fill("correct horse")
            page.get_by_role("button", name="Sign in").click()

            # The queue lists the flag; its link goes to the flag page.
            expect(page).to_have_url(f"{server}/")
            expect(page.get_by_text("signed in as alice")).to_be_visible()
            link = page.get_by_role("link", name=FLAG, exact=True)
            expect(link).to_be_visible()
            row = page.locator("tr", has=link)
            expect(row).to_contain_text("unreviewed")
            link.click()

            # The flag page: both sides, not yet reviewed, an empty history.
            expect(page.locator("h1")).to_have_text(FLAG)
            expect(page.locator("#international-text")).to_contain_text("prevent and combat smuggling")
            expect(page.get_by_role("heading", name="Ukrainian candidates")).to_be_visible()
            expect(page.locator("#review-state")).to_have_text("unreviewed")
            expect(page.locator("#history tr")).to_have_count(1)  # the header row only
            flag_url = page.url

            form = page.locator("#decision-form")
            form.locator('input[name="decision"][value="partial"]').check()
            form.locator('input[name="implemented_by"]').fill("100-20#art_1")
            form.locator('input[name="missing"]').fill(MISSING)
            form.locator('textarea[name="comment"]').fill(COMMENT)
            form.get_by_role("button", name="Record decision").click()

            # Posting redirects back to the flag page; reloading shows what the store kept.
            page.wait_for_url(flag_url)
            page.reload()
            expect(page.locator("#review-state")).to_have_text("reviewed")
            entries = page.locator("#history tr").filter(has=page.locator("td"))
            expect(entries).to_have_count(1)
            cells = entries.first.locator("td")
            expect(cells.nth(1)).to_have_text("alice")
            expect(cells.nth(2)).to_have_text("partial")
            expect(cells.nth(3)).to_have_text("100-20#art_1")
            expect(cells.nth(4)).to_have_text(MISSING)
            expect(cells.nth(5)).to_have_text(COMMENT)
            page.screenshot(path=str(tmp_path / "flag-after-decision.png"), full_page=True)

            # Back in the queue the row carries the decision and who made it.
            page.get_by_role("link", name="queue").click()
            expect(page).to_have_url(f"{server}/")
            row = page.locator("tr", has=page.get_by_role("link", name=FLAG, exact=True))
            expect(row.locator('td[class^="state-"]')).to_have_text("reviewed: partial by alice")
            page.screenshot(path=str(tmp_path / "queue-after-decision.png"), full_page=True)
        finally:
            browser.close()
    assert (tmp_path / "flag-after-decision.png").stat().st_size > 0
