"""The connectors are plain Python: usable and testable without Flask (architecture.md)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import connectors


def test_no_connector_module_imports_flask():
    """Importing every module under connectors/ in a fresh interpreter leaves Flask unloaded."""
    names = [m.name for m in pkgutil.walk_packages(connectors.__path__, prefix="connectors.")]
    assert {"connectors.zendesk.simulator", "connectors.freshdesk.client", "connectors.http"} <= set(names)
    script = f"import importlib, sys\nfor n in {names!r}: importlib.import_module(n)\nprint('flask' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            cwd=Path(connectors.__file__).resolve().parents[1])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
