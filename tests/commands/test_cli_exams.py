"""``kpdesk import exams|candidates``, ``kpdesk report signin`` and ``kpdesk export invoice`` as a
coordinator runs them: exit codes, stdout and the Norwegian sentences on stderr."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support import SAMPLES, count_rows, new_location, pdf_pages, run_cli, sql_rows

from kpdesk.common.csvfile import to_bytes
from kpdesk.db.models import Booking, ExamCandidate, ExamInvigilator, ExamSitting

EXAM_COLUMNS = ("ref", "room", "institution", "course_code", "title", "start", "end", "fee_per_candidate",
                "invigilators")
CANDIDATE_COLUMNS = ("exam", "candidate_no", "name", "email", "accommodation", "status")


def csv_file(path: Path, columns: tuple[str, ...], *rows: tuple[object, ...]) -> Path:
    path.write_bytes(to_bytes(columns, rows))
    return path


@pytest.fixture
def place_db(capsys, db_path: Path) -> Path:
    """The sample rooms and bookings: Eksamensrom has exams on 12.05 and 19.05.2027."""
    assert run_cli(capsys, "import", "rooms", SAMPLES / "rooms.csv", "--db", db_path)[0] == 0
    assert run_cli(capsys, "import", "bookings", SAMPLES / "bookings.csv", "--db", db_path)[0] == 0
    return db_path


@pytest.fixture
def exam_db(capsys, place_db: Path) -> Path:
    assert run_cli(capsys, "import", "exams", SAMPLES / "exams.csv", "--db", place_db) == (
        0, "Importerte 2 eksamener: 2 nye, 0 oppdatert.\n", "")
    return place_db


# ---------------------------------------------------------------- import exams

def test_the_samples_import_and_again_changes_nothing(capsys, exam_db: Path) -> None:
    assert (count_rows(exam_db, ExamSitting), count_rows(exam_db, ExamInvigilator)) == (2, 2)
    assert run_cli(capsys, "import", "candidates", SAMPLES / "candidates.csv", "--db", exam_db) == (
        0, "Importerte 6 kandidater: 6 nye, 0 oppdatert.\n", "")
    assert run_cli(capsys, "import", "kandidater", SAMPLES / "candidates.csv", "--db", exam_db) == (
        0, "Importerte 6 kandidater: 0 nye, 0 oppdatert, 6 uendret.\n", "")
    assert count_rows(exam_db, ExamCandidate) == 6


def _sample_for(tmp_path: Path, name: str, rooms: dict[str, str]) -> Path:
    """The sample file with its rooms named as a demo names them."""
    text = (SAMPLES / name).read_text(encoding="utf-8-sig")
    for sample_room, demo_room in rooms.items():
        text = text.replace(sample_room, demo_room)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    return path


@pytest.mark.parametrize("scale", ["small", pytest.param("regional", marks=pytest.mark.slow)])
def test_the_samples_import_cleanly_into_a_fresh_demo_of_each_scale(capsys, tmp_path: Path, scale: str) -> None:
    """A new user runs ``kpdesk demo`` and then imports the sample exams and candidates: their times
    are free in the demo's rooms (they once clashed with the demo's own exams on 27.05 and 01.06.2027).
    The regional demo names a centre's rooms with the place, «Eksamensrom (Mo i Rana)»."""
    db = new_location(tmp_path, f"{scale}.sqlite")
    assert run_cli(capsys, "demo", "--db", db, "--scale", scale)[0] == 0
    rooms = {} if scale == "small" else {"Eksamensrom": "Eksamensrom (Mo i Rana)",
                                         "Grupperom Lundu": "Grupperom (Mo i Rana)"}
    sittings = count_rows(db, ExamSitting)
    assert run_cli(capsys, "import", "exams", _sample_for(tmp_path, "exams.csv", rooms), "--db", db) == (
        0, "Importerte 2 eksamener: 2 nye, 0 oppdatert.\n", "")
    assert run_cli(capsys, "import", "candidates", _sample_for(tmp_path, "candidates.csv", rooms), "--db", db) == (
        0, "Importerte 6 kandidater: 6 nye, 0 oppdatert.\n", "")
    assert count_rows(db, ExamSitting) == sittings + 2


