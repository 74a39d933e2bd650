"""The site a room is at: validated, saved, kept when an import does not mention it, looked up by name;
and the holidays' names as printed."""

from __future__ import annotations

import datetime as dt

import pytest

from kpdesk.booking.holidays import holiday_name, in_words
from kpdesk.booking.rooms import RoomData, get_room, list_sites, save_room, site_for_name, validate_room
from kpdesk.booking.week import week_schedule
from kpdesk.common.errors import UserError


def test_validate_room_reads_the_site() -> None:
    data, problems = validate_room({"name": "Auditoriet", "capacity": "60", "site": "  Mo   i Rana "})
    assert data is not None and not problems
    assert data.site == "Mo i Rana"
    data, _ = validate_room({"name": "Auditoriet", "capacity": "60", "site": ""})
    assert data is not None and data.site == ""
    data, _ = validate_room({"name": "Auditoriet", "capacity": "60"})  # no such column: keep what is stored
    assert data is not None and data.site is None
    data, problems = validate_room({"name": "Auditoriet", "capacity": "60", "site": "x" * 101})
    assert data is None and [p.field for p in problems] == ["site"]


def test_sites_are_saved_kept_listed_and_found(store) -> None:
    with store.session() as s:
        mo = save_room(s, RoomData("Auditoriet (Mo i Rana)", 60, site="Mo i Rana"))
        save_room(s, RoomData("Møterom (Mosjøen)", 10, site="Mosjøen"))
        save_room(s, RoomData("Bodø lille", 6, site="Bodø"))
        plain = save_room(s, RoomData("Lageret", 4))
        assert get_room(s, plain).site == ""
        save_room(s, RoomData("Auditoriet (Mo i Rana)", 70), mo)  # site None: an update keeps it
        assert get_room(s, mo).site == "Mo i Rana" and get_room(s, mo).capacity == 70
        assert list_sites(s) == ["Bodø", "Mo i Rana", "Mosjøen"]
        assert site_for_name(s, " mosjøen ") == "Mosjøen"
        with pytest.raises(UserError, match=r"Stedet «Narvik» finnes ikke\. Stedene er: Bodø, Mo i Rana, Mosjøen\."):
            site_for_name(s, "Narvik")
        week = week_schedule(s, 2027, 20, site="Mosjøen")
        assert [(r.name, r.site) for r in week.rooms] == [("Møterom (Mosjøen)", "Mosjøen")]
        save_room(s, RoomData("Auditoriet (Mo i Rana)", 70, site=""), mo)
        assert get_room(s, mo).site == ""


def test_without_sites_the_error_says_how_to_add_them(store) -> None:
    with store.session() as s:
        save_room(s, RoomData("Auditoriet", 60))
        assert list_sites(s) == []
        with pytest.raises(UserError, match="Ingen rom har sted ennå"):
            site_for_name(s, "Mosjøen")


def test_holiday_names_are_the_usual_bokmal_ones() -> None:
    assert holiday_name(dt.date(2028, 5, 17)) == "Grunnlovsdagen"
    assert holiday_name(dt.date(2027, 5, 1)) == "1. mai"
    assert holiday_name(dt.date(2027, 5, 17)) == "Andre pinsedag; Grunnlovsdagen"
    assert in_words("Andre pinsedag; Grunnlovsdagen") == "Andre pinsedag og grunnlovsdagen"
    assert in_words("Kristi himmelfartsdag") == "Kristi himmelfartsdag"
    assert in_words("Første pinsedag; 1. mai") == "Første pinsedag og 1. mai"
