"""CSV import through the window: preview first, nothing written on errors, then import; export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog
from support import EVAL

from kpdesk.ui.main_window import section_row
from kpdesk.ui.operations import wait_for_all

GOOD = (
    "org_number;name;municipality;industry;contact_name;contact_email;contact_phone;notes\n"
    "974760673;Hemnes barnehage;Hemnes;88.911;Siri Dahl;siri@hemnes.example.no;75 14 00 00;\n"
    "988077917;Østre Vefsn sykehjem;1824;87.101;;;;oppdatert navn beholdes\n"
)
BAD = (
    "org_number;name;municipality;industry;contact_name;contact_email;contact_phone;notes\n"
    "974760673;Hemnes barnehage;Hemnes;88.911;;;;\n"
    "123;Feil AS;Atlantis;;;;;\n"
)


def _import(window, qtbot, monkeypatch, path: Path, kind: str = "employers"):
    from kpdesk.ui.dialogs.transfer import ImportDialog

    dialogs: list[ImportDialog] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(ImportDialog, "exec", lambda self: dialogs.append(self) or 0)
    window.transfer_actions[f"import_{kind}"].trigger()
    dialog = dialogs[0]
    qtbot.waitUntil(lambda: dialog.plan is not None)
    return dialog


def test_preview_lists_every_problem_and_writes_nothing(open_window, seeded_db, tmp_path, qtbot, monkeypatch):
    window = open_window(seeded_db)
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    dialog = _import(window, qtbot, monkeypatch, bad)
    problems = dialog.problems_model.visible_rows()
    assert {(p.line, p.column) for p in problems if not p.warning} >= {(3, "org_number"), (3, "municipality")}
    assert not dialog.import_button.isEnabled()
    assert dialog.tabs.currentIndex() == 1
    employers = window.page(section_row("EmployersPage"))
    qtbot.waitUntil(lambda: employers.model.total_count() == 4)


def test_import_after_preview_creates_and_updates(open_window, seeded_db, tmp_path, qtbot, monkeypatch):
    window = open_window(seeded_db)
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="cp1252")  # Windows-1252, as Excel in Norway may save it
    dialog = _import(window, qtbot, monkeypatch, good)
    actions = sorted((r.line, r.action) for r in dialog.rows_model.visible_rows())
    assert actions == [(2, "create"), (3, "update")]
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None)
    employers = window.page(section_row("EmployersPage"))
    qtbot.waitUntil(lambda: employers.model.total_count() == 5)
    assert "Hemnes barnehage" in [r.name for r in employers.model.visible_rows()]
    from kpdesk.db.backup import list_backups

    assert any(b.reason == "before-import" for b in list_backups(seeded_db))


def test_export_writes_the_file(open_window, seeded_db, tmp_path, qtbot, monkeypatch):
    window = open_window(seeded_db)
    out = tmp_path / "ut.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.transfer_actions["export_needs"].trigger()
    qtbot.waitUntil(out.exists)
    wait_for_all()
    text = out.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("ref;employer;title")
    assert "Palliasjon for sykepleiere" in text


def test_template_is_saved(open_window, db_path, tmp_path, qtbot, monkeypatch):
    window = open_window(db_path)
    out = tmp_path / "mal.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.transfer_actions["template_needs"].trigger()
    assert out.read_bytes().decode("utf-8-sig").startswith("ref;employer;title")


def test_the_shared_eval_files_import_through_the_window(open_window, db_path, qtbot, monkeypatch):
    import pytest

    from kpdesk.ui.dialogs.transfer import ImportDialog

    if not (EVAL / "employers.csv").exists():
        pytest.skip(f"the shared eval files are not beside the repository ({EVAL})")
    window = open_window(db_path)
    for kind, action in (("employers", "import_employers"), ("needs", "import_needs"), ("offers", "import_offers")):
        dialogs: list[ImportDialog] = []
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, k=kind, **kw: (str(EVAL / f"{k}.csv"), ""))
        monkeypatch.setattr(ImportDialog, "exec", lambda self, d=dialogs: d.append(self) or 0)
        window.transfer_actions[action].trigger()
        dialog = dialogs[0]
        qtbot.waitUntil(lambda d=dialog: d.plan is not None)
        assert not dialog.plan.has_errors, [str(p) for p in dialog.plan.errors]
        dialog.import_button.click()
        qtbot.waitUntil(lambda d=dialog: d.result is not None)
    expected_needs = len((EVAL / "needs.csv").read_text(encoding="utf-8-sig").strip().splitlines()) - 1
    window.navigation.setCurrentRow(section_row("NeedsPage"))
    qtbot.waitUntil(lambda: window.page(section_row("NeedsPage")).model.total_count() == expected_needs)
    expected_offers = len((EVAL / "offers.csv").read_text(encoding="utf-8-sig").strip().splitlines()) - 1
    window.navigation.setCurrentRow(section_row("OffersPage"))
    qtbot.waitUntil(lambda: window.page(section_row("OffersPage")).model.total_count() == expected_offers)


def test_a_long_problem_is_shown_in_full_below_the_list(open_window, seeded_db, tmp_path, qtbot, monkeypatch):
    window = open_window(seeded_db)
    headless = tmp_path / "uten-overskrift.csv"
    headless.write_text("974760673;Hemnes barnehage og skole i Hemnes kommune;Hemnes;85.201;\n", encoding="utf-8")
    dialog = _import(window, qtbot, monkeypatch, headless)
    text = dialog.problem_text.text()
    assert text.startswith("Linje 1: Filen mangler overskriftsrad")
    assert text.endswith("org_number;name;municipality;industry;contact_name;contact_email;contact_phone;notes")
    dialog.problems_view.selectRow(0)
    assert dialog.problem_text.wordWrap()


def test_persons_are_imported_from_the_file_menu_with_their_consent(open_window, seeded_db, qtbot, monkeypatch):
    from support import SAMPLES

    from kpdesk.ui.main_window import section_row

    window = open_window(seeded_db)
    sample = (SAMPLES / "persons.csv").read_text(encoding="utf-8-sig")
    path = Path(str(seeded_db) + ".persons.csv")
    path.write_text(sample.replace(";974112345;", ";;"), encoding="utf-8")  # no employer of the seeded file
    dialog = _import(window, qtbot, monkeypatch, path, "persons")
    rows = dialog.rows_model.visible_rows()
    assert [(r.line, dialog.rows_model.data(dialog.rows_model.index(n, 2))) for n, r in enumerate(rows)] == [
        (2, "Kari Nordmann"), (3, "Ola Hansen"), (4, "Aisha Mohammed")]
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10_000)
    window.navigation.setCurrentRow(section_row("PersonsPage"))
    persons = window.page(section_row("PersonsPage"))
    qtbot.waitUntil(lambda: persons.model.total_count() == 3, timeout=10_000)
    assert all(r.consent is not None and r.consent.how == "import" for r in persons.model.visible_rows())
