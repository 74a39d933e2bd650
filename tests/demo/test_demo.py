"""``kpdesk demo``: a realistic, deterministic dataset that never double-books a room.

The checks read the finished SQLite file with plain ``sqlite3`` and recompute holidays and
recurrences on their own (``dateutil``), so they do not trust the generator's own helpers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from dateutil.easter import easter
from dateutil.rrule import rrulestr
from support import copy_database, drop_location, new_location, sql_rows, stored_bytes

from kpdesk.cli import main
from kpdesk.common import orgnr
from kpdesk.common.paths import Location, ServerAddress

HELGELAND_SALTEN = {"1804", "1811", "1812", "1813", "1815", "1816", "1818", "1820", "1822", "1824", "1825", "1826",
                    "1827", "1828", "1832", "1833", "1834", "1835", "1836", "1837", "1838", "1839", "1840", "1841",
                    "1845", "1848", "1875"}
DUMPED_TABLES = ("employer", "contact_person", "person", "consent", "provider", "offer", "offer_session", "need",
                 "need_status_change",
                 "match_decision", "equipment", "room", "room_equipment", "booking_series", "booking",
                 "booking_equipment", "centre_profile", "setting")


# ---------------------------------------------------------------- helpers (independent of kpdesk.demo)

def run_demo(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["demo", *args])
    return code, out.getvalue(), err.getvalue()


def query(path: Location, sql: str) -> list[tuple]:
    if isinstance(path, ServerAddress):
        return sql_rows(path, sql)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def count(path: Location, table: str) -> int:
    return query(path, f"SELECT count(*) FROM {table}")[0][0]


def dump(path: Location) -> dict[str, list[tuple]]:
    return {table: query(path, f"SELECT * FROM {table} ORDER BY 1, 2") for table in DUMPED_TABLES}


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def holidays_no(year: int) -> set[dt.date]:
    """Norwegian public holidays from the law's rules (Easter-based ones via dateutil's computus)."""
    e = easter(year)
    movable = {e + dt.timedelta(days=d) for d in (-3, -2, 0, 1, 39, 49, 50)}
    return movable | {dt.date(year, 1, 1), dt.date(year, 5, 1), dt.date(year, 5, 17), dt.date(year, 12, 25),
                      dt.date(year, 12, 26)}


def overlaps(path: Path) -> list[str]:
    """Active bookings in one room whose times (counting an exam's arrival buffer) overlap."""
    rows = query(path, "SELECT room_id, id, starts_at, ends_at, arrival_buffer_minutes FROM booking "
                       "WHERE state = 'active'")
    by_room: dict[int, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)
    for room, booking, starts, ends, buffer in rows:
        by_room[room].append((moment(starts) - dt.timedelta(minutes=buffer), moment(ends), booking))
    problems = []
    for room, spans in by_room.items():
        spans.sort()
        latest_end, latest_id = dt.datetime.min, None
        for begins, ends, booking in spans:
            if begins < latest_end:
                problems.append(f"room {room}: booking {booking} starts before {latest_id} ends")
            if ends > latest_end:
                latest_end, latest_id = ends, booking
    return problems


def outside_opening_hours(path: Path) -> list[int]:
    rows = query(path, "SELECT b.id, b.starts_at, b.ends_at, b.arrival_buffer_minutes, r.opens_at, r.closes_at "
                       "FROM booking b JOIN room r ON r.id = b.room_id WHERE b.state = 'active'")
    bad = []
    for booking, starts, ends, buffer, opens, closes in rows:
        first = (moment(starts) - dt.timedelta(minutes=buffer)).time()
        if moment(starts).date() != moment(ends).date() or first < dt.time.fromisoformat(opens) \
                or moment(ends).time() > dt.time.fromisoformat(closes):
            bad.append(booking)
    return bad


# ---------------------------------------------------------------- the small scale

@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Location, int, str, str]]:
    folder = tmp_path_factory.mktemp("small")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KPDESK_LOG_DIR", str(folder / "logs"))
        path = new_location(folder, "demo.sqlite", lasting=True)
        made = (path, *run_demo("--db", str(path)))
    yield made
    drop_location(path)


