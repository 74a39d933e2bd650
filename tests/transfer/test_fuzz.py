"""Hostile input everywhere: random and malformed CSV files, dates, numbers, RRULEs and odd Unicode.

Every input either gives a clear message (a ``UserError``, a ``FieldError`` or a ``Problem`` with a
sentence) or is stored and shown back exactly: through save and get/list, and through export and
re-import. Nothing crashes, and nothing writes half: a plan with errors leaves the database as it
was. Deterministic for CI: ``derandomize=True`` and no example database.

All examples run against one demo database; each one works in a transaction that is rolled back,
and the database file and its write-ahead log are checked to be untouched afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from support import drop_location, new_location, sql_rows

from kpdesk import transfer
from kpdesk.booking import recurrence
from kpdesk.common import fields, orgnr
from kpdesk.common.errors import UserError
from kpdesk.common.fields import FieldError
from kpdesk.common.norsk import parse_decimal
from kpdesk.common.paths import Location, ServerAddress
from kpdesk.db.models import Employer, Need, Room
from kpdesk.db.store import Store
from kpdesk.register import service as register
from kpdesk.register import validation

FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=120, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
MORE = settings(FUZZ, max_examples=300)

PLACE_KINDS = ("rooms", "bookings")
TRANSFER_KINDS = tuple(k for k in transfer.KINDS if k not in PLACE_KINDS)  # employers, needs, providers, offers

# ---------------------------------------------------------------- hostile text

ODD = [
    "\u200f", "\u200e", "\u202e", "\u2066", "\u0301", "\u0308", "\u200b", "\u200d", "\ufeff", "\u00a0", "\u2028",
    "\u3000", "👩‍👩‍👧", "🇳🇴", "😀", "ÆØÅæøå", "ŋŧčđ", "Ł", "ß", "ﬁ", "İ", '"', '""', ";", ",", "\t", "\r\n", "\n",
    "\r", "'", "=SUM(A1)", "+47", "-", "\\", "%", "_", "«»", "<b>", "NULL", "None", "0", "-1", "1e9", "١٢٣",
]

odd_text = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(st.sampled_from(ODD), st.text(max_size=4)), max_size=12).map("".join),
    st.builds(lambda piece, n: piece * n, st.sampled_from(["a", "é", "e\u0301", "😀", "Ø ", "ab\u200f"]),
              st.integers(0, 12_000)),
)
# Text a person could have typed as a name, title or note: what the validators may accept.
printable_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60) | st.lists(
    st.sampled_from([s for s in ODD if s not in ("\r\n", "\n", "\r", "\t")] + ["Bodø", "Ærlig", "Å", " "]),
    min_size=1, max_size=10).map("".join)


# ---------------------------------------------------------------- the database


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The small demo database, opened once, with values to build plausible rows from."""
    from kpdesk.demo import create_demo

    path = new_location(tmp_path_factory.mktemp("fuzz"), lasting=True)
    create_demo(path)
    store = Store.open(path)
    with store.session() as s:
        facts = {
            "orgs": s.scalars(select(Employer.org_number).order_by(Employer.id)).all(),
            "refs": s.scalars(select(Need.ref).order_by(Need.id)).all(),
            "rooms": s.scalars(select(Room.name).order_by(Room.id)).all(),
        }
    yield {"store": store, "path": path, **facts}
    store.close()
    drop_location(path)


def file_state(path: Location) -> tuple:
    """Sizes and times of the database and its log: any commit would change the log. On a server, its
    audit entries: every write kpdesk commits records one."""
    if isinstance(path, ServerAddress):
        return tuple(sql_rows(path, "SELECT count(*), coalesce(max(id), 0) FROM audit_entry"))
    wal = path.with_name(path.name + "-wal")
    return tuple((p.stat().st_size, p.stat().st_mtime_ns) if p.exists() else None for p in (path, wal))


def rolled_back(demo: dict[str, Any], work: Callable[[Any], Any]) -> Any:
    """Run ``work(session)`` in a transaction that is then rolled back; the file must not change."""
    before = file_state(demo["path"])
    result = None
    try:
        with demo["store"].session() as session:
            result = work(session)
            raise _Rollback
    except _Rollback:
        pass
    assert file_state(demo["path"]) == before
    return result


def assert_sentences(problems: list[Any]) -> None:
    for problem in problems:
        text = str(problem)
        assert text.strip() and "Traceback" not in text and "object at 0x" not in text, text


def plan(session: Any, kind: str, data: bytes) -> Any:
    return transfer.plan_bytes(session, kind, data, "fuzz.csv")


