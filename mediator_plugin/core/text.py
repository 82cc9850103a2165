"""Comparing what people type: names without accents, case or extra spaces; numbers without separators.

The duplicate check (R-ADM-6) and the searches match "Hélène Dupont" with "helene  DUPONT"; the key is
computed in Python and stored beside the text, so both databases compare it through a plain index.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[\s./_-]+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def match_key(text: str | None) -> str | None:
    """``text`` without accents, in lower case, with single spaces; None for nothing."""
    if not text or not text.strip():
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare.casefold()).strip()[:200]


def number_key(text: str | None) -> str | None:
    """A customer, contract or ticket number without spaces, dots or dashes, in upper case."""
    if not text or not text.strip():
        return None
    return _SEPARATORS.sub("", text.strip().lstrip("#")).upper()[:60] or None


def first_line(text: str, limit: int = 120) -> str:
    """The first line of ``text``, cut at ``limit`` characters with an ellipsis: a title for a request."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"


def file_slug(text: str) -> str:
    """``text`` as a piece of a file name: "Clôture de la médiation" is "cloture-de-la-mediation"."""
    return _NOT_WORD.sub("-", match_key(text) or "").strip("-")
