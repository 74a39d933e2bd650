"""The learning centre's own details, printed in the header and footer of every report.

One row (``CentreProfile``): name, postal address, phone, e-mail, web address, the coordinator
who signs the documents, and a logo. ``validate_profile`` judges raw text the way the register
does (``kpdesk.register.validation`` parsers, every problem collected); ``save_profile`` writes the row
with one audit entry per changed field. The logo is kept as the image file's own bytes (PNG or
JPEG, at most ``MAX_LOGO_BYTES`` and ``MAX_LOGO_PIXELS`` on a side); ``check_logo`` refuses
anything else with a sentence that says why, before it reaches the database or a PDF.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpdesk.common.errors import UserError, os_reason
from kpdesk.common.fields import (
    Collector,
    FieldError,
    Problem,
    parse_email,
    parse_line,
    parse_phone,
    parse_required_text,
    parse_text,
)
from kpdesk.common.norsk import format_phone
from kpdesk.db import audit
from kpdesk.db.models import CentreProfile

CENTRE = "centre_profile"
MAX_NAME = 200
MAX_ADDRESS = 500
MAX_WEB = 300
MAX_COORDINATOR = 200
MAX_LOGO_BYTES = 1_000_000
MAX_LOGO_PIXELS = 4000
MIN_LOGO_PIXELS = 16

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_WEB = re.compile(r"^(?:https?://)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?::\d{1,5})?(?:/\S*)?$",
                  re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CentreProfileData:
    """The centre's details as typed values (what ``save_profile`` writes)."""

    name: str
    address: str = ""
    phone: str = ""  # eight digits for a Norwegian number, "+…" for a foreign one
    email: str = ""
    web: str = ""
    coordinator: str = ""
    logo: bytes | None = None  # PNG or JPEG file bytes


@dataclass(frozen=True, slots=True)
class CentreProfileRow:
    """The stored profile (empty strings before anything is saved)."""

    name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    web: str = ""
    coordinator: str = ""
    logo: bytes | None = None

    @property
    def is_empty(self) -> bool:
        return not self.name

    @property
    def phone_text(self) -> str:
        """'75 00 00 00': grouped in pairs as the numbering rules say."""
        return format_phone(self.phone)

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    def as_raw(self) -> dict[str, str]:
        """The profile as the form's text fields (what ``validate_profile`` reads back)."""
        return {"name": self.name, "address": self.address, "phone": self.phone_text, "email": self.email,
                "web": self.web, "coordinator": self.coordinator}


# ---------------------------------------------------------------- parsers

def parse_web(text: str) -> str:
    """A web address such as "https://kph.no" or "www.kph.no"; empty is allowed."""
    cleaned = (text or "").replace("\u00a0", " ").strip()
    if not cleaned:
        return ""
    if len(cleaned) > MAX_WEB:
        raise FieldError(f"Nettadressen er for lang: {len(cleaned)} tegn, høyst {MAX_WEB}")
    if not _WEB.match(cleaned):
        raise FieldError(f"«{cleaned}» er ikke en nettadresse (skriv for eksempel https://studiesenter.no)")
    return cleaned


def logo_kind(data: bytes) -> str | None:
    """'PNG' or 'JPEG' from the file's first bytes, else None."""
    if data.startswith(_PNG):
        return "PNG"
    if data.startswith(_JPEG):
        return "JPEG"
    return None


def check_logo(data: bytes) -> bytes:
    """The logo's bytes when they are a readable PNG or JPEG of a sensible size; FieldError otherwise."""
    if not data:
        raise FieldError("Logofilen er tom")
    if len(data) > MAX_LOGO_BYTES:
        raise FieldError(f"Logoen er for stor: {len(data) // 1000} kB, høyst {MAX_LOGO_BYTES // 1000} kB. "
                         "Lagre den mindre (for eksempel 600 punkter bred) og prøv igjen")
    kind = logo_kind(data)
    if kind is None:
        raise FieldError("Logoen må være et PNG- eller JPEG-bilde")
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise FieldError(f"Logoen kan ikke leses som {kind}-bilde (filen er skadet: {exc})") from None
    if max(width, height) > MAX_LOGO_PIXELS:
        raise FieldError(f"Logoen er {width} × {height} punkter; høyst {MAX_LOGO_PIXELS} på den lengste siden")
    if min(width, height) < MIN_LOGO_PIXELS:
        raise FieldError(f"Logoen er bare {width} × {height} punkter; den blir uleselig på papir")
    return data


