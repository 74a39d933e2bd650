"""The whole kpdesk domain as typed SQLAlchemy 2.0 mappings.

Conventions:
- Code-list values (level, format, status, …) are stored as the keys in ``kpdesk.common.codes``.
- Dates are ``Date``; times of day in the meeting place are naive local times in Europe/Oslo
  (a booking at 09:00 is at 09:00 on the wall clock, summer or winter).
- Money is whole kroner (``Integer``); credits are ``Numeric(5, 1)`` with their credit system.
- A region's centres (``Centre``, revision 0009) share one register: every employer, need and room
  belongs to one centre; a booking (and a booking series) belongs to its room's centre.
- Personal data lives only in ``contact_person``, ``person``, ``consent``, exam candidates' names and
  e-mails and invigilators' names (and in audit entries about them).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from kpdesk.common.os_user import current_user
from kpdesk.db.base import Base

# Ids of deleted rows are never handed out again, so an undone delete can restore its rows
# with their own ids (and links from audit entries stay unambiguous).
AUTOINCREMENT = {"sqlite_autoincrement": True}


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class Timestamps:
    """When a record a coordinator edits was made and last changed, by whom, and its version
    (revision 0010): every ORM UPDATE checks the version it loaded and bumps it (``version_id_col``),
    a Core UPDATE bumps it too (``onupdate``), so a save over someone else's change is refused
    (``kpdesk.db.versions``). ``updated_by`` is the OS user; "" for rows older than revision 0010."""

    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=_now, onupdate=_now, server_default=func.now()
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1",
                                         onupdate=literal_column("version + 1", Integer()))
    updated_by: Mapped[str] = mapped_column(String(100), default=current_user, onupdate=current_user,
                                            server_default="")

    @declared_attr.directive
    @classmethod
    def __mapper_args__(cls) -> dict[str, Any]:
        table = cast(Table, getattr(cls, "__table__"))  # noqa: B009 (declarative sets it before this is read)
        return {"version_id_col": table.c["version"]}


# ---------------------------------------------------------------- centres

class Centre(Base):
    """A learning centre of the region (Mo i Rana, Mosjøen, …); employers, needs and rooms belong
    to one, bookings to their room's. A database of one centre has exactly one row."""

    __tablename__ = "centre"
    __table_args__ = (AUTOINCREMENT,)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    municipality: Mapped[str | None] = mapped_column(String(4))  # where it sits


def _centre_column() -> Mapped[int]:
    """A row's centre. Services always say which; a row written without one (tests, old scripts)
    lands in the first centre, the one migration 0009 made."""
    return mapped_column(ForeignKey("centre.id", ondelete="RESTRICT"), index=True,
                         default=select(func.min(Centre.id)).scalar_subquery())


# ---------------------------------------------------------------- broker register

class Employer(Timestamps, Base):
    """An employer (hovedenhet) or one of its sub-units (underenhet), each with its own orgnr."""

    __tablename__ = "employer"
    __table_args__ = (AUTOINCREMENT,)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_number: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id", ondelete="SET NULL"), index=True)
    municipality: Mapped[str | None] = mapped_column(String(4), index=True)
    industry: Mapped[str | None] = mapped_column(String(10), index=True)  # SN2007 code, any depth
    may_be_named: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    source: Mapped[str] = mapped_column(String(200), default="", server_default="")  # where it came from
    centre_id: Mapped[int] = _centre_column()

    parent: Mapped[Employer | None] = relationship(remote_side=[id], back_populates="sub_units")
    sub_units: Mapped[list[Employer]] = relationship(back_populates="parent")
    contacts: Mapped[list[ContactPerson]] = relationship(
        back_populates="employer", cascade="all, delete-orphan", passive_deletes=True
    )
    needs: Mapped[list[Need]] = relationship(
        back_populates="employer", cascade="all, delete-orphan", passive_deletes=True
    )


class Person(Timestamps, Base):
    """An individual with education wishes of their own (not as an employee). Personal data:
    exportable and erasable on request; kept only with a lawful basis (``Consent``). No free-text
    notes (data minimisation)."""

    __tablename__ = "person"
    __table_args__ = (AUTOINCREMENT,)

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)  # "P0001": what lists and printouts show
    name: Mapped[str] = mapped_column(String(200))
    municipality: Mapped[str | None] = mapped_column(String(4), index=True)
    email: Mapped[str] = mapped_column(String(254), default="", server_default="", index=True)
    phone: Mapped[str] = mapped_column(String(20), default="", server_default="")
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id", ondelete="SET NULL"), index=True)

    consents: Mapped[list[Consent]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True, order_by="Consent.id"
    )
    needs: Mapped[list[Need]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True
    )