def apply(session: Any, kind: str, the_plan: Any) -> Any:
    return transfer.apply_import(session, the_plan)


def check_import(demo: dict[str, Any], kind: str, data: bytes, *, fuzzing: bool = True,
                 then: Callable[[Any, Any], None] | None = None) -> Any:
    """Plan and apply in a rolled-back transaction: errors refuse the whole file, else it goes in.

    ``then(session, plan)`` checks what an accepted file stored, before the rollback.
    """

    def work(session: Any) -> Any:
        the_plan = plan(session, kind, data)
        assert_sentences(the_plan.problems)
        if the_plan.has_errors:
            if fuzzing:
                event(f"{kind}: refused")
            with pytest.raises(UserError):
                apply(session, kind, the_plan)
            return None
        if fuzzing:
            event(f"{kind}: imported {'some' if the_plan.rows else 'no'} rows")
        result = apply(session, kind, the_plan)
        if then is not None:
            then(session, the_plan)
        return result

    return rolled_back(demo, work)


# ---------------------------------------------------------------- whole files


@FUZZ
@given(data=st.binary(max_size=3000), kind=st.sampled_from(TRANSFER_KINDS + PLACE_KINDS))
def test_random_bytes_never_crash_an_importer(demo: dict[str, Any], data: bytes, kind: str) -> None:
    check_import(demo, kind, data)


def _header(kind: str) -> tuple[str, ...]:
    spec = transfer.kind_spec(kind)
    return spec.columns + spec.optional


@st.composite
def csv_files(draw: st.DrawFn, kinds: tuple[str, ...] = TRANSFER_KINDS + PLACE_KINDS) -> tuple[str, bytes]:
    """A file with a real header (in any order, with junk columns) and hostile cells, in any shape."""
    kind = draw(st.sampled_from(kinds))
    known = list(_header(kind))
    columns = draw(st.lists(st.sampled_from([*known, "ukjent", "", "Navn ", "ORGNR"]), min_size=1, max_size=12))
    plausible = {"org_number": "orgs", "employer": "orgs", "ref": "refs", "room": "rooms"}
    cell = st.one_of(odd_text, st.sampled_from(["", "1", "12", "ja", "nei", "01.02.2027", "2027-02-01",
                                                "01.02.2027 09.00", "FREQ=WEEKLY;COUNT=3", "nettbasert", "ny",
                                                "Bodø", "1804", "87.101", "x@y.no", "+47 912 34 567"]))

    def value(column: str) -> st.SearchStrategy[str]:
        facts = plausible.get(column)
        return cell | st.sampled_from(demo_facts[facts]) if facts else cell

    rows = draw(st.lists(st.tuples(*[value(c) for c in columns]), max_size=6))
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    quote_all = draw(st.booleans())

    def field(text: str) -> str:
        if quote_all or any(ch in text for ch in (delimiter, '"', "\n", "\r")):
            return '"' + text.replace('"', '""') + '"'
        return text

    newline = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    text = newline.join(delimiter.join(field(c) for c in row) for row in [tuple(columns), *rows]) + newline
    mangle = draw(st.sampled_from(["none", "bom", "bom-middle", "nul", "unclosed-quote", "cut", "ctrl-z"]))
    if mangle == "bom-middle":
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + "\ufeff" + text[cut:]
    elif mangle == "unclosed-quote":
        text += '"uferdig'
    elif mangle == "ctrl-z":
        text += "\x1a"
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    if mangle == "bom":
        data = b"\xef\xbb\xbf" + data
    elif mangle == "nul":
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + b"\x00" + data[cut:]
    elif mangle == "cut":
        data = data[:draw(st.integers(0, len(data)))]
    return kind, data


demo_facts: dict[str, list[str]] = {"orgs": ["988077917"], "refs": ["B00001"], "rooms": ["Storsalen"]}


@pytest.fixture(autouse=True)
def _facts(request: pytest.FixtureRequest) -> None:
    """Let the strategies pick real org numbers, refs and room names from the demo database."""
    if "demo" in request.fixturenames:
        found = request.getfixturevalue("demo")
        demo_facts.update({k: list(found[k]) for k in ("orgs", "refs", "rooms")})


@MORE
@given(file=csv_files())
def test_malformed_csv_files_give_problems_or_go_in_whole(demo: dict[str, Any], file: tuple[str, bytes]) -> None:
    kind, data = file
    check_import(demo, kind, data)


NEW_ORGS = [str(n) for n in range(910_000_000, 910_000_300) if orgnr.problem(str(n)) is None][:40]


