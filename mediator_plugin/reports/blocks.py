"""The report as a list of neutral blocks, written once and rendered twice: to PDF flowables
(:mod:`mediator_plugin.reports.pdf`) and to HTML (:mod:`mediator_plugin.reports.html`), so the two
editions cannot drift apart. Section builders read an :class:`Edition`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.graphics.shapes import Drawing


@dataclass(frozen=True)
class Edition:
    """What a section reads: the figures (already suppressed for the public), the publication facts
    (version, reason, provisional) and the edition's name ("comex" or "public")."""

    figures: dict
    report: dict
    name: str

    @property
    def public(self) -> bool:
        return self.name == "public"

    @property
    def year(self) -> int:
        return self.figures["year"]

    @property
    def whole(self) -> dict:
        """Table A over all the statutory files."""
        return self.figures["table_a"]["all"]

    def label(self, kind: str, code: str) -> str:
        return self.figures["labels"][kind].get(code, code)

    def definition(self, code: str) -> str:
        return self.figures["definitions"][code]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 0  # 0: chapter, 1: section, 2: sub-section (the charter's own headings)
    new_page: bool | None = None  # a chapter starts a new page in the PDF unless told otherwise

    @property
    def breaks(self) -> bool:
        return self.level == 0 if self.new_page is None else self.new_page


@dataclass(frozen=True)
class Text:
    text: str
    style: str = "body"  # body, small, lead, signature; own: the mediator's foreword and comments


@dataclass(frozen=True)
class Run:
    """A piece of formatted text (from the charter's Markdown): bold, italic, or a link to ``href``."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Prose:
    """A paragraph made of runs."""

    runs: tuple[Run, ...]


@dataclass(frozen=True)
class Listing:
    """A bulleted or numbered list (numbers from ``start``); each item is a tuple of runs."""

    items: tuple[tuple[Run, ...], ...]
    ordered: bool = False
    start: int = 1


@dataclass(frozen=True)
class Field:
    """A labelled paragraph, the label in bold (the seven fields of a case example)."""

    label: str
    text: str


@dataclass(frozen=True)
class Grid:
    """A table: ``widths`` are fractions of the text width; ``right`` the right-aligned columns."""

    rows: list[list[str]]
    widths: tuple[float, ...]
    caption: str
    right: tuple[int, ...] = ()
    header: bool = True


@dataclass(frozen=True)
class Chart:
    """A drawing with its title; ``data`` is the table that says the same for readers who cannot see it."""

    title: str
    drawing: Drawing
    data: Grid | None = None
    print_data: bool = True  # False when the drawing already prints every value (the PDF omits the table)


@dataclass(frozen=True)
class Tiles:
    """Key figures: (large number, caption, the year before and the change — or "" without a comparison)."""

    tiles: list[tuple[str, str, str]]


@dataclass(frozen=True)
class Cover:
    title: str
    subtitle: str
    period: str
    status: str
    correction: str | None
    signature: list[str] = field(default_factory=list)
    address: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Contents:
    title: str
