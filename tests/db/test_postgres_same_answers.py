"""A region's register on PostgreSQL gives the same answers as a file (issue 17): ``kpdesk demo``,
every import, ``match --json``, the reports and the exports, run on both stores from the same input;
two imports started at the same moment both land; a server that does not answer is a bokmål
sentence and exit 1. Runs against the server ``scripts/setup.sh test`` starts (``KPDESK_TEST_PG``)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from support import SAMPLES, pdf_pages, run_cli

from kpdesk.common import orgnr
from kpdesk.common.csvfile import to_bytes
from kpdesk.common.paths import ServerAddress

IMPORT_ORDER = ("employers", "persons", "needs", "providers", "offers", "rooms", "bookings", "exams", "candidates",
                "runs")
EXPORTS = ("employers", "needs", "providers", "offers", "runs")
REPORTS = (("handout", "--as-of", "11.01.2027"), ("schedule", "--week", "2027-W10"), ("annual", "--year", "2026"),
           ("matching", "--employer", "Alstahaug kommune (DEMO)", "--as-of", "11.01.2027"))


def _text(pdf: Path) -> str:
    """A report's text without the moment it was made."""
    return re.sub(r"\d\d\.\d\d\.\d{4} kl\. \d\d\.\d\d", "…", "\n".join(pdf_pages(pdf.read_bytes())))


def test_demo_matching_and_reports_are_the_same_on_both_stores(capsys, pg_url: str, tmp_path: Path) -> None:
    sqlite = tmp_path / "demo.sqlite"
    for db in (sqlite, pg_url):
        code, out, err = run_cli(capsys, "demo", "--db", db)
        assert (code, err) == (0, "") and "92 behov" in out
    assert ServerAddress(pg_url).shown in run_cli(capsys, "check", "--db", pg_url)[1]
    answers = [run_cli(capsys, "match", "--db", db, "--json", "--as-of", "11.01.2027") for db in (sqlite, pg_url)]
    assert answers[0][0] == 0 and answers[0] == answers[1]
    for kind, *options in REPORTS:
        texts = []
        for name, db in (("fil", sqlite), ("tjener", pg_url)):
            out = tmp_path / f"{kind}-{name}.pdf"
            code, _, err = run_cli(capsys, "report", kind, *options, "--db", db, "--out", out)
            assert (code, err) == (0, ""), kind
            texts.append(_text(out))
        assert texts[0] == texts[1], kind


def test_every_import_and_export_is_the_same_on_both_stores(capsys, pg_url: str, tmp_path: Path) -> None:
    sqlite = tmp_path / "import.sqlite"
    for kind in IMPORT_ORDER:
        said = [run_cli(capsys, "import", kind, SAMPLES / f"{kind}.csv", "--db", db) for db in (sqlite, pg_url)]
        assert said[0][0] == 0 and said[0] == said[1], kind
    clash = tmp_path / "kollisjon.csv"
    clash.write_bytes(to_bytes(("room", "title", "kind", "start", "end"),
                               [("Eksamensrom", "Lærermøte", "møte", "12.08.2027 10:00", "11:00")] * 2))
    refused = [run_cli(capsys, "import", "bookings", clash, "--db", db) for db in (sqlite, pg_url)]
    assert refused[0][0] == 1 and refused[0] == refused[1]
    for kind in EXPORTS:
        files = [tmp_path / f"{kind}-{name}.csv" for name in ("fil", "tjener")]
        for db, out in zip((sqlite, pg_url), files, strict=True):
            assert run_cli(capsys, "export", kind, "--db", db, "--out", out)[0] == 0
        assert files[0].read_bytes() == files[1].read_bytes(), kind