class Consent(Base):
    """What a person agreed to, when and how. A change adds a row: the newest row is in force."""

    __tablename__ = "consent"
    __table_args__ = (AUTOINCREMENT,)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    stored: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")  # the needs may be kept
    contact: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")  # told about offers
    statistics: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")  # anonymous counts
    given_on: Mapped[dt.date] = mapped_column(Date)
    how: Mapped[str] = mapped_column(String(40), default="", server_default="")  # skjema, e-post, muntlig, …
    text_version: Mapped[str] = mapped_column(String(20), default="", server_default="")  # the text shown
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    person: Mapped[Person] = relationship(back_populates="consents")


class ContactPerson(Timestamps, Base):
    """A named person at an employer. Personal data: exportable and erasable on request."""

    __tablename__ = "contact_person"
    __table_args__ = (AUTOINCREMENT,)

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="", server_default="")
    email: Mapped[str] = mapped_column(String(254), default="", server_default="", index=True)
    phone: Mapped[str] = mapped_column(String(20), default="", server_default="")
    legal_basis: Mapped[str] = mapped_column(String(200), default="berettiget interesse",
                                             server_default="berettiget interesse")
    registered_on: Mapped[dt.date] = mapped_column(Date, default=dt.date.today, server_default=func.current_date())

    employer: Mapped[Employer] = relationship(back_populates="contacts")


# Exactly one owner: an employer, a person, or a community (in SQL both SQLite and PostgreSQL read).
ONE_OWNER = ("(CASE WHEN employer_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN person_id IS NULL THEN 0 ELSE 1 END)"
             " + (CASE WHEN community IS NULL THEN 0 ELSE 1 END) = 1")


class Need(Timestamps, Base):
    """A competence need: what, how many, at which level, when; owned by exactly one employer, one
    person (an individual's wish, headcount 1) or one community (a municipality's four-digit
    number or a region's name: "Sykepleiere i Rødøy: 5 innen 2030")."""

    __tablename__ = "need"
    __table_args__ = (
        CheckConstraint("headcount > 0", name="headcount_positive"),
        CheckConstraint(ONE_OWNER, name="one_owner"),
        CheckConstraint("latest_start IS NULL OR earliest_start IS NULL OR latest_start >= earliest_start",
                        name="start_window_order"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)  # stable external reference
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    community: Mapped[str | None] = mapped_column(String(100), index=True)  # "1836" or "Helgeland"
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    level: Mapped[str] = mapped_column(String(20), default="open", server_default="open", index=True)
    formats: Mapped[str] = mapped_column(String(100), default="", server_default="")  # keys, comma-separated
    earliest_start: Mapped[dt.date | None] = mapped_column(Date)
    latest_start: Mapped[dt.date | None] = mapped_column(Date)
    priority: Mapped[str] = mapped_column(String(10), default="medium", server_default="medium")
    status: Mapped[str] = mapped_column(String(20), default="new", server_default="new", index=True)
    status_changed_on: Mapped[dt.date] = mapped_column(Date, default=dt.date.today,
                                                       server_default=func.current_date())
    funding_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    source: Mapped[str] = mapped_column(String(200), default="", server_default="")  # "kompetansekartlegging 2026"
    horizon: Mapped[int | None] = mapped_column(Integer)  # the year it is needed by ("innen 2030")
    # the day the need was recorded (revision 0008; older needs: the day they were created)
    registered: Mapped[dt.date] = mapped_column(Date, default=dt.date.today, server_default=func.current_date(),
                                                index=True)
    centre_id: Mapped[int] = _centre_column()

    employer: Mapped[Employer | None] = relationship(back_populates="needs")
    person: Mapped[Person | None] = relationship(back_populates="needs")
    status_history: Mapped[list[NeedStatusChange]] = relationship(
        back_populates="need", cascade="all, delete-orphan", passive_deletes=True,
        order_by="NeedStatusChange.changed_on",
    )
    decisions: Mapped[list[MatchDecision]] = relationship(
        back_populates="need", cascade="all, delete-orphan", passive_deletes=True
    )


class NeedStatusChange(Base):
    """When each status of a need was set."""

    __tablename__ = "need_status_change"
    __table_args__ = (AUTOINCREMENT,)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    changed_on: Mapped[dt.date] = mapped_column(Date)

    need: Mapped[Need] = relationship(back_populates="status_history")


# ---------------------------------------------------------------- providers and offers

class Provider(Timestamps, Base):
    __tablename__ = "provider"
    __table_args__ = (AUTOINCREMENT,)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(30), default="other", server_default="other")
    web: Mapped[str] = mapped_column(String(300), default="", server_default="")
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")

    offers: Mapped[list[Offer]] = relationship(back_populates="provider")


