"""The two demo scales: one Helgeland learning centre, and all of Nordland for benchmarks."""

from __future__ import annotations

import datetime as dt
import random

from kpdesk.demo.builder import (
    DEMO_TODAY,
    EXAM_BUFFER,
    TAG,
    TERM_END,
    TERM_START,
    DemoBuilder,
    RoomGrid,
    Row,
    at,
    exam_fields,
    slug,
)
from kpdesk.demo.catalogue import (
    EQUIPMENT,
    KOMMUNE_UNITS,
    LAST_NAMES,
    MEETING_TITLES,
    MUNICIPALITY_PLACES,
    PROFILES,
    REAL_PROVIDERS,
    SMALL_CENTRE,
    SMALL_EMPLOYERS,
    SMALL_OFFERS,
    SMALL_ROOMS,
    SMALL_SERIES,
    SMALL_VENDORS,
    TOPICS,
    VENDOR_PREFIXES,
    VENDOR_WORDS,
    OfferSpec,
    Profile,
    ProviderSpec,
)
from kpdesk.register.consent_text import CONSENT_MAX_AGE_DAYS

REGIONAL = {"employers": 5000, "needs": 20000, "offers": 3000, "providers": 60, "bookings": 50000, "persons": 400}
SMALL_PERSONS = 14
# Community needs: (community, title, level, headcount, horizon, source); a community is a municipality's
# number or a region's name. The small centre gets the first ones, the regional demo all of them.
COMMUNITY_NEEDS = (
    ("1836", "Sykepleiere i Rødøy", "bachelor", 5, 2030, "kompetansekartlegging 2026"),
    ("Helgeland", "Helsefagarbeidere på Helgeland", "fagbrev", 40, 2032, "regional kompetansestrategi 2025–2030"),
    ("1833", "Barnehagelærere i Rana", "bachelor", 8, 2029, "kommunens strategiske kompetanseplan"),
    ("1804", "Vernepleiere i Bodø", "bachelor", 12, 2030, "kompetansekartlegging 2026"),
    ("Salten", "Lærere med fordypning i matematikk i Salten", "master", 15, 2031, "regional kompetansestrategi"),
    ("1865", "Sykepleiere i Vågan", "bachelor", 6, 2028, "kommuneplanens samfunnsdel"),
    ("Lofoten", "Fagarbeidere i havbruk i Lofoten", "fagbrev", 20, 2030, "kompetansekartlegging 2026"),
)
PERSON_TOPICS = ("helsefagarbeider", "barne_ungdom", "ledelse", "helsenorsk", "sykepleie", "regnskap",
                 "barnehagelaerer")
REGIONAL_PERIOD = (dt.date(2026, 8, 3), dt.date(2027, 6, 30))
CHRISTMAS_BREAK = (dt.date(2026, 12, 21), dt.date(2027, 1, 1))
REGIONAL_SITTINGS = 40  # exam bookings of the spring term that get a sitting with candidates
REGIONAL_CENTRES = ("Mo i Rana", "Mosjøen", "Sandnessjøen", "Bodø", "Fauske", "Svolvær")  # the rooms' sites
# Where each regional centre sits, and the municipalities it is nearest to (by road and ferry); its
# employers' and needs' rows go there. A municipality not named here goes to the first centre.
REGIONAL_CENTRE_AREAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Mo i Rana": ("1833", ("1833", "1832", "1828", "1826", "1834", "1835", "1836")),
    "Mosjøen": ("1824", ("1824", "1825")),
    "Sandnessjøen": ("1820", ("1820", "1822", "1827", "1818", "1816", "1815", "1813", "1812", "1811")),
    "Bodø": ("1804", ("1804", "1838", "1837", "1839")),
    "Fauske": ("1841", ("1841", "1840", "1845", "1848", "1875", "1806", "1853", "1851")),
    "Svolvær": ("1865", ("1865", "1860", "1859", "1874", "1856", "1857", "1866", "1867", "1868", "1870", "1871")),
}
SMALL_SITE = "Mo i Rana"  # where the small centre's rooms are
REGIONAL_HOURS = (dt.time(8), dt.time(22))
# Length in half hours of the bookings that fill the regional grid, by kind.
BOOKING_UNITS = {"video_lecture": (3, 5), "session": (4, 7), "exam": (6, 8), "meeting": (1, 3), "other": (1, 3)}
BOOKING_TITLES = {
    "video_lecture": "Videoforelesning: {topic}",
    "session": "Samling: {topic}",
    "exam": "Eksamen: {topic}",
    "meeting": "Møte om kompetansebehov i {place}",
    "other": "Studieverksted: {topic}",
}


