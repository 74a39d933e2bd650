"""admin.changes: what other stores wrote since the window last looked, by kind and number of records."""

from __future__ import annotations

from pathlib import Path

from kpdesk.admin.changes import Changes, changes_since
from kpdesk.db.store import Store
from kpdesk.register import service as register
from kpdesk.register.validation import ContactData, EmployerData


def test_others_changes_are_counted_by_kind_and_own_ones_are_not(db_path: Path) -> None:
    mine, theirs = Store.open(db_path), Store.open(db_path)
    try:
        first = mine.transaction(lambda s: changes_since(s, None))
        assert first == Changes(0)  # the first look only says where the log stands
        employer_id = mine.transaction(lambda s: register.save_employer(s, EmployerData("988077917", "Nordlaks AS")))
        own = mine.transaction(lambda s: changes_since(s, first.newest))
        assert (own.kinds, own.records) == (frozenset(), 0) and own.newest > first.newest

        def kari(s) -> None:
            register.save_employer(s, EmployerData("988077917", "Nordlaks AS", notes="Ringt"), employer_id)
            register.save_employer(s, EmployerData("988077917", "Nordlaks AS", "1841", notes="Ringt"), employer_id)
            register.save_contact(s, employer_id, ContactData("Kari Nordmann"))

        theirs.transaction(kari)
        seen = mine.transaction(lambda s: changes_since(s, own.newest))
        assert (seen.kinds, seen.records) == (frozenset({"employer", "contact_person"}), 2)  # two records, 3 entries
        assert mine.transaction(lambda s: changes_since(s, seen.newest)) == Changes(seen.newest)
    finally:
        theirs.close()
        mine.close()
