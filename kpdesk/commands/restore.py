"""``kpdesk restore --db PATH --from FILE``: put a backup back in place of the database.

FILE must be a kpdesk database at a schema revision this kpdesk knows, whose tables, indexes,
triggers and views are exactly what kpdesk's migrations make at that revision (nothing extra), and
that passes SQLite's ``integrity_check``; otherwise the command says why and exits 1 with the
database unchanged.
What is replaced is first saved in the backups folder, and the swap is one ``os.replace``.
Erasures of personal data recorded in the replaced database since the copy was taken are done
again on it (``kpdesk.admin.erasure.restore_keeping_erasures``).

On a server (``--db postgresql://…``) FILE is a ``kpdesk backup`` of a server (pg_dump's archive):
it is checked, the command asks before kpdesk's tables are replaced (``--yes`` answers for it), and
the swap is one transaction (``kpdesk.db.server_restore``); then the schema is brought up to date and
erasures recorded since the copy are done again (``restore_server_keeping_erasures``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kpdesk.common.paths import ServerAddress
    from kpdesk.db.server_restore import DumpInfo


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from kpdesk.cli import add_db_option

    parser = subparsers.add_parser("restore", help="gjenopprett databasen fra en sikkerhetskopi")
    add_db_option(parser, required="databasen som skal erstattes av sikkerhetskopien")
    parser.add_argument("--from", dest="source", metavar="FIL", required=True,
                        help="sikkerhetskopien som skal tilbake (for eksempel fra backups-mappen)")
    parser.add_argument("--yes", action="store_true",
                        help="ikke spør før alt på en databaseserver erstattes av kopien (en fil lagres uansett "
                             "i backups-mappen før den erstattes)")


def run(args: argparse.Namespace) -> int:
    from kpdesk.admin.erasure import restore_keeping_erasures
    from kpdesk.commands import database
    from kpdesk.common.paths import ServerAddress
    from kpdesk.db.migrate import head_revision

    location = database(args.db, must_exist=False)
    if isinstance(location, ServerAddress):
        return _restore_server(location, Path(args.source).expanduser(), ask=not args.yes)
    db = location
    outcome = restore_keeping_erasures(db, Path(args.source).expanduser())
    result = outcome.result
    text = f"Gjenopprettet {db} fra {result.source} (skjema {result.revision})."
    if result.safety is not None:
        text += f" Databasen som ble erstattet, er lagret som {result.safety.path}."
    if result.revision != head_revision() and not outcome.erased_again:
        text += f" Den oppgraderes til skjema {head_revision()} neste gang den åpnes."
    print(" ".join([text, *outcome.notices]))
    return 0


def _restore_server(address: ServerAddress, source: Path, *, ask: bool) -> int:
    from kpdesk.admin.erasure import restore_server_keeping_erasures
    from kpdesk.common.norsk import format_datetime

    def confirm(dump: DumpInfo) -> bool:
        if not ask:
            return True
        taken = f", tatt {format_datetime(dump.created)}" if dump.created else ""
        return _yes(f"Alt i {address.shown} erstattes av kopien {source} (skjema {dump.revision}{taken}). "
                    f"Endringer gjort etter at kopien ble tatt, går tapt. Fortsette? [j/N] ")

    outcome = restore_server_keeping_erasures(address, source, confirm)
    if outcome is None:
        print("Avbrutt: databasen er ikke endret.", file=sys.stderr)
        return 1
    text = f"Gjenopprettet {address.shown} fra {source} (skjema {outcome.dump.revision})."
    if outcome.revision != outcome.dump.revision:
        text += f" Oppgradert til skjema {outcome.revision}."
    print(" ".join([text, *outcome.notices]))
    return 0


def _yes(question: str) -> bool:
    """The user's answer on the terminal; no terminal to ask is a UserError that names --yes."""
    from kpdesk.common.errors import UserError

    print(question, end="", flush=True)
    try:
        answer = input()
    except (EOFError, OSError):
        print()
        raise UserError("Fikk ikke svar på spørsmålet; legg til --yes for å gjenopprette uten å bli spurt. "
                        "Databasen er ikke endret.") from None
    return answer.strip().casefold() in {"j", "ja", "y", "yes"}
