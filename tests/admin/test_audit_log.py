"""The audit log as the GUI lists and exports it, and what erasure leaves in it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from support import stored_bytes

from kpdesk.admin import audit_log, privacy
from kpdesk.admin.audit_log import AuditFilter, audit_rows, export_audit_csv
from kpdesk.common import csvfile
from kpdesk.common.os_user import current_user
from kpdesk.db import audit
from kpdesk.db.models import AuditEntry, Booking, Room
from kpdesk.register import service as register
from kpdesk.register.validation import ContactData, EmployerData, NeedData


def entry(at: dt.datetime, user: str, action: str, entity: str, *, field: str = "", old: str | None = None,
          new: str | None = None, summary: str = "", entity_id: int | None = 1) -> AuditEntry:
    return AuditEntry(at=at, user=user, action=action, entity=entity, entity_id=entity_id, field=field,
                      old_value=old, new_value=new, summary=summary)


@pytest.fixture
def log(store) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        s.add_all([
            entry(dt.datetime(2027, 1, 10, 9), "kari", "create", "employer", summary="Ny arbeidsgiver «Østre Vefsn»"),
            entry(dt.datetime(2027, 1, 11, 9), "kari", "update", "need", field="title", old="Sveising",
                  new="Sveisesertifikat"),
            entry(dt.datetime(2027, 1, 11, 23, 59), "ola", "import", "need", entity_id=None,
                  summary="Import av 12 behov fra behov.csv"),
            entry(dt.datetime(2027, 1, 12, 0, 0), "ola", "delete", "employer", summary="Slettet «ÆRLIG MEK»"),
        ])


def summaries(rows: list[audit_log.AuditRow]) -> list[str]:
    return [r.summary or r.field for r in rows]


def test_rows_newest_first_and_each_filter(store, log) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        everything = audit_rows(s)
        assert summaries(everything) == ["Slettet «ÆRLIG MEK»", "Import av 12 behov fra behov.csv", "title",
                                         "Ny arbeidsgiver «Østre Vefsn»"]
        assert summaries(audit_rows(s, AuditFilter(entity="employer"))) == ["Slettet «ÆRLIG MEK»",
                                                                           "Ny arbeidsgiver «Østre Vefsn»"]
        assert len(audit_rows(s, AuditFilter(action="import"))) == 1
        assert len(audit_rows(s, AuditFilter(user="kari"))) == 2
        # dates are whole days, both ends included
        day = audit_rows(s, AuditFilter(date_from=dt.date(2027, 1, 11), date_to=dt.date(2027, 1, 11)))
        assert summaries(day) == ["Import av 12 behov fra behov.csv", "title"]
        assert len(audit_rows(s, AuditFilter(date_from=dt.date(2027, 1, 12)))) == 1
        # text: in values and summaries, any letter case, Norwegian letters too
        assert summaries(audit_rows(s, AuditFilter(text="ærlig"))) == ["Slettet «ÆRLIG MEK»"]
        assert summaries(audit_rows(s, AuditFilter(text="ØSTRE"))) == ["Ny arbeidsgiver «Østre Vefsn»"]
        assert summaries(audit_rows(s, AuditFilter(text="sertifikat"))) == ["title"]
        assert summaries(audit_rows(s, AuditFilter(text="endret"))) == ["title"]  # the action's Norwegian label
        assert audit_rows(s, AuditFilter(text="finnes ikke")) == []
        # combined, and limited
        assert len(audit_rows(s, AuditFilter(user="ola", entity="employer", text="slettet"))) == 1
        assert len(audit_rows(s, limit=2)) == 2
        assert len(audit_rows(s, AuditFilter(text="e"), limit=1)) == 1
        assert audit_log.audit_choices(s) == {"user": ["kari", "ola"],
                                              "action": ["create", "delete", "import", "update"],
                                              "entity": ["employer", "need"]}
    assert (audit_log.action_label("erase"), audit_log.entity_label("contact_person")) == (
        "sletting av personopplysninger", "kontaktperson")


def test_export_to_csv_is_readable_by_the_csv_reader_and_is_logged(store, log, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "logg.csv"
    with store.session() as s:
        assert export_audit_csv(s, out, AuditFilter(user="kari")) == 2
    table = csvfile.parse(out.read_bytes(), audit_log.CSV_COLUMNS)
    assert table.columns == audit_log.CSV_COLUMNS
    assert [r.values["tidspunkt"] for r in table.rows] == ["11.01.2027 09.00", "10.01.2027 09.00"]
    first = table.rows[0].values
    assert (first["handling"], first["hva"], first["fra"], first["til"]) == ("endret", "behov", "Sveising",
                                                                              "Sveisesertifikat")
    with store.session() as s:
        [newest] = audit_rows(s, AuditFilter(action="export"))
    assert (newest.action, newest.entity, newest.user) == ("export", "audit_entry", current_user())
    assert newest.summary == "Eksporterte 2 oppføringer fra endringsloggen til logg.csv."


# ---------------------------------------------------------------- erasure reaches the whole log


@pytest.fixture
def fauske(store) -> int:  # type: ignore[no-untyped-def]
    with store.session() as s:
        return register.save_employer(s, EmployerData("988077917", "Fauske kommune"))


def everything_logged(store) -> str:  # type: ignore[no-untyped-def]
    with store.session() as s:
        return " ".join(f"{e.field} {e.old_value} {e.new_value} {e.summary}" for e in audit_rows(s))


def test_a_contact_deleted_earlier_is_found_through_the_log(store, fauske: int) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        kari = register.save_contact(s, fauske, ContactData("Kari Nordmann", "HR", "kari@fauske.no", "75600000"))
    with store.session() as s:
        register.save_contact(s, fauske, ContactData("Kari Nordmann", "HR", "kari@fauske.no", "91111111"), kari)
        register.save_contact(s, fauske, ContactData("Kari N. Berg", "HR", "kari.berg@fauske.no", "91111111"), kari)
    with store.session() as s:
        register.delete_contact(s, kari)
    with store.session() as s:
        exported = privacy.person_export(s, "kari@fauske.no")
        assert exported["contacts"] == []
        assert {e["field"] for e in exported["audit"]} >= {"phone", "email", "name"}
        report = privacy.person_erase_report(s, "kari@fauske.no")
    assert (report.contacts, report.earlier_deleted) == (0, 1) and report.audit_entries >= 3
    logged = everything_logged(store)
    for value in ("Kari Nordmann", "Kari N. Berg", "kari@fauske.no", "kari.berg@fauske.no", "75600000", "91111111"):
        assert value not in logged


def test_values_are_erased_as_whole_words_in_any_case_and_phones_in_any_spacing(store, fauske: int) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        register.save_contact(s, fauske, ContactData("Per", "Personalsjef", "per@fauske.no", "91234567"))
        audit.record(s, "update", "employer", fauske, field="notes", old="Snakket med Per om Personalsjef-kurset",
                     new="PER ringer tilbake på 912 34 567 eller +47 91 23 45 67",
                     summary="Periodisk møte med per@fauske.no, tlf 91234567")
    with store.session() as s:
        privacy.person_erase(s, "per@fauske.no")
        note = s.execute(select(AuditEntry).where(AuditEntry.action == "update",
                                                   AuditEntry.field == "notes")).scalar_one()
    assert note.old_value == "Snakket med [slettet] om Personalsjef-kurset"
    assert note.new_value == "[slettet] ringer tilbake på [slettet] eller [slettet]"
    assert note.summary == "Periodisk møte med [slettet], tlf [slettet]"


def test_free_text_naming_the_person_is_exported_and_erased(store, fauske: int) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        register.save_contact(s, fauske, ContactData("Marit Sandvik", email="marit@fauske.no"))
        register.save_need(s, NeedData("988077917", "Lederkurs", headcount=2,
                                       description="Marit Sandvik ønsker oppstart i august"))
        room = Room(name="Storsalen", capacity=20)
        s.add(room)
        s.flush()
        start = dt.datetime(2027, 2, 1, 9)
        s.add(Booking(room_id=room.id, title="Møte", starts_at=start, ends_at=start + dt.timedelta(hours=1),
                      organiser="Marit Sandvik", notes="Ta med prosjektor"))
    with store.session() as s:
        exported = privacy.person_export(s, "marit@fauske.no")
        assert sorted((m["table"], m["field"]) for m in exported["mentions"]) == [("booking", "organiser"),
                                                                                 ("need", "description")]
        report = privacy.person_erase_report(s, "marit@fauske.no")
        assert report.mentions == 2
        assert [n.description for n in register.list_needs(s)] == ["[slettet] ønsker oppstart i august"]
        assert s.scalars(select(Booking.organiser)).all() == ["[slettet]"]
        assert s.scalars(select(Booking.notes)).all() == ["Ta med prosjektor"]


def test_a_name_another_remaining_contact_has_is_kept_outside_the_erased_rows(store, fauske: int) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        first = register.save_contact(s, fauske, ContactData("Ola Olsen", "Lærer", "ola1@fauske.no"))
        register.save_contact(s, fauske, ContactData("Ola Olsen", "Rektor", "ola2@fauske.no"))
    with store.session() as s:
        register.save_contact(s, fauske, ContactData("Ola Olsen", "Lektor", "ola1@fauske.no"), first)
        audit.record(s, "update", "employer", fauske, summary="Møte med Ola Olsen (rektor)")
    with store.session() as s:
        privacy.person_erase(s, "ola1@fauske.no")
        rows = audit_rows(s)
    on_first = [(r.field, r.old_value, r.new_value) for r in rows if r.entity_id == first and r.field]
    assert on_first == [("role", "[slettet]", "[slettet]")]
    assert any(r.summary == "Møte med Ola Olsen (rektor)" for r in rows)  # the other Ola is still in the log
    assert "ola1@fauske.no" not in everything_logged(store)


def test_an_erased_persons_values_leave_the_database_file(store, fauske: int, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        kari = register.save_contact(s, fauske, ContactData("Kari Nordmann", "HR", "kari@fauske.no", "75600000"))
    with store.session() as s:
        register.save_contact(s, fauske, ContactData("Kari Nordmann", "Avdelingsleder", "kari@fauske.no",
                                                     "91111111"), kari)
        audit.record(s, "update", "employer", fauske, summary="Kari Nordmann ringte")
    with store.session() as s:
        privacy.person_erase(s, "kari@fauske.no")
    store.close()
    data = stored_bytes(db_path)
    for value in (b"Kari Nordmann", b"kari@fauske.no", b"75600000", b"91111111", b"Avdelingsleder"):
        assert value not in data


def test_an_address_only_mentioned_in_free_text_is_exported_and_erased(store, fauske: int) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        register.save_need(s, NeedData("988077917", "Lederkurs", headcount=2,
                                       description="Spør tidligere leder (lise@fauske.no) om erfaringer"))
    with store.session() as s:
        exported = privacy.person_export(s, "lise@fauske.no")
        assert (exported["contacts"], len(exported["mentions"])) == ([], 1)
        assert not privacy.is_empty_export(exported)
        report = privacy.person_erase_report(s, "lise@fauske.no")
        assert (report.contacts, report.mentions, report.found) == (0, 1, True)
        assert register.list_needs(s)[0].description == "Spør tidligere leder ([slettet]) om erfaringer"
        assert privacy.person_erase_report(s, "ingen@fauske.no").found is False
        assert [r.action for r in audit_rows(s)].count("erase") == 1


def test_every_logged_kind_field_and_code_reads_in_bokmal() -> None:
    """The Endringslogg never shows a database name: every audited table's columns, actions and
    entities have a bokmål word, and code values are shown by their labels."""
    from kpdesk.admin.audit_log import FIELD_LABELS, field_label, value_label
    from kpdesk.db import models as m

    audited = (m.Employer, m.ContactPerson, m.Need, m.Provider, m.Offer, m.OfferSession, m.MatchDecision,
               m.ThesaurusTerm, m.Equipment, m.Room, m.BookingSeries, m.Booking, m.CentreProfile, m.Setting)
    internal = {"id", "created_at", "updated_at", "version", "updated_by", "employer_id", "provider_id",
                "need_id", "offer_id", "series_id", "offer_session_id"}  # version: row versions, never logged
    missing = {c.key for model in audited for c in model.__table__.c} - internal - set(FIELD_LABELS)
    assert not missing
    assert (field_label("status"), value_label("status", "mapped"), value_label("status", "matched")) == (
        "status", "kartlagt", "matchet")
    assert value_label("formats", "online,sessions") == "nettbasert, samlingsbasert"
    assert value_label("kind", "university") == "universitet/høgskole"
    assert value_label("title", "mapped") == "mapped"  # free text stays as written
    with pytest.raises(ValueError, match="Ukjent handling"):
        audit.check_kind("note", "employer")
    with pytest.raises(ValueError, match="Ukjent handling"):
        audit.check_kind("update", "match_decisions")


def test_a_decision_and_a_synonym_read_in_bokmal_in_the_log(store) -> None:  # type: ignore[no-untyped-def]
    from kpdesk.admin.audit_log import action_label, entity_label

    with store.session() as s:
        audit.record(s, "accept", "match_decision", None, field="offer", new="T0001")
        audit.record(s, "create", "thesaurus_term", None, summary="La inn standard synonymliste")
    with store.session() as s:
        rows = audit_rows(s, AuditFilter(text="matchingbeslutning"))
        assert [(action_label(r.action), entity_label(r.entity)) for r in rows] == [("valgt", "matchingbeslutning")]
        assert len(audit_rows(s, AuditFilter(text="synonym"))) == 1
