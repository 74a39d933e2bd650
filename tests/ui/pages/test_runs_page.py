"""Gjennomføringer on the small demo: status moves through the form (a refused move said and nothing
written), undo, needs and session days; and «Lag gjennomføring …» from Matching and Samordning."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import select
from support import read_db

from kpdesk.db.models import AuditEntry, CourseRun, Need, course_run_booking, course_run_need
from kpdesk.motor.run_details import load_run_choices
from kpdesk.ui.dialogs.new_run import NewRunDialog
from kpdesk.ui.main_window import section_row
from kpdesk.ui.widgets.pick_list import PickDialog


def show_page(window: Any, qtbot: Any, name: str) -> Any:
    window.navigation.setCurrentRow(section_row(name))
    return window.page(section_row(name))


@pytest.fixture
def page(open_window, demo_db, qtbot):
    window = open_window(demo_db)
    runs = show_page(window, qtbot, "RunsPage")
    qtbot.waitUntil(lambda: runs.model.total_count() > 5 and bool(runs._needs), timeout=15000)
    return runs


def run_in_db(page: Any, ref: str) -> dict[str, Any]:
    def work(session: Any) -> dict[str, Any]:
        run = session.execute(select(CourseRun).where(CourseRun.ref == ref)).scalar_one()
        needs = session.execute(select(Need.ref).join(course_run_need, course_run_need.c.need_id == Need.id)
                                .where(course_run_need.c.run_id == run.id).order_by(Need.ref)).scalars()
        bookings = session.execute(select(course_run_booking.c.booking_id)
                                   .where(course_run_booking.c.run_id == run.id)).scalars()
        return {"status": run.status, "participants": run.participants, "start": run.start_date,
                "offer_id": run.offer_id, "needs": list(needs), "bookings": sorted(bookings)}

    return read_db(page.context, work)


def audit_count(page: Any) -> int:
    return read_db(page.context, lambda s: len(s.execute(select(AuditEntry.id)).all()))


def test_list_sorted_by_start_filtered_by_status_and_text(page) -> None:
    starts = [r.run.start_date for r in page.model.visible_rows() if r.run.start_date is not None]
    assert starts == sorted(starts)
    assert page.model.visible_rows()[-1].run.start_date is None  # unstarted last
    status_box = next(b for b in page.menu_boxes if b.objectName() == "filter_status")
    status_box.setCurrentIndex(status_box.findText("startet"))
    assert {r.run.status for r in page.model.visible_rows()} == {"started"}
    status_box.setCurrentIndex(0)
    first = page.model.visible_rows()[0].run
    page.filter_edit.setText(first.offer_title)
    assert all(first.offer_title in r.run.offer_title for r in page.model.visible_rows())
    page.filter_edit.clear()
    served = next(r for r in page.model.visible_rows() if len(r.run.need_refs) >= 2)
    assert served.needs == len(served.run.need_refs) and 1 <= served.owners <= served.needs


def test_ordered_to_started_with_participants_is_saved_and_undone(page, qtbot) -> None:
    row = next(r for r in page.model.visible_rows() if r.run.status == "ordered")
    ref = row.run.ref
    page.select_where(lambda r: r.run.ref == ref)
    form = page.form
    status = form.editors["status"]
    status.setCurrentIndex(status.findData("started"))
    if not form.editors["start_date"].text():
        form.editors["start_date"].setText("16.08.2027")
    assert not form.save_button.isEnabled()  # started needs participants
    assert "antall deltakere" in form.problem_labels["participants"].text()
    qtbot.keyClicks(form.editors["participants"], "14")
    assert form.save_button.isEnabled()
    form.save_button.click()
    qtbot.waitUntil(lambda: next(r for r in page.model.visible_rows() if r.run.ref == ref).run.status == "started")
    assert run_in_db(page, ref)["status"] == "started" and run_in_db(page, ref)["participants"] == 14
    said: list[str] = []
    page.context.status_message.connect(said.append)
    page.context.undo_stack.undo()  # back to bestilt, though the rules never let a run go back by hand
    qtbot.waitUntil(lambda: next(r for r in page.model.visible_rows() if r.run.ref == ref).run.status == "ordered")
    qtbot.waitUntil(lambda: f"Angret: endring av «{ref}»." in said)
    assert run_in_db(page, ref)["participants"] is None
    page.context.undo_stack.redo()
    qtbot.waitUntil(lambda: next(r for r in page.model.visible_rows() if r.run.ref == ref).run.status == "started")
    qtbot.waitUntil(lambda: f"Gjort om: endring av «{ref}»." in said)


def status_items(page: Any) -> list[str]:
    status = page.form.editors["status"]
    return [status.itemText(i) for i in range(status.count())]


def test_the_status_list_offers_only_the_moves_the_rules_allow(page, qtbot) -> None:
    ref = next(r for r in page.model.visible_rows() if r.run.status == "completed").run.ref
    page.select_where(lambda r: r.run.ref == ref)
    assert status_items(page) == ["gjennomført"]  # a completed run is closed: nothing to pick that is refused
    page.select_where(lambda r: r.run.status == "ordered")
    assert status_items(page) == ["bestilt", "startet", "gjennomført", "avlyst"]
    assert page.form.editors["status"].currentData() == "ordered" and not page.form.is_dirty()
    page.select_where(lambda r: r.run.status == "cancelled")
    assert status_items(page) == ["planlagt", "avlyst"] and page.form.editors["status"].currentData() == "cancelled"
    before = audit_count(page)
    page.new_record()
    assert status_items(page) == ["planlagt", "bestilt", "startet", "gjennomført", "avlyst"]
    assert audit_count(page) == before


def test_reasons_show_in_one_place_and_the_fields_stay_put(page, qtbot) -> None:
    page.resize(1366, 728)
    page.show()
    row = next(r for r in page.model.visible_rows() if r.run.status == "ordered" and r.run.participants is None)
    page.select_where(lambda r: r.run.ref == row.run.ref)
    form = page.form
    tops = {key: form.editors[key].mapTo(form, form.editors[key].rect().topLeft()).y() for key in form.editors}
    form.editors["start_date"].clear()
    status = form.editors["status"]
    status.setCurrentIndex(status.findData("completed"))  # start, end, participants, completed: all wanting
    assert not form.save_button.isEnabled()
    said = form.summary.text()
    assert "Deltakere ved start: Et gjennomført kurs må ha antall deltakere ved start" in said
    assert "Start: Et gjennomført kurs må ha startdato" in said
    assert not form.problem_labels["participants"].isVisible()
    assert {key: form.editors[key].mapTo(form, form.editors[key].rect().topLeft()).y() for key in form.editors} == tops


def test_a_completion_not_yet_come_is_warned_about_but_saved(page, qtbot) -> None:
    page.today = lambda: dt.date(2027, 12, 31)
    row = next(r for r in page.model.visible_rows()
               if r.run.status == "started" and r.run.end_date is not None and r.run.end_date.year > 2027)
    page.select_where(lambda r: r.run.ref == row.run.ref)
    form = page.form
    status = form.editors["status"]
    status.setCurrentIndex(status.findData("completed"))
    qtbot.keyClicks(form.editors["completed"], "1")
    end = row.run.end_date.strftime("%d.%m.%Y")
    assert f"Slutt: Sluttdatoen {end} er ennå ikke nådd; er kurset virkelig gjennomført?" in form.summary.text()
    assert form.save_button.isEnabled()  # a warning, not a refusal
    form.editors["end_date"].setText("20.12.2027")
    assert "ennå ikke nådd" not in form.summary.text()


def test_needs_show_their_owner_and_are_added_through_the_picker(page, qtbot, monkeypatch) -> None:
    ref = next(r for r in page.model.visible_rows() if r.run.status == "planned").run.ref
    page.select_where(lambda r: r.run.ref == ref)
    shown = [n.ref for n in page.needs_model.visible_rows()]
    assert shown == run_in_db(page, ref)["needs"]
    assert all(n.owner for n in page.needs_model.visible_rows())
    extra = next(n for key, n in sorted(page._needs.items()) if n.ref not in shown)

    def pick(dialog: PickDialog) -> int:
        dialog.pick.filter_edit.setText(extra.ref)
        dialog.pick.choose_where(lambda n: n.ref == extra.ref)
        assert dialog.ok_button.isEnabled()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PickDialog, "exec", pick)
    page.add_need_button.click()
    assert [n.ref for n in page.needs_model.visible_rows()] == [*shown, extra.ref]
    assert page.needs_model.visible_rows()[-1].owner == extra.owner
    page.form.save_button.click()
    qtbot.waitUntil(lambda: extra.ref in next(r for r in page.model.visible_rows() if r.run.ref == ref).run.need_refs)
    assert run_in_db(page, ref)["needs"] == sorted([*shown, extra.ref])
    page.needs_view.selectRow(page.needs_model.row_of(lambda n: n.ref == extra.ref))
    page.remove_need_button.click()
    assert sorted(n.ref for n in page.needs_model.visible_rows()) == shown
    assert page.form.is_dirty() and page.form.save_button.isEnabled()


def test_bookings_are_linked_shown_and_unlinked_with_undo(page, qtbot, monkeypatch) -> None:
    ref = next(r.run.ref for r in page.model.visible_rows() if run_in_db(page, r.run.ref)["bookings"])
    page.select_where(lambda r: r.run.ref == ref)
    linked_before = run_in_db(page, ref)["bookings"]
    qtbot.waitUntil(lambda: sorted(b.id for b in page.bookings_model.visible_rows()) == linked_before)
    assert page.link_button.isEnabled()
    picked: list[int] = []

    def pick(dialog: PickDialog) -> int:
        rows = dialog.pick.model.visible_rows()
        assert rows, "the demo has bookings in the run's dates"
        picked.append(rows[0].id)
        dialog.pick.choose_where(lambda b: b.id == rows[0].id)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PickDialog, "exec", pick)
    page.link_button.click()
    qtbot.waitUntil(lambda: bool(picked) and picked[0] in [b.id for b in page.bookings_model.visible_rows()])
    assert run_in_db(page, ref)["bookings"] == sorted([*linked_before, picked[0]])
    page.context.undo_stack.undo()
    qtbot.waitUntil(lambda: picked[0] not in [b.id for b in page.bookings_model.visible_rows()])
    assert run_in_db(page, ref)["bookings"] == linked_before


def test_a_new_run_deleted_and_undone(page, qtbot, alerts) -> None:
    page.new_button.click()
    offer = sorted(page._offers)[0]
    qtbot.keyClicks(page.form.editors["offer"], offer)
    page.form.save_button.click()
    qtbot.waitUntil(lambda: page.current_id is not None and page.selected_row() is not None)
    ref = page.selected_row().run.ref
    assert run_in_db(page, ref)["status"] == "planned"
    page.delete_selected()
    qtbot.waitUntil(lambda: all(r.run.ref != ref for r in page.model.visible_rows()))
    page.context.undo_stack.undo()
    qtbot.waitUntil(lambda: any(r.run.ref == ref for r in page.model.visible_rows()))


# ---------------------------------------------------------------- «Lag gjennomføring …»

def accept_dialog(seen: list[NewRunDialog], choose_offer: str | None = None) -> Any:
    def exec_(dialog: NewRunDialog) -> int:
        seen.append(dialog)
        if choose_offer is not None:
            assert not dialog.ok_button.isEnabled()  # no offer yet
            dialog.offers.filter_edit.setText(choose_offer)
            dialog.offers.choose_where(lambda o: o.ref == choose_offer)
        assert dialog.ok_button.isEnabled(), dialog.problem.text()
        return QDialog.DialogCode.Accepted

    return exec_


def test_run_from_an_accepted_proposal(open_window, demo_db, qtbot, monkeypatch) -> None:
    window = open_window(demo_db)
    matching = show_page(window, qtbot, "MatchingPage")
    matching.as_of_edit.setText("11.01.2027")
    qtbot.mouseClick(matching.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: matching.model.total_count() > 20, timeout=30000)
    matching.select_where(lambda r: r.best_score is not None)
    need = matching.selected_row()
    assert not matching.new_run_button.isEnabled()  # not accepted yet
    proposal = matching.proposals.row_at(0)
    matching.decide("accepted")
    qtbot.waitUntil(matching.new_run_button.isEnabled, timeout=10000)
    seen: list[NewRunDialog] = []
    monkeypatch.setattr(NewRunDialog, "exec", accept_dialog(seen))
    matching.new_run_button.click()
    qtbot.waitUntil(lambda: window.current_page().__class__.__name__ == "RunsPage", timeout=10000)
    dialog = seen[0]
    assert proposal.title in dialog.heading.text()
    assert dialog.data.needs[-1] == need.ref and dialog.data.status == "planned"
    runs = window.current_page()
    qtbot.waitUntil(lambda: runs.selected_row() is not None and need.ref in runs.selected_row().run.need_refs,
                    timeout=10000)
    created = runs.selected_row().run
    assert created.offer_ref == proposal.offer_ref and created.status == "planned"
    assert created.start_date == dialog.fixed_offer.start_date


def test_run_from_a_course_to_order_picks_an_offer_and_links_every_need(open_window, demo_db, qtbot,
                                                                         monkeypatch) -> None:
    window = open_window(demo_db)
    demand = show_page(window, qtbot, "DemandPage")
    qtbot.mouseClick(demand.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: demand.model.total_count() > 0, timeout=30000)
    demand.to_order.setChecked(True)
    demand.select_where(lambda g: g.unmet and len(g.need_refs) >= 2)
    group = demand.selected_row()
    assert group is not None and demand.new_run_button.isEnabled()
    seen: list[NewRunDialog] = []
    monkeypatch.setattr(NewRunDialog, "exec", accept_dialog(seen, choose_offer="T0001"))
    demand.new_run_button.click()
    qtbot.waitUntil(lambda: window.current_page().__class__.__name__ == "RunsPage", timeout=10000)
    assert "kurs å bestille" in seen[0].heading.text() and "velg tilbudet" in seen[0].heading.text()
    runs = window.current_page()
    qtbot.waitUntil(lambda: runs.selected_row() is not None and runs.selected_row().run.offer_ref == "T0001",
                    timeout=10000)
    run = runs.selected_row().run
    assert sorted(run.need_refs) == sorted(group.need_refs)
    assert run_in_db(runs, run.ref)["needs"] == sorted(group.need_refs)
    runs.context.undo_stack.undo()  # the creation undone: the run is gone
    qtbot.waitUntil(lambda: all(r.run.ref != run.ref for r in runs.model.visible_rows()), timeout=10000)


def test_a_need_already_in_a_run_of_the_offer_is_named_and_that_run_proposed(page, qtbot) -> None:
    row = next(r for r in page.model.visible_rows() if r.run.status == "completed" and r.run.need_refs).run
    need = row.need_refs[0]
    choices = read_db(page.context, lambda s: load_run_choices(s, [need]))
    dialog = NewRunDialog(choices, row.offer_ref, [need], page)
    assert dialog.already.isVisibleTo(dialog)
    assert dialog.already.text().startswith(f"{need} er allerede med i {row.ref} (gjennomført). ")
    assert dialog.into.currentData() == row.ref and dialog.target.ref == row.ref
    assert dialog.data.needs == row.need_refs and dialog.data.status == "completed"  # added there: no twin
    assert dialog.heading.text().startswith(f"Behovene legges til gjennomføringen {row.ref} av «")
    assert dialog.heading.text().endswith(", gjennomført.") and "planlagt" not in dialog.heading.text()
    assert dialog.ok_button.text() == f"Legg til i {row.ref}"
    dialog.into.setCurrentIndex(0)  # a new run after all, on purpose
    assert dialog.target is None and dialog.data.status == "planned" and dialog.data.needs == (need,)
    assert dialog.heading.text().startswith("Ny gjennomføring av «") and dialog.heading.text().endswith("planlagt.")
    assert dialog.ok_button.text() == "Lag gjennomføring"
    assert dialog.ok_button.isEnabled()
    cancelled = next(r for r in page.model.visible_rows() if r.run.status == "cancelled" and r.run.need_refs).run
    choices = read_db(page.context, lambda s: load_run_choices(s, cancelled.need_refs[:1]))
    if not any(r.offer_ref == cancelled.offer_ref for r in choices.serving):
        again = NewRunDialog(choices, cancelled.offer_ref, cancelled.need_refs[:1], page)
        assert not again.already.isVisibleTo(again) and again.into.currentData() is None  # avlyst: no duplicate
