"""What the reports print, read back from the PDFs: the right needs and offers, Norwegian and
Sámi letters, and nothing personal in the anonymous handout."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from support import EVAL, drop_location, new_location, with_session

from kpdesk.common.errors import UserError
from kpdesk.common.norsk import format_org_number, format_phone
from kpdesk.common.paths import Location
from kpdesk.reports.suppression import TOTAL

AS_OF = dt.date(2027, 1, 11)


def org_number(first_eight: str) -> str:
    from kpdesk.common.orgnr import check_digit

    digit = check_digit(first_eight)
    assert digit is not None
    return f"{first_eight}{digit}"


AARBORTE = org_number("91726002")
HABMER = org_number("91726003")
SAMI_NEED = "Nordsamisk for ansatte: čállin, đ, ŋ, ŧ, ž og ï"


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")


def flat(text: str) -> str:
    """Text with line breaks as spaces (table cells wrap)."""
    return re.sub(r"\s+", " ", text)


def _add_sami_employers(path: Path) -> None:
    from kpdesk.db.store import Store
    from kpdesk.register import service as register
    from kpdesk.register.validation import validate_contact, validate_employer, validate_need

    store = Store.open(path)
    try:
        with store.session() as session:
            for org, name, municipality, industry, named, note in (
                (AARBORTE, "Aarborte Reinkjøtt Đuŋŧa AS", "1826", "10.110", "nei",
                 "Daglig leder Ánde Čuđđe er sykemeldt til mars."),
                (HABMER, "Hábmer helsesenter", "1875", "86.211", "ja", ""),
            ):
                data, problems = validate_employer({"org_number": org, "name": name, "municipality": municipality,
                                                    "industry": industry, "may_be_named": named, "notes": note})
                assert data is not None, problems
                employer_id = register.save_employer(session, data)
                contact, problems = validate_contact({
                    "name": "Ánde Čuđđe" if org == AARBORTE else "Sára Ŋuollaš",
                    "email": "ande.cudde@aarborte.example.no" if org == AARBORTE else "sara@habmer.example.no",
                    "phone": "91 23 45 67" if org == AARBORTE else "+47 75 77 88 99", "role": "leder"})
                assert contact is not None, problems
                register.save_contact(session, employer_id, contact)
            for employer, title, headcount, level, description in (
                (AARBORTE, SAMI_NEED, 2, "kurs", "Ánde ønsker kurs for seg selv og Biret Čuđđe."),
                (AARBORTE, "Lindrende behandling på sykehjemmet", 1, "fagskole", ""),
                (HABMER, "Palliasjon for sykepleiere", 4, "bachelor", "Fire sykepleiere i teamet."),
            ):
                need, problems = validate_need({"employer": employer, "title": title, "headcount": str(headcount),
                                                "level": level, "description": description})
                assert need is not None, problems
                register.save_need(session, need)
    finally:
        store.close()


@pytest.fixture(scope="module")
def demo(demo: Path) -> Path:
    """The module's copy of the demo, with the Sámi employers added."""
    _add_sami_employers(demo)
    return demo



def busiest_employer(session: Any) -> str:
    from sqlalchemy import text

    return session.execute(text(
        "SELECT e.org_number FROM employer e JOIN need n ON n.employer_id = e.id "
        "WHERE n.status NOT IN ('closed', 'rejected') GROUP BY e.id ORDER BY count(*) DESC, e.id LIMIT 1")).scalar()


# ---------------------------------------------------------------- matching summary