@pytest.fixture
def small_db(small: tuple[Path, int, str, str]) -> Path:
    return small[0]


def test_small_demo_via_the_command_line(small: tuple[Path, int, str, str]) -> None:
    path, code, out, err = small
    assert code == 0, err
    assert err == ""
    lines = out.strip().splitlines()
    assert len(lines) == 1
    assert "arbeidsgivere" in lines[0] and "behov" in lines[0] and "kurstilbud" in lines[0] and "bookinger" in lines[0]
    assert isinstance(path, ServerAddress) or not (path.parent / "backups").exists()  # new: nothing to copy first


def test_small_demo_has_the_expected_counts(small_db: Path) -> None:
    assert 30 <= count(small_db, "employer") <= 40
    assert 60 <= count(small_db, "need") <= 100
    assert 25 <= count(small_db, "offer") <= 40
    assert 4 <= count(small_db, "room") <= 6
    assert count(small_db, "equipment") >= 5
    assert count(small_db, "room_equipment") >= count(small_db, "room")
    assert count(small_db, "centre_profile") == 1
    kinds = {kind for (kind,) in query(small_db, "SELECT DISTINCT kind FROM provider")}
    assert {"university", "vocational_college", "upper_secondary", "vendor"} <= kinds
    names = {name for (name,) in query(small_db, "SELECT name FROM provider")}
    assert {"Nord universitet", "UiT Norges arktiske universitet", "Nordland fagskole"} <= names
    per_employer = Counter(e for (e,) in query(small_db, "SELECT employer_id FROM contact_person"))
    assert len(per_employer) == count(small_db, "employer")
    assert set(per_employer.values()) <= {1, 2}
    per_offer = Counter(o for (o,) in query(small_db, "SELECT offer_id FROM offer_session"))
    assert len(per_offer) == count(small_db, "offer")
    assert set(per_offer.values()) <= {1, 2, 3, 4}


def test_employers_are_valid_and_visibly_demo(small_db: Path) -> None:
    rows = query(small_db, "SELECT org_number, name, municipality, industry, parent_id, may_be_named FROM employer")
    for number, name, municipality, industry, _parent, _named in rows:
        assert orgnr.is_valid(number), number
        assert number[0] in "89", number
        assert "DEMO" in name
        assert municipality in HELGELAND_SALTEN
        assert re.fullmatch(r"\d{2}\.\d{3}", industry), industry
    assert len({r[0] for r in rows}) == len(rows)
    assert any(parent for *_, parent, _ in rows), "some sub-units"
    assert {named for *_, named in rows} == {0, 1}
    for name, email, phone, basis in query(small_db, "SELECT name, email, phone, legal_basis FROM contact_person"):
        assert email.endswith(".example.no") and email.count("@") == 1
        assert re.fullmatch(r"[2-9]\d{7}", phone), phone
        assert basis == "berettiget interesse"
        assert len(name.split()) == 2


def test_small_demo_has_individuals_with_consent_and_community_needs(small_db: Path) -> None:
    persons = count(small_db, "person")
    assert 10 <= persons <= 20 and count(small_db, "consent") == persons
    assert query(small_db, "SELECT count(*) FROM consent WHERE NOT stored") == [(0,)]
    without_statistics = query(small_db, "SELECT count(*) FROM consent WHERE NOT statistics")[0][0]
    assert 1 <= without_statistics < persons
    assert query(small_db, "SELECT count(*) FROM person WHERE email = '' AND phone = ''") == [(0,)]
    assert query(small_db, "SELECT DISTINCT headcount FROM need WHERE person_id IS NOT NULL") == [(1,)]
    assert count(small_db, "need WHERE person_id IS NOT NULL") >= persons
    assert ("1836", "Sykepleiere i Rødøy", 5, 2030, "kompetansekartlegging 2026") in query(
        small_db, "SELECT community, title, headcount, horizon, source FROM need WHERE community IS NOT NULL")
    digits = ", ".join(f"'{d}'" for d in range(10))  # a region's name, not a municipality's number
    assert count(small_db, f"need WHERE community IS NOT NULL AND substr(community, 1, 1) NOT IN ({digits})") >= 1


