"""The one look of every printed document (ReportLab platypus), and how a PDF reaches the disk.

Every report is a list of flowables handed to ``build_pdf``, which adds what all of them share:

- A4, portrait or landscape, with the centre's header on every page (its name, the logo if
  there is one, the report's title in small type) and its footer (address, phone, e-mail, web,
  "Skrevet ut dd.mm.yyyy kl. HH.MM" and "Side x av y", counted in one pass by ``_NumberedCanvas``);
- the title block on the first page: title, subtitle, and the date the report is about
  (dd.mm.yyyy) with its ISO week, or the week a schedule shows;
- DejaVu Sans (shipped in ``resources/fonts`` with its licence) embedded as a subset, so the
  Norwegian and Sámi letters (æ ø å á č đ ŋ š ŧ ž ï) print and the text stays searchable and
  copyable; PDF title, author (the centre), subject and language metadata;
- headings that never end a page alone: a heading keeps with what follows, and when that is a
  long table the table starts under the heading and splits, with its header row repeated on
  every page (``data_table`` sets ``repeatRows=1``);
- money as "12 500 kr" (``kpdesk.common.norsk.format_money``), dates as dd.mm.yyyy.

Thread safety: ReportLab keeps module-level state (font registry, caches) and is not safe to use
from two threads at once. ``build_pdf`` holds a module lock, so reports are built one at a time
whatever the caller does; the GUI also runs them on its single worker thread. Fonts are
registered once per process (``register_fonts``).

``write_pdf`` writes atomically through kpdesk's one helper (``kpdesk.common.atomic_files.write_atomic``): the
bytes go to a temporary file in the target folder, which is flushed, synced and then renamed
over the target (``os.replace``). An existing file is replaced only by a complete new one; on any
error the temporary file is removed and nothing is left behind. ``check_output_path`` says what
is wrong with a target before any work is done.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    ActionFlowable,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from kpdesk import __version__
from kpdesk.common.errors import UserError
from kpdesk.common.norsk import format_date, format_phone, iso_week
from kpdesk.common.resources import resource_path

FONT, FONT_BOLD = "KpdeskSans", "KpdeskSans-Bold"
CELL_SIZE, CELL_LEADING, CELL_PADDING = 9.5, 12.0, 3.0  # table text: at least 9.5 pt on paper for a meeting
HYPHENATION_LANGUAGE = "nb_NO"
FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}
LANGUAGE = "nb-NO"

MARGIN_X = 16 * mm
MARGIN_TOP = 24 * mm  # room for the header
MARGIN_BOTTOM = 20 * mm  # room for the footer

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
RULE = colors.HexColor("#9aa5b1")
ACCENT = colors.HexColor("#1d4e89")
HEADER_FILL = colors.HexColor("#dde6f0")
ZEBRA = colors.HexColor("#f4f6f8")
HOLIDAY_FILL = colors.HexColor("#fbe9e7")
HOLIDAY_INK = colors.HexColor("#b3261e")

_BUILD_LOCK = threading.Lock()
_FONT_LOCK = threading.Lock()
_fonts_registered = False


# ---------------------------------------------------------------- fonts and paragraph styles

def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) with ReportLab, once per process."""
    global _fonts_registered
    if _fonts_registered:
        return
    with _FONT_LOCK:
        if _fonts_registered:
            return
        for name, file_name in FONT_FILES.items():
            path = resource_path("fonts", file_name)
            if not path.is_file():
                raise UserError(f"Skriften {file_name} mangler i installasjonen ({path}); installer kpdesk på nytt.")
            pdfmetrics.registerFont(TTFont(name, str(path)))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
        _fonts_registered = True


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    meta: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    small_keep: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_head_keep: ParagraphStyle


