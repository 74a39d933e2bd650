"""``kpdesk import rooms|bookings`` and ``kpdesk export ics`` as a coordinator runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import SAMPLES, count_rows, run_cli

from kpdesk.common.csvfile import to_bytes
from kpdesk.db.models import Booking, BookingSeries, Equipment, Room

BOOKING_COLUMNS = ("room", "title", "kind", "start", "end", "repeat", "organiser", "attendees", "offer_ref")




def bookings_file(path: Path, *rows: tuple[object, ...]) -> Path:
    path.write_bytes(to_bytes(BOOKING_COLUMNS, rows))
    return path


@pytest.fixture
def rooms_db(capsys, db_path: Path) -> Path:
    assert run_cli(capsys, "import", "rooms", SAMPLES / "rooms.csv", "--db", db_path) == (
        0, "Importerte 5 rom: 5 nye, 0 oppdatert.\n", "")
    return db_path


def test_sample_files_import_and_export(capsys, rooms_db: Path, tmp_path: Path) -> None:
    assert count_rows(rooms_db, Equipment) == 7  # unknown equipment names are added to the list
    assert run_cli(capsys, "import", "bookings", SAMPLES / "bookings.csv", "--db", rooms_db) == (
        0, "Importerte 9 bookinger: 80 datoer booket, 4 hoppet over på helligdager.\n", "")
    assert (count_rows(rooms_db, BookingSeries), count_rows(rooms_db, Booking)) == (4, 84)
    out = tmp_path / "alle.ics"
    assert run_cli(capsys, "export", "ics", "--db", rooms_db, "--out", out) == (
        0, f"Eksporterte 80 bookinger (4 serier) til {out}.\n", "")
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR")
    one = tmp_path / "eksamen.ics"
    assert run_cli(capsys, "export", "ics", "--db", rooms_db, "--out", one, "--room", "eksamensrom") == (
        0, f"Eksporterte 2 bookinger (0 serier) til {one}.\n", "")


def test_rooms_import_updates_by_name(capsys, rooms_db: Path, tmp_path: Path) -> None:
    changed = tmp_path / "rom.csv"
    changed.write_bytes(to_bytes(("navn", "kapasitet"), [("Eksamensrom", 30), ("Lesesal", 20)]))
    assert run_cli(capsys, "import", "rom", changed, "--db", rooms_db) == (
        0, "Importerte 2 rom: 1 ny, 1 oppdatert.\n", "")
    from kpdesk.booking.rooms import list_rooms
    from kpdesk.db.store import Store

    store = Store.open(rooms_db)
    try:
        with store.session() as s:
            rooms = {r.name: r for r in list_rooms(s)}
    finally:
        store.close()
    assert rooms["Eksamensrom"].capacity == 30
    assert rooms["Eksamensrom"].equipment == ("eksamensrom", "PC-er", "universell utforming")  # column absent: kept


def test_bad_rooms_are_all_listed(capsys, db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "rom.csv"
    bad.write_bytes(to_bytes(("name", "capacity", "equipment", "notes"),
                             [("Rom A", 0, "", ""), ("", 5, "", ""), ("Rom B", "mange", "", ""), ("Rom C", 4, "", ""),
                              ("rom c", 6, "", "")]))
    code, out, err = run_cli(capsys, "import", "rooms", bad, "--db", db_path)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "linje 2, kolonne capacity: Kapasiteten må være minst 1, ikke 0",
        "linje 3, kolonne name: Romnavnet mangler",
        "linje 4, kolonne capacity: Kapasiteten må være et helt tall, ikke «mange»",
        "linje 6, kolonne name: Rommet «rom c» står også på linje 5",
        "kpdesk: rom.csv har 4 feil, så ingenting er importert.",
    ]
    assert count_rows(db_path, Room) == 0


def test_bad_booking_rows_are_all_listed_and_nothing_written(capsys, rooms_db: Path, tmp_path: Path) -> None:
    bad = bookings_file(
        tmp_path / "bookinger.csv",
        ("Videorom 1", "Forelesning", "forelesning via video", "05.01.2027 09:00", "05.01.2027 11:00", "", "", "", ""),
        ("Kjelleren", "Møte", "møte", "05.01.2027 09:00", "05.01.2027 10:00", "", "", "", ""),
        ("Auditoriet", "Kveld", "møte", "05.01.2027 22:00", "06.01.2027 01:00", "", "", "", ""),
        ("Auditoriet", "Feil", "møte", "05.01.2027 10:00", "05.01.2027 09:00", "", "", "", ""),
        ("Auditoriet", "Null", "møte", "05.01.2027 10:00", "05.01.2027 10:00", "", "", "", ""),
        ("Auditoriet", "Uendelig", "møte", "05.01.2027 10:00", "11:00", "FREQ=WEEKLY;BYDAY=TU", "", "", ""),
        ("Auditoriet", "Uleselig", "møte", "05.01.2027 10:00", "11:00", "hver tirsdag", "", "", ""),
        ("Grupperom Lundu", "Stort møte", "møte", "05.01.2027 10:00", "11:00", "", "", "30", ""),
        ("Auditoriet", "Kurs", "samling", "05.01.2027 12:00", "13:00", "", "", "", "T9999"),
    )
    code, out, err = run_cli(capsys, "import", "bookings", bad, "--db", rooms_db)
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0].startswith("linje 3, kolonne room: Rommet «Kjelleren» finnes ikke. Rommene er: Auditoriet")
    assert lines[1:] == [
        "linje 4, kolonne end: Bookingen går over midnatt (05.01.2027 kl. 22.00 – 06.01.2027 kl. 01.00); velg «over "
        "midnatt» hvis det er meningen",
        "linje 5, kolonne end: Slutt 05.01.2027 kl. 09.00 er før start 05.01.2027 kl. 10.00",
        "linje 6, kolonne end: Bookingen varer 0 minutter: slutt må være etter start",
        "linje 7, kolonne repeat: Gjentakelsen «hver tirsdag» slutter aldri: gi en sluttdato (UNTIL) eller et "
        "antall ganger (COUNT)",
        "linje 8, kolonne repeat: Gjentakelsen kan ikke leses: «HVER TIRSDAG» er ikke NAVN=verdi",
        "linje 9, kolonne attendees: «Grupperom Lundu» har plass til 8, ikke 30",
        "linje 10, kolonne offer_ref: Tilbudet med referanse «T9999» finnes ikke",
        "kpdesk: bookinger.csv har 8 feil, så ingenting er importert.",
    ]
    assert count_rows(rooms_db, Booking) == 0


def test_clash_with_the_database_or_within_the_file(capsys, rooms_db: Path, tmp_path: Path) -> None:
    exam = ("Eksamensrom", "Eksamen SYK2001", "eksamen", "12.05.2027 09:00", "12.05.2027 13:00", "", "", "12", "")
    exam_file = bookings_file(tmp_path / "eksamen.csv", exam)
    assert run_cli(capsys, "import", "bookings", exam_file, "--db", rooms_db)[0] == 0
    clash = bookings_file(
        tmp_path / "kollisjon.csv",
        ("Eksamensrom", "Forelesning", "video", "05.05.2027 08:00", "09:00", "FREQ=WEEKLY;BYDAY=WE;COUNT=3", "", "",
         ""),
        ("Auditoriet", "Samling", "samling", "20.05.2027 09:00", "15:00", "", "", "", ""),
        ("Auditoriet", "Møte", "møte", "20.05.2027 14:00", "16:00", "", "", "", ""),
    )
    code, _out, err = run_cli(capsys, "import", "bookings", clash, "--db", rooms_db)
    assert code == 1
    assert err.splitlines() == [
        "linje 2, kolonne start: 12.05.2027 kl. 08.00–09.00: Kollisjon med «Eksamen SYK2001» 12.05.2027 kl. "
        "09.00–13.00 i Eksamensrom (rommet er opptatt fra kl. 08.30 for oppmøte)",
        "linje 4, kolonne start: 20.05.2027 kl. 14.00–16.00: Kollisjon med «Samling» 20.05.2027 kl. 09.00–15.00 i "
        "Auditoriet (linje 3)",
        "kpdesk: kollisjon.csv har 2 feil, så ingenting er importert.",
    ]
    assert count_rows(rooms_db, Booking) == 1
    # checking only
    fine = bookings_file(tmp_path / "ok.csv", (*exam[:3], "13.05.2027 09:00", "13:00", *exam[5:]))
    assert run_cli(capsys, "import", "bookings", fine, "--db", rooms_db, "--dry-run") == (
        0, "Kontrollert: ok.csv: 1 booking med 1 dato. Ingenting er lagret.\n", "")
    assert count_rows(rooms_db, Booking) == 1


def test_export_ics_mistakes(capsys, rooms_db: Path, tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, "export", "ics", "--db", rooms_db, "--out", tmp_path / "x.ics", "--room", "Loftet")
    assert (code, out) == (1, "")
    assert err.startswith("kpdesk: Rommet «Loftet» finnes ikke. Rommene er: Auditoriet, Eksamensrom")
    code, _, err = run_cli(capsys, "export", "employers", "--db", rooms_db, "--out", tmp_path / "a.csv", "--room", "X")
    assert (code, err) == (1, "kpdesk: --room gjelder bare eksport av bookinger som ics.\n")
    code, _, err = run_cli(capsys, "export", "ics", "--db", rooms_db, "--out", tmp_path / "nei" / "x.ics")
    assert code == 1 and "finnes ikke" in err
    assert not (tmp_path / "x.ics").exists()
