"""What the window does after an erasure, wherever it was started (a contact person, the retention
rule, a withdrawn consent): no undo step may bring the persons back, every list refreshes, and when backups still hold
them the coordinator is asked whether to remove them there too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from kpdesk.ui import alerts
from kpdesk.ui.context import AppContext

if TYPE_CHECKING:
    from kpdesk.admin.erasure import ErasureOutcome


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