@cache
def styles() -> Styles:
    """The paragraph styles every report uses (fonts registered first)."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK, spaceAfter=4,
                          bulletFontName=FONT)  # else bullets are set in Helvetica, unembedded
    cell = ParagraphStyle("cell", parent=body, fontSize=CELL_SIZE, leading=CELL_LEADING, spaceAfter=0,
                          embeddedHyphenation=1)  # breaks only at the soft hyphens ``soft_hyphens`` puts in
    return Styles(
        title=ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=18, leading=22, spaceAfter=2,
                             textColor=ACCENT),
        subtitle=ParagraphStyle("subtitle", parent=body, fontSize=11, leading=14, spaceAfter=2),
        meta=ParagraphStyle("meta", parent=body, fontSize=8.5, leading=11, textColor=MUTED, spaceAfter=10),
        h1=ParagraphStyle("h1", parent=body, fontName=FONT_BOLD, fontSize=13, leading=16, spaceBefore=10,
                          spaceAfter=5, textColor=ACCENT, keepWithNext=1),
        h2=ParagraphStyle("h2", parent=body, fontName=FONT_BOLD, fontSize=10.5, leading=13.5, spaceBefore=8,
                          spaceAfter=3, keepWithNext=1),
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=MUTED),
        small_keep=ParagraphStyle("small_keep", parent=body, fontSize=8, leading=10, textColor=MUTED,
                                  keepWithNext=1),
        note=ParagraphStyle("note", parent=body, fontSize=8, leading=10.5, textColor=MUTED, spaceBefore=3),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=FONT_BOLD),
        cell_head_keep=ParagraphStyle("cell_head_keep", parent=cell, fontName=FONT_BOLD, keepWithNext=1,
                                      spaceBefore=2, spaceAfter=2),
    )


# ---------------------------------------------------------------- the centre on paper

@dataclass(frozen=True)
class Letterhead:
    """The centre's details as every page prints them (plain data: safe on any thread)."""

    name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    web: str = ""
    coordinator: str = ""
    logo: bytes | None = None

    @classmethod
    def from_profile(cls, profile: Any) -> Letterhead:
        """From ``kpdesk.admin.centre_profile.CentreProfileRow`` (or anything with the same attributes)."""
        return cls(profile.name, profile.address, profile.phone, profile.email, profile.web, profile.coordinator,
                   profile.logo)

    @property
    def display_name(self) -> str:
        return self.name or "Studiesenteret"

    @property
    def phone_text(self) -> str:
        return format_phone(self.phone)

    @property
    def footer_parts(self) -> list[str]:
        """'Demogata 1, 8622 Mo i Rana', 'tlf. 75 00 00 00', e-mail, web: what is filled in."""
        parts = []
        address = ", ".join(line.strip() for line in self.address.splitlines() if line.strip())
        if address:
            parts.append(address)
        if self.phone:
            parts.append(f"tlf. {self.phone_text}")
        if self.email:
            parts.append(self.email)
        if self.web:
            parts.append(self.web)
        return parts

    def contact_sentence(self) -> str:
        """'Kari Nordmann, Kunnskapsparken Helgeland, tlf. 75 00 00 00, post@…': whom to call."""
        parts = [p for p in (self.coordinator, self.display_name) if p]
        if self.phone:
            parts.append(f"tlf. {self.phone_text}")
        if self.email:
            parts.append(f"e-post {self.email}")
        if self.web:
            parts.append(self.web)
        return ", ".join(parts)


# ---------------------------------------------------------------- small helpers for report modules

def text(value: object) -> str:
    """Data as Paragraph markup: ``<``, ``>`` and ``&`` escaped (so "<3" prints as written)."""
    return escape("" if value is None else str(value))


def para(value: object, style: ParagraphStyle | None = None, *, markup: bool = False) -> Paragraph:
    """A paragraph of data text (escaped unless ``markup``)."""
    return Paragraph(str(value) if markup else text(value), style or styles().body)