class Offer(Timestamps, Base):
    """A course offer from a provider, with its session dates (samlinger)."""

    __tablename__ = "offer"
    __table_args__ = (
        CheckConstraint("seats_min IS NULL OR seats_max IS NULL OR seats_min <= seats_max", name="seats_order"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates_order"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    keywords: Mapped[str] = mapped_column(Text, default="", server_default="")
    credits: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    credit_system: Mapped[str] = mapped_column(String(10), default="none", server_default="none")
    level: Mapped[str] = mapped_column(String(20), default="open", server_default="open")
    format: Mapped[str] = mapped_column(String(20), default="campus", server_default="campus")
    municipality: Mapped[str | None] = mapped_column(String(4))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    application_deadline: Mapped[dt.date | None] = mapped_column(Date)
    seats_min: Mapped[int | None] = mapped_column(Integer)
    seats_max: Mapped[int | None] = mapped_column(Integer)
    price_nok: Mapped[int | None] = mapped_column(Integer)

    provider: Mapped[Provider] = relationship(back_populates="offers")
    sessions: Mapped[list[OfferSession]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", passive_deletes=True,
        order_by="OfferSession.starts_at",
    )


class OfferSession(Base):
    """One session block (samling) of an offer, which the room schedule can book."""

    __tablename__ = "offer_session"
    __table_args__ = (AUTOINCREMENT,)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime)
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")

    offer: Mapped[Offer] = relationship(back_populates="sessions")


class MatchDecision(Base):
    """The coordinator's accept or reject of a proposed need–offer match, with a note."""

    __tablename__ = "match_decision"
    __table_args__ = (UniqueConstraint("need_id", "offer_id", name="uq_match_decision_pair"), AUTOINCREMENT)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(10))  # accepted | rejected
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)

    need: Mapped[Need] = relationship(back_populates="decisions")
    offer: Mapped[Offer] = relationship()


class ThesaurusTerm(Base):
    """A synonym: terms sharing a ``group_key`` mean the same thing to the matcher."""

    __tablename__ = "thesaurus_term"
    __table_args__ = (UniqueConstraint("group_key", "term", name="uq_thesaurus_term_group_term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_key: Mapped[str] = mapped_column(String(100), index=True)
    term: Mapped[str] = mapped_column(String(100))


# ---------------------------------------------------------------- meeting place

room_equipment = Table(
    "room_equipment",
    Base.metadata,
    Column("room_id", Integer, ForeignKey("room.id", ondelete="CASCADE"), primary_key=True),
    Column("equipment_id", Integer, ForeignKey("equipment.id", ondelete="CASCADE"), primary_key=True),
)

booking_equipment = Table(
    "booking_equipment",
    Base.metadata,
    Column("booking_id", Integer, ForeignKey("booking.id", ondelete="CASCADE"), primary_key=True),
    Column("equipment_id", Integer, ForeignKey("equipment.id", ondelete="CASCADE"), primary_key=True),
)


class Equipment(Base):
    """An item of the editable equipment list (videokonferanse, projektor, …)."""

    __tablename__ = "equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Room(Timestamps, Base):
    __tablename__ = "room"
    __table_args__ = (CheckConstraint("capacity > 0", name="capacity_positive"), AUTOINCREMENT)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    capacity: Mapped[int] = mapped_column(Integer)
    opens_at: Mapped[dt.time] = mapped_column(Time, default=dt.time(8, 0))
    closes_at: Mapped[dt.time] = mapped_column(Time, default=dt.time(16, 0))
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    site: Mapped[str] = mapped_column(String(100), default="", server_default="")  # 'Mosjøen'; "" if one site
    centre_id: Mapped[int] = _centre_column()

    equipment: Mapped[list[Equipment]] = relationship(secondary=room_equipment, order_by="Equipment.name")


class BookingSeries(Timestamps, Base):
    """A recurring booking: an RFC 5545 RRULE from a local start time, expanded into bookings.

    Each occurrence is its own ``Booking`` row with its own state, so editing the series keeps
    cancelled and moved occurrences as they are.
    """

    __tablename__ = "booking_series"
    __table_args__ = (AUTOINCREMENT,)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="other")
    rrule: Mapped[str] = mapped_column(Text)
    first_start: Mapped[dt.datetime] = mapped_column(DateTime)  # local wall-clock time
    duration_minutes: Mapped[int] = mapped_column(Integer)
    organiser: Mapped[str] = mapped_column(String(200), default="", server_default="")
    attendees: Mapped[int | None] = mapped_column(Integer)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offer.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")  # as Booking.public

    room: Mapped[Room] = relationship()
    bookings: Mapped[list[Booking]] = relationship(back_populates="series", order_by="Booking.starts_at")


class Booking(Timestamps, Base):
    """One booking of a room, alone or as one occurrence of a series."""

    __tablename__ = "booking"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_booking_room_time", "room_id", "starts_at", "ends_at"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="RESTRICT"))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("booking_series.id", ondelete="CASCADE"), index=True)
    recurrence_start: Mapped[dt.datetime | None] = mapped_column(DateTime)  # the series' original start
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="other")
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime)  # local wall-clock time
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(12), default="active", server_default="active")
    state_reason: Mapped[str] = mapped_column(Text, default="", server_default="")  # why skipped/cancelled
    is_exception: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")  # changed alone
    organiser: Mapped[str] = mapped_column(String(200), default="", server_default="")
    attendees: Mapped[int | None] = mapped_column(Integer)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offer.id", ondelete="SET NULL"), index=True)
    offer_session_id: Mapped[int | None] = mapped_column(ForeignKey("offer_session.id", ondelete="SET NULL"))
    arrival_buffer_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # exams
    invigilators: Mapped[int | None] = mapped_column(Integer)
    override_reason: Mapped[str] = mapped_column(Text, default="", server_default="")  # booked despite a clash
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    # «Vis på oppslag»: printed schedules and door signs show the title; otherwise only «Opptatt».
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    room: Mapped[Room] = relationship()
    series: Mapped[BookingSeries | None] = relationship(back_populates="bookings")
    equipment: Mapped[list[Equipment]] = relationship(secondary=booking_equipment)


