"""Code lists of the domain: keys stored in the database, Norwegian labels shown to people.

Keys are stable ASCII words; labels are bokmål. ``parse_*`` accept either the key or the label in
any case, which is what spreadsheets from Norwegian offices contain.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Code:
    key: str
    label: str
    aliases: tuple[str, ...] = ()


class CodeList:
    """An ordered list of codes with lookup by key, label or alias (case-insensitive)."""

    def __init__(self, name: str, codes: list[Code]) -> None:
        self.name = name
        self.codes = codes
        self._by_word: dict[str, Code] = {}
        for code in codes:
            for word in (code.key, code.label, *code.aliases):
                self._by_word[word.strip().casefold()] = code

    def __iter__(self):
        return iter(self.codes)

    def __contains__(self, key: object) -> bool:
        """``"new" in NEED_STATUSES`` asks about keys (iterating yields ``Code`` objects)."""
        return any(code.key == key for code in self.codes)

    def keys(self) -> list[str]:
        return [c.key for c in self.codes]

    def label(self, key: str | None) -> str:
        if not key:
            return ""
        for code in self.codes:
            if code.key == key:
                return code.label
        return key

    def parse(self, text: str) -> str | None:
        """The key for ``text`` (key, label or alias, any case), or None if unknown."""
        code = self._by_word.get(text.strip().casefold())
        return code.key if code else None

    def words(self) -> str:
        """The accepted labels, for error messages."""
        return ", ".join(c.label for c in self.codes)


LEVELS = CodeList("nivå", [
    Code("kurs", "kurs", ("course",)),
    Code("fagbrev", "fagbrev", ("nkr4", "nkr 4", "fagbrev/nkr 4", "svennebrev", "vgs")),
    Code("fagskole", "fagskole", ("nkr5", "nkr 5", "fagskole/nkr 5")),
    Code("bachelor", "bachelor", ("nkr6", "nkr 6", "bachelor/nkr 6")),
    Code("master", "master", ("nkr7", "nkr 7", "master/nkr 7")),
    Code("open", "åpent", ("open", "apent", "åpen", "ikke angitt", "uavklart")),
])

# Ordinal used to judge how near two levels are (``open`` has none).
LEVEL_RANK: dict[str, int] = {"kurs": 3, "fagbrev": 4, "fagskole": 5, "bachelor": 6, "master": 7}

FORMATS = CodeList("format", [
    Code("campus", "campus", ("stedbasert", "klasserom")),
    Code("online", "nettbasert", ("online", "nett", "nettstudium")),
    Code("sessions", "samlingsbasert", ("sessions", "samlinger")),
    Code("decentralised", "desentralisert", ("decentralised", "decentralized")),
])

PRIORITIES = CodeList("prioritet", [
    Code("low", "lav", ("low",)),
    Code("medium", "middels", ("medium", "normal")),
    Code("high", "høy", ("high", "hoy")),
])

NEED_STATUSES = CodeList("status", [
    Code("new", "ny", ("new",)),
    Code("mapped", "kartlagt", ("mapped",)),
    Code("matched", "matchet", ("matched",)),
    Code("ordered", "bestilt", ("ordered",)),
    Code("running", "i gang", ("running", "igang", "i_gang")),
    Code("closed", "avsluttet", ("closed",)),
    Code("rejected", "avvist", ("rejected",)),
])

# Needs in these states are no longer open for matching or handouts.
CLOSED_NEED_STATUSES = frozenset({"closed", "rejected"})

PROVIDER_KINDS = CodeList("tilbyder-type", [
    Code("university", "universitet/høgskole", ("universitet", "høgskole", "uh", "university")),
    Code("vocational_college", "fagskole", ("vocational_college",)),
    Code("upper_secondary", "videregående skole", ("vgs", "videregående", "upper_secondary")),
    Code("vendor", "kursleverandør", ("vendor", "kursleverandor")),
    Code("other", "annen", ("other", "annet")),
])

CREDIT_SYSTEMS = CodeList("studiepoengsystem", [
    Code("uh", "UH-studiepoeng", ("uh", "studiepoeng", "ects")),
    Code("fagskole", "fagskolestudiepoeng", ("fagskole", "fagskolepoeng")),
    Code("none", "ingen", ("none", "")),
])

BOOKING_KINDS = CodeList("type", [
    Code("session", "samling", ("session",)),
    Code("exam", "eksamen", ("exam",)),
    Code("video_lecture", "forelesning via video", ("video", "forelesning", "video_lecture")),
    Code("meeting", "møte", ("meeting", "mote")),
    Code("other", "annet", ("other", "annen")),
])

BOOKING_STATES = CodeList("tilstand", [
    Code("active", "aktiv"),
    Code("cancelled", "avlyst"),
    Code("skipped", "hoppet over"),
])

# An exam candidate's status; the invoice basis counts every candidate who is not ``withdrawn``.
EXAM_CANDIDATE_STATUSES = CodeList("kandidatstatus", [
    Code("registered", "påmeldt", ("registered", "pameldt", "meldt på")),
    Code("withdrawn", "avmeldt", ("withdrawn", "meldt av", "trukket")),
    Code("present", "møtt", ("present", "mott", "møtte", "til stede")),
    Code("absent", "ikke møtt", ("absent", "ikke mott", "ikke møtte", "uteble")),
])

# A course run's status: planned → ordered → started → completed, or cancelled (``motor.runs``
# holds which moves are allowed).
RUN_STATUSES = CodeList("status", [
    Code("planned", "planlagt", ("planned", "planlegges")),
    Code("ordered", "bestilt", ("ordered",)),
    Code("started", "startet", ("started", "i gang", "igang")),
    Code("completed", "gjennomført", ("completed", "gjennomfort", "fullført", "avsluttet")),
    Code("cancelled", "avlyst", ("cancelled", "canceled", "avbrutt")),
])

DECISIONS = CodeList("beslutning", [
    Code("accepted", "godtatt", ("akseptert", "godta")),
    Code("rejected", "avvist"),
])


def format_list(keys: list[str], codes: CodeList) -> str:
    """Comma-separated labels for a list of keys."""
    return ", ".join(codes.label(k) for k in keys)