class SectionHeading(Paragraph):
    """A heading that starts a section: it gets an entry in the PDF outline (bookmarks), and a
    page that begins inside its section repeats it with "(forts.)" (``_Document``)."""

    def __init__(self, title: str, level: int) -> None:
        super().__init__(text(title), styles().h1 if level == 1 else styles().h2)
        self.title, self.level = title, level

    def draw(self) -> None:
        super().draw()
        canvas = self.canv
        marks = getattr(canvas, "section_marks", None)
        if marks is not None:  # _NumberedCanvas: bookmarked when its page is written (see there)
            marks.append((self.title, self.level))
        canvas.current_section = self  # pyright: ignore[reportAttributeAccessIssue]  # our own attribute


class ContinuedHeading(Paragraph):
    """'Samlet etterspørsel med tilbud (forts.)' at the top of a page that goes on with a section."""

    def __init__(self, section: SectionHeading) -> None:
        super().__init__(text(f"{section.title} (forts.)"), section.style)


def heading(value: str, level: int = 1) -> Paragraph:
    return SectionHeading(value, level)


def bullets(items: Iterable[str], style: ParagraphStyle | None = None) -> list[Flowable]:
    """A plain bullet list (escaped text), one paragraph per item."""
    base = style or styles().body
    item_style = ParagraphStyle(f"{base.name}_bullet", parent=base, leftIndent=10, bulletIndent=0, spaceAfter=2)
    return [Paragraph(text(item), item_style, bulletText="•") for item in items]


