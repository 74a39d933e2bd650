"""Why an offer is proposed for a need: the facts the engine compared, and the sentences made of them.

The engine records what it compared as data (``Explanation``: one fact per factor, each with a
``Fit``); ``fit`` decides how well a factor fits, this module only how to say it. It is the one
place that writes the sentences, so the matching summary, the GUI's Matching page and
``kpdesk match --json`` say the same thing in the same words.

The reader is an employer, not a matching expert: plain bokmål sentences, ✓ for what fits, ! for
what does not, ? for what the provider has not stated; one overall verdict ("Passer godt",
"Passer delvis: samlingsbasert, ikke nettbasert"); and the condition for the course to start at
all ("Starter bare hvis minst 7 melder seg; 3 er med nå").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import Enum
from functools import lru_cache
from typing import NamedTuple

from kpdesk.common.codes import FORMATS, LEVEL_RANK
from kpdesk.common.norsk import format_date as _format_date

format_date = lru_cache(maxsize=4096)(_format_date)  # offers share dates; reasons are written by the thousand


class Fit(Enum):
    """How one factor fits, as the mark printed before its sentence."""

    YES = "✓"
    NO = "!"
    UNKNOWN = "?"

    # Members are singletons, so identity hashing agrees with equality; Enum's own hashes the
    # name in Python, and facts holding a Fit are cache keys by the hundred thousand.
    __hash__ = object.__hash__


class TopicFact(NamedTuple):
    fit: Fit  # NO: the offer touches the subject only in passing (far less than the best offer does)
    terms: tuple[str, ...]  # the shared words, as written in base form, strongest first


class LevelFact(NamedTuple):
    fit: Fit
    wanted: str | None  # LEVELS key; None or "open": any level
    offered: str | None


class FormatFact(NamedTuple):
    fit: Fit
    accepted: tuple[str, ...]  # FORMATS keys in FORMATS order; empty: any format
    offered: str | None


class StartFact(NamedTuple):
    fit: Fit
    start: dt.date | None
    earliest: dt.date | None
    latest: dt.date | None
    as_of: dt.date


class PlaceFact(NamedTuple):
    fit: Fit
    online: bool
    place: str  # the municipality's name; '' when not stated
    home_known: bool  # the need's municipality is known
    same: bool  # in the need's own municipality
    region: str  # a region both share, or ''


class SeatsFact(NamedTuple):
    fit: Fit
    headcount: int
    seats_max: int | None


class Explanation(NamedTuple):
    """What the engine compared for one need and one offer (plain data)."""

    topic: TopicFact
    level: LevelFact
    format: FormatFact
    start: StartFact
    place: PlaceFact
    seats: SeatsFact
    seats_min: int | None  # the provider's minimum class
    deadline: dt.date | None  # application deadline

    @property
    def factors(self) -> tuple[TopicFact, LevelFact, FormatFact, StartFact, PlaceFact, SeatsFact]:
        return self.topic, self.level, self.format, self.start, self.place, self.seats

    @property
    def deadline_passed(self) -> bool:
        return self.deadline is not None and self.deadline < self.start.as_of


_MARK = {fit: f"{fit.value} " for fit in Fit}


class Reason(NamedTuple):
    """One sentence with its mark; ``str()`` gives "✓ Sentence."."""

    fit: Fit
    text: str

    def __str__(self) -> str:
        return _MARK[self.fit] + self.text


class WhyNot(NamedTuple):
    """Why one named offer is not proposed for a need, or is ranked below the proposals.

    ``kind``: "rejected" (the coordinator rejected it for the need), "ended", "deadline", "topic"
    (no shared subject words), "passing" (touches the subject only in passing: far less than the
    best offer), "ranked" (open and on the subject, but the proposals fit better), or "proposed".
    """

    kind: str
    offer_ref: str
    title: str
    provider: str
    when: dt.date | None = None  # the end date or the passed deadline
    terms: tuple[str, ...] = ()  # the shared words ("passing", "ranked")
    misfits: tuple[str, ...] = ()  # what does not fit ("ranked"), as the verdict names it
    rank: int | None = None  # its place among the proposals ("proposed")


# ---------------------------------------------------------------- words

_LEVEL_WORDS = {"kurs": "kursnivå", "fagbrev": "fagbrevnivå", "fagskole": "fagskolenivå",
                "bachelor": "bachelornivå", "master": "masternivå"}


def level_word(key: str | None) -> str:
    """'fagskolenivå', 'bachelornivå', …; '' for no level."""
    return _LEVEL_WORDS.get(key or "", "")


def format_word(key: str | None) -> str:
    """'nettbasert', 'samlingsbasert', …"""
    return FORMATS.label(key) if key else ""


def join_words(words: Sequence[str], last: str = "og") -> str:
    """'a', 'a og b', 'a, b og c'."""
    items = [w for w in words if w]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def persons(n: int) -> str:
    return f"{n} person" if n == 1 else f"{n} personer"


def seats(n: int) -> str:
    return f"{n} plass" if n == 1 else f"{n} plasser"


def deadline_passed(deadline: dt.date) -> str:
    """'søknadsfristen gikk ut 01.12.2026': how every report marks an offer past its deadline."""
    return f"søknadsfristen gikk ut {format_date(deadline)}"


def deadline_text(deadline: dt.date | None, as_of: dt.date) -> str:
    """A deadline as a facts table prints it: '15.04.2027', 'gikk ut 01.12.2026', 'ikke oppgitt'."""
    if deadline is None:
        return "ikke oppgitt"
    return f"gikk ut {format_date(deadline)}" if deadline < as_of else format_date(deadline)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- one sentence per factor
# Each sentence depends on its fact alone, and facts repeat across needs and offers: cached.

@lru_cache(maxsize=4096)
def topic_reason(fact: TopicFact) -> Reason:
    if not fact.terms:
        return Reason(Fit.NO, "Temaet er et annet enn i behovet.")
    words = join_words(fact.terms)
    if fact.fit is Fit.YES:
        return Reason(Fit.YES, f"Handler om {words}.")
    return Reason(Fit.NO, f"Handler bare delvis om det samme ({words}).")


@lru_cache(maxsize=4096)
def level_reason(fact: LevelFact) -> Reason | None:
    offered, wanted = level_word(fact.offered), level_word(fact.wanted)
    if not offered and not wanted:
        return None
    if not offered:
        return Reason(Fit.UNKNOWN, f"Tilbyderen har ikke oppgitt nivå; ønsket er {wanted}.")
    if not wanted:
        return Reason(fact.fit, f"Er på {offered}; behovet har ikke angitt nivå.")
    if fact.fit is Fit.YES:
        return Reason(Fit.YES, f"Er på {offered}, som ønsket.")
    gap = LEVEL_RANK.get(fact.offered or "", 0) - LEVEL_RANK.get(fact.wanted or "", 0)
    how = ("ett trinn" if abs(gap) == 1 else "flere trinn") + (" over" if gap > 0 else " under")
    return Reason(Fit.NO, f"Er på {offered}, {how} ønsket {wanted}.")


@lru_cache(maxsize=4096)
def format_reason(fact: FormatFact) -> Reason:
    offered = format_word(fact.offered)
    if not offered:
        return Reason(Fit.UNKNOWN, "Tilbyderen har ikke oppgitt om kurset er nettbasert, på campus eller med "
                                   "samlinger.")
    if not fact.accepted:
        return Reason(fact.fit, f"{_capital(offered)}; behovet har ikke angitt format.")
    if fact.fit is Fit.YES:
        return Reason(Fit.YES, f"{_capital(offered)}, som ønsket.")
    return Reason(Fit.NO, f"{_capital(offered)}, men ønsket er {_wanted_formats(fact)}.")


def _wanted_formats(fact: FormatFact) -> str:
    return join_words([format_word(k) for k in fact.accepted], "eller")


@lru_cache(maxsize=4096)
def start_reason(fact: StartFact) -> Reason:
    if fact.start is None:
        return Reason(Fit.UNKNOWN, "Tilbyderen har ikke oppgitt når kurset starter.")
    when = format_date(fact.start)
    if fact.start < fact.as_of:
        return Reason(Fit.NO, f"Startet allerede {when}.")
    if fact.latest is not None and fact.start > fact.latest:
        return Reason(Fit.NO, f"Starter {when}, etter ønsket periode (senest {format_date(fact.latest)}).")
    if fact.earliest is not None and fact.start < fact.earliest:
        return Reason(Fit.NO, f"Starter {when}, før ønsket periode (tidligst {format_date(fact.earliest)}).")
    if fact.earliest is not None or fact.latest is not None:
        return Reason(Fit.YES, f"Starter {when}, innenfor ønsket periode.")
    return Reason(Fit.YES, f"Starter {when}.")


@lru_cache(maxsize=4096)
def place_reason(fact: PlaceFact) -> Reason:
    if fact.online:
        return Reason(Fit.YES, "Ingen reisevei.")
    if not fact.place:
        return Reason(Fit.UNKNOWN, "Tilbyderen har ikke oppgitt hvor kurset holdes.")
    if not fact.home_known:
        return Reason(Fit.UNKNOWN, f"Holdes i {fact.place}.")
    if fact.same:
        return Reason(Fit.YES, f"Holdes i {fact.place}, i samme kommune.")
    if fact.region:
        return Reason(Fit.YES, f"Holdes i {fact.place}, i samme region ({fact.region}).")
    return Reason(Fit.NO, f"Holdes i {fact.place}, utenfor regionen: lang reisevei.")


@lru_cache(maxsize=4096)
def seats_reason(fact: SeatsFact) -> Reason:
    if fact.seats_max is None:
        return Reason(Fit.UNKNOWN, "Tilbyderen har ikke oppgitt hvor mange plasser kurset har.")
    if fact.fit is Fit.YES:
        everyone = "alle " if fact.headcount > 1 else ""
        return Reason(Fit.YES, f"Har {seats(fact.seats_max)}, nok til {everyone}{persons(fact.headcount)}.")
    return Reason(Fit.NO, f"Har bare {seats(fact.seats_max)} til {persons(fact.headcount)}.")


# Others in a class whose number may not be printed (disclosure control): employers, private persons or
# communities alike, so the words say neither how many nor of which kind.
SOME_OTHERS = "noen andre"


@lru_cache(maxsize=4096)
def start_condition(minimum: int | None, headcount: int, committed: int | None = None,
                    others_hidden: bool = False) -> Reason | None:
    """The minimum class: 'Starter bare hvis minst 7 melder seg; 3 er med nå.'

    ``committed``: the persons already in (needs the centre has chosen the offer for); None when
    not known, then the need's own headcount is set against the minimum instead.
    ``others_hidden``: others (employers, private persons or communities) are in too, but too few
    to print their number (disclosure control); ``committed`` then counts the reader's own persons only.
    """
    if not minimum:
        return None
    if others_hidden:
        own = f"deres {committed} og " if committed else ""
        return Reason(Fit.UNKNOWN, f"Starter bare hvis minst {minimum} melder seg; {own}{SOME_OTHERS} er med nå.")
    if committed is None:
        if headcount >= minimum:
            return Reason(Fit.YES, f"Nok til oppstart alene: minst {minimum} trengs, og behovet gjelder "
                                   f"{persons(headcount)}.")
        return Reason(Fit.NO, f"Starter bare hvis minst {minimum} melder seg; behovet gjelder {persons(headcount)}.")
    if committed >= minimum:
        return Reason(Fit.YES, f"Nok deltakere til oppstart: minst {minimum} trengs, og {committed} er med.")
    now = f"{committed} er med nå" if committed else "ingen er med ennå"
    return Reason(Fit.NO, f"Starter bare hvis minst {minimum} melder seg; {now}.")


def full_class(seats_max: int | None, committed: int, headcount: int, counted: bool) -> Reason | None:
    """'! Har 21 plasser, men 34 er med allerede: ikke plass til alle 4.' when the class is full.

    ``counted``: the need is among the ``committed`` already (the offer is chosen for it)."""
    if not seats_max:
        return None
    if counted and committed > seats_max:
        return Reason(Fit.NO, f"Har {seats(seats_max)}, men {committed} er med: flere enn det er plass til.")
    if not counted and committed + headcount > seats_max:
        if committed >= seats_max:
            return Reason(Fit.NO, f"Fullt: har {seats(seats_max)}, og {committed} er med allerede.")
        return Reason(Fit.NO, f"Har {seats(seats_max)}, og {committed} er med allerede: plass til "
                              f"{seats_max - committed} av {persons(headcount)}.")
    return None


def reasons_of(explanation: Explanation, committed: int | None = None, *, others_hidden: bool = False,
               counted: bool = False) -> list[Reason]:
    """Every sentence for a proposal, topic first, the start condition and a passed deadline last.

    With ``committed`` (the persons already in) a full class replaces the seats sentence;
    ``counted``: the need is among them; ``others_hidden``: see ``start_condition``."""
    seats_line = seats_reason(explanation.seats)
    if committed is not None and not others_hidden:
        seats_line = full_class(explanation.seats.seats_max, committed, explanation.seats.headcount,
                                counted) or seats_line
    found: list[Reason | None] = [
        topic_reason(explanation.topic), level_reason(explanation.level), format_reason(explanation.format),
        start_reason(explanation.start), place_reason(explanation.place), seats_line,
        start_condition(explanation.seats_min, explanation.seats.headcount, committed, others_hidden),
    ]
    if explanation.deadline_passed and explanation.deadline is not None:
        found.append(Reason(Fit.NO, _capital(deadline_passed(explanation.deadline)) + "."))
    return [r for r in found if r is not None]


# ---------------------------------------------------------------- the verdict

def misfits_of(explanation: Explanation) -> list[str]:
    """A few words for each factor that does not fit, in the order they weigh."""
    e = explanation
    found = (topic_misfit(e.topic), level_misfit(e.level), format_misfit(e.format), start_misfit(e.start),
             place_misfit(e.place), seats_misfit(e.seats))
    return [words for words in found if words]


def topic_misfit(fact: TopicFact) -> str:
    return "bare delvis samme tema" if fact.fit is Fit.NO else ""


def level_misfit(fact: LevelFact) -> str:
    return f"{level_word(fact.offered)}, ikke {level_word(fact.wanted)}" if fact.fit is Fit.NO else ""


def format_misfit(fact: FormatFact) -> str:
    return f"{format_word(fact.offered)}, ikke {_wanted_formats(fact)}" if fact.fit is Fit.NO else ""


def start_misfit(fact: StartFact) -> str:
    if fact.fit is not Fit.NO or fact.start is None:
        return ""
    if fact.start < fact.as_of:
        return "har allerede startet"
    later = fact.latest is not None and fact.start > fact.latest
    return f"starter {'senere' if later else 'tidligere'} enn ønsket"


def place_misfit(fact: PlaceFact) -> str:
    return f"lang reisevei ({fact.place})" if fact.fit is Fit.NO else ""


def seats_misfit(fact: SeatsFact) -> str:
    return "for få plasser" if fact.fit is Fit.NO else ""


def level_far(level: LevelFact) -> bool:
    """The level is more than one step off (the verdict is then "Passer dårlig")."""
    gap = LEVEL_RANK.get(level.offered or "", 0) - LEVEL_RANK.get(level.wanted or "", 0)
    return level.fit is Fit.NO and abs(gap) > 1


def _verdict(misfits: Sequence[str], far: bool) -> str:
    if not misfits:
        return "Passer godt"
    how = "Passer dårlig" if far or len(misfits) >= 3 else "Passer delvis"
    return f"{how}: {'; '.join(misfits)}"


def verdict_of(explanation: Explanation) -> str:
    """'Passer godt', or 'Passer delvis: samlingsbasert, ikke nettbasert' naming what does not fit.

    "Passer dårlig" when the level is more than one step off or three or more factors miss.
    """
    return _verdict(misfits_of(explanation), level_far(explanation.level))


# ---------------------------------------------------------------- verdict and sentences as text, fast
# A whole run's JSON says ~70 000 proposals. Their explanations are nearly all different, but each
# factor's fact recurs: what it says (its sentence and misfit words) is made once per fact.

Said = tuple[str, str]
"""What one factor's fact says: (its marked sentence or '', its misfit words or '')."""


