"""What a database holds, in one line (``kpdesk check``, the overview page, the status bar)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, inspect, select
from sqlalchemy.orm import Session

from kpdesk.common.codes import CLOSED_NEED_STATUSES
from kpdesk.common.norsk import group_thousands
from kpdesk.db.models import Booking, Employer, Need, Offer, Person, Provider, Room


@dataclass(frozen=True, slots=True)
class Summary:
    employers: int
    needs: int
    open_needs: int
    providers: int
    offers: int
    rooms: int
    bookings: int
    persons: int = 0  # individuals (said only when there are some)

    def sentence(self) -> str:
        def n(count: int, one: str, many: str) -> str:
            return f"{group_thousands(count)} {one if count == 1 else many}"

        return ", ".join([
            n(self.employers, "arbeidsgiver", "arbeidsgivere"),
            *([n(self.persons, "privatperson", "privatpersoner")] if self.persons else []),
            f"{n(self.needs, 'behov', 'behov')} ({group_thousands(self.open_needs)} åpne)",
            n(self.providers, "tilbyder", "tilbydere"),
            n(self.offers, "kurstilbud", "kurstilbud"),
            n(self.rooms, "rom", "rom"),
            n(self.bookings, "booking", "bookinger"),
        ])


def summarise(session: Session) -> Summary:
    def count(model: type, *where: ColumnElement[bool]) -> int:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()

    return Summary(
        employers=count(Employer),
        needs=count(Need),
        open_needs=count(Need, Need.status.not_in(CLOSED_NEED_STATUSES)),
        providers=count(Provider),
        offers=count(Offer),
        rooms=count(Room),
        bookings=count(Booking, Booking.state == "active"),
        # an older file opened without migrating (``kpdesk check``) has no person table yet
        persons=count(Person) if inspect(session.connection()).has_table("person") else 0,
    )
