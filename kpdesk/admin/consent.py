"""Recording a person's consent, and what withdrawing the consent to storage does.

Consent is the lawful basis for keeping an individual's needs (GDPR art. 6(1)(a)). When the consent
in force stops allowing storage, that basis is gone (art. 7(3), 17(1)(b)), so recording such a
consent erases the person's needs in the same transaction, the way ``kpdesk person erase`` erases:
their rows, status history and match decisions, and every audit entry on them (a need's title says
what the person wishes for), also of needs deleted before (``privacy.needs_subject``).

The person row stays, with their consent history: the proof of what they agreed to and when they
withdrew (art. 7(1)). It is due for deletion at once (``retention.persons_due``: «samtykket til
lagring er trukket»), and the window offers to erase the person entirely right away instead
(``erase_person``), through ``erasure.erase_individual`` like ``kpdesk person erase --ref``; then the
proof is the erasure's own audit entry, which names no one.

``record_consent`` (inside a caller's transaction: the persons import) and ``record_consent_everywhere``
(its own transaction, then the database file and its log cleared: the window) are the one path; no
list or matching run uses a need without storage consent in force in the meantime
(``register.service.with_owners``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from kpdesk.admin import erasure, privacy
from kpdesk.admin.privacy import ErasureReport, Subject
from kpdesk.register import service as register
from kpdesk.register.validation import ConsentData

if TYPE_CHECKING:
    from kpdesk.admin.erasure import ErasureOutcome
    from kpdesk.db.store import Store

WITHDRAWN = "etter at samtykket til lagring ble trukket"


def _record(session: Session, person_id: int, data: ConsentData) -> Subject:
    """Record the consent; what it leaves without a lawful basis (the person's needs, or nothing)."""
    register.record_consent(session, person_id, data)
    return Subject([]) if data.stored else privacy.needs_subject(session, person_id)


def record_consent(session: Session, person_id: int, data: ConsentData) -> ErasureReport:
    """Record the person's consent as it is now; without storage, erase their needs (same transaction)."""
    return privacy.erase_subject(session, _record(session, person_id, data), reason=WITHDRAWN)


def record_consent_everywhere(store: Store, person_id: int, data: ConsentData, *,
                              erase_person: bool = False) -> ErasureOutcome:
    """``record_consent`` in its own transaction, then the file and its log cleared of the needs.

    ``erase_person`` (only with a consent that withdraws storage): erase the person entirely instead,
    with their consents and needs, as ``kpdesk person erase --ref`` does.
    """
    if erase_person:
        if data.stored:
            raise ValueError("erase_person is for a consent without storage")
        return erasure.erase_individual(store, person_id, reason=WITHDRAWN)
    return erasure.erase(store, lambda session: _record(session, person_id, data), reason=WITHDRAWN)
