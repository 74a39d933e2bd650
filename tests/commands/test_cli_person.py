"""``kpdesk person export|erase|due``: the data subject's rights on the command line."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import select, update
from support import stored_bytes

from kpdesk.admin import audit_log
from kpdesk.cli import EXIT_DATA, EXIT_OK, EXIT_USAGE, main
from kpdesk.db.models import ContactPerson
from kpdesk.db.store import Store
from kpdesk.register import service as register
from kpdesk.register.validation import ContactData, EmployerData, NeedData


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(db_path: Path) -> Path:
    """Marit at two employers (one e-mail, one phone change on record), Per at one, a note naming Marit."""
    store = Store.open(db_path)
    with store.session() as s:
        fauske = register.save_employer(s, EmployerData("988077917", "Fauske kommune",
                                                        notes="Ring Marit Sandvik før jul"))
        saltdal = register.save_employer(s, EmployerData("974112345", "Saltdal Trelast AS"))
        marit = register.save_contact(s, fauske, ContactData("Marit Sandvik", "HR-sjef", "marit@fauske.no", "75600000"))
        register.save_contact(s, saltdal, ContactData("Marit Sandvik", email="marit@fauske.no"))
        register.save_contact(s, fauske, ContactData("Per Hansen", "Personalsjef", "per@fauske.no", "91234567"))
        register.save_need(s, NeedData("988077917", "Lederutdanning", headcount=4))
    with store.session() as s:
        register.save_contact(s, fauske, ContactData("Marit Sandvik", "HR-sjef", "marit@fauske.no", "91111111"), marit)
    store.close()
    return db_path


def test_export_writes_everything_about_the_person_owner_only(capsys: pytest.CaptureFixture[str], db: Path,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "innsyn.json"
    code, stdout, err = run(capsys, "person", "export", "--db", str(db), "--email", "Marit@Fauske.no",
                            "--out", str(out))
    assert (code, err) == (EXIT_OK, "")
    assert stdout.startswith(f"Eksporterte alt om marit@fauske.no til {out}: 2 kontaktpersoner, ")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["subject"] == "marit@fauske.no"
    assert [(c["employer_name"], c["employer_org_number"], c["phone"]) for c in exported["contacts"]] == [
        ("Fauske kommune", "988077917", "91111111"), ("Saltdal Trelast AS", "974112345", "")]
    changes = [(e["field"], e["old_value"], e["new_value"]) for e in exported["audit"]]
    assert ("phone", "75600000", "91111111") in changes
    assert [m["text"] for m in exported["mentions"]] == ["Ring Marit Sandvik før jul"]
    assert "Per Hansen" not in out.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary files left
    # the export is logged, without personal data
    store = Store.open(db)
    with store.session() as s:
        newest = audit_log.audit_rows(s, limit=1)[0]
    store.close()
    assert newest.action == "export" and "Marit" not in newest.summary and "fauske.no" not in newest.summary


@pytest.mark.parametrize(("email", "phrase"), [
    ("ingen@fauske.no", "Ingen kontaktperson, privatperson eller eksamenskandidat med e-postadressen"),
    ("ikke-en-adresse", "er ikke en e-postadresse")])
def test_export_of_an_unknown_or_bad_address_makes_no_file(capsys: pytest.CaptureFixture[str], db: Path,
                                                           tmp_path: Path, email: str, phrase: str) -> None:
    out = tmp_path / "innsyn.json"
    code, stdout, err = run(capsys, "person", "export", "--db", str(db), "--email", email, "--out", str(out))
    assert (code, stdout) == (EXIT_DATA, "")
    assert phrase in err and "Traceback" not in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".innsyn")] == []


def test_export_to_a_missing_folder_is_refused_before_the_database_is_opened(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    before = stored_bytes(db)
    code, _, err = run(capsys, "person", "export", "--db", str(db), "--email", "marit@fauske.no",
                       "--out", str(tmp_path / "borte" / "innsyn.json"))
    assert code == EXIT_DATA and "finnes ikke" in err
    assert stored_bytes(db) == before


def test_erase_deletes_and_scrubs_and_says_what_it_did(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, stdout, err = run(capsys, "person", "erase", "--db", str(db), "--email", "marit@fauske.no")
    assert (code, err) == (EXIT_OK, "")
    assert stdout.startswith("marit@fauske.no: Slettet 2 kontaktpersoner hos Fauske kommune, Saltdal Trelast AS; "
                             "renset ")
    assert "fjernet navn, e-post eller telefon fra 1 fritekstfelt" in stdout
    store = Store.open(db)
    try:
        with store.session() as s:
            names = s.scalars(select(ContactPerson.name)).all()
            per = s.execute(select(ContactPerson.role, ContactPerson.phone, ContactPerson.email)).one()
            entries = audit_log.audit_rows(s)
            notes = register.list_employers(s)[0].notes
    finally:
        store.close()
    assert names == ["Per Hansen"]
    assert notes == "Ring [slettet] før jul"
    logged = " ".join(f"{e.old_value} {e.new_value} {e.summary}" for e in entries)
    for value in ("Marit", "marit@fauske.no", "75600000", "91111111"):
        assert value not in logged
    assert tuple(per) == ("Personalsjef", "91234567", "per@fauske.no")  # Per is untouched
    assert entries[0].action == "erase"
    assert entries[0].summary.startswith("Slettet personopplysninger etter forespørsel")
    for value in (b"marit@fauske.no", b"91111111", b"Marit Sandvik"):  # gone from the file itself
        assert value not in stored_bytes(db)


def test_erase_of_an_unknown_address_erases_nothing(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, stdout, err = run(capsys, "person", "erase", "--db", str(db), "--email", "ingen@fauske.no")
    assert (code, stdout) == (EXIT_DATA, "")
    assert "Ingenting er slettet" in err


def test_due_lists_and_deletes_by_the_retention_rule(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    store = Store.open(db)
    with store.session() as s:  # Saltdal has no need: its contact counts from its registration
        s.execute(update(ContactPerson).where(ContactPerson.name == "Marit Sandvik")
                  .values(registered_on=dt.date(2020, 1, 1)))
    store.close()
    today = dt.date.today()
    code, out, err = run(capsys, "person", "due", "--db", str(db))
    assert (code, err) == (EXIT_OK, "")
    assert out.startswith("Ingen kontaktpersoner eller privatpersoner skal slettes")  # everyone was edited today
    later = dt.date(today.year + 3, 1, 15)
    code, out, _ = run(capsys, "person", "due", "--db", str(db), "--as-of", later.strftime("%d.%m.%Y"))
    lines = out.strip().splitlines()
    assert code == EXIT_OK
    assert len(lines) == 2 and "Marit Sandvik <marit@fauske.no>, Saltdal Trelast AS: ingen behov registrert" in lines[0]
    assert lines[-1].startswith(f"Per {later.strftime('%d.%m.%Y')} skal 1 kontaktperson slettes etter "
                                "oppbevaringsregelen (24 måneder uten åpne behov).")
    code, out, _ = run(capsys, "person", "due", "--db", str(db), "--as-of", later.isoformat(), "--delete")
    assert code == EXIT_OK and out.strip().splitlines()[-1].startswith("Slettet 1 kontaktperson")
    code, out, _ = run(capsys, "person", "due", "--db", str(db), "--as-of", later.isoformat())
    assert out.startswith("Ingen kontaktpersoner eller privatpersoner skal slettes")


def test_due_names_a_withdrawn_consent_as_the_reason(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    """A person who withdrew the consent to storage is due because of that, not the rule's months: the
    list, the summary line and the erasure's audit entry say so."""
    from kpdesk.register.validation import ConsentData, PersonData

    store = Store.open(db)
    with store.session() as s:
        person_id = register.save_person(s, PersonData("Kari Trukket", "1836", "kari@privat.no"))
        register.record_consent(s, person_id, ConsentData(True))
        register.record_consent(s, person_id, ConsentData(False))
    store.close()
    today = dt.date.today().strftime("%d.%m.%Y")
    code, out, _ = run(capsys, "person", "due", "--db", str(db))
    assert code == EXIT_OK
    assert out.strip().splitlines()[-1] == (f"Per {today} skal 1 privatperson slettes fordi samtykket til lagring er "
                                            f"trukket. Slett dem med: kpdesk person due --delete --db {db}")
    code, out, _ = run(capsys, "person", "due", "--db", str(db), "--delete")
    assert code == EXIT_OK and "Slettet 1 privatperson fordi samtykket til lagring er trukket." in out
    assert "oppbevaringsregelen" not in out
    store = Store.open(db)
    with store.session() as s:
        erased = audit_log.audit_rows(s)[0]
    store.close()
    assert erased.summary == "Slettet personopplysninger fordi samtykket til lagring er trukket: 1 privatperson"


