"""The installed package must carry every module, the migrations and the bundled data."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "kpdesk").rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml packages: {sorted(found - listed)}"


def test_domain_layer_has_no_qt_widgets() -> None:
    """kpdesk/ and kpdesk/db/ must work from plain Python: importing the services loads no Qt GUI."""
    import subprocess

    code = (
        "import sys, kpdesk.cli, kpdesk.db.store, kpdesk.register.service, kpdesk.transfer,"
        " kpdesk.admin.database_summary, kpdesk.demo;"
        "bad = [m for m in sys.modules if m.startswith(('PySide6.QtWidgets', 'PySide6.QtGui'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_command_line_starts_without_heavy_imports() -> None:
    """`kpdesk --version` must not import SQLAlchemy, Alembic, ReportLab or Qt (fast start)."""
    import subprocess

    code = (
        "import sys, contextlib, io, kpdesk.cli\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    kpdesk.cli.main(['--version'])\n"
        "heavy = [m for m in ('sqlalchemy', 'alembic', 'reportlab', 'PySide6') if m in sys.modules]\n"
        "print(heavy); sys.exit(1 if heavy else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
