"""What a person is asked to agree to, and when their consent needs looking at again.

The text is shown in the consent dialog and its version is stored with each consent, so the
register can say later what a person saw. A consent is "old" after ``CONSENT_MAX_AGE_DAYS``: the
centre asks again (people's plans change, and storage limitation says not to keep data on an old
yes forever). Plain Python, no Qt.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from kpdesk.common.norsk import format_date

CONSENT_VERSION = "2026-1"
CONSENT_TEXT = (
    "Studiesenteret lagrer navnet ditt, kommunen du bor i, e-post eller telefon og utdanningsønskene dine, "
    "for å finne kurs og studier som passer for deg. Du velger selv hva du sier ja til:\n"
    "• Lagring: at opplysningene og ønskene dine lagres i senterets register (uten dette kan vi ikke ta "
    "vare på ønskene dine).\n"
    "• Kontakt: at vi kan kontakte deg når et tilbud passer.\n"
    "• Statistikk: at ønsket ditt telles med, uten navn, i oversikter over etterspørselen i regionen.\n"
    "Du kan når som helst trekke samtykket tilbake, be om innsyn eller be om at alt om deg slettes."
)
CONSENT_MAX_AGE_DAYS = 730
HOW_CHOICES = ("skjema", "e-post", "muntlig", "telefon")


class ConsentLike(Protocol):
    @property
    def stored(self) -> bool: ...
    @property
    def contact(self) -> bool: ...
    @property
    def statistics(self) -> bool: ...
    @property
    def given_on(self) -> dt.date: ...
    @property
    def how(self) -> str: ...


def consent_summary(consent: ConsentLike | None) -> str:
    """«Ja til lagring, kontakt og statistikk (skjema, 03.02.2026)», or that there is none."""
    if consent is None:
        return "Ikke registrert"
    agreed = [word for word, yes in (("lagring", consent.stored), ("kontakt", consent.contact),
                                     ("statistikk", consent.statistics)) if yes]
    said = ("Ja til " + (agreed[0] if len(agreed) == 1 else ", ".join(agreed[:-1]) + " og " + agreed[-1])
            if agreed else "Nei til alt")
    return f"{said} ({consent.how}, {format_date(consent.given_on)})"


def contact_permission(consent: ConsentLike | None) -> str:
    """Whether the person may be contacted about offers, said beside their e-mail and phone."""
    if consent is None:
        return "Kan kontaktes om tilbud: nei (samtykke mangler)"
    return f"Kan kontaktes om tilbud: {'ja' if consent.contact else 'nei'}"


def consent_reminder(consent: ConsentLike | None, today: dt.date) -> str:
    """Why the person's consent needs the coordinator now ("" when it does not)."""
    if consent is None:
        return "Samtykke mangler: ingen behov kan lagres for personen før det er registrert."
    if not consent.stored:
        return ("Personen har ikke samtykket til lagring, så ingen behov er lagret, og personen skal slettes "
                "(Rediger › Personvern: sletting etter lagringstid).")
    age = (today - consent.given_on).days
    if age > CONSENT_MAX_AGE_DAYS:
        return (f"Samtykket er fra {format_date(consent.given_on)}, over to år gammelt: spør personen på nytt "
                "om det fortsatt gjelder.")
    return ""