@st.composite
def valid_files(draw: st.DrawFn) -> tuple[str, bytes, bool]:
    """Files right in every cell but the free text, which is hostile; sometimes mangled as a whole.

    Returns (kind, bytes, clean): ``clean`` when the file went out as plain UTF-8, untouched.
    """
    kind = draw(st.sampled_from(("employers", "needs", "providers", "rooms")))
    name = printable_text
    note = st.one_of(printable_text, odd_text)
    count = draw(st.integers(1, 4))
    if kind == "employers":
        orgs = draw(st.lists(st.sampled_from(NEW_ORGS + demo_facts["orgs"][:5]), min_size=count, max_size=count,
                             unique=True))
        header = ("org_number", "name", "municipality", "notes", "contact_name", "contact_email")
        rows = [(org, draw(name), draw(st.sampled_from(["", "1804", "Bodø"])), draw(note), draw(name),
                 f"k{i}@example.no") for i, org in enumerate(orgs)]
    elif kind == "needs":
        header = ("employer", "title", "description", "headcount", "funding_note")
        rows = [(draw(st.sampled_from(demo_facts["orgs"])), draw(name), draw(note), str(draw(st.integers(1, 40))),
                 draw(note)) for _ in range(count)]
    elif kind == "providers":
        header = ("name", "notes")
        rows = [(draw(name), draw(note)) for _ in range(count)]
    else:
        header = ("name", "capacity", "notes")
        rows = [(draw(name), str(draw(st.integers(1, 200))), draw(note)) for _ in range(count)]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=draw(st.sampled_from([";", ",", "\t"])), lineterminator="\r\n").writerows(
        [header, *rows])
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    mangle = draw(st.sampled_from(["none", "none", "none", "cut", "nul", "bom-middle"]))
    if mangle == "cut":
        data = data[:draw(st.integers(0, len(data)))]
    elif mangle == "nul":
        data = data.replace(b";", b";\x00", 1)
    elif mangle == "bom-middle":
        data = data.replace(b"\r\n", b"\r\n\xef\xbb\xbf", 2)
    return kind, data, mangle == "none" and encoding == "utf-8"


def stored_as_planned(session: Any, the_plan: Any) -> None:
    """Each row of an accepted file reads back exactly as the importer understood it."""
    for row in the_plan.rows:
        data = row.data
        if the_plan.kind == "employers":
            shown = register.get_employer(session, register.employer_id_for_org(session, data.org_number))
            assert (shown.name, shown.notes) == (data.name, data.notes)
        elif the_plan.kind == "needs" and data.ref is not None:
            shown = next(n for n in register.list_needs(session) if n.ref == data.ref)
            assert (shown.title, shown.description) == (data.title, data.description)
        elif the_plan.kind == "rooms":
            stored = session.execute(select(Room.name, Room.notes).where(Room.name == data.name)).one()
            assert tuple(stored) == (data.name, data.notes)


@MORE
@given(file=valid_files())
def test_files_with_hostile_text_go_in_whole_and_read_back_exactly(demo: dict[str, Any],
                                                                   file: tuple[str, bytes, bool]) -> None:
    kind, data, clean = file

    def then(session: Any, the_plan: Any) -> None:
        stored_as_planned(session, the_plan)
        if clean and kind == "rooms":  # what the file said, trimmed, is what was understood
            reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=the_plan.delimiter)
            notes = [r[2] for r in reader][1:]
            assert [r.data.notes for r in the_plan.rows] == [_cleaned(n) for n in notes]

    check_import(demo, kind, data, then=then)


def test_huge_fields_and_huge_lines_are_refused_with_a_message(demo: dict[str, Any]) -> None:
    for data in (b"org_number;name\n988077917;" + b"x" * 300_000 + b"\n",
                 b"org_number;name\n988077917;\"" + b"y" * 200_000,
                 b"org_number;name\n" + b";" * 100_000 + b"\n",
                 "org_number;name\n988077917;Navn\u2028med linjeskift\n".encode()):
        result = check_import(demo, "employers", data, fuzzing=False)
        assert result is None or result.created + result.updated + result.unchanged <= 1


# ---------------------------------------------------------------- single values


