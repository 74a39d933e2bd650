"""Rooms and the equipment list: validation, reads, writes with audit, delete and restore."""

from __future__ import annotations

import datetime as dt

import pytest

from kpdesk.admin import audit_log
from kpdesk.booking.rooms import (
    RoomData,
    add_equipment,
    delete_room,
    get_room,
    list_equipment,
    list_rooms,
    parse_capacity,
    parse_equipment_list,
    remove_equipment,
    rename_equipment,
    restore_equipment,
    restore_room,
    room_id_for_name,
    save_room,
    validate_room,
)
from kpdesk.common.errors import UserError
from kpdesk.common.fields import FieldError, Problem


def message(parser, *args) -> str:
    with pytest.raises(FieldError) as caught:
        parser(*args)
    return caught.value.message


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize(("text", "value"), [("24", 24), (" 1 ", 1), ("1 200", 1200), ("+8", 8)])
def test_capacity_accepts(text: str, value: int) -> None:
    assert parse_capacity(text) == value


def test_capacity_messages() -> None:
    assert message(parse_capacity, "0") == "Kapasiteten må være minst 1, ikke 0"
    assert message(parse_capacity, "-3") == "Kapasiteten må være minst 1, ikke -3"
    assert message(parse_capacity, "") == "Kapasiteten mangler"
    assert message(parse_capacity, "2,5") == "Kapasiteten må være et helt tall, ikke «2,5»"
    assert message(parse_capacity, "tjue") == "Kapasiteten må være et helt tall, ikke «tjue»"
    assert "urimelig" in message(parse_capacity, "1000000")


def test_equipment_list_splits_and_drops_repeats() -> None:
    assert parse_equipment_list("projektor, PC-er;Projektor ,, videokonferanse") == (
        "projektor", "PC-er", "videokonferanse")
    assert parse_equipment_list("") == ()


def test_validate_room_good() -> None:
    data, problems = validate_room({"name": " Eksamensrom ", "capacity": "24", "equipment": "PC-er, eksamensrom",
                                    "opens_at": "8", "closes_at": "16.30", "notes": "Låste PC-er."})
    assert problems == []
    assert data == RoomData("Eksamensrom", 24, ("PC-er", "eksamensrom"), dt.time(8), dt.time(16, 30), "Låste PC-er.")


def test_validate_room_defaults_opening_hours() -> None:
    data, _ = validate_room({"name": "Møterom", "capacity": "10"})
    assert (data.opens_at, data.closes_at) == (dt.time(8), dt.time(16))


def test_validate_room_collects_every_problem() -> None:
    data, problems = validate_room({"name": "", "capacity": "0", "opens_at": "16:00", "closes_at": "08:00"})
    assert data is None
    assert problems == [
        Problem("name", "Romnavnet mangler"),
        Problem("capacity", "Kapasiteten må være minst 1, ikke 0"),
        Problem("closes_at", "Stengetiden 08.00 må være etter åpningstiden 16.00"),
    ]
    _, problems = validate_room({"name": "X", "capacity": "5", "opens_at": "25:00"})
    assert problems == [Problem("opens_at", "Åpningstiden «25:00» er ikke et klokkeslett (skriv for eksempel 08:00)")]


# ---------------------------------------------------------------- writes

def test_save_list_update_room(store) -> None:
    with store.session() as s:
        add_equipment(s, "projektor")
        add_equipment(s, "PC-er")
        first = save_room(s, RoomData("Øvingsrom", 8, ("Projektor",)))
        second = save_room(s, RoomData("Auditoriet", 60))
    with store.session() as s:
        rooms = list_rooms(s)
        assert [r.name for r in rooms] == ["Auditoriet", "Øvingsrom"]
        assert rooms[1].equipment == ("projektor",)
        save_room(s, RoomData("Øvingsrom", 10, ("PC-er", "projektor"), notes="Nytt bord"), first)
    with store.session() as s:
        room = get_room(s, first)
        assert (room.capacity, room.equipment, room.notes) == (10, ("PC-er", "projektor"), "Nytt bord")
        assert room_id_for_name(s, "  øvingsrom ") == first
        fields = {e.field for e in audit_log.history(s, "room", first)}
        assert {"capacity", "equipment", "notes"} <= fields
        assert get_room(s, second).equipment == ()


def test_room_rules_need_the_database(store) -> None:
    with store.session() as s:
        save_room(s, RoomData("Videorom 1", 14))
        with pytest.raises(UserError, match="Et rom som heter «videorom 1» finnes allerede"):
            save_room(s, RoomData("videorom 1", 8))
        with pytest.raises(UserError, match="Utstyret «storskjerm» finnes ikke i utstyrslisten"):
            save_room(s, RoomData("Grupperom", 8, ("storskjerm",)))
        room_id = save_room(s, RoomData("Grupperom", 8, ("storskjerm",)), create_equipment=True)
        assert get_room(s, room_id).equipment == ("storskjerm",)
        with pytest.raises(UserError) as caught:
            room_id_for_name(s, "Kjelleren")
        assert caught.value.message == "Rommet «Kjelleren» finnes ikke. Rommene er: Grupperom, Videorom 1."


def test_delete_room_refused_with_bookings_and_restored_without(store) -> None:
    from kpdesk.booking.inputs import BookingData
    from kpdesk.booking.service import create_booking

    with store.session() as s:
        add_equipment(s, "projektor")
        busy = save_room(s, RoomData("Auditoriet", 60, ("projektor",)))
        free = save_room(s, RoomData("Møterom", 10, ("projektor",)))
        start = dt.datetime(2027, 5, 11, 9)
        create_booking(s, BookingData("Auditoriet", "Forelesning", start, start + dt.timedelta(hours=2),
                                      repeat="FREQ=WEEKLY;COUNT=3"))
    with store.session() as s, pytest.raises(UserError) as caught:
        delete_room(s, busy)
    assert caught.value.message == ("Rommet «Auditoriet» kan ikke slettes: det har 3 bookinger og 1 bookingserie. "
                                    "Flytt eller slett bookingene først.")
    with store.session() as s:
        snapshot = delete_room(s, free)
    with store.session() as s:
        assert [r.name for r in list_rooms(s)] == ["Auditoriet"]
        assert restore_room(s, snapshot) == free
    with store.session() as s:
        assert get_room(s, free).equipment == ("projektor",)
        assert [e.action for e in audit_log.history(s, "room", free)][:2] == ["restore", "delete"]


def test_equipment_list_management(store) -> None:
    with store.session() as s:
        video = add_equipment(s, "videokonferanse")
        with pytest.raises(UserError, match="«videokonferanse» står allerede i utstyrslisten"):
            add_equipment(s, "Videokonferanse")
        with pytest.raises(UserError, match="Utstyrsnavnet mangler"):
            add_equipment(s, "  ")
        save_room(s, RoomData("Videorom", 14, ("videokonferanse",)))
        rename_equipment(s, video, "Videokonferanseutstyr")
    with store.session() as s:
        (item,) = list_equipment(s)
        assert (item.name, item.rooms, item.bookings) == ("Videokonferanseutstyr", 1, 0)
        snapshot = remove_equipment(s, video)
    with store.session() as s:
        assert list_equipment(s) == []
        assert list_rooms(s)[0].equipment == ()
        restore_equipment(s, snapshot)
    with store.session() as s:
        assert list_rooms(s)[0].equipment == ("Videokonferanseutstyr",)