def table_style(commands: Sequence[tuple[Any, ...]]) -> TableStyle:
    """A TableStyle that starts from kpdesk's font: ReportLab's cell default is Helvetica, which
    would be named in the PDF without being embedded even where every cell is a paragraph."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


def content_width(is_landscape: bool = False) -> float:
    """The width of the text frame, in points."""
    page_width = (landscape(A4) if is_landscape else A4)[0]
    return page_width - 2 * MARGIN_X


def content_height(is_landscape: bool = False) -> float:
    page_height = (landscape(A4) if is_landscape else A4)[1]
    return page_height - MARGIN_TOP - MARGIN_BOTTOM


Cell = str | Flowable | None




def data_table(header: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[float], *,
               is_landscape: bool = False, right: Iterable[int] = (), bold_first: bool = False,
               extra_style: Sequence[tuple[Any, ...]] = (), zebra: bool = True,
               total_row: bool = False) -> Table:
    """A table that splits across pages with its header row repeated.

    ``widths`` are fractions of the frame width (they are scaled to sum to 1). A string cell
    that fits its column on one line is drawn as plain text (fast: a regional handout has
    thousands of cells); a longer one becomes a wrapping paragraph (escaped). Flowables are used
    as they are. Columns in ``right`` are right-aligned (numbers). ``total_row`` sets the last
    row in bold above a rule.
    """
    register_fonts()
    right_columns = set(right)
    total = sum(widths) or 1.0
    width = content_width(is_landscape)
    col_widths = [width * w / total for w in widths]
    room = [w - 2 * CELL_PADDING - 0.5 for w in col_widths]
    string_width = pdfmetrics.stringWidth

    def cell(value: Cell, column: int, *, head: bool = False, bold: bool = False) -> Cell:
        if value is None or isinstance(value, Flowable):
            return value
        font = FONT_BOLD if head or bold else FONT
        fits = string_width(value, font, CELL_SIZE) <= room[column]
        if "\n" not in value and (fits or (column in right_columns and not head)):
            return value  # numbers (right-aligned) are never broken; they may use the cell's padding
        # Wrapped by hand into plain lines: several times faster than a Paragraph per cell.
        return "\n".join(wrap(value, font, CELL_SIZE, room[column]))

    data: list[list[Cell]] = [[cell(h, i, head=True) for i, h in enumerate(header)]]
    last = len(rows) - 1
    for r, row in enumerate(rows):
        data.append([cell(v, i, bold=(bold_first and i == 0) or (total_row and r == last))
                     for i, v in enumerate(row)])
    table = Table(data, colWidths=col_widths, repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 0), (-1, -1), CELL_LEADING),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for column in sorted(right_columns):
        commands.append(("ALIGN", (column, 0), (column, -1), "RIGHT"))
    if bold_first:
        commands.append(("FONTNAME", (0, 1), (0, -1), FONT_BOLD))
    if zebra:
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]))
    if total_row and rows:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, INK))
        commands.append(("FONTNAME", (0, -1), (-1, -1), FONT_BOLD))
    commands.extend(extra_style)
    table.setStyle(TableStyle(commands))
    return table


_SOFT_BREAK = re.compile(r"[^–\-/]+[–\-/]+|[^–\-/]+$|[–\-/]+")


@cache
def _hyphenator() -> Any:
    """pyphen's Norwegian (bokmål) dictionary, or None when pyphen is missing (then no word is hyphenated
    unless it is wider than its column on its own)."""
    try:
        import pyphen
    except ImportError:  # pragma: no cover - pyphen is a dependency; a broken install still prints
        return None
    return pyphen.Pyphen(lang=HYPHENATION_LANGUAGE, left=2, right=3)


def wrap(value: str, font: str, size: float, width: float) -> list[str]:
    """``value`` in lines no wider than ``width``: broken at spaces, then after '–', '-' or '/'
    inside a long word ("23.08.2027–" / "23.04.2029"), then where Norwegian hyphenation allows
    ("barnehage-" / "lærerutdanning"): a word that is wider than the column, or one that would
    leave its line less than half full. Only when no such place fits, between letters."""
    measure = pdfmetrics.stringWidth
    lines: list[str] = []
    for part in value.split("\n"):
        line = ""
        for word in part.split(" "):
            pieces = _SOFT_BREAK.findall(word) if measure(word, font, size) > width else [word]
            for number, piece in enumerate(pieces):
                joiner = "" if number else " "
                candidate = f"{line}{joiner}{piece}" if line else piece
                if measure(candidate, font, size) <= width:
                    line = candidate
                    continue
                if line:
                    room = width - measure(f"{line}{joiner}", font, size)
                    # Hyphenate into this line only when it would otherwise stay less than half full.
                    head, tail = _hyphenate(piece, font, size, room) if room > width / 2 else ("", piece)
                    if head:  # the first syllables still fit on this line
                        lines.append(f"{line}{joiner}{head}")
                        piece = tail
                    else:
                        lines.append(line)
                line = piece
                while measure(line, font, size) > width and len(line) > 1:  # a word wider than the column
                    head, tail = _hyphenate(line, font, size, width)
                    if not head:
                        head, tail = _cut(line, font, size, width)
                    lines.append(head)
                    line = tail
        lines.append(line)
    return lines


def soft_hyphens(value: str, font: str, size: float, width: float) -> str:
    """``value`` with soft hyphens (U+00AD) where Norwegian hyphenation allows, in the words wider
    than ``width`` only: a paragraph then breaks such a word at a syllable ("Barnehage-" /
    "pedagogikk") and keeps every other word whole (ReportLab's own hyphenation breaks any word
    that would fill a line)."""
    hyphenator = _hyphenator()
    if hyphenator is None:
        return value
    words = value.split(" ")
    for index, word in enumerate(words):
        if pdfmetrics.stringWidth(word, font, size) > width:
            words[index] = hyphenator.inserted(word, hyphen="\u00ad")
    return " ".join(words)


def _hyphenate(word: str, font: str, size: float, room: float) -> tuple[str, str]:
    """('barnehagelærer-', 'utdanning'): the longest start of ``word`` that fits ``room`` with its
    hyphen, broken where the dictionary allows; ('', word) when none fits."""
    hyphenator = _hyphenator()
    if hyphenator is None or room <= 0:
        return "", word
    core = word.rstrip(".,;:)»!?")
    for head, tail in hyphenator.iterate(core):  # longest first
        if pdfmetrics.stringWidth(head + "-", font, size) <= room:
            return head + "-", tail + word[len(core):]
    return "", word


def _cut(word: str, font: str, size: float, width: float) -> tuple[str, str]:
    """The last resort for a word no dictionary can break narrowly enough: cut between letters."""
    cut = len(word) - 1
    while cut > 1 and pdfmetrics.stringWidth(word[:cut] + "-", font, size) > width:
        cut -= 1
    hyphen = "-" if cut >= 3 and word[cut - 1].isalpha() and word[cut].isalpha() else ""
    return word[:cut] + hyphen, word[cut:]


def key_figures(figures: Sequence[tuple[str, str]], is_landscape: bool = False) -> Table:
    """The key figures of a summary in a row of boxes: a large number over its label ("15 947" /
    "åpne behov"); a hidden figure prints as it is given (":")."""
    s = styles()
    number = ParagraphStyle("key_number", parent=s.body, fontName=FONT_BOLD, fontSize=17, leading=20,
                            textColor=ACCENT, spaceAfter=0)
    label = ParagraphStyle("key_label", parent=s.body, fontSize=8.5, leading=10.5, textColor=MUTED, spaceAfter=0)
    row = [[Paragraph(text(value), number), Paragraph(text(name), label)] for value, name in figures]
    width = content_width(is_landscape) / max(1, len(figures))
    table = WholeTable([row], colWidths=[width] * len(figures), hAlign="LEFT", spaceAfter=8)
    table.setStyle(table_style([
        ("BACKGROUND", (0, 0), (-1, -1), ZEBRA),
        ("LINEBEFORE", (1, 0), (-1, -1), 2, colors.white),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return table


class WholeTable(Table):
    """A table that is never split: it moves to the next page whole (short blocks of facts)."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        if availHeight >= content_height(False) * 0.9:  # taller than a page: split after all
            return super().split(availWidth, availHeight)
        return []