def municipality_name(number: str) -> str:
    from kpdesk.common.reference import municipality

    found = municipality(number)
    return found.name.split(" (")[0] if found else number


# ---------------------------------------------------------------- small


def build_small(builder: DemoBuilder) -> None:
    """About 38 employers, 80 needs, 33 offers, five rooms and a spring term of bookings."""
    rng = builder.rng
    for provider in (*REAL_PROVIDERS, *SMALL_VENDORS):
        builder.add_provider(provider)
    for offer in SMALL_OFFERS:
        builder.add_offer(offer)
    employers = _small_employers(builder)
    # Every topic once (so each offer fits some need, and uncovered topics show), then at random.
    for topic in TOPICS:
        candidates = [e for e in employers if topic.key in dict(e["_profile"].topics)]
        if candidates:
            builder.add_need(rng.choice(candidates), topic)
    for _ in range(rng.randint(72, 88) - len(builder.rows["need"])):
        employer = rng.choice(employers)
        builder.add_need(employer, builder.pick_topic(employer["_profile"]))
    _small_bookings(builder)
    _persons_and_communities(builder, employers, SMALL_PERSONS, COMMUNITY_NEEDS[:3])


def _persons_and_communities(builder: DemoBuilder, employers: list[Row], persons: int,
                             communities: tuple[tuple[str, str, str, int, int, str], ...]) -> None:
    """Individuals where the employers are (a third of them employed by one), each with a consent
    (one in five not to statistics, one in ten not to contact) and one or two needs of their own;
    then the community needs. Added after every other row (see ``kpdesk.demo``). The first person's
    consent is from an earlier course, older than the reminder's two years, so the Personer page has
    one «må sees på» to show."""
    rng = builder.rng
    topics = [t for t in TOPICS if t.key in PERSON_TOPICS] or list(TOPICS)
    for number in range(persons):
        employer = rng.choice(employers)
        person = builder.add_person(employer["municipality"], employer if rng.random() < 0.33 else None)
        old = DEMO_TODAY - dt.timedelta(days=CONSENT_MAX_AGE_DAYS + 95) if number == 0 else None
        builder.add_consent(person, contact=rng.random() >= 0.1, statistics=rng.random() >= 0.2, given=old)
        for _ in range(rng.choice((1, 1, 1, 2))):
            builder.add_need(None, rng.choice(topics), person=person)
    for community, title, level, headcount, horizon, source in communities:
        text = f"{headcount} innen {horizon} ({source})."
        builder.add_community_need(community, title, level, headcount, horizon, source, text)


def _small_employers(builder: DemoBuilder) -> list[Row]:
    by_name: dict[str, Row] = {}
    for spec in SMALL_EMPLOYERS:
        row = builder.add_employer(spec.name, spec.municipality, PROFILES[spec.profile], spec.industry,
                                   parent=by_name.get(spec.parent or ""), named=spec.named, note=spec.note)
        by_name[spec.name] = row
        builder.add_contacts(row, builder.rng.choice((1, 1, 2)))
    return list(by_name.values())