def test_matching_summary_lists_each_open_need_with_its_best_offers(demo: Path) -> None:
    from kpdesk.matching.persistence import list_decisions
    from kpdesk.matching.run import run_matching
    from kpdesk.register import service as register
    from kpdesk.reports import matching_summary
    from kpdesk.reports.matching_summary import MAX_OFFERS

    def work(session: Any) -> tuple[Any, Any, Any, Any]:
        org = busiest_employer(session)
        data = matching_summary.load(session, org, AS_OF)
        employer_id = register.employer_id_for_org(session, org)
        needs = [n for n in register.list_needs(session, employer_id) if n.status not in ("closed", "rejected")]
        return data, needs, run_matching(session, AS_OF), list_decisions(session)

    data, needs, run, decisions = with_session(demo, work)
    text = pdf_text(matching_summary.build(data))
    flat_text = flat(text)
    assert data.employer_name in flat_text
    assert f"org.nr. {format_org_number(data.org_number)}" in flat_text
    titles = {o.ref: o.title for o in run.offers}
    rejected = {(d.need_ref, d.offer_ref) for d in decisions if d.decision == "rejected"}
    chosen = {d.need_ref: d.offer_ref for d in decisions if d.decision == "accepted"}
    unmet = 0
    for need in needs:
        assert need.ref in flat_text and need.title in flat_text
        result = run.result_for(need.ref)
        proposals = [m for m in result.matches if (need.ref, m.offer_ref) not in rejected]
        # the summary matched only this employer's needs, with the engine a whole run uses: the same proposals
        printed = next(n for n in data.needs if n.ref == need.ref)
        if need.ref in chosen:  # a decided need shows the offer chosen for it, nothing else
            assert [(o.facts.ref, o.accepted) for o in printed.offers] == [(chosen[need.ref], True)], need.ref
            continue
        shown = [(o.facts.ref, o.score, o.verdict, _factor_reasons(str(r) for r in o.reasons)) for o in printed.offers]
        expected = [(m.offer_ref, m.score, m.verdict, _factor_reasons(m.reasons)) for m in proposals]
        assert shown == expected[:MAX_OFFERS], need.ref
        if proposals:
            assert titles[proposals[0].offer_ref] in flat_text, need.ref
            assert flat(proposals[0].verdict) in flat_text
            for reason in proposals[0].reasons[:2]:
                assert flat(reason) in flat_text
        else:
            unmet += 1
    assert flat_text.count("Ingen tilbud passer ennå; studiesenteret kan bestille et kurs.") == unmet
    assert re.search(r"\d+ studiepoeng \((UH|fagskole)\)|ingen studiepoeng", flat_text)
    assert "Sammendrag" in text and "Dette bør skje nå" in text
    assert "Kontakt: Kari Nordmann, Kunnskapsparken Helgeland (DEMO), tlf. 75 00 00 00" in flat_text
    assert "Side 1 av" in text


def _factor_reasons(reasons: Any) -> list[str]:
    """The reasons without the start condition (the summary counts who is in; the engine alone cannot)."""
    return [r for r in reasons if not r[2:].startswith(("Starter bare hvis", "Nok til oppstart", "Nok deltakere"))]


def test_matching_summary_prints_sami_letters_and_bilingual_municipality(demo: Path) -> None:
    from kpdesk.reports import matching_summary

    data = with_session(demo, lambda s: matching_summary.load(s, AARBORTE, AS_OF))
    text = flat(pdf_text(matching_summary.build(data)))
    assert "Aarborte Reinkjøtt Đuŋŧa AS" in text
    assert SAMI_NEED in text
    assert "Aarborte – Hattfjelldal" in text


def test_matching_summary_money_and_unknown_employer(demo: Path) -> None:
    from kpdesk.reports import matching_summary
    from kpdesk.reports.facts import credits_text, price_text, seats_range_text, span_text

    assert price_text(12500) == "12\u00a0500\u00a0kr" and price_text(0) == "ingen kursavgift"
    assert credits_text(30, "fagskole") == "30 studiepoeng (fagskole)"
    assert credits_text(7.5, "uh") == "7,5 studiepoeng (UH)"
    assert seats_range_text(12, 40) == "12–40 plasser"
    assert span_text(dt.date(2027, 9, 14), dt.date(2027, 9, 16)) == "14.–16.09.2027"
    assert span_text(dt.date(2027, 9, 30), dt.date(2027, 10, 2)) == "30.09.–02.10.2027"
    with pytest.raises(UserError, match="Ingen arbeidsgiver har organisasjonsnummer 123 456 785"):
        with_session(demo, lambda s: matching_summary.load(s, "123456785", AS_OF))
    with pytest.raises(UserError, match="ikke et organisasjonsnummer"):
        with_session(demo, lambda s: matching_summary.load(s, "12345", AS_OF))


# ---------------------------------------------------------------- offer summary

def test_offer_summary_counts_interest_against_the_minimum(demo: Path) -> None:
    from kpdesk.matching.persistence import offer_interest
    from kpdesk.matching.run import run_matching
    from kpdesk.offers.service import offer_id_for_ref
    from kpdesk.reports import offer_summary

    def work(session: Any) -> tuple[Any, Any, dict[str, bool]]:
        from sqlalchemy import select

        from kpdesk.db.models import Employer

        data = offer_summary.load(session, "T0002", AS_OF)
        interest = offer_interest(session, offer_id_for_ref(session, "T0002"), run_matching(session, AS_OF).results)
        named = dict(session.execute(select(Employer.name, Employer.may_be_named)).all())
        return data, interest, named

    data, interest, named = with_session(demo, work)
    text = flat(pdf_text(offer_summary.build(data)))
    assert data.offer.title in text and "Kurstilbud T0002" in text
    assert interest.needs, "the demo should have interest in T0002"
    for row in interest.needs:
        if not row.counted:  # a person without consent to statistics is left out of the printout
            assert row.need_ref not in text
            continue
        assert row.need_ref in text
        if row.owner_kind != "employer" or named[row.employer_name]:  # «Privatperson P0003», «Helgeland (lokalsamfunn)»
            assert row.employer_name in text
        else:
            assert row.employer_name not in text
    counted = sum(row.headcount for row in interest.needs if row.counted)
    if interest.seats_min:
        assert (f"{counted} er med, og minst {interest.seats_min} trengs" in text
                or "nok til oppstart" in text)
    with pytest.raises(UserError, match="Ingen kurstilbud har referansen «T9999»"):
        with_session(demo, lambda s: offer_summary.load(s, "T9999", AS_OF))


