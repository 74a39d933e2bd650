"""Errors a coordinator can act on.

A ``UserError`` carries a complete Norwegian sentence. The command line prints it on stderr and
exits 1; the GUI shows it in a dialog. Anything else is a bug and gets the crash path.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's data or files, explained in plain words."""

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return "\n".join([self.message, *(f"  {line}" for line in self.details)])
