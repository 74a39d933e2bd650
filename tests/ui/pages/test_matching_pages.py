"""Matching and Samordning on the demo data: run in the background, review, accept with undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from support import read_db

from kpdesk.ui.main_window import SECTIONS
from kpdesk.ui.operations import wait_for_all


def section(name: str) -> int:
    return next(i for i, s in enumerate(SECTIONS) if s[2] == name)


@pytest.fixture
def matching(open_window, demo_db, qtbot):
    window = open_window(demo_db)
    number = section("MatchingPage")
    window.navigation.setCurrentRow(number)
    page = window.page(number)
    page.as_of_edit.setText("11.01.2027")
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.total_count() > 20, timeout=30000)
    return page


def test_run_shows_every_open_need_with_best_offer_and_reasons(matching) -> None:
    rows = matching.model.visible_rows()
    assert any(r.best_score is not None for r in rows)
    assert any(r.best_score is None for r in rows)  # the demo leaves some topics without offers
    assert "uten passende tilbud" in matching.hint.text()
    matching.select_where(lambda r: r.best_score is not None)
    assert matching.proposals.rowCount() >= 1
    scores = [p.score for p in matching.proposals.visible_rows()]
    assert scores == sorted(scores, reverse=True)
    verdict, first = matching.reasons.text().split("\n")[:2]
    assert verdict.startswith("Passer")
    assert first.startswith(("✓", "!", "?"))


def test_unmet_only_filter_and_course_to_order_text(matching) -> None:
    matching.unmet_only.setChecked(True)
    rows = matching.model.visible_rows()
    assert rows and all(r.best_score is None for r in rows)
    matching.select_where(lambda r: True)
    assert "kurs å bestille" in matching.reasons.text()
    assert not matching.accept_button.isEnabled()
    # B0044: the offers on its subject have closed; the page says which and why
    matching.select_where(lambda r: r.ref == "B0044")
    left_out = matching._run.left_out("B0044")
    assert left_out, "the demo's B0044 has offers left out on 11.01.2027"
    lines = matching.reasons.text().split("\n")
    assert lines[1] == "Tilbud om samme tema som ikke kan foreslås:" and lines[2] == f"• {left_out[0]}"


def test_why_not_explains_an_offer_that_was_not_proposed(matching, qtbot) -> None:
    matching.select_where(lambda r: r.best_score is not None)
    need = matching.selected_row()
    proposed = {p.offer_ref for p in matching.proposals.visible_rows()}
    run = matching._run
    other = next(o for o in run.offers if o.ref not in proposed)
    assert matching.why_offers.rowCount() == len(run.offers)  # the picker lists every offer
    qtbot.keyClicks(matching.why_edit, other.ref.lower())
    qtbot.keyClick(matching.why_edit, Qt.Key.Key_Return)
    answer = matching.why_text.text()
    assert answer.startswith(f"{other.title} ({other.provider}): "), answer
    assert answer == run.why_not(need.ref, other.ref)
    matching.why_edit.setText("finnes ikke i det hele tatt")
    qtbot.mouseClick(matching.why_button, Qt.MouseButton.LeftButton)
    assert matching.why_text.text() == ("Fant ikke tilbudet «finnes ikke i det hele tatt». Skriv referansen, for "
                                        "eksempel T0017.")
    first = next(iter(proposed))
    matching.why_edit.setText(first)
    matching.why_button.click()
    assert "er foreslått som nr." in matching.why_text.text()
    matching.select_where(lambda r: r.ref != need.ref)
    assert matching.why_text.text() == ""  # another need: the old answer is gone


def test_accept_sets_need_matched_and_undo_restores(matching, qtbot, _text_answers) -> None:
    matching.select_where(lambda r: r.best_score is not None and r.status in ("new", "mapped"))
    need = matching.selected_row()
    _text_answers.append("Avtalt med HR")
    matching.accept_button.click()
    qtbot.waitUntil(lambda: matching.decisions.rowCount() == 1)
    decision = matching.decisions.row_at(0)
    assert (decision.decision, decision.note, decision.need_ref) == ("accepted", "Avtalt med HR", need.ref)
    from kpdesk.register.service import get_need

    assert read_db(matching.context, lambda s: get_need(s, need.id)).status == "matched"
    matching.context.undo_stack.undo()
    qtbot.waitUntil(lambda: matching.decisions.rowCount() == 0)
    assert read_db(matching.context, lambda s: get_need(s, need.id)).status == need.status


def test_status_bar_says_matching_has_not_run_yet(open_window, demo_db, qtbot) -> None:
    window = open_window(demo_db)
    for name in ("MatchingPage", "DemandPage"):
        window.navigation.setCurrentRow(section(name))
        assert window.count_label.text() == "Matchingen er ikke kjørt ennå"


def test_cancel_stops_a_run(open_window, demo_db, qtbot) -> None:
    window = open_window(demo_db)
    number = section("MatchingPage")
    window.navigation.setCurrentRow(number)
    page = window.page(number)
    page.run_button.click()
    page.cancel_button.click()
    qtbot.waitUntil(lambda: page.run_button.isEnabled())
    wait_for_all()


def test_demand_groups_list_courses_to_order(matching, qtbot) -> None:
    window = matching.window()
    number = section("DemandPage")
    window.navigation.setCurrentRow(number)
    demand = window.page(number)
    qtbot.waitUntil(lambda: demand.model.total_count() > 0)
    sizes = [g.headcount for g in demand.model.visible_rows()]
    assert sizes == sorted(sizes, reverse=True)  # the largest groups first
    demand.to_order.setChecked(True)
    groups = demand.model.visible_rows()
    assert groups and all(g.unmet for g in groups)
    demand.select_where(lambda g: True)
    assert "kurs å bestille" in demand.summary.text()
    # who stands behind the group, by kind: «12 ansatte hos 4 arbeidsgivere og 3 privatpersoner»
    who = groups[0].contributors.sentence_part()
    assert who and demand.summary.text().startswith(f"{who[:1].upper()}{who[1:]} ønsker «")
    assert demand.members.rowCount() == len(groups[0].need_refs)


def test_each_need_in_a_group_stands_beside_its_own_owner(matching, qtbot) -> None:
    """The group's table pairs every need with the employer, person or community that reported it
    (it once paired the owners sorted by name with the needs sorted by reference)."""
    from kpdesk.register import service as register

    window = matching.window()
    demand = window.page(section("DemandPage"))
    window.navigation.setCurrentRow(section("DemandPage"))
    qtbot.waitUntil(lambda: demand.model.total_count() > 0)
    owner_of = read_db(window.context, lambda s: {r.ref: r.employer_name for r in register.list_needs(s)})
    mixed = [g for g in demand.model.visible_rows() if len(set(g.employers)) >= 3]
    assert mixed, "the demo has groups with several owners"
    for group in mixed[:5]:
        demand.select_where(lambda g, group=group: g is group)
        shown = [(demand.members.data(demand.members.index(row, 0)), demand.members.data(demand.members.index(row, 1)))
                 for row in range(demand.members.rowCount())]
        assert shown == [(ref, owner_of[ref]) for ref in group.need_refs]


def test_samordning_runs_with_the_date_chosen_on_the_matching_page(matching, qtbot) -> None:
    """A run from Samordning uses the Matching page's date (11.01.2027 here), not today's."""
    import datetime as dt

    window = matching.window()
    first = matching.matching.latest
    demand = window.page(section("DemandPage"))
    window.navigation.setCurrentRow(section("DemandPage"))
    demand.run_button.click()
    qtbot.waitUntil(lambda: matching.matching.latest is not first, timeout=30000)
    assert matching.matching.latest.as_of == dt.date(2027, 1, 11)
    assert "Per 11.01.2027" in demand.hint.text()


def test_offer_shows_interest_after_matching(matching, qtbot) -> None:
    window = matching.window()
    matching.select_where(lambda r: r.best_score is not None)
    best_ref = matching.selected_row().best_ref
    number = section("OffersPage")
    window.navigation.setCurrentRow(number)
    offers = window.page(number)
    qtbot.waitUntil(lambda: offers.model.total_count() > 0)
    offers.select_where(lambda r: r.ref == best_ref)
    qtbot.waitUntil(lambda: offers.interest.rowCount() > 0)
    assert "fra" in offers.interest_text.text()
    assert any(r.source == "proposed" for r in offers.interest.visible_rows())