# ---------------------------------------------------------------- handout

def _contacts(session: Any) -> list[tuple[str, str, str]]:
    from sqlalchemy import select

    from kpdesk.db.models import ContactPerson

    return [tuple(row) for row in session.execute(select(ContactPerson.name, ContactPerson.email,
                                                         ContactPerson.phone))]


def _employers(session: Any) -> list[tuple[str, bool, str]]:
    from sqlalchemy import select

    from kpdesk.db.models import Employer

    return [(name, bool(named), notes or "") for name, named, notes in
            session.execute(select(Employer.name, Employer.may_be_named, Employer.notes))]


def assert_anonymous(text: str, contacts: list[tuple[str, str, str]], employers: list[tuple[str, bool, str]],
                     descriptions: list[str]) -> None:
    compact = flat(text)
    no_spaces = compact.replace(" ", "")
    for name, email, phone in contacts:
        assert name not in compact, name
        if email:
            assert email not in no_spaces, email
        if phone:
            digits = re.sub(r"\D", "", phone)
            assert digits[-8:] not in re.sub(r"\D", "", no_spaces.replace("<3", "")) or len(digits) < 8, phone
            assert format_phone(phone) not in compact, phone
    nameable = sorted((n for n, ok, _ in employers if ok), key=len, reverse=True)
    without_nameable = compact
    for name in nameable:
        without_nameable = without_nameable.replace(name, "")
    for name, ok, notes in employers:
        if not ok:
            assert name not in without_nameable, name
        if notes:
            assert flat(notes) not in compact, notes
    for description in descriptions:
        assert flat(description) not in compact, description


def _descriptions(session: Any) -> list[str]:
    from sqlalchemy import select

    from kpdesk.db.models import Need

    return [d for d in session.execute(select(Need.description)).scalars() if d and len(d) > 12]


def test_handout_for_everything_is_anonymous_and_suppresses_small_counts(demo: Path) -> None:
    from kpdesk.reports import handout

    def work(session: Any) -> tuple[Any, ...]:
        data = handout.load(session, handout.resolve_scope(session, []), AS_OF)
        return data, _contacts(session), _employers(session), _descriptions(session)

    data, contacts, employers, descriptions = with_session(demo, work)
    text = pdf_text(handout.build(data))
    assert len(contacts) > 40
    assert_anonymous(text, contacts, employers, descriptions)
    compact = flat(text)
    assert "«:» = skjult" in compact and "Kurs å bestille" in compact and "Behov etter kommune og næring" in compact
    assert "Samlet etterspørsel med tilbud" in compact and "Tilbud som passer" in compact
    assert "Aarborte – Hattfjelldal" in compact and "Hábmer – Hamarøy" in compact
    assert "palliasjon" in compact.casefold()  # Hábmer's need, in a group (named only if shown: test_disclosure)
    assert "melder fra til studiesenteret: Kari Nordmann" in compact  # the centre's own contact is allowed
    assert re.search(r"Side 1 av \d+", compact)
    # the table: every count below 3 (fewer than 3 employers) hidden, and the grand total is the open needs
    table = data.needs_table
    for key, value in table.values.items():
        if 0 < value < 3:
            assert table.text(key) == ":"
    assert table.grand_total == str(table.grand_value)


