"""Every data-file loader names a file that cannot be read or parsed, with what it was meant to be."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline.align.thesaurus import load_thesaurus
from pipeline.errors import ConfigError
from pipeline.tagging.cues import load_cues
from pipeline.tagging.registry import load_registry


@pytest.mark.parametrize(
    ("loader", "what"),
    [(load_thesaurus, "thesaurus"), (load_cues, "cue file"), (load_registry, "agency registry")],
)
@pytest.mark.parametrize("content", ['[modal\nduty = ["\\\\bмає"]\n', None])
def test_unreadable_data_file_is_an_error_naming_it(
    tmp_path: Path, loader: Callable[[Path], Any], what: str, content: str | None
) -> None:
    path = tmp_path / "data.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=f"cannot read the {what}") as info:
        loader(path)
    assert str(path) in str(info.value)


def test_bad_author_pattern_is_an_error_naming_its_key(tmp_path: Path) -> None:
    path = tmp_path / "cues.toml"
    path.write_text('[modal]\n[heading]\n[not_counterpart]\nauthor = ["(встановлен"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[not_counterpart.author\] bad pattern"):
        load_cues(path)
