"""The optional ``centre`` column of employers, needs and rooms files (issue 17: centres within a region).

A row names its centre by name (case and spacing aside). An empty cell or no column: a new row goes
to the importing coordinator's centre (``--centre``, the window's choice; in a database of one
centre, that one) and an update keeps the row's centre. An unknown name is refused on its line,
naming the centres there are. The export writes the column only when the database has more than
one centre, so a single centre's files stay as they were, and an exported file imported again
gives the same bytes on export.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from kpdesk.common.errors import UserError
from kpdesk.register.centres import centre_ids_by_key, centre_key, list_centres, own_centre, unknown_centre
from kpdesk.transfer.base import ImportPlan, ImportProblem

CENTRE_COLUMN = "centre"
CENTRE_ALIASES = {"senter": CENTRE_COLUMN, "læringssenter": CENTRE_COLUMN, "studiesenter": CENTRE_COLUMN}


class CentreCells:
    """Reads each row's centre cell into ``plan.centres`` while a kind plans its file."""

    def __init__(self, session: Session, plan: ImportPlan) -> None:
        own = plan.own_centre
        self.session = session
        self.plan = plan
        self.ids = centre_ids_by_key(session)
        self.no_default = ""  # why a new row without a centre cannot get one
        try:
            plan.centre_id = own_centre(session, own).id
        except UserError as exc:
            if own and own.strip():
                raise
            self.no_default = (f"{exc} Skriv senteret i kolonnen «{CENTRE_COLUMN}», eller velg ditt senter "
                               "(i senterlisten over listene, eller med --centre på kommandolinjen).")

    def take(self, line: int, cell: str | None, create: bool) -> bool:
        """Note the centre of the row on ``line``; False, with the reason on the line, when it has none."""
        text = (cell or "").strip()
        if not text:
            if create and self.plan.centre_id is None:
                self.plan.problems.append(ImportProblem(line, CENTRE_COLUMN, self.no_default))
                return False
            return True
        found = self.ids.get(centre_key(text))
        if found is None:
            self.plan.problems.append(ImportProblem(line, CENTRE_COLUMN,
                                                    unknown_centre(text, list_centres(self.session))))
            return False
        self.plan.centres[line] = found
        return True


def centre_columns(session: Session, columns: tuple[str, ...],
                   rows: Sequence[Sequence[object]]) -> tuple[tuple[str, ...], list[Sequence[object]]]:
    """The export's columns and rows: with the trailing centre cell as a ``centre`` column when the
    database has several centres, without it when it has one."""
    if len(list_centres(session)) > 1:
        return (*columns, CENTRE_COLUMN), list(rows)
    return columns, [row[:-1] for row in rows]
