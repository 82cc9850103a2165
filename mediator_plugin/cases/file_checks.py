"""What an uploaded file really is — parsed, not guessed from its first bytes (issue 15, finding 1).

A consumer, a correspondent or the team may upload a PDF, a JPEG or PNG image, or plain text. Each is
opened the way the team's computers will open it, and refused when it could act on them:

- a PDF is read with pypdf; one that holds JavaScript, a launch or other executing action, an embedded file,
  rich media or an XFA form anywhere a viewer can reach is refused, and so is one that cannot be read
  (encrypted, broken);
- an image is decoded and encoded again, so that what is stored is only pixels — which also drops the EXIF
  and GPS data a phone writes (GDPR: data minimisation) once the orientation they carry is applied;
- text must be UTF-8 without control characters, and is served as ``text/plain; charset=utf-8``.

The name must agree with what the content is: ``releve.html`` holding text, or ``facture.pdf`` holding a
script, is refused; a name without an extension gets the one of its type, so a download always carries it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# The extension each accepted type is saved with, and the extensions a name may carry for it.
EXTENSION = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "text/plain": ".txt"}
_NAMES = {"application/pdf": {".pdf"}, "image/jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"}, "image/png": {".png"},
          "text/plain": {".txt", ".text"}}
# Keys and action types through which a PDF can run code, open another file or carry one.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/RichMedia", "/RichMediaContent", "/XFA"}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/GoToE", "/ImportData", "/SubmitForm", "/RichMediaExecute",
                   "/Rendition", "/Sound", "/Movie"}
_ACTIVE_SUBTYPES = {"/RichMedia", "/FileAttachment", "/Screen", "/Movie", "/Sound", "/3D"}
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")
# Text control characters no letter holds (tab, line feed and carriage return are text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Past this many pixels an image is a decompression bomb, not a scan (an A4 page at 600 dpi is 35 million).
MAX_PIXELS = 60_000_000


class Refused(Exception):
    """The upload is not accepted; ``message`` says why, in French, for the person who sent it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Examined:
    """An accepted upload: its type, the bytes to store (an image re-encoded) and the name to keep."""

    media_type: str
    content: bytes
    filename: str


def accepted_formats(accepted: list[str]) -> str:
    """The sentence naming the formats the settings accept (``upload_types``), in reading order."""
    labels = {"application/pdf": _("PDF"), "image/jpeg": _("JPEG image"), "image/png": _("PNG image"),
              "text/plain": _("plain text (.txt)")}
    return _("Accepted formats: %(formats)s.", formats=", ".join(labels[t] for t in EXTENSION if t in accepted))


def examine(filename: str, content: bytes, accepted: list[str]) -> Examined:
    """The checked upload, or :class:`Refused` saying why; ``filename`` is already safe to show."""
    media_type, formats = _claimed_type(content), accepted_formats(accepted)
    if media_type not in accepted:
        raise Refused(_("This type of file is not accepted. %(formats)s", formats=formats))
    stem, extension = _split(filename)
    if extension and extension.lower() not in _NAMES[media_type]:
        if any(extension.lower() in names for names in _NAMES.values()):
            raise Refused(_("The name of this file ends in “%(extension)s” but its content is of another type. "
                            "%(formats)s", extension=extension, formats=formats))
        raise Refused(_("Files whose name ends in “%(extension)s” are not accepted. %(formats)s",
                        extension=extension, formats=formats))
    if media_type == "application/pdf":
        checked = _checked_pdf(content)
    elif media_type == "text/plain":
        checked = _checked_text(content, formats)
    else:
        checked = _reencoded_image(content, media_type)
    return Examined(media_type, checked, filename if extension else f"{stem}{EXTENSION[media_type]}")


def download_name(filename: str, media_type: str) -> str:
    """``filename`` ending with the extension of its checked type (a document stored before the names were
    checked may lack it)."""
    extension = _split(filename)[1].lower()
    if media_type not in EXTENSION or extension in _NAMES[media_type]:
        return filename
    return f"{filename}{EXTENSION[media_type]}"


def _split(filename: str) -> tuple[str, str]:
    """(stem, extension): an extension is a dot and up to eight letters or digits at the end, so that
    "Lettre de M. Dupont" has none."""
    found = _EXTENSION.search(filename)
    return (filename[:found.start()], found.group()) if found else (filename, "")


def _claimed_type(content: bytes) -> str:
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return "text/plain"  # to be proved by _checked_text


def _checked_text(content: bytes, formats: str) -> bytes:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(_("This file is neither a PDF, an image nor UTF-8 text. %(formats)s",
                        formats=formats)) from None
    if _CONTROL.search(text):
        raise Refused(_("This file is not plain text. %(formats)s", formats=formats))
    return content


def _reencoded_image(content: bytes, media_type: str) -> bytes:
    """The image decoded and saved again in its own format, without metadata, upright."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise Refused(_("This image is too large (%(max)s million pixels at most).", max=MAX_PIXELS // 10**6))
            expected = "JPEG" if media_type == "image/jpeg" else "PNG"
            if image.format != expected:
                raise Refused(_("This image is damaged or not what it claims to be."))
            image.load()
            upright = ImageOps.exif_transpose(image)
    except Refused:
        raise
    except Exception:  # Pillow raises many kinds on a hostile file; each means it is not an image
        raise Refused(_("This image is damaged or not what it claims to be.")) from None
    out = io.BytesIO()
    if expected == "JPEG":
        upright.convert("RGB" if upright.mode not in ("L", "RGB", "CMYK") else upright.mode).save(
            out, "JPEG", quality=90, optimize=True)
    else:
        upright.save(out, "PNG", optimize=True)
    return out.getvalue()


def _checked_pdf(content: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Refused(_("This PDF is protected by a password: send it without protection."))
        active = _active_content(reader.trailer)
    except Refused:
        raise
    except Exception:  # pypdf raises many kinds on a hostile file; each means it cannot be read
        raise Refused(_("This PDF cannot be read: it is damaged. Send it again, or print it to PDF.")) from None
    if active:
        raise Refused(_("This PDF holds active content (%(what)s), which could act on the computer of whoever "
                        "opens it: send a plain PDF, for instance printed to PDF.", what=active))
    return content


def _active_content(trailer: DictionaryObject) -> str | None:
    """The first active element reachable from the trailer, named for the sender, or None."""
    seen: set[tuple[int, int]] = set()
    pending: list = [trailer]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            found = _active_in(item)
            if found:
                return found
            pending.extend(item.values())
        elif isinstance(item, ArrayObject):
            pending.extend(item)
    return None


def _active_in(entry: DictionaryObject) -> str | None:
    keys = set(entry.keys()) & _ACTIVE_KEYS
    if keys:
        return _label(min(keys))
    action, subtype = entry.get("/S"), entry.get("/Subtype")
    if isinstance(action, NameObject) and action in _ACTIVE_ACTIONS:
        return _label(str(action))
    if isinstance(subtype, NameObject) and subtype in _ACTIVE_SUBTYPES:
        return _label(str(subtype))
    return None


def _label(name: str) -> str:
    """What a PDF name is, in words the sender understands."""
    words = {"/JS": _("JavaScript"), "/JavaScript": _("JavaScript"), "/Launch": _("an action launching a program"),
             "/EmbeddedFiles": _("an embedded file"), "/EF": _("an embedded file"),
             "/FileAttachment": _("an embedded file"), "/GoToE": _("an embedded file"), "/XFA": _("an XFA form"),
             "/SubmitForm": _("a form sending data"), "/ImportData": _("a form importing data")}
    return words.get(name, _("multimedia content"))