KeyValue = str | Sequence[str] | Flowable


def key_value_table(pairs: Sequence[tuple[str, KeyValue]], widths: tuple[float, float] = (0.26, 0.74), *,
                    is_landscape: bool = False, keep: bool = True, space_after: float = 6) -> Table:
    """Label–value lines (an offer's facts): labels in bold, values wrapped; kept whole if ``keep``.

    A value is a string, a list of strings printed as bullets (continuation lines indented), or
    a flowable. Strings are wrapped by hand into plain lines (``wrap``): a matching summary has
    hundreds of them, and a Paragraph each would be several times slower.
    """
    register_fonts()
    width = content_width(is_landscape)
    label_room = width * widths[0] - 2 * CELL_PADDING - 0.5
    value_room = width * widths[1] - 2 * CELL_PADDING - 0.5
    indent = "   "
    data: list[list[Any]] = []
    for label, value in pairs:
        if isinstance(value, Flowable):
            shown: Any = value
        elif isinstance(value, str):
            shown = "\n".join(wrap(value, FONT, CELL_SIZE, value_room))
        else:
            lines = []
            hanging = value_room - pdfmetrics.stringWidth(indent, FONT, CELL_SIZE)
            for item in value:
                first, *rest = wrap(item, FONT, CELL_SIZE, hanging)
                lines.append(f"• {first}")
                lines.extend(f"{indent}{line}" for line in rest)
            shown = "\n".join(lines)
        data.append(["\n".join(wrap(label, FONT_BOLD, CELL_SIZE, label_room)), shown])
    table = (WholeTable if keep else Table)(data, colWidths=[width * widths[0], width * widths[1]], hAlign="LEFT",
                                            spaceAfter=space_after)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTNAME", (0, 0), (0, -1), FONT_BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 0), (-1, -1), CELL_LEADING),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, ZEBRA),
    ]))
    return table


# ---------------------------------------------------------------- the document

def printed_time(printed_at: dt.datetime | None = None) -> dt.datetime:
    """When a report says it was printed: ``printed_at`` if given, else now to the minute."""
    return printed_at if printed_at is not None else dt.datetime.now().replace(second=0, microsecond=0)


