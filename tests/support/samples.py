"""Real files for upload tests — a PDF a viewer opens, photographs with their EXIF — and hostile ones: PDFs that
run JavaScript, launch a program or carry a file, each built with the same libraries an attacker would use."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject
from reportlab.pdfgen import canvas

GPS_IFD, ORIENTATION = 0x8825, 0x0112


def pdf(text: str = "Facture de mars") -> bytes:
    """A one-page PDF printing ``text`` (the same bytes each time: no date, no random id)."""
    out = io.BytesIO()
    page = canvas.Canvas(out, invariant=1)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return out.getvalue()


def photo(kind: str = "JPEG", *, size: tuple[int, int] = (40, 20), rotated: bool = False) -> bytes:
    """A photograph as a phone writes it: GPS position and camera in its EXIF; ``rotated``: stored sideways
    with the EXIF orientation saying so (6: turn 90° clockwise to view)."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}  # Paris, to the metre
    if rotated:
        exif[ORIENTATION] = 6
    out = io.BytesIO()
    image.save(out, kind, exif=exif.tobytes())
    return out.getvalue()


def locked_pdf() -> bytes:
    """A PDF that opens only with a password."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def hostile_pdf(kind: str) -> bytes:
    """A valid PDF with one active element: ``javascript`` (document-level script), ``open_action`` (a script
    run at opening), ``launch``, ``embedded_file``, ``xfa``, ``rich_media`` or ``annotation_script``."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    root = writer._root_object
    if kind == "javascript":  # a script in the document's name tree, run when it opens
        script = writer._add_object(_action("/JavaScript", "/JS", "app.alert('bonjour');"))
        root[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("ouverture"), script])})})
    elif kind == "open_action":
        root[NameObject("/OpenAction")] = _action("/JavaScript", "/JS", "app.launchURL('http://x.invalid');")
    elif kind == "launch":
        root[NameObject("/OpenAction")] = _action("/Launch", "/F", "C:\\Windows\\System32\\calc.exe")
    elif kind == "embedded_file":
        writer.add_attachment("facture.hta", b"<script>alert(1)</script>")
    elif kind == "xfa":
        root[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject(),
                                                          NameObject("/XFA"): TextStringObject("<xdp/>")})
    elif kind in ("rich_media", "annotation_script"):
        annotation = DictionaryObject({NameObject("/Type"): NameObject("/Annot"),
                                       NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4)})
        if kind == "rich_media":
            annotation[NameObject("/Subtype")] = NameObject("/RichMedia")
        else:
            annotation[NameObject("/Subtype")] = NameObject("/Link")
            annotation[NameObject("/A")] = _action("/JavaScript", "/JS", "this.exportDataObject({});")
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    else:
        raise ValueError(kind)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _action(kind: str, key: str, value: str) -> DictionaryObject:
    return DictionaryObject({NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind),
                             NameObject(key): TextStringObject(value)})