def test_due_with_a_bad_date_and_person_without_action(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, _, err = run(capsys, "person", "due", "--db", str(db), "--as-of", "31.02.2027")
    assert code == EXIT_DATA and err.startswith("kpdesk: --as-of:")
    code, _, err = run(capsys, "person")
    assert code == EXIT_USAGE and "HANDLING" in err


def test_an_individual_is_exported_and_erased_by_ref(capsys: pytest.CaptureFixture[str], db: Path,
                                                      tmp_path: Path) -> None:
    from kpdesk.register.validation import ConsentData, PersonData

    store = Store.open(db)
    with store.session() as s:
        person_id = register.save_person(s, PersonData("Kari Privat", "1836", "kari@privat.no", "41414141"))
        register.record_consent(s, person_id, ConsentData(True, True, True))
        register.save_need(s, NeedData(None, "Helsefagarbeider", person="P00001"))
    store.close()
    out = tmp_path / "innsyn.json"
    code, stdout, err = run(capsys, "person", "export", "--db", str(db), "--ref", "p00001", "--out", str(out))
    assert (code, err) == (EXIT_OK, "")
    assert stdout.startswith(f"Eksporterte alt om P00001 til {out}: 0 kontaktpersoner, 1 privatperson, ")
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert [n["title"] for n in exported["needs"]] == ["Helsefagarbeider"]
    code, stdout, err = run(capsys, "person", "erase", "--db", str(db), "--ref", "P00001")
    assert (code, err) == (EXIT_OK, "")
    assert stdout.startswith("P00001: Slettet 1 privatperson med samtykke og 1 behov; ")
    assert b"Kari Privat" not in stored_bytes(db) and b"41414141" not in stored_bytes(db)
    code, _stdout, err = run(capsys, "person", "erase", "--db", str(db), "--ref", "P00001")
    assert code == EXIT_DATA and "Ingen person har referansen «P00001»" in err


def test_an_unknown_ref_is_said_as_a_ref(capsys, db_path) -> None:
    from support import run_cli

    from kpdesk.db.store import Store

    Store.open(db_path).close()
    code, _out, err = run_cli(capsys, "person", "erase", "--ref", "P09999", "--db", db_path)
    assert code == 1 and "e-postadressen" not in err and "P09999" in err


def test_a_person_deleted_in_the_window_is_erased_by_ref(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    from kpdesk.register.validation import ConsentData, PersonData

    store = Store.open(db)
    with store.session() as s:
        person_id = register.save_person(s, PersonData("Kari Privat", "1836", "kari@privat.no", "41414141"))
        register.record_consent(s, person_id, ConsentData(True, True, True))
        register.save_need(s, NeedData(None, "Helsefagarbeider for Kari", person="P00001"))
        register.save_person(s, PersonData("Kari Privat", "1836", "kari@privat.no", "42424242", ref="P00001"),
                             person_id)
        register.delete_person(s, person_id)
    store.compact()
    store.close()
    assert b"41414141" in stored_bytes(db) and b"Helsefagarbeider for Kari" in stored_bytes(db)
    code, stdout, err = run(capsys, "person", "erase", "--db", str(db), "--ref", "P00001")
    assert (code, err) == (EXIT_OK, "")
    assert stdout.startswith("P00001: Renset ")
    assert "spor etter 1 privatperson som var slettet før" in stdout
    for trace in (b"41414141", b"42424242", b"Helsefagarbeider for Kari", b"P00001"):
        assert trace not in stored_bytes(db)
