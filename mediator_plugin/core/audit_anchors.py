"""Anchors of the audit log, kept outside the database: what the log held at a moment, signed.

An anchor is the count of entries, the newest one's id and hash and the time, signed with a key derived from
the audit key. It is written at every ``mediator audit verify`` and at least daily by ``mediator jobs``, in
three places: a line appended to ``<storage_dir>/audit-anchors/anchors.jsonl`` (what the verification reads
back), a line of the structured log (for the log collector), and, when ``audit.anchor_mail_to`` is set, a mail
through the outbox. Compared with the latest anchor, the log names what a walk of the chain cannot see:
entries cut from its end (truncation), a log emptied, entries rewritten up to the anchor. An anchor is written
only over a log that agrees with the previous one, so that a cut log never becomes the new reference.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from mediator_plugin import state
from mediator_plugin.core.audit import chain_key
from mediator_plugin.core.audit_verify import Head, entry_at

ANCHOR_FOLDER, ANCHOR_FILE = "audit-anchors", "anchors.jsonl"
_ANCHOR_KEY_LABEL = b"mediator audit anchor"
log = logging.getLogger("mediator.audit")


@dataclass(frozen=True)
class Anchor:
    """The log's head at ``at`` (ISO time, UTC), written by ``by`` (``verify`` or ``jobs``), and its signature."""

    at: str
    by: str
    count: int
    last_id: int
    last_hash: str
    signature: str = ""

    def signed_part(self) -> dict:
        return {key: value for key, value in asdict(self).items() if key != "signature"}

    def line(self) -> str:
        """The anchor as one JSON line, as it is written to the file, the log and the mail."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


def _signature(fields: dict) -> str:
    # A key of its own, derived from the audit key: an anchor's signature can never pass for an entry's hash.
    key = hmac.new(chain_key(), _ANCHOR_KEY_LABEL, hashlib.sha256).digest()
    return hmac.new(key, json.dumps(fields, sort_keys=True).encode("utf-8"), hashlib.sha256).hexdigest()


def make_anchor(head: Head, *, by: str, at: datetime) -> Anchor:
    """The signed anchor of ``head``."""
    unsigned = Anchor(at=at.isoformat(), by=by, count=head.count, last_id=head.last_id, last_hash=head.last_hash)
    return Anchor(**unsigned.signed_part(), signature=_signature(unsigned.signed_part()))


def is_authentic(anchor: Anchor) -> bool:
    """Whether ``anchor`` carries the signature of this audit key (a line of the file may hold anything)."""
    return isinstance(anchor.signature, str) and hmac.compare_digest(anchor.signature.encode(),
                                                                      _signature(anchor.signed_part()).encode())


def anchor_path() -> Path:
    return state().storage_dir / ANCHOR_FOLDER / ANCHOR_FILE


def latest_anchor() -> Anchor | None:
    """The last anchor of the file that can be read (a line cut by a crash is passed over), or None."""
    try:
        lines = anchor_path().read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    for line in reversed(lines):
        try:
            return Anchor(**json.loads(line))
        except (ValueError, TypeError):
            continue
    return None


@dataclass(frozen=True)
class Disagreement:
    """What the log says against an anchor: ``kind`` is ``signature`` (the anchor is not this key's), ``emptied``,
    ``truncated`` (``found``: the log's last id), ``missing`` (the anchor's last entry is gone), ``rewritten``
    (``found``: that entry's hash now) or ``recounted`` (``found``: the entries up to it now)."""

    kind: str
    anchor: Anchor
    found: int | str | None = None

    def __str__(self) -> str:
        """The sentence of the command line (in English, like its other messages)."""
        a = self.anchor
        seen = f"the anchor of {a.at} saw {a.count} entries up to id {a.last_id}"
        return {
            "signature": f"anchor of {a.at} does not carry this audit key's signature: it was forged, or "
                         "MEDIATOR_AUDIT_KEY is not the key it was written with",
            "emptied": f"emptied: the log holds no entry but {seen}",
            "truncated": f"truncated: the log ends at id {self.found} but {seen}",
            "missing": f"rewritten: the log holds no entry {a.last_id}, which {seen} with hash {a.last_hash}",
            "rewritten": f"rewritten: entry {a.last_id} has hash {self.found} but {seen} with hash {a.last_hash}",
            "recounted": f"rewritten: the log holds {self.found} entries up to id {a.last_id} but {seen}",
        }[self.kind]


def disagreements(anchor: Anchor, head: Head) -> list[Disagreement]:
    """What the log in the database (``head``: as read now) says against ``anchor``; nothing when the log is the
    anchor's, extended."""
    if not is_authentic(anchor):
        return [Disagreement("signature", anchor)]
    if anchor.count == 0:
        return []
    if head.count == 0:
        return [Disagreement("emptied", anchor)]
    if head.last_id < anchor.last_id:
        return [Disagreement("truncated", anchor, head.last_id)]
    hash_then, count_then = entry_at(anchor.last_id)
    if hash_then is None:
        return [Disagreement("missing", anchor)]
    if hash_then != anchor.last_hash:
        return [Disagreement("rewritten", anchor, hash_then)]
    if count_then != anchor.count:
        return [Disagreement("recounted", anchor, count_then)]
    return []


def write_anchor(anchor: Anchor) -> Path:
    """Append ``anchor`` to the anchor file, on disk before returning, and write its log line."""
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # One write of one short line in append mode: lines from several hosts never interleave.
    with path.open("a", encoding="utf-8") as handle:
        handle.write(anchor.line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    log.info("audit anchor", extra={"anchor": asdict(anchor)})
    return path

