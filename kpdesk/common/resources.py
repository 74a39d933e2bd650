"""Where bundled files live (municipalities, code lists, fonts, sample files)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource under ``resources/`` (installed as ``kpdesk_resources``)."""
    base = Path(str(files("kpdesk_resources")))
    return base.joinpath(*parts)
