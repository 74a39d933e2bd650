"""The rooms file takes a site («sted») and the bookings file «vis på oppslag»; without the
columns a room keeps its site and a booking follows its kind."""

from __future__ import annotations

from sqlalchemy import select

from kpdesk import transfer
from kpdesk.db.models import Booking, Room


def run(store, kind: str, data: bytes):  # type: ignore[no-untyped-def]
    with store.session() as session:
        plan = transfer.plan_bytes(session, kind, data, "fil.csv")
    assert not plan.has_errors, [str(p) for p in plan.errors]
    return transfer.import_plan(store, plan)


def test_rooms_take_a_site_and_keep_it_without_the_column(store) -> None:  # type: ignore[no-untyped-def]
    run(store, "rooms", "navn;kapasitet;sted\r\nAuditoriet;60;Mosjøen\r\n".encode())
    run(store, "rooms", b"navn;kapasitet\r\nAuditoriet;80\r\n")
    with store.session() as session:
        room = session.scalars(select(Room)).one()
        assert (room.capacity, room.site) == (80, "Mosjøen")


def test_bookings_take_vis_pa_oppslag_and_default_by_kind(store) -> None:  # type: ignore[no-untyped-def]
    run(store, "rooms", "navn;kapasitet\r\nMøterom;10\r\n".encode())
    rows = ("rom;tittel;type;fra;til;vis på oppslag\r\n"
            "Møterom;Møte med Hemnes Trelast;møte;12.05.2027 09:00;12.05.2027 10:00;\r\n"
            "Møterom;Styremøte;møte;13.05.2027 09:00;13.05.2027 10:00;ja\r\n"
            "Møterom;Samling;samling;14.05.2027 09:00;14.05.2027 10:00;nei\r\n")
    run(store, "bookings", rows.encode())
    with store.session() as session:
        public = {b.title: b.public for b in session.scalars(select(Booking))}
    assert public == {"Møte med Hemnes Trelast": False, "Styremøte": True, "Samling": False}


def test_new_equipment_names_are_said_in_the_preview_with_a_listed_one_they_resemble(store) -> None:  # type: ignore[no-untyped-def]
    run(store, "rooms", b"navn;kapasitet;utstyr\r\nAuditoriet;60;storskjerm, projektor\r\n")
    rows = "navn;kapasitet;utstyr\r\nMøterom;10;skjerm\r\nGrupperom;6;skjerm, tavle\r\nSal;90;Projektor\r\n"
    with store.session() as session:
        plan = transfer.plan_bytes(session, "rooms", rows.encode(), "rom.csv")
    said = [str(p) for p in plan.warnings]
    assert said == ["linje 2, kolonne utstyr: advarsel: «skjerm» er ikke på utstyrslisten og legges til; "
                    "mente du «storskjerm»?"]  # «tavle» is simply new, «Projektor» is «projektor»
    assert not plan.has_errors
