"""``kpdesk report schedule --site NAVN``: only that site's rooms; an unknown site names the sites, exit 1,
no file."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from support import drop_location, new_location, run_cli

from kpdesk.common.paths import Location


@pytest.fixture(scope="module")
def sites_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Location]:
    from kpdesk.booking.rooms import RoomData, save_room
    from kpdesk.db.store import Store

    path = new_location(tmp_path_factory.mktemp("cli-sites"), "sites.sqlite", lasting=True)
    store = Store.open(path)
    try:
        with store.session() as s:
            for name, site in (("Auditoriet (Mo i Rana)", "Mo i Rana"), ("Storsalen (Mosjøen)", "Mosjøen"),
                               ("Møterom (Mosjøen)", "Mosjøen"), ("Lageret", "")):
                save_room(s, RoomData(name, 20, site=site))
    finally:
        store.close()
    yield path
    drop_location(path)


def text_of(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_site_prints_only_its_rooms(sites_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mosjoen.pdf"
    code, stdout, stderr = run_cli(capsys, "report", "schedule", "--db", sites_db, "--out", out, "--week", "2027-W20",
                                   "--site", "mosjøen")
    assert code == 0, stderr
    assert f"i {out} (1 side)" in stdout
    text = text_of(out)
    assert "Ukeplan Mosjøen, uke 20" in text and "Sted: Mosjøen · 2 rom" in text
    assert "Storsalen (Mosjøen)" in text and "Møterom (Mosjøen)" in text
    assert "Auditoriet" not in text and "Lageret" not in text


def test_all_sites_are_grouped(sites_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "alle.pdf"
    code, _stdout, stderr = run_cli(capsys, "report", "schedule", "--db", sites_db, "--out", out, "--week", "2027-W20")
    assert code == 0, stderr
    text = text_of(out)
    assert text.index("Mo i Rana (1 rom)") < text.index("Mosjøen (2 rom)") < text.index("Uten sted (1 rom)")


@pytest.mark.parametrize(("args", "message"), [
    (["--site", "Narvik"], "kpdesk: Stedet «Narvik» finnes ikke. Stedene er: Mo i Rana, Mosjøen.\n"),
    (["--site", "Mosjøen", "--room", "Lageret"], "kpdesk: Velg enten ett rom eller ett sted, ikke begge.\n"),
])
def test_unknown_site_exits_1_naming_the_sites_and_writes_nothing(sites_db: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str], args: list[str],
                                                                  message: str) -> None:
    code, stdout, stderr = run_cli(capsys, "report", "schedule", "--db", sites_db, "--out", tmp_path / "x.pdf",
                                   "--week", "2027-W20", *args)
    assert (code, stdout, stderr) == (1, "", message)
    assert list(tmp_path.iterdir()) == []