def test_handout_for_two_sami_municipalities(demo: Path) -> None:
    from kpdesk.reports import handout

    def work(session: Any) -> tuple[Any, ...]:
        scope = handout.resolve_scope(session, ["1826", "Hamarøy"])
        return handout.load(session, scope, AS_OF), _contacts(session), _employers(session), _descriptions(session)

    data, contacts, employers, descriptions = with_session(demo, work)
    assert data.scope.municipalities == ("1826", "1875")
    text = pdf_text(handout.build(data))
    compact = flat(text)
    assert "Kompetansebehov i Aarborte – Hattfjelldal og Hábmer – Hamarøy" in compact
    assert_anonymous(text, contacts, employers, descriptions)
    assert "Aarborte Reinkjøtt" not in compact  # may not be named
    assert "Ánde" not in compact and "Čuđđe" not in compact and "sykemeldt" not in compact
    table = data.needs_table
    assert table.rows == ("Aarborte – Hattfjelldal", "Hábmer – Hamarøy")
    assert data.needs_table.grand_value == 3
    # two employers in all (Aarborte with 2 needs, Hábmer with 1): every figure is hidden, names too
    assert table.row_total(0) == table.row_total(1) == table.grand_total == ":"
    # a hidden number of contributors is worded alike whoever is behind it
    assert ("et skjult antall åpne behov fra et skjult antall arbeidsgivere, privatpersoner og lokalsamfunn i "
            in compact)
    assert "Hábmer helsesenter" not in compact


@pytest.mark.parametrize("region", ["", "Helgeland"], ids=["alle", "Helgeland"])
def test_handout_needs_table_holds_every_need_it_counts(demo: Path, region: str) -> None:
    """Private persons' and communities' needs have columns of their own, a region's own needs a row,
    so the table's grand total is every need in the groups and commitments the handout counts."""
    from sqlalchemy import func, select

    from kpdesk.common.codes import CLOSED_NEED_STATUSES
    from kpdesk.db.models import Need
    from kpdesk.reports import handout

    def work(session: Any) -> tuple[Any, int]:
        data = handout.load(session, handout.resolve_scope(session, [], region or None), AS_OF)
        regions_own = session.execute(select(func.count()).where(
            Need.community == "Helgeland", Need.status.not_in(CLOSED_NEED_STATUSES))).scalar_one()
        return data, regions_own

    data, regions_own = with_session(demo, work)
    table = data.needs_table
    assert regions_own and "Helgeland (regionen)" in table.rows  # not «Kommune ikke oppgitt»
    assert "Kommune ikke oppgitt" not in table.rows
    assert {handout.KIND_COLUMNS["person"], handout.KIND_COLUMNS["community"]} <= set(table.columns)
    assert table.grand_value == data.persons.total_share.need_count
    region_row = table.rows.index("Helgeland (regionen)")
    community = table.columns.index(handout.KIND_COLUMNS["community"])
    assert table.values[(region_row, community)] == table.values[(region_row, TOTAL)] == regions_own
    assert table.row_total(region_row) == ":"  # one community behind it
    assert all(label not in dict(data.sections) for label in handout.KIND_COLUMNS.values())
    text = flat(pdf_text(handout.build(data)))
    assert "«Privatpersoner» og «Lokalsamfunn» er egne behov" in text and "«(regionen)» etter navnet" in text


def test_handout_without_open_needs_says_so_once(demo: Path) -> None:
    from kpdesk.reports import handout

    data = with_session(demo, lambda session: handout.load(session, handout.resolve_scope(session, region="Lofoten"),
                                                           AS_OF))
    compact = flat(pdf_text(handout.build(data)))
    assert "Det er ingen åpne kompetansebehov registrert i" in compact
    assert "Alle behovene har et tilbud" not in compact and "Kurs å bestille" not in compact


def test_handout_refuses_unknown_municipality_and_region(demo: Path) -> None:
    from kpdesk.reports import handout

    with pytest.raises(UserError, match="Kommunen «9999» finnes ikke"):
        with_session(demo, lambda s: handout.resolve_scope(s, ["9999"]))
    with pytest.raises(UserError, match="Regionen «Finnmark» finnes ikke"):
        with_session(demo, lambda s: handout.resolve_scope(s, [], "Finnmark"))
    scope = with_session(demo, lambda s: handout.resolve_scope(s, [], "salten"))
    assert scope.region == "Salten" and "1875" in scope.municipalities and scope.label == "Salten"


@pytest.fixture(scope="module")
def eval_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Location]:
    if not (EVAL / "labels.csv").exists():
        pytest.skip(f"the shared eval files are not beside the repository ({EVAL})")
    from kpdesk.cli import main

    db = new_location(tmp_path_factory.mktemp("eval"), "eval.sqlite", lasting=True)
    for kind in ("employers", "offers", "needs"):
        assert main(["import", kind, str(EVAL / f"{kind}.csv"), "--db", str(db)]) == 0
    yield db
    drop_location(db)


