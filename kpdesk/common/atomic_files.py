"""Writing a file so that nothing is ever half-written: the one helper every export uses."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kpdesk.common.errors import UserError, os_reason, storage_error


def write_atomic(path: str | os.PathLike[str], data: bytes, *, example: str = "fil") -> Path:
    """Write ``data`` through a temporary file in the same folder, then ``os.replace``.

    Readers see the old file or the whole new one. The file is created owner-only (0600:
    exports can hold personal data). ``example`` names a sensible file for the message when
    ``path`` is a folder. Problems become a UserError with the reason in plain words.
    """
    target = Path(path).expanduser()
    if target.is_dir():
        raise UserError(f"{target} er en mappe; oppgi et filnavn, for eksempel {target / example}.")
    folder = target.parent
    if not folder.is_dir():
        raise UserError(f"Mappen {folder} finnes ikke, så {target.name} kan ikke lagres der.")
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except PermissionError:
        raise UserError(f"Kan ikke lagre i {folder}: mappen er skrivebeskyttet.") from None
    except OSError as exc:
        raise UserError(f"Kan ikke lagre i {folder}: {os_reason(exc)}.") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        mapped = storage_error(target, exc, "filen ble ikke lagret")
        raise (mapped or UserError(f"Kan ikke lagre {target}: {os_reason(exc)}.")) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target
