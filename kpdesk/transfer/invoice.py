"""The invoice basis of exams as CSV: ``exam;institution;course_code;date;candidates;fee_per_candidate;amount_nok``.

One row per exam held in the period (``booking.exam_reads.invoice_lines``: candidates are those not
avmeldt, ``amount_nok = candidates × fee_per_candidate``), by date. Numbers are plain for a
spreadsheet: no thousands separator and no «kr», kroner with øre after a decimal comma only when
there are øre (1500, 1200,50); the date is dd.mm.yyyy. No candidate names. The export is recorded
in the audit log.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from kpdesk.booking.exam_reads import InvoiceLine
from kpdesk.booking.exams import EXAM_SITTING
from kpdesk.common import csvfile
from kpdesk.common.norsk import format_date, plural
from kpdesk.db import audit

INVOICE_COLUMNS = ("exam", "institution", "course_code", "date", "candidates", "fee_per_candidate", "amount_nok")


def plain_kroner(value: Decimal) -> str:
    """1500 -> '1500'; 1200.5 -> '1200,50'."""
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value:.2f}".replace(".", ",")


def invoice_rows(lines: Sequence[InvoiceLine]) -> list[list[object]]:
    return [[x.exam, x.institution, x.course_code, format_date(x.day), x.candidates, plain_kroner(x.fee_per_candidate),
             plain_kroner(x.amount)] for x in lines]


def write_invoice(session: Session, path: str | os.PathLike[str], lines: Sequence[InvoiceLine]) -> int:
    """Write the invoice basis to ``path`` and record the export; returns the number of exams."""
    csvfile.write(path, INVOICE_COLUMNS, invoice_rows(lines))
    audit.record(session, "export", EXAM_SITTING, None,
                 summary=f"Eksporterte fakturagrunnlag for {plural(len(lines), 'eksamen', 'eksamener')} til "
                         f"{Path(path).name}.")
    return len(lines)