# ---------------------------------------------------------------- centre, settings, audit

class CentreProfile(Base):
    """The learning centre's own details, printed on every document (one row)."""

    __tablename__ = "centre_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    address: Mapped[str] = mapped_column(Text, default="", server_default="")
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    web: Mapped[str] = mapped_column(String(300), default="", server_default="")
    coordinator: Mapped[str] = mapped_column(String(200), default="", server_default="")
    logo_png: Mapped[bytes | None] = mapped_column(LargeBinary)


class Setting(Base):
    """Database-wide settings as key/value text (retention months, home county, …)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """Who changed what, when. Personal values of erased persons are scrubbed from here too."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, index=True)
    user: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))  # create | update | delete | import | erase | …
    entity: Mapped[str] = mapped_column(String(40), index=True)
    entity_id: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(60), default="", server_default="")
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    # which open store wrote it (``Store.origin``, revision 0010): the window tells others' changes from its own
    origin: Mapped[str] = mapped_column(String(32), default="", server_default="")


# ---------------------------------------------------------------- regions (revision 0002)

class Region(Base):
    """A configurable grouping of municipalities (Salten, Helgeland, …); one may be in several."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    municipalities: Mapped[list[RegionMunicipality]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="RegionMunicipality.municipality"
    )


class RegionMunicipality(Base):
    __tablename__ = "region_municipality"

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), primary_key=True)
    municipality: Mapped[str] = mapped_column(String(4), primary_key=True)


# ---------------------------------------------------------------- erasures (revision 0004)

class ErasureRecord(Base):
    """One erasure of personal data, kept so that a restore from an older backup can do it again.

    Holds no personal data: the ids of the erased contact rows (gone from this file, still in
    older copies, where the ids find them again) and the names of the backup files that were
    left holding the person.
    """

    __tablename__ = "erasure_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)  # the same record in every copy of the file
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    contact_ids: Mapped[str] = mapped_column(Text, default="", server_default="")  # "12,15"
    person_ids: Mapped[str] = mapped_column(Text, default="", server_default="")  # "3,7" (revision 0006)
    candidate_ids: Mapped[str] = mapped_column(Text, default="", server_default="")  # exam candidates (0007)
    backups_kept: Mapped[str] = mapped_column(Text, default="", server_default="")  # file names, one a line


# ---------------------------------------------------------------- exams (revision 0007)

class ExamSitting(Timestamps, Base):
    """An exam held at the centre for an institution: one exam booking (1:1), the fee the centre
    invoices per candidate, its invigilators and candidates. The booking's start is the exam's
    start; its end covers the ordinary ``duration_minutes`` and the longest extra time of the
    candidates sitting in the room."""

    __tablename__ = "exam_sitting"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint("fee_per_candidate >= 0", name="fee_not_negative"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)  # "EKS-2027-01": what files and prints name
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="RESTRICT"), unique=True)
    institution: Mapped[str] = mapped_column(String(200), index=True)  # "Nord universitet"
    course_code: Mapped[str] = mapped_column(String(40))  # "SYK2001"
    title: Mapped[str] = mapped_column(String(300))
    duration_minutes: Mapped[int] = mapped_column(Integer)  # the ordinary time, without extra time
    fee_per_candidate: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(0), server_default="0")

    booking: Mapped[Booking] = relationship()
    candidates: Mapped[list[ExamCandidate]] = relationship(
        back_populates="sitting", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ExamCandidate.candidate_no",
    )
    invigilators: Mapped[list[ExamInvigilator]] = relationship(
        back_populates="sitting", cascade="all, delete-orphan", passive_deletes=True, order_by="ExamInvigilator.id",
    )


class ExamInvigilator(Base):
    """One invigilator (eksamensvakt) of a sitting and the hours they are paid for. Personal data
    (a name): erasure scrubs it like free text."""

    __tablename__ = "exam_invigilator"
    __table_args__ = (CheckConstraint("hours >= 0", name="hours_not_negative"), AUTOINCREMENT)

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("exam_sitting.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))

    sitting: Mapped[ExamSitting] = relationship(back_populates="invigilators")


class ExamCandidate(Base):
    """A candidate of a sitting, by the institution's candidate number. Name and e-mail are
    personal data: retention blanks them a set number of days after the exam (``erased``), and
    ``person export|erase`` find them by e-mail; the number and status stay for the invoice basis.
    Accommodation is what is granted (extra minutes, a separate room), never why."""

    __tablename__ = "exam_candidate"
    __table_args__ = (
        UniqueConstraint("sitting_id", "candidate_no", name="uq_exam_candidate_number"),
        CheckConstraint("extra_minutes >= 0", name="extra_minutes_not_negative"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("exam_sitting.id", ondelete="CASCADE"), index=True)
    candidate_no: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    email: Mapped[str] = mapped_column(String(254), default="", server_default="", index=True)
    extra_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    separate_room: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # the second room's booking for a separate-room candidate (None until it is booked)
    room_booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="registered", server_default="registered")
    status_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # check-in on the day
    erased: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")  # name and e-mail removed

    sitting: Mapped[ExamSitting] = relationship(back_populates="candidates")


# ---------------------------------------------------------------- course runs (revision 0008)

course_run_need = Table(
    "course_run_need",
    Base.metadata,
    Column("run_id", Integer, ForeignKey("course_run.id", ondelete="CASCADE"), primary_key=True),
    Column("need_id", Integer, ForeignKey("need.id", ondelete="CASCADE"), primary_key=True, index=True),
)

course_run_booking = Table(
    "course_run_booking",
    Base.metadata,
    Column("run_id", Integer, ForeignKey("course_run.id", ondelete="CASCADE"), primary_key=True),
    Column("booking_id", Integer, ForeignKey("booking.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class CourseRun(Timestamps, Base):
    """One run (gjennomføring) of an offer for a group: its status (``codes.RUN_STATUSES``), dates,
    participants at start, how many completed and the studiepoeng they passed in all (as the
    provider reports them), co-funding, the needs it serves and its session days' bookings."""

    __tablename__ = "course_run"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates_order"),
        CheckConstraint("participants IS NULL OR participants >= 0", name="participants_not_negative"),
        CheckConstraint("completed IS NULL OR (completed >= 0 AND (participants IS NULL OR completed <= participants))",
                        name="completed_within_participants"),
        CheckConstraint("credits_passed IS NULL OR credits_passed >= 0", name="credits_not_negative"),
        CheckConstraint("cofunding_nok IS NULL OR cofunding_nok >= 0", name="cofunding_not_negative"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)  # "G0001"
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="planned", server_default="planned", index=True)
    start_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    participants: Mapped[int | None] = mapped_column(Integer)  # at start
    completed: Mapped[int | None] = mapped_column(Integer)
    credits_passed: Mapped[Decimal | None] = mapped_column(Numeric(7, 1))  # all participants together
    cofunding_source: Mapped[str] = mapped_column(String(200), default="", server_default="")  # "Nordland fylke"
    cofunding_nok: Mapped[int | None] = mapped_column(Integer)  # whole kroner

    offer: Mapped[Offer] = relationship()
    needs: Mapped[list[Need]] = relationship(secondary=course_run_need, order_by="Need.ref")
    bookings: Mapped[list[Booking]] = relationship(secondary=course_run_booking, order_by="Booking.starts_at")