def test_an_exam_that_clashes_is_refused_naming_the_clashing_booking(capsys, place_db: Path, tmp_path: Path) -> None:
    bookings = count_rows(place_db, Booking)
    path = csv_file(tmp_path / "eksamener.csv", EXAM_COLUMNS,
                    ("E1", "Eksamensrom", "UiT", "BED1", "Regnskap", "26.05.2027 09:00", "12:00", "1500", "2"),
                    ("E2", "Eksamensrom", "UiT", "BED2", "Økonomi", "12.05.2027 13:15", "15:00", "1500", ""),
                    ("E3", "Eksamensrom", "UiT", "BED3", "Jus", "26.05.2027 11:00", "14:00", "1500", ""))
    code, out, err = run_cli(capsys, "import", "exams", path, "--db", place_db)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "linje 3, kolonne start: 12.05.2027 kl. 13.15–15.00: Kollisjon med «Eksamen SYK2001 Sykepleie og "
        "samhandling» 12.05.2027 kl. 09.00–13.00 i Eksamensrom (rommet er opptatt fra kl. 08.30 for oppmøte)",
        "linje 4, kolonne start: 26.05.2027 kl. 11.00–14.00: Kollisjon med «Eksamen BED1 Regnskap» 26.05.2027 "
        "kl. 09.00–12.00 i Eksamensrom (rommet er opptatt fra kl. 08.30 for oppmøte) (linje 2)",
        "kpdesk: eksamener.csv har 2 feil, så ingenting er importert."]
    assert (count_rows(place_db, ExamSitting), count_rows(place_db, Booking)) == (0, bookings)


def test_an_unknown_room_a_bad_fee_and_a_reused_ref_are_refused(capsys, exam_db: Path, tmp_path: Path) -> None:
    path = csv_file(tmp_path / "e.csv", EXAM_COLUMNS,
                    ("E1", "Kjelleren", "UiT", "BED1", "Regnskap", "26.05.2027 09:00", "12:00", "1500", ""),
                    ("E2", "Eksamensrom", "UiT", "BED1", "Regnskap", "28.05.2027 09:00", "12:00", "mange", ""),
                    ("eks-2027-01", "Eksamensrom", "UiT", "BED1", "Regnskap", "29.05.2027 09:00", "12:00", "", ""))
    code, _, err = run_cli(capsys, "import", "exams", path, "--db", exam_db)
    assert code == 1
    lines = err.splitlines()
    assert lines[0].startswith("linje 2, kolonne room: Rommet «Kjelleren» finnes ikke. Rommene er: Auditoriet")
    assert lines[1] == "linje 3, kolonne fee_per_candidate: Prisen per kandidat: «mange» er ikke et tall"
    assert lines[2] == "linje 4, kolonne ref: Eksamen «eks-2027-01» finnes allerede"
    assert count_rows(exam_db, ExamSitting) == 2


# ---------------------------------------------------------------- import candidates

