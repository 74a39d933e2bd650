"""``kpdesk person export|erase|due``: the data subject's rights and the retention rule.

A person is chosen by ``--email`` (every contact person, individual and exam candidate with that
address), by ``--ref`` (one individual, "P00003") or by ``--exam REF --candidate NR`` (one exam
candidate, who may have no e-mail). ``export`` writes everything held about them (rows, employer,
an individual's consents and needs, audit entries, free text that names them) to a JSON file;
``erase`` deletes and scrubs it without asking (the command line is the confirmation), clears the
database file and its log, and says what it did and which
backups still hold the person (``--backups purge`` erases them there too); ``due`` lists who the
retention rule says to delete, and ``due --delete`` deletes them; exam candidates are found by e-mail
too, and ``due`` lists the exams whose candidates' names and e-mails are past their own rule
(``kpdesk.admin.exam_retention``), which ``due --delete`` erases as well. Exports and erasures are logged
without personal data (``kpdesk.admin.erasure``).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from kpdesk.admin.erasure import ErasureOutcome
    from kpdesk.admin.exam_retention import DueSitting
    from kpdesk.admin.retention import DueContact, DuePerson


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from kpdesk.cli import add_db_option

    parser = subparsers.add_parser("person", help="personopplysninger: innsyn, sletting og oppbevaringstid")
    actions = parser.add_subparsers(dest="person_command", metavar="HANDLING", required=True)
    export = actions.add_parser("export", help="eksporter alt om en kontaktperson eller privatperson til en "
                                               "JSON-fil (innsyn)")
    _add_who_options(export)
    export.add_argument("--out", metavar="FIL", required=True, help="JSON-filen som skal skrives")
    add_db_option(export)
    erase = actions.add_parser("erase", help="slett en kontaktperson eller privatperson og sporene etter den")
    _add_who_options(erase)
    _add_backups_option(erase)
    add_db_option(erase)
    due = actions.add_parser("due", help="vis kontaktpersoner, privatpersoner og eksamenskandidater som skal "
                                         "slettes etter oppbevaringsregelen")
    due.add_argument("--as-of", metavar="DATO", help="regn som om i dag er DATO (dd.mm.åååå)")
    due.add_argument("--delete", action="store_true", help="slett dem som vises (uten å spørre)")
    _add_backups_option(due)
    add_db_option(due)


def _add_who_options(parser: argparse.ArgumentParser) -> None:
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--email", metavar="ADRESSE",
                     help="e-postadressen (kontaktpersoner, privatpersoner og eksamenskandidater)")
    who.add_argument("--ref", metavar="REF", help="privatpersonens referanse, som P00003")
    who.add_argument("--exam", metavar="REF", help="eksamenens referanse, sammen med --candidate: en "
                                                  "eksamenskandidat (også en uten e-post)")
    parser.add_argument("--candidate", metavar="NR", help="kandidatnummeret på eksamenen som --exam viser til")


def _add_backups_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backups", choices=("keep", "purge"), default="keep",
                        help="sikkerhetskopier som fortsatt har personen: keep (behold dem og før dem opp i "
                             "sletteoppføringen, standard) eller purge (slett personen fra dem også)")


def _email(text: str) -> str:
    from kpdesk.common.errors import UserError
    from kpdesk.common.fields import FieldError, parse_email

    try:
        email = parse_email(text)
    except FieldError as exc:
        raise UserError(f"{exc.message}.") from None
    if not email:
        raise UserError("Oppgi e-postadressen til personen med --email.")
    return email


def _candidate_id(args: argparse.Namespace, session) -> int | None:  # type: ignore[no-untyped-def]
    """The exam candidate ``--exam REF --candidate NR`` chose, or None when they were not given."""
    from kpdesk.admin import exam_privacy

    if args.exam is None:
        return None
    return exam_privacy.find_candidate_id(session, args.exam, args.candidate)


def _check_who(args: argparse.Namespace) -> None:
    """--exam and --candidate go together (argparse cannot say that of a mutually exclusive group)."""
    from kpdesk.common.errors import UserError

    if args.exam is not None and not (args.candidate or "").strip():
        raise UserError("Oppgi kandidatnummeret med --candidate sammen med --exam, for eksempel "
                        f"--exam {args.exam.strip()} --candidate 101.")
    if args.candidate is not None and args.exam is None:
        raise UserError("--candidate gjelder en eksamen: oppgi eksamenens referanse med --exam også.")


def _open(args: argparse.Namespace, *, read_only: bool = False, erasing: bool = False):  # type: ignore[no-untyped-def]
    """The database; ``erasing``: opened to erase someone, so without the day's automatic backup
    (it would be a fresh copy of the very person erased). A migration still backs up first."""
    from kpdesk.commands import open_database

    return open_database(args.db, read_only=read_only, daily_backup=not erasing)


def _export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kpdesk.admin import privacy
    from kpdesk.common.errors import UserError
    from kpdesk.register.service import plural

    _check_who(args)
    email = _email(args.email) if args.email is not None else ""
    out = Path(args.out).expanduser()
    if out.is_dir() or not out.parent.is_dir():
        privacy.write_export(out, {})  # raises the message about the folder, before the database is opened
    store = _open(args)
    try:
        with store.session() as session:
            candidate = _candidate_id(args, session)
            if candidate is not None:
                exported = privacy.candidate_export(session, candidate)
            elif args.ref is not None:
                exported = privacy.individual_export(session, privacy.find_person_id(session, args.ref))
            else:
                exported = privacy.person_export(session, email)
            if privacy.is_empty_export(exported):
                raise UserError(f"{_nobody(args.ref, email)} finnes i {store.name}, og endringsloggen "
                                "nevner den ikke. Ingen fil er laget.")
            privacy.export_to_file(session, exported, out)
    finally:
        store.close()
    who = exported["subject"]
    contacts = plural(len(exported["contacts"]), "kontaktperson", "kontaktpersoner")
    persons = plural(len(exported["persons"]), "privatperson", "privatpersoner")
    entries = plural(len(exported["audit"]), "oppføring", "oppføringer")
    mentions = plural(len(exported["mentions"]), "fritekstfelt", "fritekstfelt")
    if exported["exam_candidates"]:
        persons += ", " + plural(len(exported["exam_candidates"]), "eksamenskandidat", "eksamenskandidater")
    print(f"Eksporterte alt om {who} til {out}: {contacts}, {persons}, {entries} i endringsloggen og {mentions} "
          f"som nevner personen.")
    return 0


def _nobody(ref: str | None, email: str) -> str:
    """«Ingen privatperson med referansen P00001», or «… med e-postadressen …», as the user asked."""
    if ref is not None:
        return f"Ingen privatperson med referansen {ref.strip()}"
    return f"Ingen kontaktperson, privatperson eller eksamenskandidat med e-postadressen {email}"


def _erase(args: argparse.Namespace) -> int:
    from kpdesk.admin import erasure, exam_privacy, privacy
    from kpdesk.common.errors import UserError

    _check_who(args)
    store = _open(args, erasing=True)
    try:
        candidate = store.transaction(lambda session: _candidate_id(args, session))
        if candidate is not None:
            who = store.transaction(lambda session: exam_privacy.candidate_label(session, candidate))
            outcome = erasure.erase_candidate(store, candidate, backups=args.backups)
            again = f"--exam {args.exam.strip()} --candidate {args.candidate.strip()}"
        elif args.ref is not None:
            ref = args.ref.strip()
            person_id = store.transaction(lambda session: privacy.find_person_id(session, ref))
            outcome = erasure.erase_individual(store, person_id, backups=args.backups)
            who, again = ref, f"--ref {ref}"
        else:
            who = _email(args.email)
            outcome = erasure.erase_person(store, who, backups=args.backups)
            again = f"--email {who}"
    finally:
        store.close()
    if not outcome.report.found:
        if candidate is not None:
            raise UserError(f"Navn og e-post for {who} er allerede slettet, og endringsloggen nevner "
                            "kandidaten ikke. Ingenting er slettet.")
        raise UserError(f"{_nobody(args.ref, who)} finnes i {store.name}, og endringsloggen nevner den "
                        "ikke. Ingenting er slettet.")
    print(f"{who}: {outcome.report.sentence()}")
    _say_backups(outcome, f"kpdesk person erase {again} --backups purge")
    return 0


def _say_backups(outcome: ErasureOutcome, again: str) -> None:
    for line in outcome.sentences():
        print(line)
    if outcome.kept:
        print(f"Vil du fjerne personen fra sikkerhetskopiene også, kjør: {again}")


def _due(args: argparse.Namespace) -> int:
    import datetime as dt

    from kpdesk.admin import exam_retention, retention
    from kpdesk.commands import date_option

    today = date_option(args.as_of, "--as-of") if args.as_of else dt.date.today()
    store = _open(args, read_only=not args.delete, erasing=args.delete)
    outcome = None
    try:
        with store.session() as session:
            months = retention.retention_months(session)
            due = retention.due_for_deletion(session, today)
            persons = retention.persons_due(session, today)
            days = exam_retention.exam_retention_days(session)
            exams = exam_retention.candidates_due(session, today)
        if args.delete and (due or persons):
            outcome = retention.erase_due(store, [d.id for d in due], today, backups=args.backups,
                                          person_ids=[p.id for p in persons])
        erased = exam_retention.erase_due(store, today, backups=args.backups) if args.delete and exams else None
    finally:
        store.close()
    again = _delete_command(args)
    if months == 0:
        print("Oppbevaringsregelen er slått av (retention_contact_months = 0): ingen kontaktpersoner eller "
              "privatpersoner skal slettes.")
    else:
        _say_persons(due, persons, months, outcome, today, again)
    _say_exams(exams, days, erased, today, again)
    return 0


def _delete_command(args: argparse.Namespace) -> str:
    """The command that deletes what ``person due`` listed, with the same --db and --as-of."""
    import shlex

    words = ["kpdesk", "person", "due", "--delete"]
    if args.db:
        words += ["--db", str(args.db)]
    if args.as_of:
        words += ["--as-of", args.as_of]
    return shlex.join(words)


def _say_persons(due: list[DueContact], persons: list[DuePerson], months: int, outcome: ErasureOutcome | None,
                 today: dt.date, again: str) -> None:
    """The contact persons' and individuals' part of ``person due``."""
    from kpdesk.admin import retention
    from kpdesk.common.norsk import format_date

    for d in due:
        email = f" <{d.email}>" if d.email else ""
        print(f"{d.id:>6}  {d.name}{email}, {d.employer_name}: {d.reason}")
    for p in persons:
        print(f"{p.ref:>6}  {p.name} (privatperson): {p.reason}")
    why = retention.why_erased(months, [*(d.ground for d in due), *(p.ground for p in persons)])
    if outcome is not None:
        report = outcome.report
        print(f"Slettet {retention.who_due(report.contacts, report.persons)} {why}.")
        _say_backups(outcome, "kpdesk person due --delete --backups purge")
    elif due or persons:
        print(f"Per {format_date(today)} skal {retention.who_due(len(due), len(persons))} slettes {why}. "
              f"Slett dem med: {again}")
    else:
        print(f"Ingen kontaktpersoner eller privatpersoner skal slettes per {format_date(today)} "
              f"({retention.erasure_reason(months)}; privatpersoner uten samtykke til lagring med en gang).")


def _say_exams(exams: list[DueSitting], days: int, erased: ErasureOutcome | None, today: dt.date,
               again: str) -> None:
    """The exam candidates' part of ``person due``: one line per exam, never a candidate's name."""
    from kpdesk.common.norsk import format_date, plural

    for due in exams:
        print(f"{'':>6}  Eksamen {due.sentence(days)}")
    if erased is not None:
        print(f"Slettet navn og e-post for {plural(erased.report.candidates, 'eksamenskandidat', 'eksamenskandidater')}"
              f" etter oppbevaringsregelen ({plural(days, 'dag', 'dager')} etter eksamen).")
        _say_backups(erased, "kpdesk person due --delete --backups purge")
    elif exams:
        count = sum(len(d.candidate_ids) for d in exams)
        print(f"Navn og e-post for {plural(count, 'eksamenskandidat', 'eksamenskandidater')} skal slettes etter "
              f"oppbevaringsregelen ({plural(days, 'dag', 'dager')} etter eksamen) per {format_date(today)}. "
              f"Slett dem med: {again}")


def run(args: argparse.Namespace) -> int:
    handlers = {"export": _export, "erase": _erase, "due": _due}
    return handlers[args.person_command](args)
