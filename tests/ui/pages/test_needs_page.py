"""Behov: filter by status and level, validation of the start window, create and status change."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QTableView

from kpdesk.ui.main_window import section_row


@pytest.fixture
def page(open_window, seeded_db: Path, qtbot):
    window = open_window(seeded_db)
    window.navigation.setCurrentRow(section_row("NeedsPage"))
    needs = window.page(section_row("NeedsPage"))
    qtbot.waitUntil(lambda: needs.model.total_count() == 4)
    return needs


def titles(page) -> list[str]:
    return [row.title for row in page.model.visible_rows()]


def choose(box, label: str) -> None:
    index = box.findText(label)
    assert index >= 0, [box.itemText(i) for i in range(box.count())]
    box.setCurrentIndex(index)


def test_status_and_level_menus_filter(page) -> None:
    status_box = next(b for b in page.menu_boxes if b.objectName() == "filter_status")
    level_box = next(b for b in page.menu_boxes if b.objectName() == "filter_level")
    choose(status_box, "ny")
    assert sorted(titles(page)) == ["Fagbrev helsearbeiderfaget", "Palliasjon for sykepleiere"]
    choose(level_box, "bachelor")
    assert titles(page) == ["Palliasjon for sykepleiere"]
    assert page.window().count_label.text() == "Viser 1 av 4 behov"


def test_headcount_sorts_as_number(page) -> None:
    page.view.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    counts = [row.headcount for row in page.model.visible_rows()]
    assert counts == sorted(counts, reverse=True)


def test_latest_before_earliest_is_explained_beside_the_field(page, qtbot) -> None:
    page.new_button.click()
    form = page.form
    qtbot.keyClicks(form.editors["employer"], "988 077 917")
    qtbot.keyClicks(form.editors["title"], "Velferdsteknologi")
    form.editors["headcount"].setText("0")
    assert "headcount" in {p.field for p in form.problems}
    assert form.problem_labels["headcount"].isVisibleTo(page)
    form.editors["headcount"].setText("6")
    qtbot.keyClicks(form.editors["earliest_start"], "01.08.2027")
    qtbot.keyClicks(form.editors["latest_start"], "01.06.2027")
    assert not form.save_button.isEnabled()
    assert "01.06.2027" in form.problem_labels["latest_start"].text()
    form.editors["latest_start"].setText("31.12.2027")
    assert form.save_button.isEnabled()
    form.editors["formats"].findChild(QCheckBox, "choice_online").setChecked(True)
    form.save_button.click()
    qtbot.waitUntil(lambda: "Velferdsteknologi" in titles(page))
    created = next(r for r in page.model.visible_rows() if r.title == "Velferdsteknologi")
    assert created.ref.startswith("B") and created.headcount == 6
    assert created.employer_name == "Østre Vefsn sykehjem"
    assert created.formats == ("online",)


def test_unknown_employer_is_refused_before_saving(page, qtbot) -> None:
    page.new_button.click()
    qtbot.keyClicks(page.form.editors["employer"], "974760673")  # valid number, not registered
    qtbot.keyClicks(page.form.editors["title"], "Noe")
    assert "Fant ingen arbeidsgiver" in page.form.problem_labels["employer"].text()
    assert not page.form.save_button.isEnabled()


def test_status_change_is_saved_and_undone(page, qtbot) -> None:
    page.select_where(lambda r: r.ref == "B00002")
    status = page.form.editors["status"]
    status.setCurrentIndex(status.findData("ordered"))
    page.form.save_button.click()
    qtbot.waitUntil(lambda: next(r for r in page.model.visible_rows() if r.ref == "B00002").status == "ordered")
    page.context.undo_stack.undo()
    qtbot.waitUntil(lambda: next(r for r in page.model.visible_rows() if r.ref == "B00002").status == "mapped")


def test_an_empty_new_form_does_not_scold_before_typing(page, qtbot) -> None:
    page.new_button.click()
    form = page.form
    assert not any(label.isVisibleTo(page) for label in form.problem_labels.values())
    assert not form.save_button.isEnabled()
    qtbot.keyClicks(form.editors["title"], "x")
    form.editors["title"].clear()  # touched and emptied: now the reason shows
    assert form.problem_labels["title"].isVisibleTo(page)
    assert not form.problem_labels["employer"].isVisibleTo(page)


def test_start_dates_are_date_fields_that_take_short_forms_and_open_the_calendar(page, qtbot) -> None:
    import datetime as dt

    from kpdesk.ui.widgets.date_field import DateField

    page.window().show()
    qtbot.waitExposed(page.window())
    page.new_button.click()
    form = page.form
    earliest, latest = form.editors["earliest_start"], form.editors["latest_start"]
    assert isinstance(earliest, DateField) and isinstance(latest, DateField)
    qtbot.keyClicks(form.editors["employer"], "988 077 917")
    qtbot.keyClicks(form.editors["title"], "Velferdsteknologi")
    form.editors["headcount"].setText("6")
    earliest.setFocus()
    qtbot.keyClicks(earliest, "1.8.27")
    assert form.save_button.isEnabled()  # the form's validator reads the same short form
    qtbot.keyClick(earliest, Qt.Key.Key_Tab)
    assert earliest.text() == "01.08.2027"
    qtbot.keyClick(latest, Qt.Key.Key_F4)
    qtbot.waitUntil(latest.popup().isVisible)
    latest.popup().calendar.setSelectedDate(latest.popup().calendar.selectedDate().addDays(1))
    qtbot.keyClick(latest.popup().calendar.findChild(QTableView), Qt.Key.Key_Return)
    assert latest.date() == dt.date.today() + dt.timedelta(days=1)
    latest.setFocus()
    qtbot.keyClick(latest, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(latest, "1.2.27")
    qtbot.keyClick(latest, Qt.Key.Key_Tab)
    assert latest.text() == "01.02.2027" and not form.save_button.isEnabled()
    assert "01.02.2027" in form.problem_labels["latest_start"].text()
    latest.setFocus()
    qtbot.keyClick(latest, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(latest, "1.2.2028")
    assert form.save_button.isEnabled()
    assert latest.text() == "1.2.2028"  # not rewritten under the cursor while typing


def add_person(page, consent: bool) -> str:
    """A person through the register (the Personer page has its own tests); their ref."""
    from kpdesk.register import service as register
    from kpdesk.register.validation import validate_consent, validate_person

    def work(session):
        data, _ = validate_person({"name": "Kari Nordmann", "municipality": "1833", "email": "kari@example.no"})
        person_id = register.save_person(session, data)
        if consent:
            agreed, _ = validate_consent({"stored": "ja", "statistics": "ja", "how": "skjema"})
            register.record_consent(session, person_id, agreed)
        return register.get_person(session, person_id).ref

    ref = page.context.store.transaction(work)
    page.context.data_changed.emit("person")
    return ref


def test_a_persons_wish_is_a_need_owned_by_the_person_shown_without_the_name(page, qtbot) -> None:
    ref = add_person(page, consent=True)
    qtbot.waitUntil(lambda: ref in page._persons)
    page.new_button.click()
    form = page.form
    choose(form.editors["owner_kind"], "en person")
    assert form.editors["person"].isVisibleTo(page) and not form.editors["employer"].isVisibleTo(page)
    assert not form.editors["source"].isVisibleTo(page)
    form.editors["person"].setText("kari nordmann")  # the name typed: the one person of that name
    qtbot.keyClicks(form.editors["title"], "Helsefagarbeider")
    assert form.save_button.isEnabled(), [p.message for p in form.problems]
    form.save_button.click()
    qtbot.waitUntil(lambda: "Helsefagarbeider" in titles(page), timeout=10_000)
    row = next(r for r in page.model.visible_rows() if r.title == "Helsefagarbeider")
    assert row.owner_kind == "person" and row.employer_name == f"Privatperson {ref}" and row.headcount == 1
    assert "Kari" not in row.employer_name


def test_a_person_without_consent_gets_no_need(page, qtbot, alerts) -> None:
    ref = add_person(page, consent=False)
    qtbot.waitUntil(lambda: ref in page._persons)
    page.new_button.click()
    form = page.form
    choose(form.editors["owner_kind"], "en person")
    form.editors["person"].setText(ref)
    qtbot.keyClicks(form.editors["title"], "Sykepleie")
    form.save_button.click()
    qtbot.waitUntil(lambda: "har ikke samtykket" in alerts.texts(), timeout=10_000)
    assert "Sykepleie" not in titles(page)


def test_a_community_need_with_its_source_and_horizon(page, qtbot) -> None:
    page.new_button.click()
    form = page.form
    choose(form.editors["owner_kind"], "et lokalsamfunn")
    assert form.editors["source"].isVisibleTo(page) and form.editors["horizon"].isVisibleTo(page)
    form.editors["community"].setText("1836 Rødøy")
    qtbot.keyClicks(form.editors["title"], "Sykepleiere i Rødøy")
    form.editors["headcount"].setText("5")
    form.editors["source"].setText("kompetansekartlegging 2026")
    form.editors["horizon"].setText("innen 2030")
    assert form.save_button.isEnabled(), [p.message for p in form.problems]
    form.save_button.click()
    qtbot.waitUntil(lambda: "Sykepleiere i Rødøy" in titles(page), timeout=10_000)
    row = next(r for r in page.model.visible_rows() if r.title == "Sykepleiere i Rødøy")
    assert (row.owner_kind, row.community, row.horizon, row.headcount) == ("community", "1836", 2030, 5)
    assert row.employer_name == "Rødøy kommune (lokalsamfunn)"
    page.select_where(lambda r: r.title == "Sykepleiere i Rødøy")
    qtbot.waitUntil(lambda: form.editors["source"].text() == "kompetansekartlegging 2026")
    assert form.editors["owner_kind"].currentData() == "community" and form.editors["horizon"].text() == "2030"
