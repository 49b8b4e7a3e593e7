"""The project's data files (pipeline/data/*.toml): read the shipped one or a user's, validated by the caller."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError


def load_data_toml(name: str, path: Path | None, what: str) -> tuple[dict[str, Any], str]:
    """The parsed TOML of `path`, or of the shipped pipeline/data/`name`; and where it came from, for errors."""
    where = str(path) if path else f"pipeline/data/{name}"
    try:
        text = (
            path.read_text(encoding="utf-8")
            if path
            else (resources.files("pipeline") / "data" / name).read_text(encoding="utf-8")
        )
        return tomllib.loads(text), where
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"cannot read the {what}: {e}", path=where) from e


def read_config_toml(path: Path, what: str) -> dict[str, Any]:
    """A user's configuration file (tracked acts, instruments): missing and malformed are errors naming it."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(f"the {what} is missing", path=str(path)) from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"malformed TOML: {e}", path=str(path)) from e