def test_needs_and_offers_look_like_2027(small_db: Path) -> None:
    for ref, headcount, level, formats, earliest, latest, priority, status in query(
            small_db, "SELECT ref, headcount, level, formats, earliest_start, latest_start, priority, status "
                      "FROM need WHERE community IS NULL"):  # a community's need has a horizon instead
        assert re.fullmatch(r"B\d{4}", ref)
        assert 1 <= headcount <= 15
        assert level in {"kurs", "fagbrev", "fagskole", "bachelor", "master", "open"}
        assert set(filter(None, formats.split(","))) <= {"campus", "online", "sessions", "decentralised"}
        assert earliest.startswith("2027") and (latest is None or (latest.startswith("2027") and latest >= earliest))
        assert priority in {"low", "medium", "high"}
        assert status in {"new", "mapped", "matched", "ordered", "running", "closed", "rejected"}
    for ref, credits, system, start, end, deadline, seats_min, seats_max in query(
            small_db, "SELECT ref, credits, credit_system, start_date, end_date, application_deadline, seats_min, "
                      "seats_max FROM offer"):
        assert re.fullmatch(r"T\d{4}", ref)
        assert (credits is None) == (system == "none"), (ref, credits, system)
        assert system in {"uh", "fagskole", "none"}
        assert start.startswith("2027") and end >= start and deadline < start
        assert 0 < seats_min <= seats_max


def test_status_history_fits_the_status(small_db: Path) -> None:
    history: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for need, status, day in query(small_db, "SELECT need_id, status, changed_on FROM need_status_change "
                                             "ORDER BY need_id, id"):
        history[need].append((status, day))
    needs = query(small_db, "SELECT id, status, status_changed_on FROM need")
    assert len(history) == len(needs)
    for need, status, changed_on in needs:
        steps = history[need]
        assert steps[0][0] == "new"
        assert steps[-1] == (status, changed_on)
        assert [day for _, day in steps] == sorted(day for _, day in steps)
    accepted = {n for (n,) in query(small_db, "SELECT need_id FROM match_decision WHERE decision = 'accepted'")}
    matched = {n for (n,) in query(small_db, "SELECT id FROM need WHERE status IN ('matched', 'ordered', 'running')")}
    assert accepted == matched


def test_some_offers_fit_needs_and_some_needs_fit_no_offer(small_db: Path) -> None:
    needs = [f"{t} {d}".casefold() for t, d in query(small_db, "SELECT title, description FROM need")]
    offers = [" ".join(row).casefold() for row in query(small_db, "SELECT title, description, keywords FROM offer")]
    for shared in ("velferdsteknologi", "prosessfaget", "vannkjemi", "barnehagelærer"):
        assert any(shared in n for n in needs) and any(shared in o for o in offers), shared
    for unmet in ("anleggsmaskin", "samisk", "helsenorsk", "vertskap"):
        assert any(unmet in n for n in needs), unmet
        assert not any(unmet in o for o in offers), unmet


def test_no_two_active_bookings_overlap_in_a_room(small_db: Path) -> None:
    assert overlaps(small_db) == []
    assert outside_opening_hours(small_db) == []
    kinds = Counter(k for (k,) in query(small_db, "SELECT kind FROM booking WHERE state = 'active'"))
    assert {"video_lecture", "session", "exam", "meeting"} <= set(kinds)


def test_exams_have_an_arrival_buffer_and_invigilators(small_db: Path) -> None:
    exams = query(small_db, "SELECT arrival_buffer_minutes, invigilators, attendees FROM booking WHERE kind = 'exam'")
    assert len(exams) >= 5
    assert all(buffer == 30 and invigilators and invigilators >= 1 for buffer, invigilators, _ in exams)