@MORE
@given(text=odd_text)
def test_every_field_parser_returns_a_value_or_a_field_error(text: str) -> None:
    parsers: list[Callable[[str], Any]] = [
        fields.parse_date, fields.parse_headcount, fields.parse_org_number, fields.parse_email,
        fields.parse_phone, fields.parse_municipality, fields.parse_industry, fields.parse_formats,
        fields.parse_level, fields.parse_need_status, fields.parse_priority, fields.parse_yes_no,
        fields.parse_ref, lambda t: fields.parse_required_text(t, "Navnet", 300),
        lambda t: fields.parse_text(t, "Notatet"),
    ]
    for parse in parsers:
        try:
            value = parse(text)
        except FieldError as exc:
            assert exc.message.strip()
            continue
        if isinstance(value, dt.date):
            assert fields.EARLIEST_YEAR <= value.year <= fields.LATEST_YEAR
        if parse is fields.parse_headcount:
            assert 1 <= value <= fields.MAX_HEADCOUNT
    try:
        parse_decimal(text)
    except ValueError as exc:
        assert str(exc).strip()
    assert fields.sensitive_text_warning(text) is None or fields.sensitive_text_warning(text)


@MORE
@given(day=st.integers(-5, 40), month=st.integers(-2, 14), year=st.integers(0, 10_000),
       shape=st.sampled_from(["{d}.{m}.{y}", "{y}-{m}-{d}", "{d}/{m}/{y}", "{d:02d}.{m:02d}.{y:04d}", " {d}.{m}.{y} ",
                              "{d}.{m}.{y}.", "{d}. {m}. {y}"]))
def test_dates_are_read_exactly_or_refused(day: int, month: int, year: int, shape: str) -> None:
    text = shape.format(d=day, m=month, y=year)
    try:
        value = fields.parse_date(text)
    except FieldError as exc:
        assert exc.message.strip()
        return
    written = f"{year:04d}" if "y:04d" in shape else str(year)
    assert value == dt.date(2000 + year if len(written) == 2 else year, month, day)  # 27 is 2027


@MORE
@given(rule=st.one_of(
    odd_text,
    st.lists(st.sampled_from(["FREQ=WEEKLY", "FREQ=DAILY", "FREQ=MONTHLY", "FREQ=YEARLY", "FREQ=HOURLY", "FREQ=",
                              "COUNT=3", "COUNT=0", "COUNT=-1", "COUNT=999999", "UNTIL=20270615", "UNTIL=20270231",
                              "UNTIL=20270615T090000Z", "UNTIL=1", "INTERVAL=2", "INTERVAL=0", "BYDAY=MO,WE",
                              "BYDAY=XX", "BYDAY=-1FR", "BYMONTHDAY=31", "BYMONTHDAY=-1", "BYSETPOS=1", "BYHOUR=9",
                              "WKST=SU", "RRULE:", "=", ";", "byday=tu", "FREQ=WEEKLY;FREQ=DAILY", "X-NAME=1"]),
             max_size=6).map(";".join),
), start=st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2028, 12, 31)))
def test_rrules_give_a_normal_rule_or_a_field_error(rule: str, start: dt.datetime) -> None:
    start = start.replace(second=0, microsecond=0)
    try:
        normal = recurrence.parse_rule(rule, start)
    except FieldError as exc:
        assert exc.message.strip()
        event("rule refused")
        return
    event("rule accepted")
    assert recurrence.parse_rule(normal, start) == normal  # the normal form reads back as itself
    found = recurrence.occurrences(normal, start)
    assert found[0] == start and len(found) <= recurrence.MAX_OCCURRENCES
    assert recurrence.describe(normal).strip()


# ---------------------------------------------------------------- forms: validate, save, show back


def _cleaned(text: str) -> str:
    return text.replace("\u00a0", " ").strip()


@MORE
@given(name=odd_text, notes=odd_text, org=st.sampled_from(["123456785", "974112345", "12345678", "abc"]),
       municipality=st.sampled_from(["", "1804", "Bodø", "9999", "  1818 ", "Herøy"]),
       industry=st.sampled_from(["", "87.101", "87,101", "Q", "99.999", "8"]))
def test_employer_form_stores_and_shows_back_exactly(demo: dict[str, Any], name: str, notes: str, org: str,
                                                     municipality: str, industry: str) -> None:
    data, problems = validation.validate_employer({"org_number": org, "name": name, "notes": notes,
                                                   "municipality": municipality, "industry": industry})
    assert_sentences([p.message for p in problems])
    if data is None:
        assert any(not p.warning for p in problems)
        return
    assert (data.name, data.notes) == (_cleaned(name), _cleaned(notes))

    def work(session: Any) -> None:
        existing = session.scalar(select(Employer.id).where(Employer.org_number == data.org_number))
        if existing is not None:
            return
        employer_id = register.save_employer(session, data)
        shown = register.get_employer(session, employer_id)
        assert (shown.name, shown.notes, shown.municipality, shown.industry) == (
            data.name, data.notes, data.municipality, data.industry)
        assert any(e.id == employer_id and e.name == data.name for e in register.list_employers(session))

    rolled_back(demo, work)