def _small_bookings(builder: DemoBuilder) -> None:
    """Series first, then exams on the institutions' fixed dates, samlinger, and meetings where free."""
    builder.add_equipment(EQUIPMENT)
    rooms = {spec.name: builder.add_room(spec, spec.name, spec.opens, spec.closes, SMALL_SITE) for spec in SMALL_ROOMS}
    grid = RoomGrid({r["id"]: (r["opens_at"], r["closes_at"]) for r in rooms.values()})
    offers = {o["title"]: o for o in builder.rows["offer"]}
    video = builder.equipment_ids["videokonferanse"]
    for spec in SMALL_SERIES:
        offer = offers.get(spec.offer_title or "")
        bookings = builder.add_series(grid, rooms[spec.room], spec.title, spec.kind, spec.first, spec.minutes,
                                      spec.until, interval=spec.interval, organiser=spec.organiser,
                                      attendees=spec.attendees, offer_id=offer["id"] if offer else None)
        if spec.kind == "video_lecture":
            builder.rows["booking_equipment"] += [{"booking_id": b["id"], "equipment_id": video} for b in bookings]
        if spec.cancel_one:  # one later lecture called off on its own
            later = [b for b in bookings if b["state"] == "active" and b["starts_at"].date() > DEMO_TODAY]
            builder.rng.choice(later).update(state="cancelled", is_exception=True, state_reason=spec.cancel_one)
    _small_exams(builder, grid, rooms["Eksamensrom"])
    _small_samlinger(builder, grid, rooms)
    _small_meetings(builder, grid, rooms)


def _provider_name(builder: DemoBuilder, offer: Row) -> str:
    return next(name for name, pid in builder.provider_ids.items() if pid == offer["provider_id"])


def _small_exams(builder: DemoBuilder, grid: RoomGrid, room: Row) -> None:
    """Spring exams of this term's courses, plus a few decentralised sittings for other institutions."""
    rng = builder.rng
    for offer in builder.rows["offer"]:
        if offer["credits"] and TERM_START <= offer["start_date"] <= TERM_START + dt.timedelta(days=30):
            provider = _provider_name(builder, offer)
            booking = builder.add_exam(grid, room, builder.random_day(dt.date(2027, 5, 18), dt.date(2027, 6, 9)),
                                       rng.choice((4, 5, 6)), f"Eksamen: {offer['title']} ({provider})",
                                       rng.randint(3, 16), offer_id=offer["id"], organiser=provider)
            if booking is not None:  # the term's own exams keep their times (the guide's examples use them)
                builder.add_sitting(grid, booking, provider, course_code(offer["title"], offer["id"]), offer["title"],
                                    extra_time=False)
    for title, provider, month in (
        ("Kontinuasjonseksamen: Organisasjon og ledelse", "Nord universitet", 2),
        ("Desentralisert eksamen: Helserett", "Nord universitet", 5),
        ("Desentralisert eksamen: Matematikk for ingeniører", "UiT Norges arktiske universitet", 6),
    ):
        day = builder.random_day(dt.date(2027, month, 1), dt.date(2027, month, 10))
        booking = builder.add_exam(grid, room, day, 4, f"{title} ({provider})", rng.randint(1, 5), organiser=provider)
        if booking is not None:
            subject = title.split(": ", 1)[1]
            builder.add_sitting(grid, booking, provider, course_code(subject, month), subject)


def course_code(title: str, number: int) -> str:
    """An invented course code from a title: 'Helserett', 5 -> 'HEL1005'."""
    letters = "".join(c for c in slug(title).upper() if "A" <= c <= "Z")[:3].ljust(3, "X")
    return f"{letters}{1000 + number}"


