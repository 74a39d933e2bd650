"""The one command-line entry: ``kpdesk [--db PATH]`` opens the window, subcommands work headless.

Exit codes: 0 done; 1 a problem with the user's data or files (explained on stderr);
2 wrong usage; 3 an internal error (a bug: the details go to a log file, not the terminal).

Each subcommand lives in ``kpdesk/commands/<name>.py`` with ``add_parser(subparsers)`` and
``run(args) -> int``; modules import their heavy dependencies inside ``run`` so that
``kpdesk --version`` and the window start fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from kpdesk import __version__
from kpdesk.common.errors import UserError

# Order is the order shown in --help.
COMMANDS = ("demo", "check", "import", "export", "match", "backup", "restore", "copy", "person", "report")
# Command names that are Python keywords live in a module with a trailing underscore.
MODULES = {"import": "import_"}

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


# argparse's own messages, in bokmål (argparse looks them up through its module-level ``_``).
_NB = {
    "usage: ": "bruk: ",
    "positional arguments": "argumenter",
    "options": "valg",
    "show this help message and exit": "vis denne hjelpen og avslutt",
    "show program's version number and exit": "vis versjonen og avslutt",
    "invalid choice: %(value)r (choose from %(choices)s)": "ukjent valg: %(value)r (velg blant %(choices)s)",
    "the following arguments are required: %s": "disse argumentene mangler: %s",
    "one of the arguments %s is required": "ett av disse valgene må oppgis: %s",
    "argument %(argument_name)s: not allowed with argument %(conflict)s":
        "valget %(argument_name)s kan ikke brukes sammen med %(conflict)s",
    "unrecognized arguments: %s": "ukjente argumenter: %s",
    "expected one argument": "forventet én verdi",
    "invalid %(type)s value: %(value)r": "ugyldig verdi: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "tvetydig valg: %(option)s kan være %(matches)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: feil: %(message)s\n",
}
argparse._ = lambda text: _NB.get(text, text)  # type: ignore[attr-defined]


class NorwegianParser(argparse.ArgumentParser):
    """argparse with Norwegian headings and exit 2 on any usage error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: feil: {message}\n")


def add_db_option(parser: argparse.ArgumentParser, *, required: str = "") -> None:
    """``--db``; ``required``: the help text when the command needs it (no default is then shown)."""
    # SUPPRESS: a subcommand without its own --db keeps the one given before it (kpdesk --db X check).
    parser.add_argument("--db", metavar="FIL|URL", required=bool(required), default=argparse.SUPPRESS,
                        help=required or "databasefil eller server (postgresql://bruker@tjener/database; standard: "
                                         "$KPDESK_DB, ellers kpdesk.sqlite i datamappen)")


def build_parser() -> argparse.ArgumentParser:
    parser = NorwegianParser(prog="kpdesk",
                             description="kpdesk: behov, tilbud, matching og møteplass for studiesentre.")
    parser.add_argument("--version", action="version", version=f"kpdesk {__version__}", help="vis versjonen og avslutt")
    add_db_option(parser)
    parser.set_defaults(db=None)
    subparsers = parser.add_subparsers(dest="command", metavar="KOMMANDO", parser_class=NorwegianParser)
    for name in COMMANDS:
        module = importlib.import_module(f"kpdesk.commands.{MODULES.get(name, name)}")
        module.add_parser(subparsers)
    return parser


def _opens_window(argv: Sequence[str]) -> bool:
    """``kpdesk`` or ``kpdesk --db PATH``: the window, which need not build every subcommand's parser."""
    args = list(argv)
    if args[:1] == ["--db"]:
        args = args[2:] if len(args) >= 2 else ["--db"]
    elif args[:1] and args[0].startswith("--db="):
        args = args[1:]
    return not args


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if _opens_window(arguments):  # saves importing ten command modules before the first paint
        args = argparse.Namespace(command=None, db=None)
        if arguments:
            args.db = arguments[1] if arguments[0] == "--db" else arguments[0].split("=", 1)[1]
    else:
        args = build_parser().parse_args(arguments)
    try:
        if args.command is None:
            from kpdesk.commands import gui

            return gui.run(args)
        module = importlib.import_module(f"kpdesk.commands.{MODULES.get(args.command, args.command)}")
        return module.run(args)
    except UserError as exc:
        print(f"kpdesk: {exc}", file=sys.stderr)
        return EXIT_DATA
    except BrokenPipeError:  # the reader went away (kpdesk match | head): not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("kpdesk: avbrutt", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: keep the traceback out of the user's terminal
        from kpdesk.common.crashlog import write_crash_log

        log = write_crash_log(exc)
        print(f"kpdesk: intern feil ({type(exc).__name__}). Detaljer er lagret i {log}.", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