@dataclass(frozen=True)
class ReportInfo:
    """What a report says about itself: in the title block, the header and the PDF metadata."""

    title: str
    subtitle: str = ""
    date: dt.date | None = None  # the day the report is about (its "as of" date)
    week: tuple[int, int] | None = None  # (ISO year, week) for a schedule; else the date's week
    week_dates: str = ""  # '17.05.2027–21.05.2027' beside the week
    printed_at: dt.datetime = field(default_factory=printed_time)
    landscape: bool = False
    title_block: bool = True  # False: the report draws its own (the door sign)
    furniture: bool = True  # False: no header rule, footer, page numbers or printed time (the door sign)

    @property
    def printed_text(self) -> str:
        """'Skrevet ut 11.01.2027 kl. 14.05'."""
        return f"Skrevet ut {self.printed_at.strftime('%d.%m.%Y kl. %H.%M')}"

    @property
    def meta_line(self) -> str:
        """'Dato 11.01.2027 · uke 2, 2027 · Skrevet ut …', or the week and its dates for a schedule."""
        parts = []
        if self.week is not None:
            year, week = self.week
            parts.append(f"Uke {week}, {year}")
            if self.week_dates:
                parts.append(self.week_dates)
        elif self.date is not None:
            year, week = iso_week(self.date)
            parts.append(f"Dato {format_date(self.date)}")
            parts.append(f"uke {week}, {year}")
        parts.append(self.printed_text)
        return " · ".join(parts)