def _said(reason: Reason | None, misfit: str) -> Said:
    return (str(reason) if reason is not None else "", misfit)


@lru_cache(maxsize=1 << 16)
def said_topic(fact: TopicFact) -> Said:
    return _said(topic_reason(fact), topic_misfit(fact))


@lru_cache(maxsize=1 << 12)
def said_level(fact: LevelFact) -> Said:
    return _said(level_reason(fact), level_misfit(fact))


@lru_cache(maxsize=1 << 12)
def said_format(fact: FormatFact) -> Said:
    return _said(format_reason(fact), format_misfit(fact))


@lru_cache(maxsize=1 << 16)
def said_start(fact: StartFact) -> Said:
    return _said(start_reason(fact), start_misfit(fact))


@lru_cache(maxsize=1 << 12)
def said_place(fact: PlaceFact) -> Said:
    return _said(place_reason(fact), place_misfit(fact))


@lru_cache(maxsize=1 << 12)
def said_seats(fact: SeatsFact) -> Said:
    return _said(seats_reason(fact), seats_misfit(fact))


@lru_cache(maxsize=1 << 12)
def said_condition(minimum: int | None, headcount: int) -> str:
    """``start_condition`` with nobody counted in yet, as text ('' when there is none)."""
    found = start_condition(minimum, headcount)
    return str(found) if found is not None else ""