def test_unknown_exam_and_duplicate_candidate_numbers_are_refused(capsys, exam_db: Path, tmp_path: Path) -> None:
    path = csv_file(tmp_path / "kandidater.csv", CANDIDATE_COLUMNS,
                    ("EKS-2027-01", "101", "Aslak Nordli", "", "", ""),
                    ("EKS-2099-01", "102", "Berit Hansen", "", "", ""),
                    ("eks-2027-01", "101", "Carina Johansen", "", "", "påmeldt"),
                    ("EKS-2027-01", "103", "Dag Olsen", "ikke e-post", "", "kanskje"))
    code, out, err = run_cli(capsys, "import", "candidates", path, "--db", exam_db)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "linje 3, kolonne exam: Eksamen «EKS-2099-01» finnes ikke; importer eksamenene først (kpdesk import exams)",
        "linje 4, kolonne candidate_no: Kandidatnummer 101 til eksamen eks-2027-01 står også på linje 2",
        *[line for line in err.splitlines() if line.startswith("linje 5")],
        "kpdesk: kandidater.csv har 4 feil, så ingenting er importert."]
    assert [line for line in err.splitlines() if line.startswith("linje 5")] == [
        "linje 5, kolonne email: «ikke e-post» er ikke en e-postadresse (skriv for eksempel navn@firma.no)",
        "linje 5, kolonne status: Ukjent kandidatstatus «kanskje»; bruk en av: påmeldt, avmeldt, møtt, ikke møtt"]
    assert count_rows(exam_db, ExamCandidate) == 0