class _NumberedCanvas(Canvas):
    """A canvas that holds its pages until the end, so each can say 'Side x av y'."""

    footer_right: Callable[[Canvas, int, int], None] = staticmethod(lambda canvas, page, total: None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self.section_marks: list[tuple[str, int]] = []  # (title, level) of the headings on this page

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self.section_marks = []
        self._startPage()  # pyright: ignore[reportAttributeAccessIssue]  # private; typeshed's stubs leave it out

    def save(self) -> None:
        """Write the held pages, now that their number is known, each with its footer and its
        outline entries: a bookmark names the page being written, so they are added only here."""
        total = len(self._pages)
        depth = -1  # the outline may go one level deeper at a time
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            type(self).footer_right(self, number, total)
            for index, (title, level) in enumerate(state["section_marks"]):
                key = f"section-{number}-{index}"
                self.bookmarkPage(key)
                depth = min(level - 1, depth + 1)
                self.addOutlineEntry(title, key, level=depth, closed=depth > 0)
            super().showPage()
        if any(state["section_marks"] for state in self._pages):
            self.showOutline()
        super().save()


class _KeepWithNext(KeepTogether):
    """keepWithNext for headings that lets a long table after them split under them.

    ReportLab's own ``KeepTogether`` moves a heading and the whole of what follows to a new
    page when they do not fit together, so every long table would start on a fresh page. Here
    the heading stays where it is when the next flowable can split and its first part (for a
    table: the header row and at least one row) fits below the heading; otherwise both move on.
    """

    def split(self, aW: float, aH: float) -> list[Flowable]:
        content = list(self._content)  # pyright: ignore[reportAttributeAccessIssue]  # private; not in typeshed
        if len(content) >= 2:
            head, last = content[:-1], content[-1]
            used = 0.0
            for flowable in head:
                _w, height = flowable.wrapOn(self.canv, aW, aH)
                used += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
            remaining = aH - used - last.getSpaceBefore() - 1.0  # a point to spare for rounding
            if remaining > 0:
                _w, height = last.wrapOn(self.canv, aW, remaining)
                if height <= remaining:
                    return content
                parts = last.splitOn(self.canv, aW, remaining)
                if len(parts) >= 2 and _fits(parts[0], self.canv, aW, remaining):
                    return [*head, *parts]
        return super().split(aW, aH)


class _Document(SimpleDocTemplate):
    """The page layout of every report; a page that begins inside a section (the rest of a long
    table, a need's further offers) starts with the section's heading and "(forts.)"."""

    _fresh_page = False

    def handle_pageBegin(self) -> None:
        super().handle_pageBegin()
        self._fresh_page = self.page > 1

    def filterFlowables(self, flowables: list[Flowable]) -> None:
        if not self._fresh_page or not flowables:
            return
        first = flowables[0]
        if first is None or isinstance(first, ActionFlowable):
            return  # page and frame breaks: look at what comes after them
        self._fresh_page = False
        section = getattr(self.canv, "current_section", None)
        content = getattr(first, "_content", None)
        lead = content[0] if content else first  # a heading kept with what follows comes bundled
        if section is not None and not isinstance(lead, (SectionHeading, ContinuedHeading)):
            flowables.insert(0, ContinuedHeading(section))


def _fits(flowable: Flowable, canvas: Any, width: float, height: float) -> bool:
    """True when ``flowable`` is real content (not a page or frame break) that fits ``height``."""
    if isinstance(flowable, ActionFlowable) or getattr(flowable, "_ZEROSIZE", False):
        return False
    _w, needed = flowable.wrapOn(canvas, width, height)
    return 0 < needed <= height


def _header_footer(letterhead: Letterhead, info: ReportInfo, page_size: tuple[float, float],
                   logo: ImageReader | None) -> Callable[[Canvas, Any], None]:
    width, height = page_size
    footer_lines = _pack(letterhead.footer_parts, FONT, 7.5, width - 2 * MARGIN_X - 60 * mm)

    def draw(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        top = height - 10 * mm
        logo_width = 0.0
        if logo is not None:
            image_width, image_height = logo.getSize()
            box_h, box_w = 11 * mm, 45 * mm
            scale = min(box_h / image_height, box_w / image_width)
            logo_width = image_width * scale
            canvas.drawImage(logo, width - MARGIN_X - logo_width, top - image_height * scale + 2 * mm,
                             logo_width, image_height * scale, mask="auto")
        room = width - 2 * MARGIN_X - logo_width - 6 * mm
        canvas.setFillColor(INK)
        canvas.setFont(FONT_BOLD, 10)
        canvas.drawString(MARGIN_X, top - 1 * mm, fit_text(letterhead.display_name, FONT_BOLD, 10, room))
        if info.furniture and (doc.page > 1 or not info.title_block):  # the first page has the title in full below
            canvas.setFont(FONT, 8)
            canvas.setFillColor(MUTED)
            canvas.drawString(MARGIN_X, top - 5.5 * mm, fit_text(info.title, FONT, 8, room))
        if not info.furniture:  # a sign for a hallway: the centre's name and logo only
            canvas.restoreState()
            return
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, height - MARGIN_TOP + 5 * mm, width - MARGIN_X, height - MARGIN_TOP + 5 * mm)
        # footer: the centre's address and how to reach it on the left; printed time and page on the right
        canvas.line(MARGIN_X, MARGIN_BOTTOM - 6 * mm, width - MARGIN_X, MARGIN_BOTTOM - 6 * mm)
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        room = width - 2 * MARGIN_X - 60 * mm
        for number, line in enumerate(footer_lines):
            canvas.drawString(MARGIN_X, MARGIN_BOTTOM - (10 + 3.6 * number) * mm, fit_text(line, FONT, 7.5, room))
        canvas.restoreState()

    return draw


def _page_numbers(info: ReportInfo, page_size: tuple[float, float]) -> Callable[[Canvas, int, int], None]:
    width, _height = page_size

    def draw(canvas: Canvas, page: int, total: int) -> None:
        if not info.furniture:
            return
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(width - MARGIN_X, MARGIN_BOTTOM - 10 * mm, f"Side {page} av {total}")
        canvas.drawRightString(width - MARGIN_X, MARGIN_BOTTOM - 13.6 * mm, info.printed_text)
        canvas.restoreState()

    return draw


def _pack(parts: Sequence[str], font: str, size: float, max_width: float, max_lines: int = 2) -> list[str]:
    """The footer parts on at most ``max_lines`` lines, joined by ' · ' while they fit (the last
    line takes the rest and is shortened by ``_fit`` when drawn)."""
    lines: list[str] = []
    for part in parts:
        if lines and pdfmetrics.stringWidth(f"{lines[-1]} · {part}", font, size) <= max_width:
            lines[-1] = f"{lines[-1]} · {part}"
        elif len(lines) < max_lines:
            lines.append(part)
        else:
            lines[-1] = f"{lines[-1]} · {part}"
    return lines


def fit_text(value: str, font: str, size: float, max_width: float) -> str:
    """``value`` shortened with '…' so it fits ``max_width`` (header and footer lines)."""
    if pdfmetrics.stringWidth(value, font, size) <= max_width:
        return value
    while value and pdfmetrics.stringWidth(value + "…", font, size) > max_width:
        value = value[:-1]
    return value.rstrip() + "…"


def title_block(info: ReportInfo) -> list[Flowable]:
    s = styles()
    block: list[Flowable] = [Paragraph(text(info.title), s.title)]
    if info.subtitle:
        block.append(Paragraph(text(info.subtitle), s.subtitle))
    block.append(Paragraph(text(info.meta_line), s.meta))
    return block


def _logo_reader(logo: bytes | None) -> ImageReader | None:
    if not logo:
        return None
    try:
        return ImageReader(io.BytesIO(logo))
    except Exception:  # a logo that got damaged after it was checked: print without it
        return None


def build_pdf(story: Sequence[Flowable], info: ReportInfo, letterhead: Letterhead) -> bytes:
    """The finished PDF as bytes: ``story`` under the centre's header, with the title block first."""
    register_fonts()
    page_size = landscape(A4) if info.landscape else A4
    with _BUILD_LOCK:
        buffer = io.BytesIO()
        doc = _Document(
            buffer, pagesize=page_size, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM, title=info.title, author=letterhead.display_name,
            subject=info.subtitle or info.title, creator=f"kpdesk {__version__}", producer=f"kpdesk {__version__}",
            lang=LANGUAGE, keywords=["kpdesk", letterhead.display_name], displayDocTitle=1,
            initialFontName=FONT,  # else the canvas names Helvetica, which no page uses, unembedded
        )
        doc.keepTogetherClass = _KeepWithNext
        decorate = _header_footer(letterhead, info, page_size, _logo_reader(letterhead.logo))
        canvas_class = type("_Canvas", (_NumberedCanvas,), {"footer_right": staticmethod(_page_numbers(info,
                                                                                                      page_size))})
        flowables: list[Flowable] = [*title_block(info)] if info.title_block else []
        flowables.extend(story)
        if not flowables:
            flowables.append(Spacer(1, 1))
        doc.build(flowables, onFirstPage=decorate, onLaterPages=decorate, canvasmaker=canvas_class)
        return buffer.getvalue()


# ---------------------------------------------------------------- writing to disk

def check_output_path(path: str | os.PathLike[str]) -> Path:
    """The target as a Path, or a UserError saying why a PDF cannot be saved there."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise UserError(f"{target} er en mappe; oppgi et filnavn, for eksempel {target / 'utskrift.pdf'}.")
    if target.suffix.casefold() != ".pdf":  # else «møte.txt» would hold a PDF no program opens as text
        raise UserError(f"{target.name} er ikke et PDF-filnavn; bruk et navn som slutter på .pdf, for eksempel "
                        f"{target.with_suffix('.pdf').name}.")
    folder = target.parent
    if not folder.is_dir():
        raise UserError(f"Mappen {folder} finnes ikke, så {target.name} kan ikke lagres der.")
    if not os.access(folder, os.W_OK):
        raise UserError(f"Kan ikke lagre i {folder}: mappen er skrivebeskyttet.")
    return target


def write_pdf(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (``write_atomic``: a temporary file, then a rename)."""
    from kpdesk.common.atomic_files import write_atomic

    check_output_path(path)
    if not data.startswith(b"%PDF-"):
        raise ValueError("write_pdf got something that is not a PDF")
    return write_atomic(path, data, example="utskrift.pdf")


def save_report(path: str | os.PathLike[str], build: Callable[[], bytes]) -> Path:
    """Check the target, build the PDF, then write it atomically; nothing is written on any error."""
    check_output_path(path)
    return write_pdf(path, build())
