"""Documents of a file: checked uploads and generated letters, stored by content hash.

What a file is comes from parsing its content (:mod:`~mediator_plugin.cases.file_checks`), never from the
name or the browser; size and type limits come from the settings (``upload_max_bytes``, ``upload_types``).
A blob is stored once per content; one that a change leaves unused is deleted after the commit, once nothing
points at it.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask import send_file
from flask_babel import gettext as _
from sqlalchemy import event

from mediator_plugin import state
from mediator_plugin.cases import file_checks
from mediator_plugin.cases.models import Case, Document
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import MissingField
from mediator_plugin.intake.models import IntakeItem


def safe_filename(name: str) -> str:
    """A name safe to show and to send back in Content-Disposition (no path, no control chars)."""
    name = os.path.basename(name.replace("\\", "/")).strip()
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "_", name)
    return name[:200] or "document"


def storage_path(sha256: str) -> Path:
    return state().storage_dir / sha256[:2] / sha256


def write_blob(content: bytes) -> str:
    """Store ``content`` under its SHA-256 (once) and return the hash."""
    digest = hashlib.sha256(content).hexdigest()
    target = storage_path(digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: a crash never leaves a half-written blob under its final name.
        fd, tmp = tempfile.mkstemp(dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, target)
    return digest


def check_upload(filename: str, content: bytes) -> tuple[str, str, bytes]:
    """(safe name with its type's extension, media type, bytes to store — an image re-encoded) of an
    acceptable upload; raise :class:`MissingField` saying why not."""
    settings = state().settings
    if not content:
        raise MissingField(_("The file is empty."), field="file")
    if len(content) > settings["upload_max_bytes"]:
        raise MissingField(_("The file is too large (%(size)s MB at most).",
                             size=settings["upload_max_bytes"] // (1024 * 1024)), field="file")
    try:
        examined = file_checks.examine(safe_filename(filename), content, settings["upload_types"])
    except file_checks.Refused as refused:
        raise MissingField(refused.message, field="file") from None
    return examined.filename, examined.media_type, examined.content


def check_uploads(uploads: list[tuple[str, bytes]], *, limit: int, field: str) -> list[tuple[str, str, bytes]]:
    """(safe name, media type, content) of each upload, all or nothing: more than ``limit`` files, or one that
    :func:`check_upload` refuses, raises :class:`MissingField` on ``field`` naming the file and why."""
    if len(uploads) > limit:
        raise MissingField(_("Send at most %(num)s files.", num=limit), field=field)
    checked = []
    for filename, content in uploads:
        try:
            checked.append(check_upload(filename, content))
        except MissingField as exc:
            raise MissingField(_("%(name)s: %(reason)s", name=safe_filename(filename), reason=exc.message),
                               field=field) from None
    return checked


def add_upload(case: Case, *, filename: str, content: bytes, actor: str, kind: str = "upload",
               department: str | None = None) -> Document:
    """Check and store an uploaded document; raise :class:`MissingField` with a clear reason.

    ``department`` is the company department that sent it (its correspondents see their own uploads)."""
    name, media_type, stored = check_upload(filename, content)
    return _add(case, kind=kind, filename=name, content=stored, media_type=media_type, actor=actor,
                department=department)


def attach_stored(case: Case, *, filename: str, sha256: str, content_type: str, size: int, actor: str,
                  uploaded_at) -> Document:
    """A document of the file for a blob stored earlier (checked and written by :func:`write_blob`)."""
    document = Document(case_id=case.id, kind="upload", filename=filename, content_type=content_type, size=size,
                        sha256=sha256, uploaded_by=actor, uploaded_at=uploaded_at)
    db.session.add(document)
    db.session.flush()
    return document


def add_letter(case: Case, *, letter_kind: str, filename: str, pdf: bytes, actor: str) -> Document:
    """Store a generated letter as a document of the file."""
    document = _add(case, kind="letter", filename=filename, content=pdf, media_type="application/pdf",
                    actor=actor, department=None)
    document.letter_kind = letter_kind
    return document


def _add(case: Case, *, kind, filename, content, media_type, actor, department) -> Document:
    document = Document(
        case_id=case.id, kind=kind, filename=filename, content_type=media_type, size=len(content),
        sha256=write_blob(content), uploaded_by=actor, uploaded_at=utcnow(), department=department,
    )
    db.session.add(document)
    db.session.flush()
    return document


def download(document: Document):
    """The response that hands ``document`` over as an attachment: its checked type (text in UTF-8, said so)
    and a name ending in that type's extension."""
    # Werkzeug adds "; charset=utf-8" to a text type, which is what an accepted text file is.
    return send_file(io.BytesIO(read_content(document)), mimetype=document.content_type, as_attachment=True,
                     download_name=file_checks.download_name(document.filename, document.content_type))


def read_content(document: Document) -> bytes:
    """The stored bytes, checked against the recorded hash."""
    content = storage_path(document.sha256).read_bytes()
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise OSError(f"document {document.id} does not match its recorded SHA-256")
    return content


def blob_in_use(digest: str) -> sa.Select:
    """Whether a document, or an online filing still waiting in the intake queue, points at the blob ``digest``."""
    waiting = sa.cast(IntakeItem.snapshot, sa.Text)
    return sa.select(sa.exists().where(Document.sha256 == digest)
                     | sa.exists().where(IntakeItem.case_id.is_(None), IntakeItem.state == "pending",
                                         waiting.contains(digest)))


# --- Blobs a change leaves behind -------------------------------------------------------------------------

_LEFT = "mediator_blobs_left"


def discard_after_commit(digest: str) -> None:
    """Delete the blob ``digest`` once a transaction commits, if nothing points at it any more.

    After the commit, not before, and only if nothing points at it then: a change rolled back leaves its
    document on the blob, which stays."""
    db.session.info.setdefault(_LEFT, set()).add(digest)


def listen(session_factory) -> None:
    """Delete the blobs left by each committed transaction of ``session_factory``'s sessions."""
    if not event.contains(session_factory, "after_commit", _after_commit):
        event.listen(session_factory, "after_commit", _after_commit)


def _after_commit(session) -> None:
    left = session.info.pop(_LEFT, None)
    if not left:
        return
    # The session cannot run SQL between its commit and its next transaction: ask on a connection of its own.
    with session.get_bind().connect() as connection:
        for digest in sorted(left):
            if not connection.execute(blob_in_use(digest)).scalar():
                storage_path(digest).unlink(missing_ok=True)

