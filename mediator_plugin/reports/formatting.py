"""How a figure reads in both editions: French numbers, "12,5 % (25 sur 200)", "non significatif", and how it
moved since the year before: "+3,2 pts", "+12,5 %", "−2,0 jours"."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from flask_babel import ngettext

from mediator_plugin.core.calendar import PARIS
from mediator_plugin.core.pdf import NBSP, fr_date, fr_datetime, fr_number, fr_percent

MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def not_significant() -> str:
    return _("not significant")


def not_available() -> str:
    return _("not available")


def number(cell: dict | int | None) -> str:
    """A count: "1 234", or "non significatif" for a suppressed cell."""
    if isinstance(cell, dict):
        if cell.get("suppressed"):
            return not_significant()
        cell = cell["numerator"]
    return not_available() if cell is None else fr_number(cell)


def percent(cell: dict) -> str:
    """The share alone: "12,5 %"."""
    if cell.get("suppressed"):
        return not_significant()
    return not_available() if cell["value"] is None else fr_percent(cell["value"])


def share(cell: dict) -> str:
    """A share with its base: "12,5 % (25 sur 200)"."""
    if cell.get("suppressed"):
        return not_significant()
    if cell["value"] is None:
        return not_available()
    return _("%(share)s (%(numerator)s out of %(denominator)s)", share=fr_percent(cell["value"]),
             numerator=fr_number(cell["numerator"]), denominator=fr_number(cell["denominator"]))


def day_count(cell: dict) -> str:
    """A number of days with its base: "41,3 jours (sur 120 médiations)"."""
    if cell.get("suppressed"):
        return not_significant()
    if cell["value"] is None:
        return not_available()
    # French counts below 2 in the singular ("1,5 jour"): the plural form is chosen on the integer part.
    unit = ngettext("%(days)s day", "%(days)s days", int(cell["value"]), days=fr_number(cell["value"], 1))
    base = ngettext("over %(files)s mediation", "over %(files)s mediations", cell["denominator"],
                    files=fr_number(cell["denominator"]))
    return f"{unit} ({base})"


def per_file(cell: dict) -> str:
    """Reminders per file: "0,4"."""
    if cell.get("suppressed"):
        return not_significant()
    return not_available() if cell["value"] is None else fr_number(cell["value"], 2)


def chart_value(cell: dict, *, as_share: bool = False) -> tuple[float | None, str]:
    """What a chart draws for a cell: its value (None when suppressed) and the text beside it."""
    if cell.get("suppressed"):
        return None, "n.s."
    if as_share:
        return cell["value"] or 0, "—" if cell["value"] is None else fr_percent(cell["value"], 0)
    return cell["numerator"], fr_number(cell["numerator"])


def when(iso: str | None) -> str:
    """An ISO moment (UTC) as a French date and time in Paris."""
    return "" if not iso else fr_datetime(datetime.fromisoformat(iso).astimezone(PARIS))


def day(iso: str | None) -> str:
    return "—" if not iso else fr_date(date.fromisoformat(iso))


def _signed(x: float, decimals: int) -> str:
    """``x`` in French with its sign: "+3,2", "-1,0", and "0,0" without a sign once rounded to zero."""
    rounded = Decimal(str(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        return fr_number(0, decimals)
    return ("+" if rounded > 0 else "") + fr_number(rounded, decimals)


def _comparable(cell: dict | None) -> bool:
    return bool(cell) and not cell.get("suppressed") and cell.get("value") is not None


def change(now: dict | None, before: dict | None) -> str:
    """How a figure moved since the year before: in points for a share ("+3,2 pts"), in per cent for a count
    ("+12,5 %", or the difference when the year before counted none), in days for a duration ("-2,0 jours");
    "—" when either figure is missing, not available or withheld."""
    if not (_comparable(now) and _comparable(before)):
        return "—"
    difference = now["value"] - before["value"]
    if now["numerator"] is None:  # a number of days over some mediations
        return ngettext("%(days)s day", "%(days)s days", int(abs(round(difference, 1))), days=_signed(difference, 1))
    if now["denominator"] is None:  # a count
        if not before["value"]:
            return _signed(difference, 0)
        return _signed(difference / before["value"] * 100, 1) + NBSP + "%"
    points = difference * 100
    return ngettext("%(points)s pt", "%(points)s pts", int(abs(round(points, 1))), points=_signed(points, 1))