@MORE
@given(title=odd_text, description=odd_text, headcount=st.sampled_from(["1", "0", "-3", "2,5", " 12 ", "100001", "x"]),
       earliest=st.sampled_from(["", "01.02.2027", "31.02.2027", "2027-13-01", "1.1.1899"]),
       latest=st.sampled_from(["", "01.01.2027", "01.03.2027"]))
def test_need_form_stores_and_shows_back_exactly(demo: dict[str, Any], title: str, description: str, headcount: str,
                                                 earliest: str, latest: str) -> None:
    raw = {"employer": demo["orgs"][0], "title": title, "description": description, "headcount": headcount,
           "earliest_start": earliest, "latest_start": latest}
    data, problems = validation.validate_need(raw)
    assert_sentences([p.message for p in problems])
    if data is None:
        return
    assert (data.title, data.description) == (_cleaned(title), _cleaned(description))

    def work(session: Any) -> None:
        need_id = register.save_need(session, data)
        shown = register.get_need(session, need_id)
        assert (shown.title, shown.description, shown.headcount, shown.earliest_start, shown.latest_start) == (
            data.title, data.description, data.headcount, data.earliest_start, data.latest_start)

    rolled_back(demo, work)


@MORE
@given(name=odd_text, role=odd_text, email=st.one_of(odd_text, st.sampled_from(["kari@fauske.no", "KARI@Fauske.NO",
                                                                                 "a@b", "a@@b.no", "æ@ø.no"])),
       phone=st.one_of(odd_text, st.sampled_from(["75 55 50 00", "+47 912 34 567", "0047 91234567", "+46 8 123 456 78",
                                                  "123"])))
def test_contact_form_stores_and_shows_back_exactly(demo: dict[str, Any], name: str, role: str, email: str,
                                                    phone: str) -> None:
    data, problems = validation.validate_contact({"name": name, "role": role, "email": email, "phone": phone})
    assert_sentences([p.message for p in problems])
    if data is None:
        return
    assert (data.name, data.role) == (_cleaned(name), _cleaned(role))

    def work(session: Any) -> None:
        employer_id = session.scalar(select(Employer.id).order_by(Employer.id))
        contact_id = register.save_contact(session, employer_id, data)
        shown = register.get_contact(session, contact_id)
        assert (shown.name, shown.role, shown.email, shown.phone) == (data.name, data.role, data.email, data.phone)

    rolled_back(demo, work)


# ---------------------------------------------------------------- export and import again


@FUZZ
@given(name=printable_text, notes=st.one_of(printable_text, odd_text), title=printable_text,
       description=st.one_of(printable_text, odd_text))
def test_odd_text_survives_export_and_import_unchanged(demo: dict[str, Any], name: str, notes: str, title: str,
                                                       description: str) -> None:
    employer, problems = validation.validate_employer({"org_number": "123456785", "name": name, "notes": notes})
    need, need_problems = validation.validate_need({"employer": "123456785", "title": title,
                                                    "description": description, "headcount": "3"})
    assume(employer is not None and need is not None)
    assert_sentences([p.message for p in problems + need_problems])

    def work(session: Any) -> None:
        if session.scalar(select(Employer.id).where(Employer.org_number == "123456785")) is not None:
            return
        employer_id = register.save_employer(session, employer)
        register.save_need(session, need)
        with tempfile.TemporaryDirectory() as folder:
            for kind in ("employers", "needs"):
                out = Path(folder) / f"{kind}.csv"
                count = transfer.export(session, kind, out)
                again = transfer.plan_bytes(session, kind, out.read_bytes(), out.name)
                assert not again.has_errors, [str(p) for p in again.errors]
                result = transfer.apply_import(session, again)
                assert (result.created, result.updated, result.unchanged) == (0, 0, count), kind
        shown = register.get_employer(session, employer_id)
        assert (shown.name, shown.notes) == (employer.name, employer.notes)
        [row] = [n for n in register.list_needs(session, employer_id)]
        assert (row.title, row.description) == (need.title, need.description)

    rolled_back(demo, work)


def test_the_fuzz_database_is_intact_afterwards(demo: dict[str, Any]) -> None:
    import sqlite3

    assert sql_rows(demo["path"], "SELECT count(*) FROM audit_entry") == [(0,)]  # nothing was ever committed
    if isinstance(demo["path"], ServerAddress):
        return  # the server keeps its own storage intact
    conn = sqlite3.connect(f"{demo['path'].resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
    assert os.path.exists(demo["path"])
