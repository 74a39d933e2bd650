"""Erase means gone: every value the person ever had, from the file, its log and its backups,
and a restore of an older copy does the erasure again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select
from support import damage_index_page, sqlite_only, stored_bytes

from kpdesk.admin import erasure
from kpdesk.db import backup
from kpdesk.db.models import ContactPerson, ErasureRecord
from kpdesk.db.store import Store
from kpdesk.register import service as register
from kpdesk.register.validation import ContactData, EmployerData, NeedData

NAME = "Zyxwvu Testperson"
EMAIL = "zyxwvu@fauske.no"
OLD_PHONE, NEW_PHONE = "41234567", "98765432"
TRACES = ("Zyxwvu", "zyxwvu", "ZYXWVU", OLD_PHONE, NEW_PHONE, "412 34 567", "41 23 45 67")


def traces_in(db: Any) -> list[str]:
    """The person's values found anywhere in the database (a store, or a file and its -wal as raw bytes,
    free pages too: ``support.stored_bytes``)."""
    data = stored_bytes(db)
    return [t for t in TRACES if t.encode() in data]


@pytest.fixture
def person(store: Store) -> dict[str, int]:
    """Zyxwvu at Fauske, whose phone was changed once, and named in free text in several spellings."""
    with store.session() as s:
        fauske = register.save_employer(s, EmployerData(
            "988077917", "Fauske kommune",
            notes=f"Ring {NAME.replace(' ', chr(0xA0))} på 412 34 567 før jul.\nAvtalt med Zyxwvu\nTestperson."))
        other = register.save_employer(s, EmployerData("974112345", "Saltdal Trelast AS"))
        contact = register.save_contact(s, fauske, ContactData(NAME, "HR-sjef", EMAIL, OLD_PHONE))
        register.save_contact(s, other, ContactData("Per Hansen", email="per@saltdal.no"))
        register.save_need(s, NeedData("988077917", "Lederutdanning", headcount=4,
                                       description="zyxwvu testpersons ønske: ledelse i praksis"))
    with store.session() as s:
        register.save_contact(s, fauske, ContactData(NAME, "HR-sjef", EMAIL, NEW_PHONE), contact)
    return {"fauske": fauske, "contact": contact}


def test_erase_leaves_no_value_the_person_ever_had_in_the_file_or_its_log(store: Store, person) -> None:
    assert traces_in(store)  # the test can see them before
    outcome = erasure.erase_person(store, " ZYXWVU@Fauske.no ")
    assert outcome.report.contacts == 1
    assert outcome.log_cleared
    assert traces_in(store) == []
    with store.session() as s:
        notes = register.get_employer(s, person["fauske"]).notes
        assert notes.count("[slettet]") == 3, notes  # NBSP, the old phone with spaces, the line break
        description = register.list_needs(s)[0].description
        assert description.startswith("[slettet] ønske"), description
        assert [c.name for c in s.scalars(select(ContactPerson))] == ["Per Hansen"]


@sqlite_only("the -wal emptied while another connection holds the file")
def test_the_log_is_emptied_while_a_window_holds_the_database_open(store: Store, person) -> None:
    viewer = Store.open(store.path)  # a second store on the same file in this process: the window
    try:
        with viewer.session() as s:  # its pooled connection has read the person and stays open
            assert register.list_contacts(s, person["fauske"])
        outcome = erasure.erase_person(store, EMAIL)
        assert outcome.log_cleared
        wal = store.path.with_name(store.path.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0
        assert traces_in(store) == []
    finally:
        viewer.close()


def test_an_address_with_an_invisible_character_is_erased_by_its_plain_address(store: Store, person) -> None:
    with store.session() as s:
        s.execute(insert(ContactPerson).values(employer_id=person["fauske"], name="Ola Skjult",
                                               email="ola\u200b@fauske.no", registered_on=dt.date(2026, 1, 5)))
    outcome = erasure.erase_person(store, "ola@fauske.no")
    assert outcome.report.contacts == 1


@sqlite_only("copies of the file in the backups folder")
def test_backups_holding_the_person_are_named_and_listed_in_the_erasure_record(store: Store, person) -> None:
    copy = backup.create_backup(store.path, "manual")
    outcome = erasure.erase_person(store, EMAIL)
    assert outcome.kept == (copy.path,)
    assert any(copy.path.name in line for line in outcome.sentences())
    with store.session() as s:
        record = s.scalars(select(ErasureRecord)).one()
    assert record.backups_kept == copy.path.name
    assert record.contact_ids == str(person["contact"])
    assert NAME not in record.backups_kept + record.contact_ids


@sqlite_only("copies of the file in the backups folder")
def test_purge_erases_the_person_from_the_backups_too(store: Store, person) -> None:
    copy = backup.create_backup(store.path, "manual")
    outcome = erasure.erase_person(store, EMAIL, backups="purge")
    assert (outcome.purged, outcome.kept) == ((copy.path,), ())
    assert traces_in(copy.path) == []
    assert backup.verify_database_file(copy.path)  # still a good copy to restore from
    with store.session() as s:
        assert s.scalars(select(ErasureRecord.backups_kept)).one() == ""


@sqlite_only("copies of the file in the backups folder")
def test_purge_later_from_the_backups_the_record_lists(store: Store, person) -> None:
    copy = backup.create_backup(store.path, "manual")
    outcome = erasure.erase_person(store, EMAIL)
    assert outcome.kept == (copy.path,)
    later = erasure.purge_backups(store, outcome.report.token)
    assert (later.purged, later.kept) == ((copy.path,), ())
    assert traces_in(copy.path) == []


@sqlite_only("restoring a copy of the file")
def test_restoring_a_copy_of_an_older_schema_leaves_no_backup_holding_an_erased_person(
        store: Store, person, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = backup.create_backup(store.path, "manual")
    erasure.erase_person(store, EMAIL)  # the copy keeps them, and the erasure record says so
    path = store.path
    store.close()
    opening = Store.open

    def upgrading(target: Path, **options: object) -> Store:  # what opening an older copy does first
        backup.create_backup(target, "before-migration")
        return opening(target, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "open", upgrading)
    restored = erasure.restore_keeping_erasures(path, copy.path)
    assert restored.erased_again == 1 and traces_in(path) == []
    holding = [b.reason for b in backup.list_backups(path) if b.path != copy.path and traces_in(b.path)]
    assert holding == [], holding  # no «before-migration» copy of the restored file keeps them


@sqlite_only("copies of the file in the backups folder")
def test_a_backup_purge_leaves_alone_cannot_be_called_clean(store: Store, person, monkeypatch) -> None:
    """A copy from before an upgrade (an older schema) is not changed by a purge: it stays listed."""
    copy = backup.create_backup(store.path, "manual")
    outcome = erasure.erase_person(store, EMAIL)
    monkeypatch.setattr(erasure, "_revision", lambda path: "0001")  # as an older copy reads
    later = erasure.purge_backups(store, outcome.report.token)
    assert later.purged == () and later.kept == (copy.path,)
    assert traces_in(copy.path)  # still there, and said so


def test_a_phone_number_written_with_spaces_is_found_in_a_file(tmp_path: Path) -> None:
    path = tmp_path / "kopi.sqlite"
    path.write_bytes(b"...Ring 912 34 567 f\xc3\xb8r jul...")
    from kpdesk.admin.privacy import value_matcher

    text = path.read_bytes().decode("utf-8")
    for value in ("91234567", "+4791234567", "91234568", "912 34 567"):  # the bytes follow the text rule
        matcher = value_matcher([value])
        assert erasure.file_holds(path, [value]) == bool(matcher and matcher.search(text)), value
    assert erasure.file_holds(path, ["91234567"]) and not erasure.file_holds(path, ["91234568"])


@sqlite_only("restoring a copy of the file")
def test_a_restore_of_an_older_copy_erases_the_person_again(store: Store, person) -> None:
    copy = backup.create_backup(store.path, "manual")
    outcome = erasure.erase_person(store, EMAIL)
    token = outcome.report.token
    path = store.path
    store.close()
    restored = erasure.restore_keeping_erasures(path, copy.path)
    assert restored.erased_again == 1
    assert restored.notices
    assert traces_in(path) == []
    again = Store.open(path)
    try:
        with again.session() as s:
            assert s.scalars(select(ErasureRecord.token)).all() == [token]
            assert [c.name for c in s.scalars(select(ContactPerson))] == ["Per Hansen"]
    finally:
        again.close()


@sqlite_only("restoring a copy of the file")
def test_a_restore_without_erasures_since_changes_nothing_more(store: Store, person) -> None:
    copy = backup.create_backup(store.path, "manual")
    path = store.path
    store.close()
    restored = erasure.restore_keeping_erasures(path, copy.path)
    assert (restored.erased_again, restored.notices) == (0, [])
    assert traces_in(path)  # nobody was erased: the person is still there


@sqlite_only("a damaged file and its copies in the backups folder")
def test_a_damaged_database_s_erasures_are_found_in_the_newer_backups(store: Store, person) -> None:
    old = backup.create_backup(store.path, "manual", now=dt.datetime.now() - dt.timedelta(days=2))
    erasure.erase_person(store, EMAIL, backups="keep")
    backup.create_backup(store.path, "manual")  # made after the erasure: it holds the record
    path = store.path
    store.close()
    damage_index_page(path)
    restored = erasure.restore_keeping_erasures(path, old.path)
    assert restored.erased_again == 1
    assert traces_in(path) == []
