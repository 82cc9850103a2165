"""Copies of the shipped charter with a few lines changed, for the tests that need another charter."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from mediator_plugin.core.paths import find_data_path


def charter_copy(tmp_path: Path, **edits: list[tuple[str, str]]) -> Path:
    """``charter/`` copied under ``tmp_path``; ``edits`` name a file (``governance_toml``) and give its
    (regular expression, replacement) pairs, applied line by line; each must match."""
    target = tmp_path / "charter"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(find_data_path("charter"), target)
    for name, pairs in edits.items():
        path = target / name.replace("_toml", ".toml")
        text = path.read_text(encoding="utf-8")
        for pattern, replacement in pairs:
            text, found = re.subn(pattern, replacement, text, flags=re.M)
            assert found, f"{pattern!r} is not in {path.name}"
        path.write_text(text, encoding="utf-8")
    return target
