"""``kpdesk backup``: a copy of the database, to a chosen file or into its backups folder.

The copy is made with SQLite's online backup API, so it may run while a kpdesk window has the
database open, and it is written through a temporary file and ``os.replace``: the target is the
previous file or the whole new copy, never half of one. A damaged database is not copied (the
copy must pass SQLite's quick check): the message names the newest good copy to restore from
instead. ``--list`` shows the backups folder.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kpdesk.common.paths import ServerAddress


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from kpdesk.cli import add_db_option

    parser = subparsers.add_parser("backup", help="ta en sikkerhetskopi av databasen, eller vis kopiene")
    add_db_option(parser)
    parser.add_argument("--out", metavar="FIL", help="skriv kopien hit (standard: backups-mappen ved databasen)")
    parser.add_argument("--list", action="store_true", help="vis sikkerhetskopiene i backups-mappen")


def megabytes(size: int) -> str:
    from kpdesk.common.norsk import format_decimal

    return f"{format_decimal(size / 1_000_000, 1)} MB"


def _print_list(path) -> int:  # type: ignore[no-untyped-def]
    from kpdesk.common.norsk import format_datetime
    from kpdesk.db.backup import REASON_LABELS, backup_folder, list_backups

    backups = list_backups(path)
    if not backups:
        print(f"Ingen sikkerhetskopier av {path.name} i {backup_folder(path)}.")
        return 0
    width = max(len(label) for label in REASON_LABELS.values())
    for info in backups:
        print(f"{format_datetime(info.created)}  {info.reason_label:<{width}} {megabytes(info.size):>9}  {info.path}")
    return 0


def run(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from kpdesk.commands import database
    from kpdesk.common.errors import UserError
    from kpdesk.common.paths import ServerAddress
    from kpdesk.db import backup
    from kpdesk.db.inspection import inspect_file

    path = database(args.db, must_exist=False)
    if isinstance(path, ServerAddress):
        return _backup_server(path, args)
    if args.list:
        return _print_list(path)
    if not path.exists():
        raise UserError(f"{path} finnes ikke.")
    if not inspect_file(path, need_write=False).exists:
        raise UserError(f"{path} er tom: det er ingen kpdesk-database der å kopiere.")
    if args.out is None:
        info = backup.create_backup(path, "manual")
        print(f"Sikkerhetskopi av {path.name} lagret i {info.path} ({megabytes(info.size)}).")
        return 0
    out = Path(args.out).expanduser()
    if out.is_dir():
        raise UserError(f"{out} er en mappe; oppgi et filnavn, for eksempel {out / 'kpdesk-kopi.sqlite'}.")
    if not out.parent.is_dir():
        raise UserError(f"Mappen {out.parent} finnes ikke, så {out.name} kan ikke lagres der.")
    if out.exists() and os.path.samefile(out, path):
        raise UserError(f"{out} er selve databasen; velg et annet filnavn for kopien.")
    backup.copy_database(path, out)
    print(f"Sikkerhetskopi av {path.name} lagret i {out} ({megabytes(out.stat().st_size)}).")
    return 0


def _backup_server(address: ServerAddress, args: argparse.Namespace) -> int:
    """``backup`` of a region's register on a server: ``pg_dump`` to the file --out names."""
    from pathlib import Path

    from kpdesk.common.errors import UserError
    from kpdesk.db.server_dump import dump_server

    if args.list or args.out is None:
        raise UserError(f"{address.shown} er en databaseserver, uten backups-mappe: oppgi filen kopien skal "
                        "skrives til med --out, for eksempel --out kpdesk-region.dump.")
    out = dump_server(address, Path(args.out).expanduser())
    print(f"Sikkerhetskopi av {address.shown} lagret i {out} ({megabytes(out.stat().st_size)}; pg_dump, "
          "leses tilbake med pg_restore).")
    return 0