def test_samlinger_are_booked_for_their_offer_sessions(small_db: Path) -> None:
    rows = query(small_db, "SELECT b.starts_at, s.starts_at, s.ends_at, b.offer_id, s.offer_id FROM booking b "
                           "JOIN offer_session s ON s.id = b.offer_session_id WHERE b.kind = 'session'")
    assert len(rows) >= 5
    for booked, first, last, offer, session_offer in rows:
        assert offer == session_offer
        assert moment(first).date() <= moment(booked).date() <= moment(last).date()


def test_series_have_one_booking_per_occurrence(small_db: Path) -> None:
    series = query(small_db, "SELECT id, rrule, first_start, duration_minutes FROM booking_series")
    assert len(series) >= 3
    for series_id, rule, first, minutes in series:
        assert re.fullmatch(r"FREQ=WEEKLY;(INTERVAL=\d;)?BYDAY=(MO|TU|WE|TH|FR);UNTIL=2027\d{4}T235959", rule)
        expected = [s.isoformat(" ") for s in rrulestr(rule, dtstart=moment(first))]
        rows = query(small_db, "SELECT recurrence_start, starts_at, ends_at FROM booking "
                               f"WHERE series_id = {series_id} ORDER BY recurrence_start")
        assert [moment(r).isoformat(" ") for r, _, _ in rows] == expected
        assert all(moment(e) - moment(s) == dt.timedelta(minutes=minutes) for _, s, e in rows)


def test_holiday_occurrences_are_skipped(small_db: Path) -> None:
    holidays = holidays_no(2027)
    rows = query(small_db, "SELECT b.starts_at, b.state, b.state_reason, s.rrule FROM booking b "
                           "JOIN booking_series s ON s.id = b.series_id")
    thursday = {moment(start).date(): (state, reason) for start, state, reason, rule in rows if "BYDAY=TH" in rule}
    assert thursday[dt.date(2027, 3, 25)][0] == "skipped" and "Skjærtorsdag" in thursday[dt.date(2027, 3, 25)][1]
    assert thursday[dt.date(2027, 5, 6)][0] == "skipped" and "Kristi himmelfartsdag" in thursday[dt.date(2027, 5, 6)][1]
    assert thursday[dt.date(2027, 5, 13)][0] == "active"  # an ordinary Thursday
    for start, state, reason, _ in rows:
        day = moment(start).date()
        assert (state == "skipped") == (day in holidays), (day, state, reason)
    active_days = {moment(s).date() for (s,) in query(small_db, "SELECT starts_at FROM booking WHERE state = 'active'")}
    assert not active_days & holidays
    assert all(day.weekday() < 5 for day in active_days)


def test_same_seed_gives_the_same_rows_and_another_seed_differs(small_db: Path, tmp_path: Path) -> None:
    again, other = new_location(tmp_path, "again.sqlite"), new_location(tmp_path, "other.sqlite")
    assert run_demo("--db", str(again), "--seed", "1")[0] == 0
    assert run_demo("--db", str(other), "--seed", "2")[0] == 0
    reference = dump(small_db)
    assert dump(again) == reference
    different = dump(other)
    assert different != reference
    assert different["need"] != reference["need"] and different["employer"] != reference["employer"]


def test_a_database_with_data_is_refused_and_left_unchanged(small_db: Path, tmp_path: Path) -> None:
    path = copy_database(small_db, tmp_path / "brukt")
    before = stored_bytes(path)
    code, out, err = run_demo("--db", str(path), "--scale", "regional")
    assert code == 1
    assert out == ""
    assert "har allerede data" in err and "ikke endret" in err and "arbeidsgivere" in err
    assert stored_bytes(path) == before
    assert isinstance(path, ServerAddress) or sorted(p.name for p in path.parent.iterdir()) == ["kpdesk.sqlite"]


def test_an_empty_kpdesk_database_is_filled(db_path: Path) -> None:
    from kpdesk.db.store import Store

    Store.open(db_path).close()
    assert run_demo("--db", str(db_path))[0] == 0
    assert count(db_path, "employer") > 0


