"""Where the project's data folders (charter/, config/, migrations/) live.

In a checkout or an editable install they sit next to the package; a wheel installs them under
``<prefix>/share/mediateur/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def find_data_path(relative: str) -> Path:
    """The first existing location of ``relative`` (e.g. ``"charter"``)."""
    for base in (PROJECT_ROOT, Path(sys.prefix) / "share" / "mediateur"):
        candidate = base / relative
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{relative} not found next to the package nor under {sys.prefix}/share/mediateur")