def _small_samlinger(builder: DemoBuilder, grid: RoomGrid, rooms: dict[str, Row]) -> None:
    """Each samling day of a course held at the centre this term, in the smallest free room that fits."""
    offers = {o["id"]: o for o in builder.rows["offer"]}
    by_size = sorted(rooms.values(), key=lambda r: r["capacity"])
    for session in builder.rows["offer_session"]:
        offer = offers[session["offer_id"]]
        if offer["municipality"] != SMALL_CENTRE.municipality or not TERM_START <= session["_days"][0] <= TERM_END:
            continue
        attendees = min(offer["seats_max"], max(offer["seats_min"], builder.rng.randint(8, 24)))
        big_enough = [r for r in by_size if r["capacity"] >= attendees]
        days = [(at(day, 9), at(day, 15, 30)) for day in session["_days"]]
        # One room for the whole samling if one is free on all its days, else the best free room per day.
        whole = next((r for r in big_enough if all(grid.fits(r["id"], s, e) for s, e in days)), None)
        for start, end in days:
            room = whole or next((r for r in big_enough if grid.fits(r["id"], start, end)), None)
            if room is None:
                continue  # the provider holds this day elsewhere
            grid.take(room["id"], start, end)
            builder.booking(room, start, end, "session", f"{session['title']}: {offer['title']}",
                            attendees=attendees, offer_id=offer["id"], offer_session_id=session["id"],
                            organiser=_provider_name(builder, offer))


def _small_meetings(builder: DemoBuilder, grid: RoomGrid, rooms: dict[str, Row]) -> None:
    rng = builder.rng
    hall = rooms["Auditoriet"]
    for month in (2, 5):  # the industry park's competence forum meets 3–4 times a year
        day = builder.workdays(builder.random_day(dt.date(2027, month, 8), dt.date(2027, month, 12)), 1)[0]
        start, end = at(day, 12), at(day, 15)
        if grid.fits(hall["id"], start, end):
            grid.take(hall["id"], start, end)
            builder.booking(hall, start, end, "meeting", "Kompetanseforum Mo Industripark", attendees=35,
                            organiser=SMALL_CENTRE.name)
    employers = [e["name"].removesuffix(TAG) for e in builder.rows["employer"] if e["parent_id"] is None]
    meeting_rooms = [rooms[name] for name in ("Møterom Tind", "Grupperom Lundu", "Videorom 1")]
    for _ in range(rng.randint(32, 40)):
        title = rng.choice(MEETING_TITLES).format(employer=rng.choice(employers))
        attendees = rng.randint(2, 8)
        for _attempt in range(30):
            day, room = builder.random_day(TERM_START, TERM_END), rng.choice(meeting_rooms)
            start = at(day, rng.randint(8, 14), rng.choice((0, 30)))
            end = start + dt.timedelta(minutes=rng.choice((60, 60, 90, 120)))
            if builder.is_workday(day) and grid.fits(room["id"], start, end):
                grid.take(room["id"], start, end)
                builder.booking(room, start, end, "meeting", title, attendees=attendees,
                                organiser=SMALL_CENTRE.coordinator)
                break


# ---------------------------------------------------------------- regional


def build_regional(builder: DemoBuilder) -> None:
    """All 41 municipalities: 5 000 employers, 20 000 needs, 3 000 offers, 30 rooms, 50 000 bookings."""
    rng = builder.rng
    _regional_providers(builder)
    _regional_offers(builder)
    employers = _regional_employers(builder)
    weights = [3 if e["_profile"].key == "helse" else 1 for e in employers]  # health asks most
    for employer in rng.choices(employers, weights, k=REGIONAL["needs"]):
        builder.add_need(employer, builder.pick_topic(employer["_profile"]))
    _regional_bookings(builder)
    _persons_and_communities(builder, employers, REGIONAL["persons"], COMMUNITY_NEEDS)


def _regional_providers(builder: DemoBuilder) -> None:
    for provider in (*REAL_PROVIDERS, *SMALL_VENDORS):
        builder.add_provider(provider)
    names = [f"{prefix} {word} AS{TAG}" for prefix in VENDOR_PREFIXES for word in VENDOR_WORDS]
    names = [name for name in names if name not in builder.provider_specs]
    for name in builder.rng.sample(names, REGIONAL["providers"] - len(builder.provider_specs)):
        place = builder.rng.choice(tuple(MUNICIPALITY_PLACES))
        builder.add_provider(ProviderSpec(name, "vendor", place, notes="Oppdiktet kursleverandør (demo)."))


