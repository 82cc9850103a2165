"""The mediator's letters as PDF: the charter's texts laid out as a French business letter.

The texts, and the mandatory mentions each letter carries (R-INFO-1), come from
``charter/letters.toml``; this module only fills them in and lays them out. Every page is marked
"Confidentiel – médiation" with the reference (R-CONF-4).
"""

from __future__ import annotations

import re
import string
from datetime import date

from reportlab.lib.units import cm
from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, Spacer

from mediator_plugin.core.charter import Charter
from mediator_plugin.core.pdf import ACCENT, fr_date, pdf_text, render_pdf, stylesheet

FOOTER = "Confidentiel – médiation"
SALUTATION = "Madame, Monsieur,"
CLOSING = "Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées."
# Recipient block to the right, where a window envelope shows it.
RECIPIENT_INDENT = 9 * cm


def _names(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _fill(template: str, values: dict[str, str], kind: str) -> str:
    missing = sorted(_names(template) - values.keys())
    if missing:
        raise KeyError(f"the {kind} letter needs the field(s) {', '.join(missing)}")
    return template.format_map(values)


def letter_texts(kind: str, charter: Charter, fields: dict[str, str]) -> tuple[list[str], list[str]]:
    """The ``kind`` letter's paragraphs and closing paragraphs, filled in with ``fields``.

    Mentions are filled first, then pasted whole where a paragraph names them. A missing field
    raises ``KeyError`` naming it, so no half-filled letter is ever produced.
    """
    letter = charter.letters[kind]
    templates = letter["paragraphs"] + letter["closing_paragraphs"]
    used = set().union(*(_names(t) for t in templates))
    values = dict(fields)
    for name in sorted(used & charter.mentions.keys()):
        values[name] = _fill(charter.mentions[name], fields, kind)
    filled = [_fill(t, values, kind) for t in templates]
    return filled[: len(letter["paragraphs"])], filled[len(letter["paragraphs"]):]


def _place(postal_address: str) -> str | None:
    """The town of a French postal address ("…, 75002 Paris" gives "Paris")."""
    match = re.search(r"\b\d{5}\s+([^,\n]+?)\s*$", postal_address.strip())
    return match.group(1) if match else None


def _blocks(text: str, style) -> list[Paragraph]:
    """One paragraph per blank-line-separated block; single line breaks are kept inside."""
    blocks = re.split(r"\n\s*\n", text.strip())
    return [Paragraph(pdf_text(block), style) for block in blocks if block.strip()]


def _blocks_of(paragraphs: list[str], style) -> list[Paragraph]:
    """The letter's paragraphs, without those that came out empty."""
    return [Paragraph(pdf_text(p), style) for p in paragraphs if p.strip()]


def _letterhead(mediator: dict, website: str) -> list:
    st = stylesheet()
    contact = f"{mediator['email']} · {website}"
    return [
        Paragraph(pdf_text(mediator["mediator_name"]),
                  st["strong"].clone("letterhead", fontSize=13, leading=17, textColor=ACCENT, spaceAfter=1)),
        Paragraph(pdf_text(mediator["mediator_title"]), st["small"]),
        Paragraph(pdf_text(mediator["postal_address"]), st["small"]),
        Paragraph(pdf_text(contact), st["small"]),
        Spacer(1, 6),
        HRFlowable(width="100%", thickness=0.8, color=ACCENT, spaceAfter=18),
    ]


def _recipient(recipient: dict) -> list:
    st = stylesheet()
    lines = [f"<b>{pdf_text(recipient['name'])}</b>"]
    if recipient.get("address", "").strip():
        lines.append(pdf_text(recipient["address"].strip()))
    if recipient.get("email"):
        lines.append(pdf_text(f"Courriel : {recipient['email']}"))
    style = st["left"].clone("recipient", leftIndent=RECIPIENT_INDENT, spaceAfter=24)
    return [Paragraph("<br/>".join(lines), style)]


def _labelled(label: str, value: str) -> str:
    return f"<b>{pdf_text(label + ' :')}</b> {pdf_text(value)}"


def _heading(title: str, reference: str, mediator: dict, website: str, recipient: dict, today: date) -> list:
    """Letterhead, place and date, recipient, subject and reference, salutation."""
    st = stylesheet()
    place = _place(mediator["postal_address"])
    dated = f"{place}, le {fr_date(today)}" if place else f"Le {fr_date(today)}"
    return [
        *_letterhead(mediator, website),
        Paragraph(pdf_text(dated), st["right"].clone("dated", spaceAfter=14)),
        *_recipient(recipient),
        Paragraph(_labelled("Objet", title), st["left"].clone("subject", spaceAfter=2)),
        Paragraph(_labelled("Référence", reference), st["left"].clone("reference", spaceAfter=18)),
        Paragraph(pdf_text(SALUTATION), st["left"]),
    ]


def _signature(mediator: dict, signed_by: str | None) -> KeepTogether:
    """Closing formula and signature, kept on one page."""
    st = stylesheet()
    signer = st["left"].clone("signature", leftIndent=RECIPIENT_INDENT)
    block = [
        Spacer(1, 4),
        Paragraph(pdf_text(CLOSING), st["body"]),
        Spacer(1, 14),
        Paragraph(f"<b>{pdf_text(mediator['mediator_name'])}</b><br/>{pdf_text(mediator['mediator_title'])}",
                  signer),
    ]
    if signed_by:
        block.append(Paragraph(pdf_text(f"Signé électroniquement par {signed_by}"),
                               st["small"].clone("signed", leftIndent=RECIPIENT_INDENT)))
    return KeepTogether(block)


def render_letter(kind: str, *, charter: Charter, fields: dict[str, str], recipient: dict, today: date,
                  website: str, sections: list[tuple[str, str]] | None = None, signed_by: str | None = None) -> bytes:
    """The ``kind`` letter (seizure, rejection, proposal, extension, agreement, closure) as PDF bytes.

    ``fields`` fill the charter's placeholders (``reference`` is always needed); ``today``,
    ``company_name`` and ``mediator_name`` default from the date and the charter. ``recipient`` has
    ``name``, ``address`` (several lines, or "") and ``email``. ``website`` is the public address the
    letterhead gives (the ``base_url`` setting). ``sections`` (heading, text) hold the reasoned opinion
    and are required for, and only allowed in, the proposal letter. A paragraph that comes out empty
    (a field with nothing to say in this case) is left out.
    """
    letter = charter.letters[kind]
    if (kind == "proposal") != bool(sections):
        raise ValueError("sections are required for the proposal letter and only allowed there")
    mediator = charter.mediator
    values = {"today": fr_date(today), "company_name": mediator["company_name"],
              "mediator_name": mediator["mediator_name"], **fields}
    if "reference" not in values:
        raise KeyError(f"the {kind} letter needs the field(s) reference")
    paragraphs, closing = letter_texts(kind, charter, values)

    st = stylesheet()
    story = _heading(letter["title"], values["reference"], mediator, website, recipient, today)
    story += _blocks_of(paragraphs, st["body"])
    for heading, text in sections or []:
        story.append(Paragraph(pdf_text(heading), st["heading"]))
        story += _blocks(text, st["body"])
    if sections:
        story.append(Spacer(1, 6))
    story += _blocks_of(closing, st["body"])
    story.append(_signature(mediator, signed_by))
    return render_pdf(story, title=f"{letter['title']} — {values['reference']}",
                      author=mediator["mediator_name"],
                      subject=f"Médiation de la consommation — {mediator['company_name']}",
                      footer=f"{FOOTER} — {values['reference']}")
