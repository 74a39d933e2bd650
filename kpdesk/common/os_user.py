"""Who is at the keyboard: the operating-system user, as the audit log and the write lock name them."""

from __future__ import annotations

import getpass

UNKNOWN_USER = "ukjent"


def current_user() -> str:
    """The operating-system user, or "ukjent" where the system cannot say."""
    try:
        name = getpass.getuser()
    except Exception:  # getuser raises OSError or KeyError without a user database entry
        return UNKNOWN_USER
    return (name or UNKNOWN_USER)[:100]