@lru_cache(maxsize=1 << 12)
def said_deadline(deadline: dt.date | None, as_of: dt.date) -> str:
    """The passed deadline's sentence, as text ('' when it has not passed)."""
    if deadline is None or deadline >= as_of:
        return ""
    return str(Reason(Fit.NO, _capital(deadline_passed(deadline)) + "."))


def verdict_and_reasons(factors: Sequence[Said], far: bool, condition: str, deadline: str) -> tuple[str, list[str]]:
    """``verdict_of`` and ``reasons_of`` as text from what each factor says (topic, level, format,
    start, place, seats, in that order), the start condition and the deadline sentence."""
    reasons = [sentence for sentence, _ in factors if sentence]
    if condition:
        reasons.append(condition)
    if deadline:
        reasons.append(deadline)
    misfits = [words for _, words in factors if words]
    return _verdict(misfits, far), reasons


def described(explanation: Explanation) -> tuple[str, list[str]]:
    """``verdict_of(explanation)`` and the ``reasons_of(explanation)`` as text: the same words,
    made from each factor's sentence and misfit words remembered per fact."""
    e = explanation
    return verdict_and_reasons(
        (said_topic(e.topic), said_level(e.level), said_format(e.format), said_start(e.start),
         said_place(e.place), said_seats(e.seats)),
        level_far(e.level), said_condition(e.seats_min, e.seats.headcount), said_deadline(e.deadline, e.start.as_of))


def why_not_sentence(why: WhyNot) -> str:
    """One bokmål sentence: 'Veiledning av studenter i praksis (Nord universitet): søknadsfristen
    gikk ut 01.12.2026.'"""
    name = f"{why.title} ({why.provider})" if why.provider else why.title
    words = join_words(why.terms)
    if why.kind == "rejected":
        return f"{name}: studiesenteret har avvist tilbudet for dette behovet."
    if why.kind == "ended" and why.when is not None:
        return f"{name}: kurset var ferdig {format_date(why.when)}."
    if why.kind == "deadline" and why.when is not None:
        return f"{name}: {deadline_passed(why.when)}."
    if why.kind == "topic":
        return f"{name}: handler om noe annet; tilbudet og behovet har ingen fagord felles."
    if why.kind == "passing":
        shared = f" ({words})" if words else ""
        return f"{name}: handler bare i liten grad om temaet{shared}; andre tilbud handler mer om det."
    if why.kind == "proposed":
        return f"{name}: er foreslått som nr. {why.rank}."
    misfit = f": {'; '.join(why.misfits)}" if why.misfits else ""
    return f"{name}: handler om {words or 'temaet'}, men de foreslåtte tilbudene passer bedre{misfit}."
