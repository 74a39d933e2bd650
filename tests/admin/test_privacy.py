"""Right of access and erasure for contact persons: all their data out, then all of it gone."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select
from support import sqlite_only

from kpdesk.admin import privacy
from kpdesk.admin.audit_log import history
from kpdesk.db.models import AuditEntry, ContactPerson
from kpdesk.register import service as register
from kpdesk.register.service import NotFoundError
from kpdesk.register.validation import ContactData, EmployerData, NeedData

MARIT = ContactData("Marit Sandvik", "HR-sjef", "marit@fauske.no", "75600000")


@pytest.fixture
def people(store) -> dict[str, int]:
    """Marit is contact at two employers (same e-mail); Per at one. Fauske has a need."""
    with store.session() as s:
        fauske = register.save_employer(s, EmployerData("988077917", "Fauske kommune"))
        saltdal = register.save_employer(s, EmployerData("974112345", "Saltdal Trelast AS"))
        ids = {"fauske": fauske, "saltdal": saltdal}
        ids["marit"] = register.save_contact(s, fauske, MARIT)
        ids["marit2"] = register.save_contact(s, saltdal, ContactData("Marit Sandvik", email="Marit@Fauske.no"))
        ids["per"] = register.save_contact(s, fauske, ContactData("Per Hansen", email="per@fauske.no"))
        register.save_need(s, NeedData("988077917", "Lederutdanning", headcount=4))
    with store.session() as s:
        register.save_contact(s, fauske, ContactData("Marit Sandvik", "Personalsjef", "marit@fauske.no", "91234567"),
                              ids["marit"])
    return ids


def test_person_export_holds_everything_about_them(store, people) -> None:
    with store.session() as s:
        exported = privacy.person_export(s, " MARIT@fauske.no ")
    json.dumps(exported)  # plain JSON values
    assert exported["subject"] == "marit@fauske.no"
    assert [(c["id"], c["employer_name"], c["name"], c["role"], c["phone"]) for c in exported["contacts"]] == [
        (people["marit"], "Fauske kommune", "Marit Sandvik", "Personalsjef", "91234567"),
        (people["marit2"], "Saltdal Trelast AS", "Marit Sandvik", "", ""),
    ]
    entries = [(e["action"], e["field"], e["old_value"], e["new_value"]) for e in exported["audit"]]
    assert ("update", "phone", "75600000", "91234567") in entries
    assert ("update", "role", "HR-sjef", "Personalsjef") in entries
    assert sum(e["action"] == "create" for e in exported["audit"]) == 2
    assert all(e["entity_id"] != people["per"] for e in exported["audit"])


def test_person_export_of_an_unknown_address(store, people) -> None:
    with store.session() as s:
        exported = privacy.person_export(s, "ingen@fauske.no")
    assert (exported["contacts"], exported["audit"]) == ([], [])


def test_person_erase_removes_and_scrubs(store, people) -> None:
    with store.session() as s:
        needs_before = register.list_needs(s)
        assert privacy.person_erase(s, "marit@fauske.no") == 2
    with store.session() as s:
        assert [c.name for c in register.list_contacts(s, people["fauske"])] == ["Per Hansen"]
        assert register.list_contacts(s, people["saltdal"]) == []
        assert register.list_needs(s) == needs_before
        assert [e.contacts for e in register.list_employers(s)] == [1, 0]
        entries = history(s)
        assert privacy.person_export(s, "marit@fauske.no")["contacts"] == []
    everything = " ".join(f"{e.old_value} {e.new_value} {e.summary}" for e in entries)
    for value in ("Marit", "marit@fauske.no", "75600000", "91234567", "HR-sjef", "Personalsjef"):
        assert value not in everything
    assert entries[0].action == "erase"
    assert entries[0].summary == ("Slettet personopplysninger etter forespørsel: 2 kontaktpersoner hos "
                                  "2 arbeidsgivere")
    scrubbed = [e for e in entries if e.entity_id == people["marit"] and e.field in ("role", "phone")]
    assert [(e.old_value, e.new_value) for e in scrubbed] == [("[slettet]", "[slettet]")] * 2
    # Per is untouched
    assert any(e.entity_id == people["per"] and e.action == "create" for e in entries)


def test_erase_scrubs_personal_values_anywhere_in_the_log(store, people) -> None:
    from kpdesk.db import audit

    with store.session() as s:
        audit.record(s, "update", "employer", people["fauske"], field="contact", old="Marit Sandvik",
                     summary="Ringte Marit Sandvik om kurset")
    with store.session() as s:
        privacy.person_erase(s, "marit@fauske.no")
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "update",
                                                    AuditEntry.field == "contact")).scalar_one()
    assert (entry.old_value, entry.summary) == ("[slettet]", "Ringte [slettet] om kurset")


@sqlite_only("the values in the file's own pages, checkpointed from the -wal")
def test_erased_values_are_gone_from_the_database_file(store, people, db_path) -> None:
    with store.engine.connect() as conn:  # the values are in the file itself, not only in the log
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert b"marit@fauske.no" in db_path.read_bytes()
    with store.session() as s:
        privacy.person_erase(s, "marit@fauske.no")
    store.close()  # the last connection checkpoints the write-ahead log into the file
    data = db_path.read_bytes()
    for value in (b"marit@fauske.no", b"91234567", b"Personalsjef"):
        assert value not in data


def test_contact_export_and_erase(store, people) -> None:
    with store.session() as s:
        exported = privacy.contact_export(s, people["marit2"])
        assert [c["employer_name"] for c in exported["contacts"]] == ["Saltdal Trelast AS"]
        assert privacy.contact_erase(s, people["marit2"]) == 1
        assert [c["id"] for c in privacy.person_export(s, "marit@fauske.no")["contacts"]] == [people["marit"]]
        with pytest.raises(NotFoundError):
            privacy.contact_export(s, people["marit2"])
        with pytest.raises(NotFoundError):
            privacy.contact_erase(s, people["marit2"])
        assert s.execute(select(func.count()).select_from(ContactPerson)).scalar_one() == 2


def test_nothing_personal_reaches_python_logging(store, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with store.session() as s:
        employer_id = register.save_employer(s, EmployerData("988077917", "Fauske kommune"))
        contact_id = register.save_contact(s, employer_id, MARIT)
        register.save_contact(s, employer_id, ContactData("Marit S.", email="ms@fauske.no"), contact_id)
        privacy.person_export(s, "ms@fauske.no")
        privacy.person_erase(s, "ms@fauske.no")
    assert "Marit" not in caplog.text and "fauske.no" not in caplog.text
