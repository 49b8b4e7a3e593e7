"""Starting a mirror server: a serve.py that dies is an error carrying its stderr, and nothing keeps running."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.mirror import MirrorServerError, start_mirror_server


def test_a_serve_py_that_dies_is_an_error_with_its_message(tmp_path: Path) -> None:
    root = tmp_path / "mirror"
    root.mkdir()
    (root / "serve.py").write_text("import sys\nsys.exit('no such root: broken mirror')\n", encoding="utf-8")
    with pytest.raises(MirrorServerError, match="broken mirror") as info:
        start_mirror_server(root, tmp_path, attempts=2)
    assert info.value.url is not None and info.value.url.startswith("http://127.0.0.1:")
