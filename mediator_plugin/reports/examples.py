"""Hook for the anonymised case examples ("cas concrets", §2.4, R-GDPR-7) of the public edition.

Another part of the module selects, redacts and reviews the examples; the report only prints what
:func:`published_examples` returns for its snapshot, each a dict with ``title``, ``summary`` and
``outcome`` (plain text, already anonymised: no names, numbers or exact dates).
"""

from __future__ import annotations


def published_examples(snapshot: dict) -> list[dict]:
    """The anonymised examples published with the report ``snapshot`` (none until that part lands)."""
    return []