def test_two_imports_started_at_the_same_moment_both_land(pg_url: str, tmp_path: Path) -> None:
    from kpdesk import transfer
    from kpdesk.admin.database_summary import summarise
    from kpdesk.db.store import Store

    Store.open(ServerAddress(pg_url)).close()  # the schema first: both imports then only write rows
    files = []
    numbers = (n for n in (orgnr.complete(f"9{i:07d}") for i in range(1000, 2000)) if n)
    for name in ("a", "b"):
        path = tmp_path / f"{name}.csv"
        rows = [(next(numbers), f"Bedrift {name.upper()}{i}", "1824", "") for i in range(40)]
        path.write_bytes(to_bytes(("org_number", "name", "municipality", "industry"), rows))
        files.append(path)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(path: Path) -> None:
        store = Store.open(ServerAddress(pg_url))
        try:
            plan = store.transaction(lambda s: transfer.plan_bytes(s, "employers", path.read_bytes(), path.name))
            start.wait()
            transfer.import_plan(store, plan)
        except BaseException as exc:
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=run, args=(path,)) for path in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    store = Store.open(ServerAddress(pg_url))
    try:
        assert store.transaction(summarise).employers == 80
    finally:
        store.close()


@pytest.mark.parametrize("command", [("match",), ("check",), ("export", "needs", "--out", "behov.csv")])
def test_a_server_that_does_not_answer_is_said_in_bokmal(capsys, command: tuple[str, ...]) -> None:
    url = "postgresql://kari@127.0.0.1:1/kpdesk"  # nothing listens on port 1
    code, out, err = run_cli(capsys, *command, "--db", url)
    assert (code, out) == (1, "")
    assert err == ("kpdesk: Databaseserveren svarer ikke (postgresql://kari@127.0.0.1:1/kpdesk). Sjekk at du er "
                   "koblet til nettverket og at serveren kjører, og prøv igjen.\n")  # the driver's English: log only


def test_the_window_is_given_the_server(capsys, monkeypatch) -> None:
    """``kpdesk --db postgresql://…`` opens the window on the server (which says it if it does not answer,
    with «Prøv igjen»: tests/ui/test_server_window.py); no file is looked for."""
    from kpdesk.ui import app

    given: list[object] = []
    monkeypatch.setattr(app, "run_app", lambda location: given.append(location) or 0)
    code, _out, err = run_cli(capsys, "--db", "postgresql://kari@127.0.0.1:1/kpdesk")
    assert (code, err) == (0, "")
    assert given == [ServerAddress("postgresql://kari@127.0.0.1:1/kpdesk")]


@pytest.mark.parametrize(("address", "said"), [
    ("postgresql://postgres@127.0.0.1:xx/t1", "Porten i «postgresql://postgres@127.0.0.1:xx/t1» må være et tall fra 1 "
                                              "til 65535"),
    ("postgresql://postgres@127.0.0.1:99999/t1", "må være et tall fra 1 til 65535"),
    ("postgresql://", "Adressen mangler tjeneren"),
    ("postgresql://127.0.0.1:5432", "Adressen mangler navnet på databasen"),
    ("postgresql://kari:hemmelig@127.0.0.1:5432/t1", "Skriv adressen uten passord: legg passordet i ~/.pgpass"),
])
def test_an_address_is_read_as_strictly_as_the_windows_dialog_reads_it(capsys, monkeypatch, address: str,
                                                                       said: str) -> None:
    """The same rules on --db, in $KPDESK_DB and in «Koble til regionens register …», said before anything
    is tried; a password is refused, never printed."""
    code, out, err = run_cli(capsys, "check", "--db", address)
    assert (code, out) == (1, "") and said in err and err.count("\n") == 1 and "hemmelig" not in err
    monkeypatch.setenv("KPDESK_DB", address)
    assert run_cli(capsys, "match")[2] == err


def test_an_address_kpdesk_cannot_use_is_said_before_anything_is_tried(capsys) -> None:
    code, _, err = run_cli(capsys, "check", "--db", "mysql://kari@tjener/kpdesk")
    assert code == 1 and "ikke «mysql://…»" in err and "finnes ikke" not in err