def _regional_offers(builder: DemoBuilder) -> None:
    """Variations of the small centre's offers: other providers of the same kind, other places and dates."""
    rng = builder.rng
    by_kind: dict[str, list[ProviderSpec]] = {}
    for provider in builder.provider_specs.values():
        by_kind.setdefault(provider.kind, []).append(provider)
    numbers = tuple(MUNICIPALITY_PLACES)
    for _ in range(REGIONAL["offers"]):
        template = rng.choice(SMALL_OFFERS)
        provider = builder.provider_specs[template.provider]
        if provider.kind in ("upper_secondary", "vendor") or rng.random() < 0.2:
            provider = rng.choice(by_kind[provider.kind])
        place = None
        if template.format != "online":
            local = provider.kind in ("upper_secondary", "vendor")
            place = provider.municipality if local else rng.choice(numbers)
        spring = rng.random() < 0.45 and (template.credits or 0) < 90  # degree programmes start in August
        first = dt.date(2027, 1, 4) if spring else dt.date(2027, 8, 2)
        start = builder.workdays(builder.random_day(first, first + dt.timedelta(days=80)), 1)[0]
        spec = OfferSpec(template.topic, provider.name, template.title, template.credits, template.format, place,
                         start, template.days, template.price)
        suffix = f" – {municipality_name(place)}" if place and rng.random() < 0.6 else ""
        builder.add_offer(spec, title=template.title + suffix)


