"""Centres within a region (issue 17): lists filtered by centre, the centre new rows get, names."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kpdesk.booking.rooms import RoomData, list_rooms, save_room
from kpdesk.common.errors import UserError
from kpdesk.db.models import AuditEntry, Need
from kpdesk.register import centres
from kpdesk.register import service as register
from kpdesk.register.validation import EmployerData, NeedData


def employer(org: str, name: str) -> EmployerData:
    return EmployerData(org, name, municipality="1824", industry="84.110")


@pytest.fixture
def two_centres(store):
    """A database whose first centre is «Senteret» (a new file), renamed Mo i Rana, and Mosjøen."""
    with store.session() as s:
        (first,) = centres.list_centres(s)
        assert first.name == "Senteret"
        centres.rename_centre(s, first.id, "Mo i Rana")
        mosjoen = centres.create_centre(s, "Mosjøen", "1824")
    return store, first.id, mosjoen


def test_a_new_database_has_one_centre_which_is_everyones_own(store) -> None:
    with store.session() as s:
        (only,) = centres.list_centres(s)
        assert centres.own_centre(s) == only
        employer_id = register.save_employer(s, employer("988077917", "Vefsn kommune"))
        assert register.get_employer(s, employer_id).centre == "Senteret"


def test_lists_show_one_centre_or_the_whole_region(two_centres) -> None:
    store, rana, mosjoen = two_centres
    with store.session() as s:
        in_rana = register.save_employer(s, employer("988077917", "Rana kommune"), centre_id=rana)
        in_mosjoen = register.save_employer(s, employer("974112345", "Vefsn kommune"), centre_id=mosjoen)
        register.save_need(s, NeedData("988077917", "Sårbehandling", headcount=3))
        register.save_need(s, NeedData("974112345", "Ledelse", headcount=2))
        register.save_need(s, NeedData(None, "Sykepleiere", community="1824", headcount=5), centre_id=mosjoen)
        save_room(s, RoomData("Stort rom", 20), centre_id=rana)
        save_room(s, RoomData("Lite rom", 6), centre_id=mosjoen)

        assert [r.name for r in register.list_employers(s, rana)] == ["Rana kommune"]
        assert [(r.name, r.centre) for r in register.list_employers(s)] == [("Rana kommune", "Mo i Rana"),
                                                                           ("Vefsn kommune", "Mosjøen")]
        assert register.get_employer(s, in_mosjoen).centre_id == mosjoen
        # a need registered for an employer goes to the employer's centre
        assert [(n.title, n.centre) for n in register.list_needs(s, centre_id=mosjoen)] == [
            ("Ledelse", "Mosjøen"), ("Sykepleiere", "Mosjøen")]
        assert [n.title for n in register.list_needs(s, centre_id=rana)] == ["Sårbehandling"]
        assert len(register.list_needs(s)) == 3
        assert [r.name for r in list_rooms(s, mosjoen)] == ["Lite rom"]
        assert [(r.name, r.centre) for r in list_rooms(s)] == [("Lite rom", "Mosjøen"), ("Stort rom", "Mo i Rana")]
        assert in_rana != in_mosjoen


def test_with_several_centres_a_new_row_must_say_which(two_centres) -> None:
    store, _rana, mosjoen = two_centres
    with store.session() as s:
        with pytest.raises(UserError, match=r"flere sentre \(Mo i Rana, Mosjøen\)"):
            register.save_employer(s, employer("988077917", "Rana kommune"))
        with pytest.raises(UserError, match="flere sentre"):
            centres.own_centre(s)
        assert centres.own_centre(s, "  mosjøen ").id == mosjoen


def test_a_need_can_be_moved_to_another_centre_and_the_move_is_audited(two_centres) -> None:
    store, rana, mosjoen = two_centres
    with store.session() as s:
        register.save_employer(s, employer("988077917", "Rana kommune"), centre_id=rana)
        need_id = register.save_need(s, NeedData("988077917", "Sårbehandling", headcount=3))
        register.save_need(s, NeedData("988077917", "Sårbehandling", headcount=4), need_id)  # keeps its centre
        assert s.get(Need, need_id).centre_id == rana
        register.save_need(s, NeedData("988077917", "Sårbehandling", headcount=4), need_id, centre_id=mosjoen)
        assert s.get(Need, need_id).centre_id == mosjoen
        moved = s.execute(select(AuditEntry.old_value, AuditEntry.new_value)
                          .where(AuditEntry.entity == "need", AuditEntry.field == "centre_id")).all()
        assert moved == [(str(rana), str(mosjoen))]


def test_an_unknown_centre_is_named_with_the_centres_there_are(two_centres) -> None:
    store, _rana, _mosjoen = two_centres
    with store.session() as s, pytest.raises(UserError) as raised:
        centres.find_centre(s, "Sandnessjøen")
    assert str(raised.value) == ("Finner ikke senteret «Sandnessjøen». Sentrene i databasen er: Mo i Rana, "
                                 "Mosjøen.")


def test_centre_names_are_unique_whatever_their_case(two_centres) -> None:
    store, rana, mosjoen = two_centres
    with store.session() as s:
        with pytest.raises(UserError, match="finnes allerede et senter som heter «MOSJØEN»"):
            centres.create_centre(s, "MOSJØEN")
        with pytest.raises(UserError, match="finnes allerede"):
            centres.rename_centre(s, rana, "mosjøen")
        with pytest.raises(UserError, match="må ha et navn"):
            centres.create_centre(s, "   ")
        centres.rename_centre(s, mosjoen, "Mosjøen og Vefsn")
        assert [c.name for c in centres.list_centres(s)] == ["Mo i Rana", "Mosjøen og Vefsn"]
        assert centres.centre_name(s, None) == "Hele regionen"
