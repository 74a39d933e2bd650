"""How an e-mail address identifies a person when erasure looks for them.

``normal_email`` is the form erasure compares (no case, no spaces, no invisible characters).
``email_fingerprint`` is a one-way digest of that form: a deleted individual's audit entry keeps it
instead of the address, so that ``kpdesk person erase --email`` still finds what the audit log holds
about them after a deletion (their needs and consents, linked by id), without the log keeping the
address itself. The erasure replaces the fingerprint too.
"""

from __future__ import annotations

import hashlib
import unicodedata

_FINGERPRINT_PREFIX = "sha256:"


def _invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cf", "Cc", "Zl", "Zp")


def normal_email(text: str | None) -> str:
    """An e-mail as erasure compares it: no case, no spaces, no invisible characters."""
    cleaned = unicodedata.normalize("NFKC", text or "")
    return "".join(c for c in cleaned if not c.isspace() and not _invisible(c)).casefold()


def email_fingerprint(text: str | None) -> str:
    """The one-way digest of ``normal_email(text)`` («sha256:…»); "" for no address."""
    normal = normal_email(text)
    if not normal:
        return ""
    return _FINGERPRINT_PREFIX + hashlib.sha256(f"kpdesk-person:{normal}".encode()).hexdigest()
