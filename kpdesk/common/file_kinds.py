"""What kind of file a path is, by its ``stat`` alone: kpdesk never opens a FIFO, device or socket
(opening one can hang), and says in Norwegian what it found instead of a file."""

from __future__ import annotations

import stat

_SPECIAL_KINDS = ((stat.S_ISFIFO, "et navngitt rør (FIFO)"), (stat.S_ISSOCK, "en sokkel (socket)"),
                  (stat.S_ISCHR, "en tegnenhet"), (stat.S_ISBLK, "en blokkenhet"))


def special_kind(mode: int) -> str | None:
    """None for a regular file or a folder; else what it is, «et navngitt rør (FIFO)»."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return next((name for test, name in _SPECIAL_KINDS if test(mode)), "en spesialfil")
