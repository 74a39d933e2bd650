"""Widget tests drive the real main window on a real database; modal dialogs are patched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kpdesk.ui.operations import wait_for_all


class AlertRecorder:
    """Stands in for kpdesk.ui.alerts: records what would have been shown, answers questions."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.answer = True
        self.choice: int | None = 0  # what ``choose`` answers: the first option

    def info(self, _parent: Any, title: str, text: str) -> None:
        self.shown.append(("info", title, text))

    def error(self, _parent: Any, title: str, text: str, details: str = "") -> None:
        self.shown.append(("error", title, text))

    def question(self, _parent: Any, title: str, text: str, yes: str, no: str | None = None) -> bool:
        self.shown.append(("question", title, text))
        return self.answer

    def choose(self, _parent: Any, title: str, text: str, options: list[str], cancel: str) -> int | None:
        self.shown.append(("choose", title, text))
        return self.choice

    def texts(self) -> str:
        return "\n".join(text for _kind, _title, text in self.shown)


@pytest.fixture(autouse=True)
def alerts(monkeypatch: pytest.MonkeyPatch) -> AlertRecorder:
    from kpdesk.ui import alerts as module

    recorder = AlertRecorder()
    monkeypatch.setattr(module, "info", recorder.info)
    monkeypatch.setattr(module, "error", recorder.error)
    monkeypatch.setattr(module, "question", recorder.question)
    monkeypatch.setattr(module, "choose", recorder.choose)
    return recorder


def seed_register(db_path: Path) -> None:
    """A few employers, contacts and needs with Norwegian letters, through the real services."""
    from kpdesk.db.store import Store
    from kpdesk.register import service as register
    from kpdesk.register.validation import validate_contact, validate_employer, validate_need

    store = Store.open(db_path)
    employers = [
        ("988077917", "Østre Vefsn sykehjem", "1824", "87.101"),
        ("123456785", "Åsen Smolt AS", "1837", "03.211"),
        ("935112346", "Bodø kommune, helse", "1804", "87.101"),
        ("968812343", "Ærlig Mek. Verksted", "1833", "25.620"),
    ]
    with store.session() as session:
        ids = {}
        for org, name, municipality, industry in employers:
            data, problems = validate_employer(
                {"org_number": org, "name": name, "municipality": municipality, "industry": industry})
            assert data is not None, problems
            ids[org] = register.save_employer(session, data)
        contact, problems = validate_contact(
            {"name": "Kari Nordmann", "role": "HR-leder", "email": "kari@ostre.example.no", "phone": "75 55 50 00"})
        assert contact is not None, problems
        register.save_contact(session, ids["988077917"], contact)
        for ref, org, title, status, level in [
            ("B00001", "988077917", "Fagbrev helsearbeiderfaget", "new", "fagbrev"),
            ("B00002", "123456785", "Vannkjemi og RAS-drift", "mapped", "fagskole"),
            ("B00003", "935112346", "Palliasjon for sykepleiere", "new", "bachelor"),
            ("B00004", "968812343", "Sveisesertifikat", "closed", "kurs"),
        ]:
            need, problems = validate_need({"ref": ref, "employer": org, "title": title, "headcount": "4",
                                            "status": status, "level": level})
            assert need is not None, problems
            register.save_need(session, need)
    store.close()


@pytest.fixture
def seeded_db(db_path: Path) -> Path:
    seed_register(db_path)
    return db_path


@pytest.fixture
def open_window(qtbot: Any):
    """Open the main window on a database and wait until the store is open."""
    opened: list[Any] = []

    def opener(path: Path) -> Any:
        from PySide6.QtCore import QSettings

        from kpdesk.ui.app import create_application
        from kpdesk.ui.main_window import MainWindow

        create_application()
        if not opened:  # QSettings outlives tests (one QApplication): each test starts fresh
            QSettings().clear()
        window = MainWindow(path)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.open_store()
        qtbot.waitUntil(lambda: window.context.store is not None, timeout=10000)
        opened.append(window)
        return window

    yield opener
    if opened:
        wait_for_all()


@pytest.fixture
def demo_db(demo_template: Path, db_path: Path) -> Path:
    """A fresh copy of the small demo database (Helgeland learning centre)."""
    import shutil

    shutil.copyfile(demo_template, db_path)
    return db_path


@pytest.fixture(autouse=True)
def _text_answers(monkeypatch: pytest.MonkeyPatch, alerts: AlertRecorder) -> list[str | None]:
    """Answers for alerts.ask_text, first in first out (default: an empty note)."""
    from kpdesk.ui import alerts as module

    answers: list[str | None] = []

    def ask_text(_parent: Any, title: str, label: str, ok: str, required: bool = False) -> str | None:
        alerts.shown.append(("ask_text", title, label))
        return answers.pop(0) if answers else ""

    monkeypatch.setattr(module, "ask_text", ask_text)
    return answers
