"""The shared report style: fonts, page numbers, headers, tables, metadata, atomic writing.

Suppression is tested in test_suppression.py and test_disclosure.py."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pypdf
import pytest
from support import pdf_fonts

from kpdesk.common.errors import UserError
from kpdesk.common.norsk import format_money
from kpdesk.reports import style

SAMI = "æ ø å Æ Ø Å á š đ ŋ ŧ ï č ž Á Š Đ Ŋ Ŧ Č Ž"
PRINTED = dt.datetime(2027, 1, 11, 14, 5)
LETTERHEAD = style.Letterhead("Studiesenter Hábmer – Hamarøy", "Storgata 1\n8290 Skutvik", "75001122",
                              "post@studiesenter.example.no", "https://studiesenter.example.no", "Ánde Đuŋŧa")


def pages_text(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [page.extract_text().replace("\u00a0", " ") for page in reader.pages]


def build(story: list, **info: object) -> bytes:
    return style.build_pdf(story, style.ReportInfo(title=str(info.pop("title", "Prøveutskrift")),
                                                   printed_at=PRINTED, **info), LETTERHEAD)  # type: ignore[arg-type]


def long_table(rows: int = 120) -> object:
    return style.data_table(["Kolonne én", "Beløp"], [[f"Rad {i}", format_money(12500 + i)] for i in range(rows)],
                            [0.7, 0.3], right=(1,))


# ---------------------------------------------------------------- fonts and text

def test_fonts_are_registered_once_and_cover_sami_letters() -> None:
    from reportlab.pdfbase import pdfmetrics

    style.register_fonts()
    style.register_fonts()
    assert {style.FONT, style.FONT_BOLD} <= set(pdfmetrics.getRegisteredFontNames())
    face = pdfmetrics.getFont(style.FONT).face
    missing = [ch for ch in SAMI.replace(" ", "") if ord(ch) not in face.charWidths]
    assert missing == []


def test_font_and_licence_ship_in_resources() -> None:
    from kpdesk.common.resources import resource_path

    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt"):
        assert resource_path("fonts", name).is_file(), name
    licence = resource_path("fonts", "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
    assert "Bitstream" in licence and "Arev" in licence


def test_norwegian_and_sami_letters_survive_as_searchable_text() -> None:
    data = build([style.para(f"Bokstaver: {SAMI}"), style.para("Aarborte – Hattfjelldal og Hábmer – Hamarøy")])
    text = pages_text(data)[0]
    assert SAMI in text
    assert "Aarborte – Hattfjelldal" in text and "Hábmer – Hamarøy" in text
    assert b"DejaVuSans" in data  # embedded (as a subset)


def test_metadata_header_footer_and_dates() -> None:
    data = build([style.para("Innhold")], title="Møteunderlag Træna", subtitle="Anonymt",
                 date=dt.date(2027, 5, 19))
    meta = pypdf.PdfReader(io.BytesIO(data)).metadata
    assert meta.title == "Møteunderlag Træna"
    assert meta.author == "Studiesenter Hábmer – Hamarøy"
    assert meta.subject == "Anonymt"
    text = pages_text(data)[0]
    assert "Dato 19.05.2027 · uke 20, 2027" in text
    assert "Skrevet ut 11.01.2027 kl. 14.05" in text
    assert "Side 1 av 1" in text
    for part in ("Storgata 1, 8290 Skutvik", "tlf. 75 00 11 22", "post@studiesenter.example.no",
                 "https://studiesenter.example.no"):
        assert part in text


def test_money_dates_and_markup_characters_print_as_written() -> None:
    data = build([style.para(f"Pris {format_money(12500)}; færre enn 3: <3 & «sitat»")])
    text = pages_text(data)[0]
    assert "Pris 12 500 kr" in text
    assert "<3 & «sitat»" in text


# ---------------------------------------------------------------- pages and tables

def test_page_x_of_y_and_header_row_repeated_on_every_page() -> None:
    pages = pages_text(build([long_table()]))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Side {number} av {len(pages)}" in text
        assert "Kolonne én" in text  # the table's header row on every page
    assert "12 619 kr" in pages[-1]


def test_landscape_pages_are_wider_than_tall() -> None:
    reader = pypdf.PdfReader(io.BytesIO(build([style.para("Uke")], landscape=True)))
    box = reader.pages[0].mediabox
    assert box.width > box.height


def test_a_heading_never_ends_a_page_alone() -> None:
    # Filler that leaves room for the heading but hardly for anything after it.
    from reportlab.platypus import Spacer

    filler_height = style.content_height() - 95
    for spare in (0, 20, 40, 60, 80):
        story = [Spacer(1, filler_height - 60 + spare), style.heading("Overskriften"), long_table(40)]
        pages = pages_text(build(story, title_block=False))
        holder = next(i for i, text in enumerate(pages) if "Overskriften" in text)
        assert "Rad 0" in pages[holder], f"heading alone at the bottom of page {holder + 1} (spare {spare})"


def test_a_long_table_starts_under_its_heading_instead_of_on_a_new_page() -> None:
    pages = pages_text(build([style.para("Innledning"), style.heading("Tabell"), long_table(120)]))
    assert "Tabell" in pages[0] and "Rad 0" in pages[0]


def test_wrap_breaks_at_spaces_then_dashes() -> None:
    style.register_fonts()
    lines = style.wrap("samlingsbasert, Rana\n23.08.2027–23.04.2029", style.FONT, 8.5, 90)
    assert lines == ["samlingsbasert,", "Rana", "23.08.2027–", "23.04.2029"]
    assert style.wrap("kort tekst", style.FONT, 8.5, 500) == ["kort tekst"]


def test_words_break_where_norwegian_hyphenation_allows_and_short_words_stay_whole() -> None:
    style.register_fonts()
    width = style.pdfmetrics.stringWidth("barnehagelærer-", style.FONT, 9.5) + 1
    lines = style.wrap("Barnehagelærerutdanning for assistenter", style.FONT, 9.5, width)
    assert lines[:2] == ["Barnehagelærer-", "utdanning for"], lines
    # a name that fits on the next line is not hyphenated into a line that is already more than half full
    room = style.pdfmetrics.stringWidth("3, blant dem Mo Havneser", style.FONT, 9.5)
    assert style.wrap("3, blant dem Mo Havneservice AS", style.FONT, 9.5, room) == ["3, blant dem Mo",
                                                                                   "Havneservice AS"]
    joined = "".join(line.rstrip("-") for line in style.wrap("Barnehagepedagogikk", style.FONT, 9.5, 60))
    assert joined == "Barnehagepedagogikk"
    assert style.wrap("Barnehagepedagogikk", style.FONT, 9.5, 60)[0] in ("Barnehage-", "Barne-")


def test_soft_hyphens_go_only_into_words_wider_than_the_column() -> None:
    style.register_fonts()
    marked = style.soft_hyphens("Nettforelesning: Barnehagepedagogikk", style.FONT, 9, 80)
    assert marked.startswith("Nettforelesning: ") and "Barne\u00adhage\u00adpe" in marked


def test_a_page_that_goes_on_with_a_section_repeats_its_heading_with_forts() -> None:
    pages = pages_text(build([style.heading("Samlet etterspørsel"), long_table(150), style.heading("Neste", 2),
                              style.para("Slutt")]))
    assert len(pages) >= 3
    assert "Samlet etterspørsel (forts.)" not in pages[0]
    for text in pages[1:-1]:
        assert "Samlet etterspørsel (forts.)" in text
    assert "Neste (forts.)" not in "".join(pages)


def test_sections_are_bookmarked_and_viewers_show_the_title() -> None:
    data = build([style.heading("Sammendrag"), style.para("Tekst"), style.heading("Detaljer", 2), long_table(150),
                  style.heading("Personvern")], title="Kompetansebehov i Rana")
    reader = pypdf.PdfReader(io.BytesIO(data))
    outline = reader.outline
    assert [item.title for item in outline if not isinstance(item, list)] == ["Sammendrag", "Personvern"]
    nested = next(item for item in outline if isinstance(item, list))
    assert [item.title for item in nested] == ["Detaljer"]
    personvern = next(item for item in outline if not isinstance(item, list) and item.title == "Personvern")
    assert reader.get_destination_page_number(personvern) == len(reader.pages) - 1
    assert bool(reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"  # the bookmarks open beside the pages
    assert reader.metadata.title == "Kompetansebehov i Rana"



def test_no_font_is_named_without_being_embedded() -> None:
    story = [style.heading("Steg"), *style.bullets(["Første", "Andre"]), long_table(10),
             style.key_figures([("12", "behov"), (":", "personer")])]
    fonts = pdf_fonts(build(story))
    assert fonts and all(fonts.values()), fonts


def test_a_sign_without_furniture_has_no_footer_or_page_number() -> None:
    pages = pages_text(build([style.para("Auditoriet")], title_block=False, furniture=False))
    assert "Side 1 av 1" not in pages[0] and "Skrevet ut" not in pages[0] and "Storgata" not in pages[0]
    assert "Studiesenter Hábmer" in pages[0]  # the centre's name stays


# ---------------------------------------------------------------- writing files

def test_write_pdf_replaces_an_existing_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "rapport.pdf"
    target.write_bytes(b"gammel")
    data = build([style.para("Ny")])
    style.write_pdf(target, data)
    assert target.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.pdf"]


def test_a_failing_build_leaves_no_file_and_an_existing_one_untouched(tmp_path: Path) -> None:
    target = tmp_path / "rapport.pdf"

    def broken() -> bytes:
        raise UserError("Noe mangler.")

    with pytest.raises(UserError):
        style.save_report(target, broken)
    assert list(tmp_path.iterdir()) == []
    target.write_bytes(b"gammel")
    with pytest.raises(UserError):
        style.save_report(target, broken)
    assert target.read_bytes() == b"gammel"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.pdf"]


def test_a_failing_write_removes_its_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "rapport.pdf"
    target.write_bytes(b"gammel")

    def refuse(_src: object, _dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(UserError, match="Disken er full"):
        style.write_pdf(target, build([style.para("Ny")]))
    assert target.read_bytes() == b"gammel"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.pdf"]


def test_bad_targets_are_refused_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="er en mappe"):
        style.check_output_path(tmp_path)
    with pytest.raises(UserError, match="finnes ikke"):
        style.check_output_path(tmp_path / "mangler" / "x.pdf")
    with pytest.raises(UserError, match=r"møte.txt er ikke et PDF-filnavn; bruk et navn som slutter på .pdf, for "
                                        r"eksempel møte.pdf"):
        style.check_output_path(tmp_path / "møte.txt")
    assert style.check_output_path(tmp_path / "Møte.PDF").name == "Møte.PDF"


def test_system_errors_are_said_in_norwegian(tmp_path: Path) -> None:
    import errno

    from kpdesk.common.errors import os_reason

    assert os_reason(OSError(errno.ENOENT, "No such file or directory")) == "finnes ikke"
    assert os_reason(OSError(errno.EPERM, "Operation not permitted")) == "ikke tillatt (filen eller mappen er låst)"
    assert os_reason(OSError(errno.EPROTO, "Protocol error")) == f"systemfeil {errno.EPROTO}"
    with pytest.raises(UserError) as raised:
        style.write_pdf("/proc/utskrift.pdf", b"%PDF-1.4")
    assert "No such" not in str(raised.value) and "finnes ikke" in str(raised.value)