def test_a_failure_leaves_no_file_behind(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kpdesk.demo.scales

    def broken(builder: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(kpdesk.demo.scales, "build_small", broken)
    code, _out, err = run_demo("--db", str(db_path))
    assert code == 3 and "intern feil" in err
    if isinstance(db_path, ServerAddress):  # one transaction on a server: nothing of it is left
        assert count(db_path, "employer") == 0
        return
    assert not db_path.exists()
    assert not list(db_path.parent.glob(db_path.name + "*"))


def test_the_room_grid_counts_the_exam_buffer() -> None:
    from kpdesk.demo.builder import RoomGrid

    grid = RoomGrid({1: (dt.time(8), dt.time(16))})
    grid.take(1, dt.datetime(2027, 5, 18, 8), dt.datetime(2027, 5, 18, 9))
    assert grid.fits(1, dt.datetime(2027, 5, 18, 9), dt.datetime(2027, 5, 18, 13))
    assert not grid.fits(1, dt.datetime(2027, 5, 18, 9), dt.datetime(2027, 5, 18, 13), buffer=30)
    assert grid.fits(1, dt.datetime(2027, 5, 18, 9, 30), dt.datetime(2027, 5, 18, 13), buffer=30)
    assert not grid.fits(1, dt.datetime(2027, 5, 18, 15), dt.datetime(2027, 5, 18, 17))  # after closing


def test_plain_sundays_are_not_holidays() -> None:
    from kpdesk.demo import norwegian_holidays

    found = norwegian_holidays(range(2027, 2028))
    assert set(found) == holidays_no(2027)
    assert dt.date(2027, 1, 3) not in found  # an ordinary Sunday
    assert found[dt.date(2027, 5, 6)] == "Kristi himmelfartsdag"


# ---------------------------------------------------------------- the regional scale

@pytest.mark.slow
def test_regional_scale(tmp_path: Path) -> None:
    path = new_location(tmp_path, "regional.sqlite")
    code, out, err = run_demo("--db", str(path), "--scale", "regional", "--seed", "3")
    assert code == 0, err
    assert len(out.strip().splitlines()) == 1
    assert count(path, "employer") == 5000
    assert count(path, "need WHERE employer_id IS NOT NULL") == 20000
    assert count(path, "person") == 400 and count(path, "consent") == 400
    assert count(path, "need WHERE community IS NOT NULL") == 7
    assert count(path, "offer") == 3000
    assert count(path, "room") == 30
    assert 55 <= count(path, "provider") <= 65
    assert 4500 <= count(path, "contact_person") <= 6500
    assert 49_000 <= count(path, "booking") <= 50_000
    assert count(path, "offer_session") >= 3000
    municipalities = {m for (m,) in query(path, "SELECT DISTINCT municipality FROM employer")}
    assert len(municipalities) == 41 and all(m.startswith("18") for m in municipalities)
    numbers = [n for (n,) in query(path, "SELECT org_number FROM employer")]
    assert all(orgnr.is_valid(n) and n[0] in "89" for n in numbers)
    assert query(path, "SELECT count(*) FROM employer WHERE name NOT LIKE '%(DEMO)%'")[0][0] == 0
    assert overlaps(path) == []
    assert outside_opening_hours(path) == []
    exams = query(path, "SELECT count(*), min(arrival_buffer_minutes) FROM booking WHERE kind = 'exam'")[0]
    assert exams[0] > 100 and exams[1] == 30
    # Most needs share a keyword with some offer (matching has something to find), not all.
    keywords = {k.strip().casefold() for (ks,) in query(path, "SELECT keywords FROM offer") for k in ks.split(",")}
    keywords = {k for k in keywords if len(k) >= 5}
    texts = [f"{t} {d}".casefold() for t, d in query(path, "SELECT title, description FROM need")]
    covered = sum(any(k in text for k in keywords) for text in texts) / len(texts)
    assert 0.8 <= covered < 1.0, covered
