"""The list of tracked acts (corpora/acts.toml): load, validate, add, remove, save atomically."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from pipeline.datafiles import read_config_toml
from pipeline.errors import ConfigError
from pipeline.records import TrackedAct

DEFAULT_ACTS_FILE = Path("corpora/acts.toml")
# Laws "4495-17", KUpAP "80731-10", treaties "995_789", other acts "254к/96-вр", "z1306-21", "n0138500-26".
NREG_RE = re.compile(r"^[0-9A-Za-zА-Яа-яІіЇїЄєҐґ]+(?:[-_/][0-9A-Za-zА-Яа-яІіЇїЄєҐґ]+)*$")

_HEADER = (
    "# Acts that `normgap refresh` tracks. Edit with `normgap acts add NREG` / `normgap acts remove NREG`.\n"
    "# nreg: the portal's registration number (as in its URLs); role: why the act matters to the project;\n"
    "# topics: the subjects it regulates (thesaurus topics), a prior when aligning international provisions.\n"
)


def validate_nreg(nreg: str) -> str:
    nreg = nreg.strip()
    if not NREG_RE.match(nreg):
        raise ConfigError(
            f"not a portal registration number (nreg): {nreg!r}; expected e.g. 4495-17", work=nreg or None
        )
    return nreg


def load_acts(path: Path = DEFAULT_ACTS_FILE) -> list[TrackedAct]:
    data = read_config_toml(path, "list of tracked acts")
    entries = data.get("act", [])
    if not isinstance(entries, list):
        raise ConfigError("expected [[act]] tables", path=str(path))
    acts: list[TrackedAct] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or "nreg" not in entry:
            raise ConfigError(f"act #{i} has no nreg", path=str(path))
        nreg = validate_nreg(str(entry["nreg"]))
        if nreg in seen:
            raise ConfigError(f"act {nreg} is listed twice", path=str(path), work=nreg)
        seen.add(nreg)
        topics = entry.get("topics", [])
        if not isinstance(topics, list):
            raise ConfigError(f"act {nreg}: topics must be a list", path=str(path), work=nreg)
        acts.append(TrackedAct(nreg, str(entry.get("title", "")), str(entry.get("role", "")), tuple(map(str, topics))))
    return acts


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def save_acts(acts: list[TrackedAct], path: Path = DEFAULT_ACTS_FILE) -> None:
    parts = [_HEADER]
    for act in acts:
        parts.append(
            f"\n[[act]]\nnreg = {_toml_string(act.nreg)}\ntitle = {_toml_string(act.title)}\n"
            f"role = {_toml_string(act.role)}\n"
            + (f"topics = [{', '.join(_toml_string(t) for t in act.topics)}]\n" if act.topics else "")
        )
    write_atomic(path, "".join(parts))


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_act(acts: list[TrackedAct], nreg: str, title: str = "", role: str = "") -> list[TrackedAct]:
    nreg = validate_nreg(nreg)
    if any(a.nreg == nreg for a in acts):
        raise ConfigError(f"act {nreg} is already tracked", work=nreg)
    return [*acts, TrackedAct(nreg, title, role)]


def remove_act(acts: list[TrackedAct], nreg: str) -> list[TrackedAct]:
    if not any(a.nreg == nreg for a in acts):
        raise ConfigError(f"act {nreg} is not tracked", work=nreg)
    return [a for a in acts if a.nreg != nreg]
