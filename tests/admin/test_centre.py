"""The centre profile: validation, the logo check, saving with audit entries, and its use in reports."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kpdesk.admin.centre_profile import (
    MAX_LOGO_BYTES,
    CentreProfileData,
    check_logo,
    get_profile,
    logo_kind,
    parse_web,
    read_logo_file,
    save_profile,
    validate_profile,
)
from kpdesk.common.errors import UserError
from kpdesk.common.fields import FieldError


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (120, 40)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 78, 137)).save(buffer, format=kind)
    return buffer.getvalue()


RAW = {"name": "Studiesenteret i Hábmer – Hamarøy", "address": "  Storgata 1\n\n8290 Skutvik ",
       "phone": "+47 75 00 11 22", "email": "Post@Studiesenter.example.NO", "web": "www.studiesenter.example.no",
       "coordinator": "Sára Ŋuollaš"}


def test_a_valid_profile_is_cleaned() -> None:
    data, problems = validate_profile(RAW, image_bytes())
    assert problems == []
    assert data is not None
    assert data.address == "Storgata 1\n8290 Skutvik"
    assert data.phone == "75001122"
    assert data.email == "post@studiesenter.example.no"
    assert data.web == "www.studiesenter.example.no"
    assert logo_kind(data.logo or b"") == "PNG"


@pytest.mark.parametrize("field, value, message", [
    ("name", "  ", "Navnet på studiesenteret mangler"),
    ("email", "post@", "er ikke en e-postadresse"),
    ("phone", "75 00", "har 8 sifre"),
    ("web", "ikke en adresse", "er ikke en nettadresse"),
    ("coordinator", "x" * 201, "er for lang"),
])
def test_every_bad_field_is_named(field: str, value: str, message: str) -> None:
    data, problems = validate_profile({**RAW, field: value})
    assert data is None
    assert [p.field for p in problems] == [field]
    assert message in problems[0].message


def test_web_addresses() -> None:
    assert parse_web("https://kph.no/studiesenter") == "https://kph.no/studiesenter"
    assert parse_web("kph.no") == "kph.no"
    assert parse_web("") == ""
    with pytest.raises(FieldError):
        parse_web("ftp://kph.no")


def test_logo_checks() -> None:
    assert check_logo(image_bytes("JPEG")) .startswith(b"\xff\xd8\xff")
    with pytest.raises(FieldError, match="PNG- eller JPEG"):
        check_logo(b"GIF89a" + b"\0" * 100)
    with pytest.raises(FieldError, match="skadet"):
        check_logo(b"\x89PNG\r\n\x1a\n" + b"\0" * 50)
    with pytest.raises(FieldError, match="for stor"):
        check_logo(b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_LOGO_BYTES)
    with pytest.raises(FieldError, match="uleselig"):
        check_logo(image_bytes(size=(8, 8)))
    data, problems = validate_profile(RAW, b"not an image")
    assert data is None and problems[0].field == "logo"


def test_read_logo_file(tmp_path: Path) -> None:
    good = tmp_path / "logo.png"
    good.write_bytes(image_bytes())
    assert read_logo_file(good) == good.read_bytes()
    with pytest.raises(UserError, match="finnes ikke"):
        read_logo_file(tmp_path / "borte.png")
    bad = tmp_path / "logo.txt"
    bad.write_text("hei")
    with pytest.raises(UserError, match="PNG- eller JPEG"):
        read_logo_file(bad)


def test_save_audits_each_change_and_reads_back(store) -> None:  # type: ignore[no-untyped-def]
    from kpdesk.admin.audit_log import history

    with store.session() as session:
        assert get_profile(session).is_empty
        data, _ = validate_profile(RAW, image_bytes())
        changed = save_profile(session, data)
        assert set(changed) == {"name", "address", "phone", "email", "web", "coordinator", "logo"}
    with store.session() as session:
        profile = get_profile(session)
        assert profile.name == RAW["name"] and profile.phone_text == "75 00 11 22"
        assert profile.logo == data.logo
        assert profile.as_raw()["phone"] == "75 00 11 22"
        again = CentreProfileData(profile.name, profile.address, profile.phone, "ny@studiesenter.example.no",
                                  profile.web, profile.coordinator, None)
        assert save_profile(session, again) == ["email", "logo"]
    with store.session() as session:
        entries = history(session, "centre_profile")
        summaries = " ".join(e.summary for e in entries)
        assert "Fjernet logoen" in summaries and "Ny logo (PNG" in summaries
        assert any(e.field == "email" and e.new_value == "ny@studiesenter.example.no" for e in entries)
        assert all(e.new_value is None or len(e.new_value) < 300 for e in entries)  # no image in the log


def test_the_profile_is_printed_on_reports(store) -> None:  # type: ignore[no-untyped-def]
    import pypdf

    from kpdesk.reports import style
    from kpdesk.reports.facts import load_letterhead

    with store.session() as session:
        data, _ = validate_profile(RAW, image_bytes())
        save_profile(session, data)
        letterhead = load_letterhead(session)
    pdf = style.build_pdf([style.para("Innhold")], style.ReportInfo("Prøve"), letterhead)
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\u00a0", " ")
    assert "Studiesenteret i Hábmer – Hamarøy" in text
    assert "tlf. 75 00 11 22" in text and "post@studiesenter.example.no" in text
    assert b"/Subtype /Image" in pdf  # the logo
