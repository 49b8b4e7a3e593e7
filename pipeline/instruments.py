"""The registry of international instruments (corpora/instruments.toml): load, validate, add."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.acts import write_atomic
from pipeline.datafiles import read_config_toml
from pipeline.errors import ConfigError

DEFAULT_INSTRUMENTS_FILE = Path("corpora/instruments.toml")
FORCES = ("binding", "soft_law", "benchmark")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Instrument:
    slug: str
    title: str
    date: str
    force: str
    topics: tuple[str, ...] = ()
    ratified_by: str = ""
    ratified_on: str = ""
    portal_nreg: str = ""
    en_file: str = ""
    en_url: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def binding(self) -> bool:
        return self.force == "binding"

    def has_text(self) -> bool:
        return bool(self.en_file or self.en_url or self.portal_nreg)


def load_instruments(path: Path = DEFAULT_INSTRUMENTS_FILE) -> list[Instrument]:
    data = read_config_toml(path, "instrument registry")
    found: list[Instrument] = []
    seen: set[str] = set()
    for i, entry in enumerate(data.get("instrument", []), 1):
        slug = str(entry.get("slug", ""))
        if not _SLUG.match(slug):
            raise ConfigError(f"instrument #{i}: bad slug {slug!r} (lower case, digits, hyphens)", path=str(path))
        if slug in seen:
            raise ConfigError(f"instrument {slug} is listed twice", path=str(path))
        seen.add(slug)
        force = str(entry.get("force", ""))
        if force not in FORCES:
            raise ConfigError(f"instrument {slug}: force must be one of {', '.join(FORCES)}", path=str(path))
        ukraine = entry.get("ukraine", {}) or {}
        sources = entry.get("sources", {}) or {}
        found.append(
            Instrument(
                slug,
                str(entry.get("title", "")),
                str(entry.get("date", "")),
                force,
                tuple(entry.get("topics", [])),
                str(ukraine.get("nreg", "")),
                str(ukraine.get("date", "")),
                str(sources.get("portal_nreg", "")),
                str(sources.get("en_file", "")),
                str(sources.get("en_url", "")),
            )
        )
    return found


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def add_instrument(path: Path, inst: Instrument) -> None:
    """Append an instrument to the registry file (validated first; the file is rewritten atomically)."""
    existing = load_instruments(path) if path.exists() else []
    if any(x.slug == inst.slug for x in existing):
        raise ConfigError(f"instrument {inst.slug} is already registered", path=str(path))
    if not _SLUG.match(inst.slug) or inst.force not in FORCES:
        raise ConfigError(f"bad slug or force for {inst.slug!r}", path=str(path))
    block = (
        f"\n[[instrument]]\nslug = {_q(inst.slug)}\ntitle = {_q(inst.title)}\ndate = {_q(inst.date)}\n"
        f"force = {_q(inst.force)}\ntopics = [{', '.join(_q(t) for t in inst.topics)}]\n"
        f"ukraine = {{ nreg = {_q(inst.ratified_by)}, date = {_q(inst.ratified_on)} }}\n"
        f"sources = {{ portal_nreg = {_q(inst.portal_nreg)}, en_file = {_q(inst.en_file)}, "
        f"en_url = {_q(inst.en_url)} }}\n"
    )
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    write_atomic(path, text + block)
    load_instruments(path)
