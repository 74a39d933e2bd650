"""The broker register's reads and writes: rows as plain data, rules, audit entries, delete and undo."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, insert, select

from kpdesk.admin.audit_log import history
from kpdesk.common import orgnr
from kpdesk.common.errors import UserError
from kpdesk.db.models import AuditEntry, ContactPerson, Employer, MatchDecision, Need, NeedStatusChange, Offer, Provider
from kpdesk.register import service as register
from kpdesk.register.service import NotFoundError
from kpdesk.register.validation import ContactData, EmployerData, NeedData

TODAY = dt.date.today()


def employer(org: str = "988077917", name: str = "Fauske kommune", **kw) -> EmployerData:
    return EmployerData(org, name, **{"municipality": "1841", "industry": "84.110", **kw})


def need(org: str = "988077917", title: str = "Fagbrev for renholdere", **kw) -> NeedData:
    return NeedData(org, title, **{"headcount": 7, "level": "fagbrev", **kw})


def count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


# ---------------------------------------------------------------- employers

def test_create_and_read_employer(store) -> None:
    with store.session() as s:
        employer_id = register.save_employer(s, employer(notes="Kontakt via rådmannen", may_be_named=True))
    with store.session() as s:
        row = register.get_employer(s, employer_id)
        rows = register.list_employers(s)
    assert rows == [row]
    assert dataclasses.is_dataclass(row) and type(row) is register.EmployerRow
    assert (row.org_number, row.name, row.municipality, row.municipality_name, row.industry) == (
        "988077917", "Fauske kommune", "1841", "Fauske – Fuossko", "84.110")
    assert row.industry_name.startswith("Offentlig administrasjon")
    assert (row.may_be_named, row.notes, row.needs, row.open_needs, row.contacts) == (
        True, "Kontakt via rådmannen", 0, 0, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.name = "x"  # type: ignore[misc]


def test_employers_sort_in_norwegian_order(store) -> None:
    with store.session() as s:
        for org, name in (("988077917", "Øksnes AS"), ("974112345", "Ålen AS"), ("987654325", "Zeta AS"),
                          ("912345122", "Æra AS"), ("998877113", "andøy AS")):
            register.save_employer(s, employer(org, name))
        assert [r.name for r in register.list_employers(s)] == ["andøy AS", "Zeta AS", "Æra AS", "Øksnes AS", "Ålen AS"]


def test_duplicate_org_number_points_at_the_existing_one(store) -> None:
    with store.session() as s:
        register.save_employer(s, employer())
    with pytest.raises(UserError) as caught, store.session() as s:
        register.save_employer(s, employer(name="Noe annet"))
    assert caught.value.message == "988 077 917 er allerede registrert som «Fauske kommune»."


def test_failing_write_leaves_nothing_written(store) -> None:
    with pytest.raises(UserError), store.session() as s:
        register.save_employer(s, employer("974112345", "Først"))
        register.save_employer(s, employer("974112345", "Så en gang til"))
    with store.session() as s:
        assert count(s, Employer) == 0
        assert count(s, AuditEntry) == 0


def test_update_audits_each_changed_field(store) -> None:
    with store.session() as s:
        employer_id = register.save_employer(s, employer())
    with store.session() as s:
        register.save_employer(s, employer(name="Fauske kommune, helse", municipality="1804"), employer_id)
        register.save_employer(s, employer(name="Fauske kommune, helse", municipality="1804"), employer_id)  # no-op
    with store.session() as s:
        entries = history(s, "employer", employer_id)
    assert [(e.action, e.field, e.old_value, e.new_value) for e in entries] == [
        ("update", "municipality", "1841", "1804"),
        ("update", "name", "Fauske kommune", "Fauske kommune, helse"),
        ("create", "", None, None),
    ]
    assert entries[0].user


def test_parent_rules(store) -> None:
    with store.session() as s:
        main_id = register.save_employer(s, employer())
        sub_id = register.save_employer(s, employer("974112345", "Fauske sykehjem", parent_org_number="988077917"))
        assert register.get_employer(s, sub_id).parent_name == "Fauske kommune"
        with pytest.raises(UserError, match="sin egen hovedenhet"):
            register.save_employer(s, employer(), main_id, parent_id=main_id)
        with pytest.raises(UserError, match="«Fauske sykehjem» er selv en underenhet"):
            register.save_employer(s, employer(), main_id, parent_id=sub_id)
        with pytest.raises(UserError, match="Ingen arbeidsgiver har organisasjonsnummer 987 654 325"):
            register.save_employer(s, employer("912345122", "X", parent_org_number="987654325"))


def test_get_missing_rows(store) -> None:
    with store.session() as s:
        with pytest.raises(NotFoundError, match=r"Arbeidsgiveren finnes ikke lenger \(id 99\)"):
            register.get_employer(s, 99)
        with pytest.raises(NotFoundError):
            register.get_need(s, 99)
        with pytest.raises(NotFoundError):
            register.get_contact(s, 99)
        with pytest.raises(NotFoundError):
            register.save_employer(s, employer(), 99)


def _populated(store) -> dict[str, int]:
    """An employer with a sub-unit, two contacts, two needs (one with a status change and a match decision)."""
    with store.session() as s:
        ids = {"main": register.save_employer(s, employer())}
        ids["sub"] = register.save_employer(s, employer("974112345", "Fauske sykehjem", parent_org_number="988077917"))
        ids["c1"] = register.save_contact(s, ids["main"], ContactData("Marit Sandvik", "HR", "marit@fauske.no"))
        ids["c2"] = register.save_contact(s, ids["main"], ContactData("Per Hansen", email="per@fauske.no"))
        ids["n1"] = register.save_need(s, need())
        ids["n2"] = register.save_need(s, need(title="Lederutdanning", status="mapped"))
        register.save_need(s, need(title="Lederutdanning", status="closed"), ids["n2"])
        provider = Provider(name="Nord universitet")
        s.add(provider)
        s.flush()
        offer = Offer(ref="O1", provider_id=provider.id, title="Ledelse")
        s.add(offer)
        s.flush()
        s.add(MatchDecision(need_id=ids["n2"], offer_id=offer.id, decision="accepted"))
    return ids


def test_counts_on_employer_rows(store) -> None:
    ids = _populated(store)
    with store.session() as s:
        row = register.get_employer(s, ids["main"])
    assert (row.needs, row.open_needs, row.contacts) == (2, 1, 2)


def test_delete_and_restore_employer(store) -> None:
    ids = _populated(store)
    with store.session() as s:
        before_needs = register.list_needs(s)
        before_contacts = register.list_contacts(s, ids["main"])
        before_history = register.list_status_changes(s, ids["n2"])
        before_employers = register.list_employers(s)
        snapshot = register.delete_employer(s, ids["main"])
    assert snapshot.sub_unit_ids == (ids["sub"],)
    with store.session() as s:
        assert [r.id for r in register.list_employers(s)] == [ids["sub"]]
        assert register.get_employer(s, ids["sub"]).parent_id is None
        assert count(s, Need) == count(s, ContactPerson) == count(s, NeedStatusChange) == count(s, MatchDecision) == 0
    with store.session() as s:
        assert register.restore_employer(s, snapshot) == ids["main"]
    with store.session() as s:
        assert register.list_employers(s) == before_employers
        assert register.list_needs(s) == before_needs
        assert register.list_contacts(s, ids["main"]) == before_contacts
        assert register.list_status_changes(s, ids["n2"]) == before_history
        assert count(s, MatchDecision) == 1
        actions = [e.action for e in history(s, "employer", ids["main"])]
    assert actions[:2] == ["restore", "delete"]


def test_restore_refuses_a_taken_org_number_or_id(store) -> None:
    with store.session() as s:
        first = register.save_employer(s, employer())
        register.save_employer(s, employer("974112345", "Annen"))
        snapshot = register.delete_employer(s, first)
        register.save_employer(s, employer(name="Ny med samme nummer"))
        with pytest.raises(UserError, match="988 077 917 er allerede registrert som «Ny med samme nummer»"):
            register.restore_employer(s, snapshot)
    with store.session() as s:
        # ids are never handed out again (AUTOINCREMENT), so "delete, create, undo" restores the old row
        last = register.save_employer(s, employer("912345122", "Sist"))
        snapshot = register.delete_employer(s, last)
        assert register.save_employer(s, employer("998877113", "Tar ikke id-en")) != last
        assert register.restore_employer(s, snapshot) == last
        assert register.get_employer(s, last).name == "Sist"


# ---------------------------------------------------------------- contacts

def test_contacts_save_delete_restore(store) -> None:
    with store.session() as s:
        employer_id = register.save_employer(s, employer())
        contact_id = register.save_contact(s, employer_id, ContactData("Marit Sandvik", "HR", "marit@fauske.no",
                                                                       "75600000"))
        row = register.get_contact(s, contact_id)
        assert (row.name, row.role, row.email, row.phone, row.legal_basis, row.registered_on) == (
            "Marit Sandvik", "HR", "marit@fauske.no", "75600000", "berettiget interesse", TODAY)
        register.save_contact(s, employer_id, ContactData("Marit Sandvik", "Personalsjef", "marit@fauske.no",
                                                          "75600000"), contact_id)
        assert register.get_contact(s, contact_id).role == "Personalsjef"
        assert register.get_contact(s, contact_id).registered_on == TODAY  # kept when the form has none
        snapshot = register.delete_contact(s, contact_id)
        assert register.list_contacts(s, employer_id) == []
        assert register.restore_contact(s, snapshot) == contact_id
        assert register.get_contact(s, contact_id).role == "Personalsjef"
        entries = history(s, "contact_person", contact_id)
    assert [(e.action, e.field) for e in entries] == [("restore", ""), ("delete", ""), ("update", "role"),
                                                     ("create", "")]
    assert all("Marit" not in e.summary for e in entries)  # no personal data in summaries


def test_contact_for_missing_employer(store) -> None:
    with store.session() as s, pytest.raises(NotFoundError):
        register.save_contact(s, 42, ContactData("Ola"))


# ---------------------------------------------------------------- needs

def test_needs_get_automatic_refs_and_status_history(store) -> None:
    with store.session() as s:
        register.save_employer(s, employer())
        first = register.save_need(s, need())
        second = register.save_need(s, need(title="Annet", ref="PN01"))
        third = register.save_need(s, need(title="Tredje"))
        refs = [register.get_need(s, i).ref for i in (first, second, third)]
        assert refs == ["B00001", "PN01", "B00002"]
        register.save_need(s, need(title="Tredje", status="ordered"), third)
        row = register.get_need(s, third)
        assert (row.ref, row.status, row.status_changed_on) == ("B00002", "ordered", TODAY)
        assert register.list_status_changes(s, third) == [
            register.StatusChangeRow("new", TODAY), register.StatusChangeRow("ordered", TODAY)]
        register.set_need_status(s, third, "running")
        assert register.get_need(s, third).status == "running"
        assert [e.field for e in history(s, "need", third)][:2] == ["status", "status"]


def test_need_row_fields(store) -> None:
    with store.session() as s:
        register.save_employer(s, employer())
        need_id = register.save_need(s, need(formats=("online", "sessions"), earliest_start=dt.date(2027, 1, 15),
                                             latest_start=dt.date(2027, 6, 1), priority="high",
                                             funding_note="Kompetansepilot"))
        row = register.get_need(s, need_id)
        assert register.list_needs(s) == [row]
        assert register.list_needs(s, employer_id=row.employer_id) == [row]
        assert register.list_needs(s, employer_id=row.employer_id + 1) == []
    assert (row.employer_name, row.org_number, row.municipality, row.municipality_name, row.industry) == (
        "Fauske kommune", "988077917", "1841", "Fauske – Fuossko", "84.110")
    assert (row.title, row.headcount, row.level, row.formats, row.priority, row.status, row.funding_note) == (
        "Fagbrev for renholdere", 7, "fagbrev", ("online", "sessions"), "high", "new", "Kompetansepilot")
    assert (row.earliest_start, row.latest_start, row.status_changed_on) == (
        dt.date(2027, 1, 15), dt.date(2027, 6, 1), TODAY)
    # built by the fast path, still an ordinary frozen NeedRow
    assert type(row) is register.NeedRow
    assert row == register.NeedRow(**dataclasses.asdict(row))
    assert hash(row) == hash(register.NeedRow(**dataclasses.asdict(row)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.title = "x"  # type: ignore[misc]


def test_need_rules(store) -> None:
    with store.session() as s:
        register.save_employer(s, employer())
        register.save_need(s, need(ref="PN01"))
        with pytest.raises(UserError, match="Referansen «PN01» er allerede brukt av behovet «Fagbrev for renholdere»"):
            register.save_need(s, need(ref="PN01", title="Annet"))
        with pytest.raises(UserError, match="Ingen arbeidsgiver har organisasjonsnummer 974 112 345"):
            register.save_need(s, need("974112345"))
        with pytest.raises(UserError, match=r"Seneste oppstart 01.01.2027 er før tidligste oppstart 01.02.2027"):
            register.save_need(s, need(earliest_start=dt.date(2027, 2, 1), latest_start=dt.date(2027, 1, 1)))


def test_delete_and_restore_need(store) -> None:
    ids = _populated(store)
    with store.session() as s:
        before = register.get_need(s, ids["n2"])
        snapshot = register.delete_need(s, ids["n2"])
        assert count(s, MatchDecision) == 0
        with pytest.raises(NotFoundError):
            register.get_need(s, ids["n2"])
        assert register.restore_need(s, snapshot) == ids["n2"]
        assert register.get_need(s, ids["n2"]) == before
        assert len(register.list_status_changes(s, ids["n2"])) == 2
        assert count(s, MatchDecision) == 1


def test_restore_need_of_deleted_employer(store) -> None:
    ids = _populated(store)
    with store.session() as s:
        need_snapshot = register.delete_need(s, ids["n1"])
        register.delete_employer(s, ids["main"])
        with pytest.raises(UserError, match="Gjenopprett arbeidsgiveren først"):
            register.restore_need(s, need_snapshot)


# ---------------------------------------------------------------- speed

def _bulk_needs(store, employers: int, needs: int) -> None:
    orgs = []
    number = 90000000
    while len(orgs) < employers:
        number += 1
        full = orgnr.complete(str(number))
        if full:
            orgs.append(full)
    with store.session() as s:
        s.execute(insert(Employer).execution_options(render_nulls=True), [
            {"org_number": org, "name": f"Bedrift {i}", "municipality": "1804", "industry": "87.101"}
            for i, org in enumerate(orgs)])
        s.execute(insert(Need).execution_options(render_nulls=True), [
            {"ref": f"R{i:06d}", "employer_id": i % employers + 1, "title": f"Behov {i}", "headcount": 1 + i % 9,
             "level": "fagbrev", "formats": "online,sessions", "earliest_start": dt.date(2027, 1, 1),
             "latest_start": None if i % 3 else dt.date(2027, 6, 1), "status": "new" if i % 4 else "closed",
             "status_changed_on": TODAY} for i in range(needs)])


def test_list_needs_reads_regional_data(store) -> None:
    """The regional demo's size (5,000 employers, 20,000 needs) reads whole; its speed: benchmarks/bench_needs.py."""
    _bulk_needs(store, 5000, 20000)
    with store.session() as s:
        rows = register.list_needs(s)
        employers = register.list_employers(s)
    assert len(rows) == 20000 and len(employers) == 5000
    assert sum(r.open_needs for r in employers) == 15000