def test_eval_set_summaries_put_the_labelled_best_offer_first(eval_db: Path) -> None:
    from kpdesk.reports import matching_summary

    with (EVAL / "labels.csv").open(encoding="utf-8-sig", newline="") as handle:
        labels = {row["need"]: row for row in csv.DictReader(handle, delimiter=";")}
    with (EVAL / "needs.csv").open(encoding="utf-8-sig", newline="") as handle:
        needs = list(csv.DictReader(handle, delimiter=";"))
    with (EVAL / "offers.csv").open(encoding="utf-8-sig", newline="") as handle:
        offers = {row["ref"]: row for row in csv.DictReader(handle, delimiter=";")}
    as_of = dt.date(2027, 1, 10)
    for org in sorted({n["employer"] for n in needs}):
        data = with_session(eval_db, lambda s, org=org: matching_summary.load(s, org, as_of))
        text = flat(pdf_text(matching_summary.build(data)))
        for need in data.needs:
            best = labels[need.ref]["best"]
            if best:
                assert need.offers and need.offers[0].facts.ref == best, need.ref
                assert flat(offers[best]["title"]) in text
            else:
                assert need.unmet, need.ref
        assert text.count("Ingen tilbud passer ennå") == sum(1 for n in data.needs if n.unmet)


def test_eval_set_handout_holds_no_contact_from_the_file(eval_db: Path) -> None:
    from kpdesk.reports import handout

    with (EVAL / "employers.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    data = with_session(eval_db, lambda s: handout.load(s, handout.Scope(), dt.date(2027, 1, 10)))
    text = flat(pdf_text(handout.build(data)))
    contacts = [(r["contact_name"], r["contact_email"], r["contact_phone"]) for r in rows if r["contact_name"]]
    assert contacts
    employers = [(r["name"], False, r["notes"]) for r in rows]  # none of them agreed to be named
    assert_anonymous(text, contacts, employers, [])


# ---------------------------------------------------------------- schedule and door sign

def test_week_schedule_for_one_room_and_unknown_room_or_week(demo: Path) -> None:
    from kpdesk.reports import schedule

    data = with_session(demo, lambda s: schedule.load_week(s, "2027-W20", "møterom tind"))
    text = flat(pdf_text(schedule.build_week(data)))
    assert "Ukeplan Møterom Tind, uke 20" in text
    assert "Andre pinsedag og grunnlovsdagen" in text
    with pytest.raises(UserError, match="Rommet «Kjelleren» finnes ikke"):
        with_session(demo, lambda s: schedule.load_week(s, "2027-W20", "Kjelleren"))
    with pytest.raises(UserError, match="Uke 54 finnes ikke i 2027"):
        with_session(demo, lambda s: schedule.load_week(s, "2027-W54"))


def test_door_sign_for_an_exam_day(demo: Path) -> None:
    from kpdesk.reports import schedule

    data = with_session(demo, lambda s: schedule.load_door_sign(s, "Eksamensrom", dt.date(2027, 5, 19)))
    data_bytes = schedule.build_door_sign(data)
    text = flat(pdf_text(data_bytes))
    assert "Eksamensrom" in text and "Onsdag 19. mai 2027" in text
    assert "Kl. 09.00–14.00" in text and "Oppmøte fra kl. 08.30" in text
    assert len(pypdf.PdfReader(io.BytesIO(data_bytes)).pages) == 1
    holiday = with_session(demo, lambda s: schedule.load_door_sign(s, "Møterom Tind", dt.date(2027, 5, 17)))
    text = flat(pdf_text(schedule.build_door_sign(holiday)))
    assert "Stengt – helligdag" in text and "Andre pinsedag og grunnlovsdagen" in text
    assert "Koordinatormøte" not in text  # skipped for the holiday


def test_a_full_day_still_fits_one_door_sign(demo: Path) -> None:
    from kpdesk.booking.week import WeekBooking
    from kpdesk.reports import schedule

    data = with_session(demo, lambda s: schedule.load_door_sign(s, "Auditoriet", dt.date(2027, 5, 19)))
    start = dt.datetime(2027, 5, 19, 8)
    many = tuple(WeekBooking(i, data.room.id, data.room.name, start + dt.timedelta(minutes=40 * i),
                             start + dt.timedelta(minutes=40 * i + 35), start + dt.timedelta(minutes=40 * i),
                             f"Møte nummer {i} om noe viktig", "meeting", "møte", "cancelled" if i == 3 else "active",
                             "", "", 4, 0, None, "", None, False, None, None) for i in range(18))
    full = schedule.DoorSignData(data.letterhead, data.room, data.day, many)
    pdf = schedule.build_door_sign(full)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    text = flat(pdf_text(pdf))
    assert "19.20–19.55 Opptatt" in text  # meetings are not public: the time, not the title
