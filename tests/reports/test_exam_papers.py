"""The sign-in sheet of a sitting and the invoice basis per institution, read back from the PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from support import pdf_fonts, pdf_pages

from kpdesk.booking import exams
from kpdesk.booking.exam_inputs import Accommodation, CandidateData, validate_exam
from kpdesk.booking.rooms import RoomData, save_room
from kpdesk.common.errors import UserError
from kpdesk.db.store import Store
from kpdesk.reports import exam_papers

PRINTED = dt.datetime(2027, 5, 20, 14, 5)
EXAM = {"ref": "EKS-1", "room": "Eksamensrommet", "institution": "Nord universitet", "course_code": "SYK2001",
        "title": "Anatomi", "start": "12.05.2027 09:00", "end": "13:00", "fee_per_candidate": "1 500",
        "invigilators": "Kari Vakt (5), Ola Vakt (4,5)"}


def add(session, sitting: int, number: str, name: str, extra: int = 0, status: str = "registered",
        room: str = "") -> None:
    exams.save_candidate(session, sitting, CandidateData("EKS-1", number, name, "", Accommodation(
        extra, bool(room), room), status))


@pytest.fixture
def sitting(store: Store) -> int:
    def setup(s):
        save_room(s, RoomData("Eksamensrommet", 30))
        save_room(s, RoomData("Grupperom 2", 2))
        data, problems = validate_exam(EXAM)
        assert data is not None, problems
        sitting = exams.create_sitting(s, data)
        add(s, sitting, "110", "Tiril Ti")
        add(s, sitting, "9", "Nina Ni", extra=30)
        add(s, sitting, "100", "Hanne Hundre", status="withdrawn")
        add(s, sitting, "12", "Tolv Tolvsen", status="present", room="Grupperom 2")
        add(s, sitting, "11", "Elleve Ellevesen", status="absent")
        return sitting

    return store.transaction(setup)


def test_the_sign_in_sheet_lists_everyone_not_withdrawn_by_number_with_columns_to_fill(store: Store,
                                                                                         sitting: int) -> None:
    data = store.transaction(lambda s: exam_papers.load_signin(s, "eks-1"))
    pages = pdf_pages(exam_papers.build_signin(data, PRINTED))
    first, instructions = pages[0], pages[-1]
    for fact in ("Oppmøteliste SYK2001 Anatomi", "Nord universitet · EKS-1", "Onsdag 12.05.2027", "fra kl. 08.30",
                 "kl. 09.00–13.00 (4 timer); rommet er booket til kl. 13.30 for ekstra tid", "Eksamensrommet",
                 "Kari Vakt (5 t)", "Ola Vakt (4,5 t)", "4 kandidater; 1 med ekstra tid; 1 med eget rom"):
        assert fact in first, fact
    for column in ("Kand.nr.", "Navn", "Tilrettelegging", "Slutt", "Leg.", "Signatur", "Levert kl."):
        assert column in first, column
    names = ["Nina Ni", "Elleve Ellevesen", "Tolv Tolvsen", "Tiril Ti"]  # 9, 11, 12, 110: numbers in order
    assert [first.index(n) for n in names] == sorted(first.index(n) for n in names)
    assert "Hanne Hundre" not in "".join(pages)  # avmeldt
    assert "+30 min" in first and "13.30" in first and "eget rom:\nGrupperom 2" in first
    assert "Instruks for eksamensvakter" in instructions and "første timen" in instructions
    assert "høyst to kandidater ut samtidig" in instructions


def test_the_sign_in_sheet_embeds_its_fonts_and_refuses_an_unknown_exam(store: Store, sitting: int) -> None:
    data = store.transaction(lambda s: exam_papers.load_signin(s, "EKS-1"))
    assert all(pdf_fonts(exam_papers.build_signin(data, PRINTED)).values())
    with pytest.raises(UserError, match="Eksamen «EKS-9» finnes ikke"):
        store.transaction(lambda s: exam_papers.load_signin(s, "EKS-9"))


def test_the_invoice_basis_sums_per_institution_without_names(store: Store, sitting: int) -> None:
    data = store.transaction(lambda s: exam_papers.load_invoice(s, dt.date(2027, 5, 1), dt.date(2027, 5, 31)))
    text = " ".join(" ".join(pdf_pages(exam_papers.build_invoice(data, PRINTED))).split())
    assert "Fakturagrunnlag eksamen" in text and "Perioden 01.05.2027–31.05.2027" in text
    assert "12.05.2027 EKS-1 SYK2001 Anatomi 4 1 500 kr 6 000 kr" in text
    assert "Sum 4 6 000 kr" in text and "1 eksamen 4 kandidater 6 000 kr å fakturere" in text
    assert not any(name in text for name in ("Nina", "Tiril", "Tolv", "Elleve", "Hanne"))


def test_an_erased_candidate_still_sitting_the_exam_is_printed_by_number_with_name_erased(store: Store,
                                                                                          sitting: int) -> None:
    """Erased (name «[slettet]») but still påmeldt: the door gets the number and «(navn slettet)» in the
    muted colour with a note on checking ID against the institution's list, never «[slettet]»."""
    from sqlalchemy import select

    from kpdesk.admin import exam_privacy, privacy
    from kpdesk.db.models import ExamCandidate

    def erase(s) -> None:
        nina = s.scalars(select(ExamCandidate.id).where(ExamCandidate.candidate_no == "9")).one()
        exam_privacy.erase_candidates(s, [nina], privacy.ERASED)

    store.transaction(erase)
    data = store.transaction(lambda s: exam_papers.load_signin(s, "EKS-1"))
    pdf = exam_papers.build_signin(data, PRINTED)
    first = " ".join(pdf_pages(pdf)[0].split())
    assert "Nina Ni" not in first and "[slettet]" not in first
    assert "9 (navn slettet) +30 min 13.30" in first
    assert "navn er slettet etter personvernreglene. Kontroller legitimasjonen mot kandidatnummeret" in first
    assert _colour_of(pdf, "(navn slettet)") == _colour_of(pdf, "Kontroller") != _colour_of(pdf, "Tiril Ti")


def _colour_of(pdf: bytes, text: str) -> tuple[float, ...]:
    """The fill colour the first page's text ``text`` is drawn in."""
    import io

    import pypdf

    found: list[tuple[float, ...]] = []

    def visit(shown: str, _cm, _tm, _font, _size) -> None:  # type: ignore[no-untyped-def]
        if text in shown and not found:
            found.append(colour[0])

    colour: list[tuple[float, ...]] = [()]

    def operator(op: bytes, args, _cm, _tm) -> None:  # type: ignore[no-untyped-def]
        if op in (b"rg", b"g"):
            colour[0] = tuple(float(a) for a in args)

    pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_operand_before=operator, visitor_text=visit)
    return found[0]