def test_an_employer_is_found_by_number_or_name(store) -> None:
    from kpdesk.register.validation import EmployerData

    with store.session() as s:
        register.save_employer(s, EmployerData("974760673", "Øksnes kommune", "1868"))
        register.save_employer(s, EmployerData("935112346", "Fauske kommune", "1841"))
        register.save_employer(s, EmployerData("968812343", "Fauske Trelast AS", "1841"))
        assert register.find_employer_org(s, "974 760 673") == "974760673"
        assert register.find_employer_org(s, "øksnes KOMMUNE") == "974760673"  # whole name, any case
        assert register.find_employer_org(s, "Øksnes") == "974760673"  # a unique part
        assert register.find_employer_org(s, "fauske kommune") == "935112346"  # whole name beats a part
        with pytest.raises(UserError, match=r"«Fauske» passer 2 arbeidsgivere: Fauske kommune \(935 112 346\); "
                                            r"Fauske Trelast AS \(968 812 343\)\. Oppgi organisasjonsnummeret\."):
            register.find_employer_org(s, "Fauske")
        with pytest.raises(UserError, match="Ingen arbeidsgiver har organisasjonsnummer eller navn «Bodø»"):
            register.find_employer_org(s, "Bodø")
        with pytest.raises(UserError, match="«1234» er ikke et organisasjonsnummer"):
            register.find_employer_org(s, "1234")


def test_automatic_refs_follow_the_width_of_the_refs_in_use(store) -> None:  # type: ignore[no-untyped-def]
    """A database whose needs are B0001 … B0120 (the demo's style) gets B0121, not B00001."""
    with store.session() as s:
        register.save_employer(s, EmployerData("935112346", "Fauske kommune", "1841"))
        for ref in ("B0001", "B0120", "B12"):
            register.save_need(s, NeedData("935112346", f"Behov {ref}", ref=ref))
        assert register.next_need_ref(s) == "B0121"
        assert register.next_need_ref(s, {"B00130"}) == "B00131"
