"""Shared test helpers: fixture paths and the location of ../shared (tests that need it skip without it)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path inside ../shared, or skip the test with a clear reason when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the project's ../shared folder is absent on this machine)")
    return path


@pytest.fixture
def law_html() -> str:
    return (FIXTURES / "law-print.htm").read_text(encoding="utf-8")
