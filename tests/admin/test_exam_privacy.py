"""Exam candidates' names and e-mails: kept a set number of days after the exam, then erased by the
retention rule; found and erased by ``person export|erase`` by e-mail. Numbers, statuses and the
invoice basis stay."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from support import run_cli, sqlite_only, stored_bytes

from kpdesk.admin import erasure, exam_retention, privacy
from kpdesk.booking import exam_reads, exams
from kpdesk.booking.exam_inputs import Accommodation, CandidateData, validate_exam
from kpdesk.booking.rooms import RoomData, save_room
from kpdesk.common.errors import UserError
from kpdesk.db.models import Booking, ErasureRecord, ExamCandidate, ExamInvigilator
from kpdesk.db.store import Store

EXAM_DAY = dt.date(2027, 5, 12)
EXAM = {"ref": "EKS-1", "room": "Eksamensrommet", "institution": "Nord universitet", "course_code": "SYK2001",
        "title": "Anatomi", "start": "12.05.2027 09:00", "end": "13:00", "fee_per_candidate": "1500",
        "invigilators": "Vera Vakt (5)"}


@pytest.fixture
def sitting(store: Store) -> int:
    def setup(s):
        save_room(s, RoomData("Eksamensrommet", 30))
        data, _ = validate_exam(EXAM)
        assert data is not None
        sitting = exams.create_sitting(s, data)
        for number, name, email, status in (("101", "Åse Aspen", "ase.aspen@example.no", "present"),
                                            ("102", "Bjørn Berg", "bjorn@example.no", "absent"),
                                            ("103", "Cato Carlsen", "", "withdrawn")):
            exams.save_candidate(s, sitting, CandidateData("EKS-1", number, name, email, Accommodation(), status))
        return sitting

    return store.transaction(setup)


def names(store: Store) -> list[tuple[str, str, str, str, bool]]:
    return store.transaction(lambda s: [(c.candidate_no, c.name, c.email, c.status, c.erased) for c in
                                        s.scalars(select(ExamCandidate).order_by(ExamCandidate.candidate_no))])


# ---------------------------------------------------------------- retention

def test_candidates_are_due_the_set_number_of_days_after_the_exam(store: Store, sitting: int) -> None:
    assert store.transaction(exam_retention.exam_retention_days) == 90
    day_89 = EXAM_DAY + dt.timedelta(days=89)
    assert store.transaction(lambda s: exam_retention.candidates_due(s, day_89)) == []
    (due,) = store.transaction(lambda s: exam_retention.candidates_due(s, EXAM_DAY + dt.timedelta(days=90)))
    assert (due.ref, due.day, due.due_on, len(due.candidate_ids)) == ("EKS-1", EXAM_DAY, dt.date(2027, 8, 10), 3)
    assert "EKS-1 (12.05.2027): 3 kandidater, 90 dager eller mer etter eksamen" in due.sentence(90)
    store.transaction(lambda s: exam_retention.set_exam_retention_days(s, 30))
    assert len(store.transaction(lambda s: exam_retention.candidates_due(s, EXAM_DAY + dt.timedelta(days=30)))) == 1
    store.transaction(lambda s: exam_retention.set_exam_retention_days(s, 0))
    assert store.transaction(lambda s: exam_retention.candidates_due(s, dt.date(2099, 1, 1))) == []
    with pytest.raises(UserError, match="mellom 0 og 3650 dager"):
        store.transaction(lambda s: exam_retention.set_exam_retention_days(s, 4000))


def test_retention_blanks_names_and_emails_and_keeps_numbers_statuses_and_the_invoice(store: Store,
                                                                                        sitting: int) -> None:
    store.transaction(lambda s: s.get(Booking, 1).__setattr__("notes", "Åse Aspen trenger pult ved vinduet."))
    outcome = exam_retention.erase_due(store, EXAM_DAY + dt.timedelta(days=90))
    assert outcome.report.candidates == 3 and outcome.report.mentions == 1
    assert "Slettet navn og e-post for 3 eksamenskandidater" in outcome.report.sentence()
    assert names(store) == [("101", privacy.ERASED, "", "present", True), ("102", privacy.ERASED, "", "absent", True),
                            ("103", privacy.ERASED, "", "withdrawn", True)]
    assert store.transaction(lambda s: s.get(Booking, 1).notes) == f"{privacy.ERASED} trenger pult ved vinduet."
    lines = store.transaction(lambda s: exam_reads.invoice_lines(s, EXAM_DAY, EXAM_DAY))
    assert [(x.candidates, x.amount) for x in lines] == [(2, Decimal(3000))]
    record = store.transaction(lambda s: s.scalars(select(ErasureRecord)).one())
    assert record.candidate_ids == "1,2,3"
    assert store.transaction(lambda s: exam_retention.candidates_due(s, dt.date(2099, 1, 1))) == []  # done once
    assert not [v for v in ("Bjørn Berg", "bjorn@example.no") if v.encode() in stored_bytes(store)]


# ---------------------------------------------------------------- export and erasure by e-mail

def test_person_export_and_erase_by_email_cover_candidates(store: Store, sitting: int) -> None:
    exported = store.transaction(lambda s: privacy.person_export(s, " ASE.aspen@example.no "))
    (row,) = exported["exam_candidates"]
    assert (row["candidate_no"], row["name"], row["exam"], row["exam_date"]) == ("101", "Åse Aspen", "EKS-1",
                                                                                  "2027-05-12")
    assert not privacy.is_empty_export(exported)
    json.dumps(exported)  # plain values only
    outcome = erasure.erase_person(store, "ase.aspen@example.no")
    assert outcome.report.candidates == 1
    assert [n[1] for n in names(store)] == [privacy.ERASED, "Bjørn Berg", "Cato Carlsen"]
    assert privacy.is_empty_export(store.transaction(lambda s: privacy.person_export(s, "ase.aspen@example.no")))


def test_an_invigilators_name_is_scrubbed_like_free_text(store: Store, sitting: int) -> None:
    store.transaction(lambda s: s.add(ExamCandidate(sitting_id=sitting, candidate_no="104", name="Vera Vakt",
                                                    email="vera@example.no")))
    erasure.erase_person(store, "vera@example.no")
    assert store.transaction(lambda s: s.scalars(select(ExamInvigilator.name)).all()) == [privacy.ERASED]


def test_person_due_lists_exams_without_names_and_deletes_on_request(capsys, store: Store, sitting: int,
                                                                    db_path: Path) -> None:
    store.close()
    code, out, err = run_cli(capsys, "person", "due", "--db", db_path, "--as-of", "10.08.2027")
    assert (code, err) == (0, "")
    assert "Eksamen EKS-1 (12.05.2027): 3 kandidater, 90 dager eller mer etter eksamen (kunne slettes fra " \
           "10.08.2027)" in out
    assert "Åse" not in out and "Navn og e-post for 3 eksamenskandidater skal slettes" in out
    assert out.strip().endswith(f"Slett dem med: kpdesk person due --delete --db {db_path} --as-of 10.08.2027")
    code, out, err = run_cli(capsys, "person", "due", "--db", db_path, "--as-of", "10.08.2027", "--delete")
    assert (code, err) == (0, "")
    assert "Slettet navn og e-post for 3 eksamenskandidater etter oppbevaringsregelen (90 dager etter eksamen)." in out
    code, out, _ = run_cli(capsys, "person", "due", "--db", db_path, "--as-of", "10.08.2027")
    assert code == 0 and "EKS-1" not in out


@sqlite_only("restoring a copy of the file")
def test_a_restored_older_copy_does_not_bring_candidates_back(store: Store, sitting: int) -> None:
    from kpdesk.db import backup

    older = backup.create_backup(store.path, "manual")
    outcome = exam_retention.erase_due(store, EXAM_DAY + dt.timedelta(days=90))
    assert outcome.kept == (older.path,)  # listed in the erasure record
    path = store.path
    store.close()
    restored = erasure.restore_keeping_erasures(path, older.path)
    assert restored.erased_again == 1
    assert not erasure.file_holds(path, ["Bjørn Berg", "bjorn@example.no"])


@sqlite_only("copies of the file in the backups folder")
def test_purge_erases_the_candidates_from_the_backups_too(store: Store, sitting: int) -> None:
    from kpdesk.db import backup

    copy = backup.create_backup(store.path, "manual")
    outcome = exam_retention.erase_due(store, EXAM_DAY + dt.timedelta(days=90), backups="purge")
    assert outcome.purged == (copy.path,) and outcome.kept == ()
    assert not erasure.file_holds(copy.path, ["Bjørn Berg", "bjorn@example.no"])


# ---------------------------------------------------------------- export and erasure by exam and number

def test_a_candidate_without_e_mail_is_exported_and_erased_by_exam_and_number(capsys, store: Store, sitting: int,
                                                                              db_path: Path, tmp_path: Path) -> None:
    store.close()
    out_file = tmp_path / "cato.json"
    code, out, err = run_cli(capsys, "person", "export", "--exam", "eks-1", "--candidate", " 103 ",
                             "--db", db_path, "--out", out_file)
    assert (code, err) == (0, "")
    assert out.startswith(f"Eksporterte alt om kandidat 103 på eksamen EKS-1 til {out_file}: ")
    exported = json.loads(out_file.read_text(encoding="utf-8"))
    (row,) = exported["exam_candidates"]
    assert (row["candidate_no"], row["name"], row["status"], row["exam"]) == ("103", "Cato Carlsen", "avmeldt",
                                                                              "EKS-1")
    assert "Cato" not in out

    code, out, err = run_cli(capsys, "person", "erase", "--exam", "EKS-1", "--candidate", "103", "--db", db_path)
    assert (code, err) == (0, "")
    assert out.startswith("kandidat 103 på eksamen EKS-1: Slettet navn og e-post for 1 eksamenskandidat")
    again = Store.open(db_path)
    try:
        assert [n[:2] for n in names(again)] == [("101", "Åse Aspen"), ("102", "Bjørn Berg"),
                                                  ("103", privacy.ERASED)]
    finally:
        again.close()
    assert b"Cato Carlsen" not in stored_bytes(db_path)

    code, out, err = run_cli(capsys, "person", "erase", "--exam", "EKS-1", "--candidate", "103", "--db", db_path)
    assert (code, out) == (1, "")
    assert "Navn og e-post for kandidat 103 på eksamen EKS-1 er allerede slettet" in err


@pytest.mark.parametrize(("who", "message"), [
    (("--exam", "EKS-9", "--candidate", "101"), "Eksamen «EKS-9» finnes ikke."),
    (("--exam", "EKS-1", "--candidate", "999"),
     "Eksamen EKS-1 har ingen kandidat med nummer «999» (kandidatnumrene er 101, 102 og 103)."),
    (("--exam", "EKS-1"), "Oppgi kandidatnummeret med --candidate sammen med --exam, for eksempel --exam EKS-1 "
                          "--candidate 101."),
    (("--email", "ase.aspen@example.no", "--candidate", "101"),
     "--candidate gjelder en eksamen: oppgi eksamenens referanse med --exam også."),
])
def test_a_wrong_exam_or_number_is_refused_and_nothing_changes(capsys, store: Store, sitting: int, db_path: Path,
                                                               tmp_path: Path, who: tuple[str, ...],
                                                               message: str) -> None:
    before = names(store)
    store.close()
    for action, extra in (("export", ("--out", tmp_path / "x.json")), ("erase", ())):
        code, out, err = run_cli(capsys, "person", action, *who, "--db", db_path, *extra)
        assert (code, out) == (1, "")
        assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.json").exists()
    again = Store.open(db_path)
    try:
        assert names(again) == before
    finally:
        again.close()


def test_no_selector_at_all_is_a_usage_error_in_bokmal(capsys, db_path: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as usage:  # argparse's usage errors end the process with 2
        run_cli(capsys, "person", "export", "--candidate", "103", "--db", db_path, "--out", tmp_path / "x.json")
    assert usage.value.code == 2
    err = capsys.readouterr().err
    assert "ett av disse valgene må oppgis: --email --ref --exam" in err and "required" not in err