def _regional_employers(builder: DemoBuilder) -> list[Row]:
    """Each municipality and its units (more in big ones), then private firms spread by size."""
    rng = builder.rng
    employers: list[Row] = []
    for number, (weight, places) in MUNICIPALITY_PLACES.items():
        kommune = f"{municipality_name(number)} kommune"
        main = builder.add_employer(kommune, number, PROFILES["kommune"], "84.110", named=True)
        fixed = [unit for unit in KOMMUNE_UNITS if "{place}" not in unit[0]]
        local = [(label.format(place=place), profile, industry) for place in places
                 for label, profile, industry in KOMMUNE_UNITS if "{place}" in label]
        employers.append(main)
        for label, profile, industry in [*fixed, *local[:int(weight) // 3]]:
            employers.append(builder.add_employer(f"{kommune}, {label}", number, PROFILES[profile], industry,
                                                  parent=main, named=True))
    profiles = [p for p in PROFILES.values() if p.weight]
    numbers = tuple(MUNICIPALITY_PLACES)
    municipality_weights = [weight for weight, _ in MUNICIPALITY_PLACES.values()]
    taken = {e["name"] for e in employers}
    while len(employers) < REGIONAL["employers"]:
        profile = rng.choices(profiles, [p.weight for p in profiles])[0]
        number = rng.choices(numbers, municipality_weights)[0]
        places = MUNICIPALITY_PLACES[number][1]
        name = _firm_name(rng, profile, places, taken)
        main = builder.add_employer(name, number, profile, rng.choice(profile.industries), named=rng.random() < 0.4)
        employers.append(main)
        if rng.random() < 0.06 and len(employers) < REGIONAL["employers"]:  # a branch (underenhet)
            branch = f"{name.removesuffix(' AS')}, avd. {rng.choice(places)}"
            if branch not in taken:
                taken.add(branch)
                employers.append(builder.add_employer(branch, number, profile, main["industry"], parent=main))
    for employer in employers:
        count = 0 if employer["parent_id"] and rng.random() < 0.5 else rng.choice((1, 1, 1, 1, 2))
        builder.add_contacts(employer, count)
    return employers


def _firm_name(rng: random.Random, profile: Profile, places: tuple[str, ...], taken: set[str]) -> str:
    """An invented firm name not used yet: '{place} Bygg AS', then with a district, then numbered."""
    name = ""
    for attempt in range(40):
        name = rng.choice(profile.names).format(place=rng.choice(places), surname=rng.choice(LAST_NAMES))
        if attempt >= 20:
            name = name.replace(" AS", f" {rng.choice(('Nord', 'Sør', 'Øst', 'Vest', 'Indre', 'Ytre'))} AS")
        if name not in taken:
            break
    else:
        name = f"{name.removesuffix(' AS')} {len(taken)} AS"
    taken.add(name)
    return name


def _regional_bookings(builder: DemoBuilder) -> None:
    """Five rooms in each of six centres, August 2026 to June 2027, filled on the half-hour grid."""
    rng = builder.rng
    builder.add_equipment(EQUIPMENT)
    rooms = [builder.add_room(spec, f"{spec.regional_name} ({place})", *REGIONAL_HOURS, place)
             for place in REGIONAL_CENTRES for spec in SMALL_ROOMS]
    grid = RoomGrid({r["id"]: (r["opens_at"], r["closes_at"]) for r in rooms})
    lecturers = [p.name for p in REAL_PROVIDERS[:5]]
    topics = [t.name for t in TOPICS if t.offer_text]
    for index, room in enumerate(rooms):  # an evening lecture series per room and term
        for first, until in ((dt.date(2026, 8, 17), dt.date(2026, 12, 11)), (TERM_START, dt.date(2027, 6, 11))):
            day = first + dt.timedelta(days=index % 5)
            builder.add_series(grid, room, f"Nettforelesning: {rng.choice(topics)}", "video_lecture", at(day, 18),
                               120, until, organiser=rng.choice(lecturers), attendees=min(room["capacity"], 12))
    span = (REGIONAL_PERIOD[1] - REGIONAL_PERIOD[0]).days + 1
    days = [day for day in (REGIONAL_PERIOD[0] + dt.timedelta(days=i) for i in range(span))
            if builder.is_workday(day) and not CHRISTMAS_BREAK[0] <= day <= CHRISTMAS_BREAK[1]]
    _fill_grid(builder, grid, rooms, days, REGIONAL["bookings"] - len(builder.rows["booking"]))
    exams = [b for b in builder.rows["booking"] if b["kind"] == "exam" and b["starts_at"].date() >= TERM_START]
    for number, booking in enumerate(exams[::max(1, len(exams) // REGIONAL_SITTINGS)][:REGIONAL_SITTINGS], start=1):
        subject = booking["title"].removeprefix("Eksamen: ")
        builder.add_sitting(grid, booking, booking["organiser"] or "Nord universitet", course_code(subject, number),
                            subject)


def _fill_grid(builder: DemoBuilder, grid: RoomGrid, rooms: list[Row], days: list[dt.date], target: int) -> None:
    """Place ``target`` single bookings; each room-day gets its share plus whatever earlier ones missed."""
    rng = builder.rng
    mixes = [SMALL_ROOMS[i % len(SMALL_ROOMS)].kinds for i in range(len(rooms))]
    total_weight = sum(mix.weight for mix in mixes) * len(days)
    topics = [t.name for t in TOPICS if t.offer_text]
    lecturers = [p.name for p in REAL_PROVIDERS[:5]]
    ideal, placed = 0.0, 0
    for day in days:
        for room, mix in zip(rooms, mixes, strict=True):
            ideal += target * mix.weight / total_weight
            cursor = grid.hours[room["id"]][0]
            place = room["name"].split(" (")[1].rstrip(")")
            while placed < round(ideal):
                kind = rng.choices(mix.kinds, mix.shares)[0]
                length = rng.randint(*BOOKING_UNITS[kind])
                buffer = EXAM_BUFFER // RoomGrid.UNIT if kind == "exam" else 0
                start = grid.take_first(room["id"], day, cursor + rng.choice((0, 0, 0, 1)), length, buffer)
                if start is None:
                    break
                cursor = start + length
                begins = at(day, start // 2, 30 * (start % 2))
                attendees = rng.randint(2, room["capacity"])
                extra: Row = exam_fields(attendees) if kind == "exam" else {"attendees": attendees}
                if kind != "meeting":
                    extra["organiser"] = rng.choice(lecturers)
                title = BOOKING_TITLES[kind].format(topic=rng.choice(topics), place=place)
                builder.booking(room, begins, begins + dt.timedelta(minutes=30 * length), kind, title, **extra)
                placed += 1