def read_logo_file(path: str | os.PathLike[str]) -> bytes:
    """A logo from an image file, checked (``check_logo``); UserError with the reason otherwise."""
    target = Path(path).expanduser()
    try:
        size = target.stat().st_size
        if size > MAX_LOGO_BYTES:
            raise UserError(f"{target.name} er for stor til logo: {size // 1000} kB, høyst "
                            f"{MAX_LOGO_BYTES // 1000} kB.")
        data = target.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{target} finnes ikke.") from None
    except IsADirectoryError:
        raise UserError(f"{target} er en mappe, ikke en bildefil.") from None
    except PermissionError:
        raise UserError(f"Har ikke lov til å lese {target}.") from None
    except OSError as exc:
        raise UserError(f"Kan ikke lese {target}: {os_reason(exc)}.") from None
    try:
        return check_logo(data)
    except FieldError as exc:
        raise UserError(f"{target.name}: {exc.message}.") from None


def validate_profile(raw: Mapping[str, str | None], logo: bytes | None = None
                     ) -> tuple[CentreProfileData | None, list[Problem]]:
    """The profile from the form's text fields (name, address, phone, email, web, coordinator) and a logo."""
    get = Collector(raw)
    name = get("name", parse_required_text, "Navnet på studiesenteret", MAX_NAME)
    address = get("address", parse_text, "Adressen", MAX_ADDRESS)
    phone = get("phone", parse_phone)
    email = get("email", parse_email)
    web = get("web", parse_web)
    coordinator = get("coordinator", parse_line, "Koordinatoren", MAX_COORDINATOR)
    checked_logo = None
    if logo:
        try:
            checked_logo = check_logo(logo)
        except FieldError as exc:
            get.error("logo", exc.message)
    if not get.ok:
        return None, get.problems
    address = "\n".join(line.strip() for line in (address or "").splitlines() if line.strip())
    return CentreProfileData(name, address, phone or "", email or "", web or "", coordinator or "",
                             checked_logo), get.problems


# ---------------------------------------------------------------- reads and writes

def _row(session: Session) -> CentreProfile | None:
    return session.scalars(select(CentreProfile).order_by(CentreProfile.id).limit(1)).first()


def get_profile(session: Session) -> CentreProfileRow:
    """The centre's details (an empty profile when none are saved yet)."""
    row = _row(session)
    if row is None:
        return CentreProfileRow()
    return CentreProfileRow(row.name or "", row.address or "", row.phone or "", row.email or "", row.web or "",
                            row.coordinator or "", bytes(row.logo_png) if row.logo_png else None)


def save_profile(session: Session, data: CentreProfileData) -> list[str]:
    """Write the profile (creating the row the first time); returns the fields that changed.

    Each changed text field gets an audit entry with the old and new value; a new or removed
    logo gets one entry that says so (the image itself is not copied into the log).
    """
    row = _row(session)
    if row is None:
        row = CentreProfile()
        session.add(row)
        session.flush()
        audit.record(session, "create", CENTRE, row.id, summary=f"La inn senterprofilen for {data.name}")
    changed: list[str] = []
    for field in ("name", "address", "phone", "email", "web", "coordinator"):
        old, new = getattr(row, field) or "", getattr(data, field)
        if old != new:
            setattr(row, field, new)
            audit.record(session, "update", CENTRE, row.id, field=field, old=old or None, new=new or None)
            changed.append(field)
    old_logo = bytes(row.logo_png) if row.logo_png else None
    if old_logo != data.logo:
        row.logo_png = data.logo
        if data.logo is None:
            summary = "Fjernet logoen"
        else:
            summary = f"Ny logo ({logo_kind(data.logo)}, {max(1, len(data.logo) // 1000)} kB)"
        audit.record(session, "update", CENTRE, row.id, field="logo", summary=summary)
        changed.append("logo")
    session.flush()
    return changed
