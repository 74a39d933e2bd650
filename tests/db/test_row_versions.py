"""Row versions: a save over someone else's change is refused naming who and when, on a file and on a
server, whether the check or the UPDATE (``version_id_col``) meets it; the row is left as the other
coordinator saved it. Two ``Store``s on one database are two coordinators."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select, update

from kpdesk.common.paths import ServerAddress
from kpdesk.db.models import AuditEntry, Employer
from kpdesk.db.row_writing import apply_changes, existing_row
from kpdesk.db.store import Store
from kpdesk.db.versions import ChangedMeanwhile, versions_of
from kpdesk.register import service as register
from kpdesk.register.validation import EmployerData

NORDLAKS = EmployerData("988077917", "Nordlaks AS", "1841")
WHEN = re.compile(r"kl\. \d\d\.\d\d den \d\d\.\d\d\.\d{4}")


@pytest.fixture(params=["fil", "tjener"])
def two_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """Two coordinators' stores on one database: a file, or a PostgreSQL server (skipped without one)."""
    if request.param == "fil":
        target: Path | ServerAddress = tmp_path / "delt.sqlite"
    else:
        target = ServerAddress(request.getfixturevalue("pg_url"))
    first = Store.open(target)
    second = Store.open(target)
    yield first, second
    second.close()
    first.close()


def as_user(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: name)


def test_a_new_row_is_version_1_and_every_change_bumps_it_with_who(two_stores, monkeypatch) -> None:
    ola, _kari = two_stores
    as_user(monkeypatch, "ola")
    employer_id = ola.transaction(lambda s: register.save_employer(s, NORDLAKS))
    assert ola.transaction(lambda s: versions_of(s, "employer")) == {employer_id: 1}
    ola.transaction(lambda s: register.save_employer(s, replace(NORDLAKS, notes="Ringt"), employer_id,
                                                     expected_version=1))
    row = ola.transaction(lambda s: s.get(Employer, employer_id))
    assert (row.version, row.updated_by, row.notes) == (2, "ola", "Ringt")
    # a plain SQL UPDATE (as an import's bulk writes) bumps it too
    ola.transaction(lambda s: s.execute(update(Employer).where(Employer.id == employer_id).values(notes="")))
    assert ola.transaction(lambda s: versions_of(s, "employer")) == {employer_id: 3}


def test_a_stale_save_is_refused_naming_who_and_when_and_writes_nothing(two_stores, monkeypatch) -> None:
    ola, kari = two_stores
    employer_id = ola.transaction(lambda s: register.save_employer(s, NORDLAKS))
    loaded = ola.transaction(lambda s: versions_of(s, "employer"))[employer_id]  # Ola opens the form
    as_user(monkeypatch, "kari")
    kari.transaction(lambda s: register.save_employer(s, replace(NORDLAKS, notes="Kari var her"), employer_id))
    entries_before = kari.transaction(lambda s: s.query(AuditEntry).count())
    as_user(monkeypatch, "ola")
    with pytest.raises(ChangedMeanwhile) as refused:
        ola.transaction(lambda s: register.save_employer(s, replace(NORDLAKS, name="Nordlaks ASA"), employer_id,
                                                         expected_version=loaded))
    said = str(refused.value)
    assert said.startswith("Arbeidsgiveren «Nordlaks AS» ble endret av kari kl. ")
    assert WHEN.search(said) and dt.date.today().strftime("%d.%m.%Y") in said
    assert said.endswith("Endringen din er ikke lagret: se posten slik den er nå, og gjør endringen igjen.")
    row = kari.transaction(lambda s: s.get(Employer, employer_id))
    assert (row.name, row.notes, row.version, row.updated_by) == ("Nordlaks AS", "Kari var her", 2, "kari")
    assert kari.transaction(lambda s: s.query(AuditEntry).count()) == entries_before


def test_a_change_landing_between_the_check_and_the_update_is_the_same_refusal(two_stores, monkeypatch) -> None:
    """The form's version matched when checked; another commit came before the UPDATE (StaleDataError)."""
    ola, kari = two_stores
    employer_id = ola.transaction(lambda s: register.save_employer(s, NORDLAKS))
    with ola.session() as s:  # Ola's save, checked and loaded, not yet written
        row = existing_row(s, Employer, employer_id, "Arbeidsgiveren", expected_version=1)
    as_user(monkeypatch, "kari")
    kari.transaction(lambda s: register.save_employer(s, replace(NORDLAKS, notes="Kari var her"), employer_id))
    with pytest.raises(ChangedMeanwhile, match=r"^Arbeidsgiveren «Nordlaks AS» ble endret av kari kl\. "), \
            ola.session() as s:
        s.add(row)  # the row as Ola's save loaded it: version 1
        apply_changes(s, row, {"name": "Nordlaks ASA"}, "employer")
    assert kari.transaction(lambda s: s.execute(select(Employer.name, Employer.notes)).one()) == (
        "Nordlaks AS", "Kari var her")


def test_a_race_on_the_server_within_one_transaction_is_refused(pg_url: str, monkeypatch) -> None:
    """On PostgreSQL the other commit can land inside Ola's open transaction, after its check."""
    ola, kari = Store.open(ServerAddress(pg_url)), Store.open(ServerAddress(pg_url))
    try:
        employer_id = ola.transaction(lambda s: register.save_employer(s, NORDLAKS))
        with pytest.raises(ChangedMeanwhile, match=r"ble endret av kari kl\. "), ola.session() as s:
            row = existing_row(s, Employer, employer_id, "Arbeidsgiveren", expected_version=1)
            as_user(monkeypatch, "kari")
            kari.transaction(lambda k: register.save_employer(k, replace(NORDLAKS, notes="Kari"), employer_id))
            apply_changes(s, row, {"name": "Nordlaks ASA"}, "employer")
        assert kari.transaction(lambda s: s.execute(select(Employer.name, Employer.version)).one()) == (
            "Nordlaks AS", 2)
    finally:
        kari.close()
        ola.close()


def test_audit_entries_name_the_store_that_wrote_them(two_stores) -> None:
    ola, kari = two_stores
    ola.transaction(lambda s: register.save_employer(s, NORDLAKS))
    kari.transaction(lambda s: register.save_employer(s, EmployerData("974760673", "Helgelandssykehuset", "1824")))
    origins = ola.transaction(lambda s: list(s.execute(select(AuditEntry.origin).order_by(AuditEntry.id)).scalars()))
    assert origins == [ola.origin, kari.origin] and ola.origin != kari.origin
