"""Course runs in the demo: one per offer that needs were matched to, in every status.

Runs are recorded as they stand at the end of 2027, so the year's report (``kpdesk report annual
--year 2027``) has a whole year to show: an offer that ends within 2027 has run («gjennomført»,
with the participants who completed and their studiepoeng), one that has started goes on
(«startet»), one that starts later is ordered («bestilt»); a few are cancelled («avlyst») and a few
still only planned («planlagt»). Participants at start are the persons of the needs behind the run
and a few more, within the offer's class size. The run's session days are the bookings of its
offer. Runs draw from their own random generator, so no other demo row changed when they came.
"""

from __future__ import annotations

from decimal import Decimal

from kpdesk.demo.builder import YEAR_END, DemoBuilder, Row, at

COFUNDERS = ("Nordland fylkeskommune", "Kompetansepluss (HK-dir)", "Bransjeprogram for kommunal helse- og omsorgs"
             "sektor", "Arbeidsgiverne selv")
CANCEL_SHARE, PLAN_SHARE, COFUNDED_SHARE = 0.1, 0.1, 0.3


def _status(offer: Row, roll: float) -> str:
    start, end = offer["start_date"], offer["end_date"]
    if roll < CANCEL_SHARE:
        return "cancelled"
    if roll < CANCEL_SHARE + PLAN_SHARE or start is None:
        return "planned"
    if end is not None and end <= YEAR_END:
        return "completed"
    return "started" if start <= YEAR_END else "ordered"


FORCED = ("completed", "started", "ordered", "planned", "cancelled")  # every status at every scale, first runs


def _fits(status: str, offer: Row) -> bool:
    """Do the offer's dates allow the status at the end of the year (completed: ended by then)?"""
    if status == "completed":
        return bool(offer["end_date"] <= YEAR_END)
    if status == "started":
        return bool(offer["start_date"] <= YEAR_END)
    return True


def add_runs(builder: DemoBuilder) -> None:
    rng = builder.run_rng
    rows = builder.rows
    needs = {n["id"]: n for n in rows["need"]}
    served: dict[int, list[int]] = {}
    for decision in rows["match_decision"]:
        if decision["decision"] == "accepted":
            served.setdefault(decision["offer_id"], []).append(decision["need_id"])
    bookings: dict[int, list[int]] = {}
    for booking in rows["booking"]:
        if booking["offer_id"] is not None and booking["kind"] == "session":
            bookings.setdefault(booking["offer_id"], []).append(booking["id"])
    offers = [o for o in rows["offer"] if o["id"] in served]
    for number, offer in enumerate(offers, 1):
        status = _status(offer, rng.random())
        if number <= len(FORCED) and offer["start_date"] and offer["end_date"] and _fits(FORCED[number - 1], offer):
            status = FORCED[number - 1]  # unless the dates say otherwise (no run completed in the future)
        need_ids = sorted(served[offer["id"]])
        persons = sum(needs[i]["headcount"] for i in need_ids)
        participants = completed = credits = None
        if status in ("started", "completed"):
            participants = min(offer["seats_max"] or 99, persons + rng.randint(0, 4))
        if status == "completed" and participants is not None:
            completed = max(0, participants - rng.randint(0, max(1, participants // 5)))
            credits = Decimal(completed) * offer["credits"] if offer["credits"] else None
        cofunded = rng.random() < COFUNDED_SHARE and status != "cancelled"
        run_id = builder.new_id("course_run")
        stamp = at(offer["created_at"].date(), rng.randint(8, 15), rng.choice((0, 15, 30, 45)))
        rows["course_run"].append({
            "id": run_id, "ref": f"G{run_id:04d}", "offer_id": offer["id"], "status": status,
            "start_date": offer["start_date"] if status != "planned" else None,
            "end_date": offer["end_date"] if status in ("completed", "started", "ordered") else None,
            "participants": participants, "completed": completed, "credits_passed": credits,
            "cofunding_source": rng.choice(COFUNDERS) if cofunded else "",
            "cofunding_nok": rng.randrange(50_000, 400_000, 10_000) if cofunded else None,
            "created_at": stamp, "updated_at": stamp,
        })
        rows["course_run_need"] += [{"run_id": run_id, "need_id": i} for i in need_ids]
        if status in ("started", "completed"):
            rows["course_run_booking"] += [{"run_id": run_id, "booking_id": b} for b in bookings.get(offer["id"], ())]
