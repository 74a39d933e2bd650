"""The command line: exit codes, Norwegian messages on stderr, files left as they were."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import sqlite3
import stat
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from support import database_at, new_location, shown, sqlite_only, stored_bytes

from kpdesk import __version__
from kpdesk.cli import EXIT_DATA, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, main
from kpdesk.common.crashlog import write_crash_log
from kpdesk.common.paths import Location
from kpdesk.db.migrate import head_revision
from kpdesk.db.models import Booking, ContactPerson, Employer, Need, Offer, Provider, Room
from kpdesk.db.store import Store


def run_in_process(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse: --version, --help and usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def run_subprocess(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kpdesk", *argv],
        cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=60, env=dict(os.environ),
    )


def snapshot(path: Path) -> tuple[bytes, int] | None:
    return (path.read_bytes(), path.stat().st_mtime_ns) if path.is_file() else None


def make_db(path: Location, employers: int = 0) -> Location:
    opened = Store.open(path)
    with opened.session() as session:
        for i in range(employers):
            employer = Employer(org_number=f"{i:09d}", name=f"Bedrift {i:04d} " + "z" * 150)
            employer.contacts.append(ContactPerson(name=f"Kontakt {i}"))
            session.add(employer)
    opened.close()
    return path


def make_db_at_0001(path: Path) -> Path:
    return database_at(path, "0001")


def raw_sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


# ---------------------------------------------------------------- usage


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_in_process(capsys, "--version")
    assert (code, out) == (EXIT_OK, f"kpdesk {__version__}\n")


def test_help_is_norwegian(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_in_process(capsys, "--help")
    assert code == EXIT_OK
    assert out.startswith("bruk: kpdesk")
    assert "check" in out and "demo" in out


@pytest.mark.parametrize(
    ("argv", "phrase"),
    [
        (["finnesikke"], "ukjent valg: 'finnesikke'"),
        (["--finnesikke"], "ukjente argumenter: --finnesikke"),
        (["check", "--finnesikke"], "ukjente argumenter: --finnesikke"),
        (["check", "--db"], "forventet én verdi"),
        (["demo"], "disse argumentene mangler: --db"),
    ],
)
def test_wrong_usage_gives_usage_and_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], phrase: str) -> None:
    code, out, err = run_in_process(capsys, *argv)
    assert code == EXIT_USAGE
    assert out == ""
    assert err.startswith("bruk: kpdesk")
    assert phrase in err
    assert "Traceback" not in err


# ---------------------------------------------------------------- check: good databases


def test_check_prints_a_one_line_summary_with_counts(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    opened = Store.open(db_path)
    with opened.session() as session:
        a = Employer(org_number="983974899", name="Nordlandssykehuset HF")
        b = Employer(org_number="988077917", name="Hamarøy kommune")
        a.needs.append(Need(ref="B-1", title="Psykisk helse", headcount=5))
        a.needs.append(Need(ref="B-2", title="Ledelse", headcount=2, status="closed"))
        b.needs.append(Need(ref="B-3", title="Fagbrev", headcount=3, status="matched"))
        provider = Provider(name="Nord universitet")
        provider.offers.append(Offer(ref="T-1", title="Psykisk helsearbeid"))
        room = Room(name="Storsalen", capacity=40)
        start = dt.datetime(2027, 1, 15, 9)
        session.add_all([a, b, provider, room])
        session.add_all([
            Booking(room=room, title="Samling", starts_at=start, ends_at=start + dt.timedelta(hours=6)),
            Booking(room=room, title="Avlyst", starts_at=start, ends_at=start + dt.timedelta(hours=1),
                    state="cancelled"),
        ])
    opened.close()
    before = stored_bytes(db_path)

    code, out, err = run_in_process(capsys, "check", "--db", str(db_path))
    assert (code, err) == (EXIT_OK, "")
    assert out == (
        f"OK: {shown(db_path)}, skjema {head_revision()} (nyeste): 2 arbeidsgivere, 3 behov (2 åpne), "
        "1 tilbyder, 1 kurstilbud, 1 rom, 1 booking.\n"
    )
    assert stored_bytes(db_path) == before  # check changes nothing


def test_check_of_an_empty_database(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    make_db(db_path)
    code, out, _ = run_in_process(capsys, "check", "--db", str(db_path))
    assert code == EXIT_OK
    assert out.startswith("OK: ")
    assert out.count("\n") == 1
    assert "0 arbeidsgivere, 0 behov (0 åpne), 0 tilbydere, 0 kurstilbud, 0 rom, 0 bookinger." in out


@sqlite_only("a 0001 file written with sqlite3, checked and left byte for byte")
def test_check_of_an_older_database_says_it_will_be_upgraded_and_leaves_it(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    make_db_at_0001(db_path)
    before = snapshot(db_path)
    code, out, _ = run_in_process(capsys, "check", "--db", str(db_path))
    assert code == EXIT_OK
    assert f"skjema 0001 (eldre; oppgraderes til {head_revision()} ved åpning)" in out
    assert snapshot(db_path) == before
    assert not (db_path.parent / "backups").exists()  # check only reads: no copies either


def test_db_before_the_command_is_used(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    chosen = make_db(new_location(tmp_path, "valgt.sqlite"), employers=1)
    code, out, err = run_in_process(capsys, "--db", str(chosen), "check")
    assert (code, err) == (EXIT_OK, "")
    assert out.startswith(f"OK: {shown(chosen)}") and "1 arbeidsgiver," in out


def test_db_from_the_environment_and_db_option_wins(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = make_db(new_location(tmp_path, "miljo.sqlite"), employers=2)
    chosen = make_db(new_location(tmp_path, "valg.sqlite"), employers=3)
    monkeypatch.setenv("KPDESK_DB", str(environment))
    _, out, _ = run_in_process(capsys, "check")
    assert out.startswith(f"OK: {shown(environment)}") and "2 arbeidsgivere" in out
    _, out, _ = run_in_process(capsys, "check", "--db", str(chosen))
    assert out.startswith(f"OK: {shown(chosen)}") and "3 arbeidsgivere" in out


# ---------------------------------------------------------------- check: bad input, exit 1


def _folder(path: Path) -> None:
    path.mkdir()


def _not_sqlite(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)  # a zip file, say


def _empty(path: Path) -> None:
    path.touch()


def _truncated(path: Path) -> None:
    make_db(path, employers=60)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _read_only(path: Path) -> None:
    make_db(path)
    path.chmod(0o444)


def _newer(path: Path) -> None:
    make_db(path)
    raw_sql(path, "UPDATE alembic_version SET version_num = '9999'")


def _other_program(path: Path) -> None:
    raw_sql(path, "CREATE TABLE kunder (navn TEXT)", "INSERT INTO kunder VALUES ('Ola')")


def _broken_reference(path: Path) -> None:
    make_db(path)
    raw_sql(path, "INSERT INTO contact_person (employer_id, name) VALUES (999, 'Foreldreløs')")


BAD_INPUT = {
    "folder": (_folder, "er en mappe"),
    "not-sqlite": (_not_sqlite, "ikke en SQLite-fil"),
    "empty-file": (_empty, "er tom"),
    "truncated": (_truncated, "avkortet"),
    "read-only": (_read_only, "skrivebeskyttet"),
    "newer": (_newer, "nyere kpdesk (skjemaversjon 9999)"),
    "other-program": (_other_program, "ikke fra kpdesk"),
    "broken-reference": (_broken_reference, "1 brutte referanser"),
}


@sqlite_only("files that are not kpdesk databases, damaged or read-only")
@pytest.mark.parametrize("kind", sorted(BAD_INPUT))
def test_check_bad_input_exits_1_with_a_message_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], db_path: Path, kind: str
) -> None:
    make, phrase = BAD_INPUT[kind]
    make(db_path)
    before = snapshot(db_path)
    code, out, err = run_in_process(capsys, "check", "--db", str(db_path))
    assert code == EXIT_DATA
    assert out == ""
    assert err.startswith(f"kpdesk: {db_path}")
    assert phrase in err
    assert "Traceback" not in err
    assert snapshot(db_path) == before


@sqlite_only("a missing file or folder")
def test_check_missing_file_or_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for target in (tmp_path / "borte.sqlite", tmp_path / "ingen-mappe" / "kpdesk.sqlite"):
        code, out, err = run_in_process(capsys, "check", "--db", str(target))
        assert (code, out) == (EXIT_DATA, "")
        assert err == f"kpdesk: {target} finnes ikke.\n"
        assert not target.exists() and not target.parent.joinpath("kpdesk.sqlite-wal").exists()
    assert sorted(os.listdir(tmp_path)) == []


def _overwrite_pages(path: Path, first: int, count: int, seed: int) -> None:
    data = bytearray(path.read_bytes())
    page_size = struct.unpack(">H", data[16:18])[0]
    data[first * page_size:(first + count) * page_size] = random.Random(seed).randbytes(count * page_size)
    path.write_bytes(bytes(data))


@sqlite_only("pages of the file overwritten")
@pytest.mark.parametrize(("first", "seed"), [(2, 11), (4, 12), (9, 13), (25, 14), (40, 15)])
def test_check_damaged_middle_pages_exits_1_not_3(
    capsys: pytest.CaptureFixture[str], db_path: Path, first: int, seed: int
) -> None:
    make_db(db_path, employers=200)
    assert db_path.stat().st_size // 4096 > first + 3
    _overwrite_pages(db_path, first, 3, seed)
    before = snapshot(db_path)
    code, out, err = run_in_process(capsys, "check", "--db", str(db_path))
    assert (code, out) == (EXIT_DATA, "")
    assert err.startswith(f"kpdesk: {db_path}")
    assert "skadet" in err
    assert "Traceback" not in err and "intern feil" not in err
    assert snapshot(db_path) == before


@sqlite_only("a row changed in the file behind an index's back")
def test_check_runs_the_integrity_check(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    """A row changed behind an index's back: ordinary queries work, only integrity_check sees it."""
    opened = Store.open(db_path)
    with opened.session() as session:
        for i, name in enumerate(["Alfa AS", "Unik Bedrift AAA", "Omega AS"]):
            session.add(Employer(org_number=f"98807791{i}", name=name))
    opened.close()
    conn = sqlite3.connect(db_path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'employer'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(db_path.read_bytes())
    page = slice((root - 1) * page_size, root * page_size)
    assert data[page].count(b"Unik Bedrift AAA") == 1
    data[page] = bytes(data[page]).replace(b"Unik Bedrift AAA", b"Unik Bedrift QQQ")
    db_path.write_bytes(bytes(data))

    code, out, err = run_in_process(capsys, "check", "--db", str(db_path))
    assert (code, out) == (EXIT_DATA, "")
    assert "integritetskontrollen fant feil" in err
    assert re.search(r"^  .*ix_employer_name", err, re.MULTILINE)  # SQLite's own findings, indented
    assert "Traceback" not in err


# ---------------------------------------------------------------- internal errors, exit 3


def test_internal_error_exits_3_and_the_traceback_goes_to_the_log(
    capsys: pytest.CaptureFixture[str], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_db(db_path)

    def broken(_session):  # type: ignore[no-untyped-def]
        raise RuntimeError("en feil i kpdesk")

    monkeypatch.setattr("kpdesk.admin.database_summary.summarise", broken)
    code, out, err = run_in_process(capsys, "check", "--db", str(db_path))
    assert (code, out) == (EXIT_INTERNAL, "")
    assert "Traceback" not in err
    match = re.fullmatch(r"kpdesk: intern feil \(RuntimeError\)\. Detaljer er lagret i (.+\.log)\.\n", err)
    assert match, err
    log = Path(match.group(1))
    assert log.parent == Path(os.environ["KPDESK_LOG_DIR"])
    content = log.read_text(encoding="utf-8")
    assert content.startswith(f"kpdesk {__version__}\n")
    assert "Traceback" in content and "RuntimeError: en feil i kpdesk" in content
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_keyboard_interrupt(capsys: pytest.CaptureFixture[str], db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_db(db_path)

    def interrupted(_session):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr("kpdesk.admin.database_summary.summarise", interrupted)
    code, _, err = run_in_process(capsys, "check", "--db", str(db_path))
    assert (code, err) == (130, "kpdesk: avbrutt\n")


def test_crash_logs_never_overwrite_each_other() -> None:
    logs = {write_crash_log(ValueError(f"feil {i}")) for i in range(3)}
    assert len(logs) == 3
    assert sorted(p.read_text(encoding="utf-8").splitlines()[-1] for p in logs) == [
        "ValueError: feil 0", "ValueError: feil 1", "ValueError: feil 2"]


def test_crash_log_holds_no_personal_data_from_sql(store: Store) -> None:
    with store.session() as session:
        session.add(Employer(org_number="988077917", name="Første AS"))
    with pytest.raises(Exception) as raised, store.session() as session:
        session.add(Employer(org_number="988077917", name="Kari Nordmann Enkeltpersonforetak"))
    log = write_crash_log(raised.value).read_text(encoding="utf-8")
    # still useful for the developer: the constraint (a server adds the values on a DETAIL line, left out)
    assert "UNIQUE constraint failed: employer.org_number" in log or "DETAIL:  [values left out]" in log
    assert "Kari Nordmann" not in log
    assert "988077917" not in log


# ---------------------------------------------------------------- a real process


def test_subprocess_version(tmp_path: Path) -> None:
    result = run_subprocess(tmp_path, "--version")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"kpdesk {__version__}\n", "")


@sqlite_only("a file from a newer kpdesk")
def test_subprocess_check_ok_and_newer(tmp_path: Path) -> None:
    make_db(tmp_path / "kpdesk.sqlite", employers=2)
    result = run_subprocess(tmp_path, "check", "--db", "kpdesk.sqlite")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: kpdesk.sqlite") and "2 arbeidsgivere" in result.stdout
    assert result.stderr == ""

    _newer(tmp_path / "kpdesk.sqlite")
    before = snapshot(tmp_path / "kpdesk.sqlite")
    result = run_subprocess(tmp_path, "check", "--db", "kpdesk.sqlite")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("kpdesk: kpdesk.sqlite er laget av en nyere kpdesk")
    assert "Traceback" not in result.stderr
    assert snapshot(tmp_path / "kpdesk.sqlite") == before


@sqlite_only("pages of the file overwritten")
def test_subprocess_damaged_database(tmp_path: Path) -> None:
    make_db(tmp_path / "kpdesk.sqlite", employers=200)
    _overwrite_pages(tmp_path / "kpdesk.sqlite", 4, 3, 12)
    result = run_subprocess(tmp_path, "check", "--db", "kpdesk.sqlite")
    assert result.returncode == 1
    assert "skadet" in result.stderr and "Traceback" not in result.stderr


def test_subprocess_wrong_usage(tmp_path: Path) -> None:
    result = run_subprocess(tmp_path, "sjekk")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("bruk: kpdesk")
    assert "ukjent valg: 'sjekk'" in result.stderr
