"""The window's privacy tasks for a contact person or an individual, wherever they are started.

«Eksporter alt om personen …» asks where and writes the export (``export_personal_data``);
«Slett personopplysninger …» asks first and erases (``confirm_and_erase``). After an erasure,
wherever it was started (a contact person, an individual, the retention rule, a withdrawn consent):
no undo step may bring the persons back, every list refreshes, and when backups still hold them the
coordinator is asked whether to remove them there too (``after_erasure``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext

if TYPE_CHECKING:
    from kpdesk.admin.erasure import ErasureOutcome
    from kpdesk.db.store import Store


def tr(text: str) -> str:
    return QCoreApplication.translate("ErasureFlow", text)


def after_erasure(context: AppContext, parent: QWidget, outcome: ErasureOutcome, done: str) -> None:
    """Clear undo, refresh, say ``done`` and the outcome, then offer to purge the backups that hold them."""
    context.undo_stack.clear()  # older undo steps could bring the persons back
    for kind in ("contact", "person"):  # contact persons, or individuals with their needs
        context.data_changed.emit(kind)
    context.status_message.emit(" ".join([done, *outcome.sentences()]))
    if outcome.kept:
        offer_purge(context, parent, outcome)


def offer_purge(context: AppContext, parent: QWidget, outcome: ErasureOutcome) -> None:
    """The persons are still in backups: purge them there too, or keep them listed in the erasure record."""
    from kpdesk.admin.erasure import purge_backups

    names = "\n".join(f"• {p.name}" for p in outcome.kept)
    text = tr("Personopplysningene finnes fortsatt i disse sikkerhetskopiene:\n{names}\n\n"
              "Vil du fjerne dem derfra også? Velger du å beholde dem, føres kopiene opp i sletteoppføringen, "
              "og slettingen gjøres på nytt om en av dem gjenopprettes.").format(names=names)
    if not alerts.question(parent, tr("Sikkerhetskopier"), text, tr("Fjern fra sikkerhetskopiene"), tr("Behold")):
        return
    token = outcome.report.token
    context.with_store(lambda store: purge_backups(store, token),
                       lambda result: context.status_message.emit(" ".join(result.sentences())),
                       lambda exc: alerts.show_exception(parent, exc))


def export_personal_data(context: AppContext, parent: QWidget, write: Callable[[Any, str], object],
                         suggested: str = "personopplysninger.json") -> None:
    """Ask where, then ``write(session, path)`` on the database thread (``privacy.export_*_to_file``: the
    file and the access in the audit log), and say where it went."""
    path, _ = QFileDialog.getSaveFileName(parent, tr("Eksporter personopplysninger"), suggested, tr("JSON (*.json)"))
    if not path:
        return
    said = tr("Personopplysningene er lagret i {path}.").format(path=path)
    context.query(lambda session: write(session, path), lambda _written: context.status_message.emit(said),
                  lambda exc: alerts.show_exception(parent, exc))


def confirm_and_erase(context: AppContext, parent: QWidget, question: str, erase: Callable[[Store], ErasureOutcome],
                      done: str, then: Callable[[], None] | None = None) -> None:
    """Ask ``question`` («… Dette kan ikke angres.»); on «Slett for godt», ``erase(store)`` on the database
    thread, then ``then()`` and ``after_erasure`` with ``done``."""
    if not alerts.question(parent, tr("Slett personopplysninger"), question, tr("Slett for godt")):
        return

    def erased(outcome: ErasureOutcome) -> None:
        if then is not None:
            then()
        after_erasure(context, parent, outcome, done)

    context.with_store(erase, erased, lambda exc: alerts.show_exception(parent, exc))