@pytest.fixture
def after_the_exams(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock after the samples' exams (12 and 17 August 2027), so attendance may be recorded."""
    monkeypatch.setattr("kpdesk.booking.exams.today", lambda: dt.date(2027, 8, 20))


def test_attendance_before_the_exam_day_is_refused_on_its_line(capsys, exam_db: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing is not checking in: møtt or ikke møtt for an exam still to come is refused, as in the window."""
    monkeypatch.setattr("kpdesk.booking.exams.today", lambda: dt.date(2027, 8, 11))
    early = csv_file(tmp_path / "tidlig.csv", CANDIDATE_COLUMNS,
                     ("EKS-2027-01", "101", "Aslak Nordli", "", "", "påmeldt"),
                     ("EKS-2027-01", "102", "Berit Hansen", "", "", "ikke møtt"))
    code, out, err = run_cli(capsys, "import", "candidates", early, "--db", exam_db)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "linje 3, kolonne status: Kandidat 102: Oppmøte registreres fra eksamensdagen 12.08.2027, ikke før; "
        "skriv «påmeldt» eller la statusen stå tom til eksamen er holdt",
        "kpdesk: tidlig.csv har 1 feil, så ingenting er importert."]
    assert count_rows(exam_db, ExamCandidate) == 0
    monkeypatch.setattr("kpdesk.booking.exams.today", lambda: dt.date(2027, 8, 12))  # the day itself
    assert run_cli(capsys, "import", "candidates", early, "--db", exam_db)[0] == 0


@pytest.mark.usefixtures("after_the_exams")
def test_a_registered_number_on_another_candidate_is_refused_not_overwritten(capsys, exam_db: Path,
                                                                             tmp_path: Path) -> None:
    """The institution's list again updates its candidates; a number that is someone else's is refused,
    naming who has it, and nothing is written (it once replaced Aslak's name and e-mail with Ola's)."""
    assert run_cli(capsys, "import", "candidates", SAMPLES / "candidates.csv", "--db", exam_db)[0] == 0
    again = csv_file(tmp_path / "igjen.csv", CANDIDATE_COLUMNS,
                     ("EKS-2027-01", "101", "ASLAK NORDLI", "aslak.nordli@example.no", "", "møtt"))
    assert run_cli(capsys, "import", "candidates", again, "--db", exam_db)[1] == (
        "Importerte 1 kandidat: 0 nye, 1 oppdatert.\n")
    other = csv_file(tmp_path / "feil.csv", CANDIDATE_COLUMNS,
                     ("EKS-2027-01", "101", "Ola Nordmann", "ola@example.no", "", "påmeldt"))
    code, out, err = run_cli(capsys, "import", "candidates", other, "--db", exam_db)
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == ("linje 2, kolonne candidate_no: Kandidatnummer 101 til eksamen EKS-2027-01 er "
                                   "allerede registrert på ASLAK NORDLI, ikke Ola Nordmann; rett nummeret (eller "
                                   "navnet, hvis det er samme kandidat)")
    assert run_cli(capsys, "person", "export", "--email", "ola@example.no", "--db", exam_db,
                   "--out", tmp_path / "ola.json")[0] != 0  # Ola was never stored


def test_extra_time_into_the_next_booking_is_refused_on_the_candidates_line(capsys, exam_db: Path,
                                                                            tmp_path: Path) -> None:
    meeting = csv_file(tmp_path / "b.csv", ("room", "title", "kind", "start", "end"),
                       ("Eksamensrom", "Lærermøte", "møte", "12.08.2027 14:00", "15:00"))
    assert run_cli(capsys, "import", "bookings", meeting, "--db", exam_db)[0] == 0
    path = csv_file(tmp_path / "k.csv", CANDIDATE_COLUMNS,
                    ("EKS-2027-01", "101", "Aslak Nordli", "", "ekstra tid 60", ""),
                    ("EKS-2027-01", "102", "Berit Hansen", "", "ekstra tid 90 min", ""))
    code, _, err = run_cli(capsys, "import", "candidates", path, "--db", exam_db)
    assert code == 1
    assert err.splitlines()[0] == (
        "linje 3, kolonne accommodation: Kandidat 102 har 90 min ekstra tid, til kl. 14.30, men rommet er ikke "
        "ledig så lenge: Kollisjon med «Lærermøte» 12.08.2027 kl. 14.00–15.00 i Eksamensrom")
    assert count_rows(exam_db, ExamCandidate) == 0
    ok = csv_file(tmp_path / "ok.csv", CANDIDATE_COLUMNS, ("EKS-2027-01", "101", "Aslak Nordli", "", "+60", ""))
    assert run_cli(capsys, "import", "candidates", ok, "--db", exam_db)[0] == 0  # to 14.00: the meeting starts


def test_a_separate_room_that_is_taken_is_refused_and_one_without_a_room_warned(capsys, exam_db: Path,
                                                                                tmp_path: Path) -> None:
    path = csv_file(tmp_path / "k.csv", CANDIDATE_COLUMNS,
                    ("EKS-2027-01", "103", "Carina Johansen", "", "eget rom: Grupperom Lundu", ""),
                    ("EKS-2027-01", "105", "Eva Berg", "", "eget rom: grupperom lundu", ""),
                    ("EKS-2027-02", "201", "Eli Sørensen", "", "eget rom", ""))
    code, _, err = run_cli(capsys, "import", "candidates", path, "--db", exam_db)
    assert code == 1
    assert err.splitlines() == [
        "linje 3, kolonne accommodation: 12.08.2027 kl. 09.00–13.00: Kollisjon med «Eksamen SYK2002 (eget rom, "
        "kandidat 103)» 12.08.2027 kl. 09.00–13.00 i Grupperom Lundu (rommet er opptatt fra kl. 08.30 for "
        "oppmøte) (linje 2)",
        "linje 4, kolonne accommodation: advarsel: Kandidat 201 skal ha eget rom, men ingen rom er oppgitt; skriv "
        "for eksempel «eget rom: Grupperom 2» eller book rommet i Eksamen-visningen",
        "kpdesk: k.csv har 1 feil, så ingenting er importert."]
    assert (count_rows(exam_db, ExamCandidate), count_rows(exam_db, ExamSitting)) == (0, 2)


# ---------------------------------------------------------------- report signin, export invoice

@pytest.fixture
def candidates_db(capsys, exam_db: Path) -> Path:
    assert run_cli(capsys, "import", "candidates", SAMPLES / "candidates.csv", "--db", exam_db)[0] == 0
    return exam_db


def _candidates(db: Path) -> dict[str, tuple[int, bool, str]]:
    """Candidate number -> (extra minutes, separate room, status)."""
    rows = sql_rows(db, "SELECT candidate_no, extra_minutes, separate_room, status FROM exam_candidate")
    return {number: (extra or 0, bool(separate), status) for number, extra, separate, status in rows}


def test_the_list_again_says_what_an_empty_accommodation_removes(capsys, candidates_db: Path,
                                                                 tmp_path: Path) -> None:
    """An empty cell means none, as in the other importers, but never silently: the line says what goes
    (it once dropped Berit's extra time and Carina's second room without a word)."""
    again = csv_file(tmp_path / "igjen.csv", CANDIDATE_COLUMNS,
                     ("EKS-2027-01", "102", "Berit Hansen", "berit.hansen@example.no", "", "påmeldt"),
                     ("EKS-2027-01", "103", "Carina Johansen", "", "ekstra tid 30 min", "påmeldt"),
                     ("EKS-2027-01", "101", "Aslak Nordli", "aslak.nordli@example.no", "", "påmeldt"))
    code, _out, err = run_cli(capsys, "import", "candidates", again, "--db", candidates_db, "--dry-run")
    assert (code, err.splitlines()) == (0, [
        "linje 2, kolonne accommodation: advarsel: Kandidat 102: ekstra tid 30 min fjernes; tilretteleggingen er "
        "tom i filen",
        "linje 3, kolonne accommodation: advarsel: Kandidat 103: ekstra tid endres fra 15 til 30 min og eget rom "
        "fjernes (bookingen av Grupperom Lundu avlyses); filen sier «ekstra tid 30 min»"])
    assert _candidates(candidates_db)["102"] == (30, False, "registered")
    assert run_cli(capsys, "import", "candidates", again, "--db", candidates_db)[1] == (
        "Importerte 3 kandidater: 0 nye, 2 oppdatert, 1 uendret.\n")
    stored = _candidates(candidates_db)
    assert (stored["102"], stored["103"]) == ((0, False, "registered"), (30, False, "registered"))
    assert sql_rows(candidates_db, "SELECT state FROM booking WHERE title LIKE '%eget rom%'") == [("cancelled",)]


@pytest.mark.usefixtures("after_the_exams")
def test_a_column_left_out_or_an_empty_status_keeps_what_is_stored(capsys, candidates_db: Path,
                                                                   tmp_path: Path) -> None:
    """The institution's list without the accommodation column keeps the extra time; an empty status
    keeps a check-in (a new candidate is påmeldt)."""
    checked_in = csv_file(tmp_path / "mott.csv", CANDIDATE_COLUMNS,
                          ("EKS-2027-01", "101", "Aslak Nordli", "aslak.nordli@example.no", "", "møtt"))
    assert run_cli(capsys, "import", "candidates", checked_in, "--db", candidates_db)[0] == 0
    names_only = csv_file(tmp_path / "navn.csv", ("exam", "candidate_no", "name"),
                          ("EKS-2027-01", "102", "Berit Hansen"), ("EKS-2027-01", "105", "Eva Berg"))
    assert run_cli(capsys, "import", "candidates", names_only, "--db", candidates_db) == (
        0, "Importerte 2 kandidater: 1 ny, 0 oppdatert, 1 uendret.\n", "")
    empty_status = csv_file(tmp_path / "tom.csv", CANDIDATE_COLUMNS,
                            ("EKS-2027-01", "101", "Aslak Nordli", "aslak.nordli@example.no", "", ""))
    assert run_cli(capsys, "import", "candidates", empty_status, "--db", candidates_db)[1].endswith("1 uendret.\n")
    stored = _candidates(candidates_db)
    assert (stored["101"], stored["102"], stored["105"]) == (
        (0, False, "present"), (30, False, "registered"), (0, False, "registered"))


def test_report_signin_writes_the_sheet_and_refuses_an_unknown_exam(capsys, candidates_db: Path,
                                                                    tmp_path: Path) -> None:
    out = tmp_path / "liste.pdf"
    assert run_cli(capsys, "report", "signin", "--exam", "eks-2027-01", "--db", candidates_db, "--out", out) == (
        0, f"Lagret oppmøtelisten for eksamen EKS-2027-01 i {out} (2 sider).\n", "")
    text = "\n".join(pdf_pages(out.read_bytes()))
    assert "Aslak Nordli" in text and "Dag Olsen" not in text  # avmeldt
    missing = tmp_path / "ingen.pdf"
    code, out_text, err = run_cli(capsys, "report", "signin", "--exam", "EKS-9", "--db", candidates_db,
                                  "--out", missing)
    assert (code, out_text) == (1, "")
    assert err == "kpdesk: Eksamen «EKS-9» finnes ikke. Importer eksamenene først (kpdesk import exams).\n"
    assert not missing.exists()


def test_export_invoice_writes_the_exact_header_and_sums(capsys, candidates_db: Path, tmp_path: Path) -> None:
    out, pdf = tmp_path / "faktura.csv", tmp_path / "faktura.pdf"
    assert run_cli(capsys, "export", "invoice", "--db", candidates_db, "--from", "01.08.2027", "--to", "2027-08-31",
                   "--out", out, "--pdf", pdf) == (
        0, f"Eksporterte fakturagrunnlaget for 2 eksamener (01.08.2027–31.08.2027) til {out} og {pdf}.\n", "")
    assert out.read_text(encoding="utf-8-sig").splitlines() == [
        "exam;institution;course_code;date;candidates;fee_per_candidate;amount_nok",
        "EKS-2027-01;Nord universitet;SYK2002;12.08.2027;3;1500;4500",
        "EKS-2027-02;Nordland fagskole;HMI1001;17.08.2027;2;1250;2500"]
    text = " ".join(" ".join(pdf_pages(pdf.read_bytes())).split())
    assert "Nord universitet" in text and "Nordland fagskole" in text and "7 000 kr å fakturere" in text
    one = tmp_path / "nord.csv"
    assert run_cli(capsys, "export", "invoice", "--db", candidates_db, "--from", "01.08.2027", "--to", "31.08.2027",
                   "--out", one, "--institution", "NORDLAND FAGSKOLE")[0] == 0
    assert one.read_text(encoding="utf-8-sig").splitlines()[1:] == [
        "EKS-2027-02;Nordland fagskole;HMI1001;17.08.2027;2;1250;2500"]


def test_export_invoice_refuses_a_wrong_period_or_institution_and_writes_nothing(capsys, candidates_db: Path,
                                                                                  tmp_path: Path) -> None:
    out = tmp_path / "faktura.csv"
    for argv, message in (
            (("--from", "01.06.2027", "--to", "01.05.2027"), "Perioden slutter (01.05.2027) før den begynner "
                                                              "(01.06.2027)."),
            (("--from", "01.05.2027", "--to", "31.13.2027"), "--to: "),
            (("--from", "01.05.2027",), "Oppgi perioden med --from og --to"),
            (("--from", "01.08.2027", "--to", "31.08.2027", "--institution", "NTNU"),
             "Ingen eksamener for institusjonen «NTNU»; kjente institusjoner: Nord universitet, Nordland fagskole.")):
        code, stdout, err = run_cli(capsys, "export", "invoice", "--db", candidates_db, "--out", out, *argv)
        assert (code, stdout) == (1, ""), argv
        assert err.startswith("kpdesk: ") and message in err, err
    assert not out.exists()
    wrong = tmp_path / "faktura.pdf"  # the CSV under a PDF's name would not open
    code, stdout, err = run_cli(capsys, "export", "invoice", "--db", candidates_db, "--out", wrong,
                                "--from", "01.08.2027", "--to", "31.08.2027")
    assert (code, stdout) == (1, "") and "bruk --pdf FIL.pdf (eller kpdesk report invoice)" in err
    assert not wrong.exists()
    code, _, err = run_cli(capsys, "export", "needs", "--db", candidates_db, "--out", out, "--from", "01.05.2027")
    assert code == 1 and "gjelder bare eksport av fakturagrunnlag" in err
