"""«Registrer samtykke»: what a person agrees to now, with the consent text they are shown.

The boxes start from the consent in force (none: nothing ticked), so the coordinator changes only
what the person changes. Without «Lagring» the dialog says what recording it does
(``kpdesk.admin.consent``): for a person who had consented to storage, their needs are erased for
good, and they may be erased entirely instead (unticked until the coordinator ticks it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from kpdesk.common.norsk import format_date, plural
from kpdesk.register.consent_text import CONSENT_TEXT, CONSENT_VERSION, HOW_CHOICES, ConsentLike
from kpdesk.ui.widgets.forms import WARNING_STYLE, FieldSpec, RecordForm

CONSENT_KEYS = ("stored", "contact", "statistics")


@dataclass(frozen=True, slots=True)
class ConsentChoice:
    """What the consent dialog gives back: the validated consent, and (when storage is withdrawn)
    whether the person is to be erased entirely."""

    data: Any  # kpdesk.register.validation.ConsentData
    erase_person: bool = False


def yes_no(value: bool) -> str:
    return "ja" if value else "nei"


class ConsentDialog(QDialog):
    """Record what a person agrees to now; ``current`` is the consent in force (None: none yet) and
    ``needs`` how many needs the person has (what withdrawing storage erases)."""

    def __init__(self, parent: QWidget | None, ref: str, current: ConsentLike | None = None, needs: int = 0) -> None:
        super().__init__(parent)
        from kpdesk.register.validation import validate_consent

        self.had_storage = current is not None and current.stored
        self.setWindowTitle(self.tr("Samtykke for {ref}").format(ref=ref))
        text = QLabel(CONSENT_TEXT)
        text.setObjectName("consentText")
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setStyleSheet("background: white; border: 1px solid #bbb; padding: 8px;")
        version = QLabel(self.tr("Samtykketekst versjon {version}").format(version=CONSENT_VERSION))
        version.setStyleSheet("color: #666;")
        self.form = RecordForm([
            FieldSpec("stored", self.tr("Lagring av opplysninger og ønsker"), kind="check"),
            FieldSpec("contact", self.tr("Kontakt om tilbud"), kind="check"),
            FieldSpec("statistics", self.tr("Telles med i anonym statistikk"), kind="check"),
            FieldSpec("given_on", self.tr("Gitt"), kind="date"),
            FieldSpec("how", self.tr("Hvordan"), kind="combo", choices=[(h, h) for h in HOW_CHOICES]),
        ], lambda raw: validate_consent({**raw, "text_version": CONSENT_VERSION}), self)
        self.form.save_button.setText(self.tr("Registrer samtykke"))
        # the boxes as the consent in force has them; the day is today's (and makes «Registrer
        # samtykke» available: the same answer asked again is a record too)
        self.form.load({**{key: yes_no(bool(current and getattr(current, key))) for key in CONSENT_KEYS},
                        "how": current.how if current is not None else "skjema"})
        self.form.set_field("given_on", format_date(dt.date.today()))
        self.form.save_requested.connect(self._accept)
        self.form.discarded.connect(self.reject)
        self.form.changed.connect(self._explain_button)
        cancel = QPushButton(self.tr("Avbryt"))
        cancel.clicked.connect(self.reject)
        self.form.buttons.insertWidget(1, cancel)
        self.form.revert_button.hide()
        self.storage_box = self._storage_box(ref, needs)
        stored = self.form.editors["stored"]
        assert isinstance(stored, QCheckBox)
        stored.toggled.connect(self._show_storage_box)
        form_layout = self.form.layout()
        assert isinstance(form_layout, QVBoxLayout)
        form_layout.insertWidget(1, self.storage_box)  # above «Avbryt» and «Registrer samtykke»
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(version)
        layout.addWidget(self.form)
        self.storage_box.setVisible(not stored.isChecked())
        self.setMinimumWidth(640)  # a reason beside a box fits on two lines
        self._explain_button()
        self.data: Any = None

    def _storage_box(self, ref: str, needs: int) -> QWidget:
        """What a consent without storage means for this person: shown while «Lagring» is unticked."""
        if self.had_storage:
            said = (self.tr("Uten samtykke til lagring kan senteret ikke beholde ønskene til {ref}: {needs} slettes "
                            "for godt, også fra endringsloggen, når du registrerer samtykket.")
                    .format(ref=ref, needs=plural(needs, self.tr("behov"), self.tr("behov"))))
        else:
            said = self.tr("Uten samtykke til lagring kan ingen behov lagres for {ref}, og personen står på listen "
                           "over dem som skal slettes (Rediger › Personvern).").format(ref=ref)
        self.without_storage = QLabel(said)
        self.without_storage.setObjectName("withoutStorage")
        self.without_storage.setWordWrap(True)
        self.without_storage.setStyleSheet(WARNING_STYLE)
        self.erase_person = QCheckBox(self.tr("Slett også personen helt"))
        self.erase_person.setObjectName("erasePerson")
        keep = QLabel(self.tr("Da fjernes også navn, kontaktopplysninger og samtykkene, som med «Slett "
                              "personopplysninger». Lar du personen stå, blir samtykkehistorikken liggende som bevis "
                              "på at samtykket er trukket, og personen står på listen over dem som skal slettes "
                              "etter lagringstid."))
        keep.setObjectName("keepPerson")
        keep.setWordWrap(True)
        keep.setStyleSheet("color: #666;")
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.without_storage, self.erase_person, keep):
            layout.addWidget(widget)
        # only when storage is withdrawn: the person may go at once (a person who never consented has
        # no withdrawal to prove; «Slett personopplysninger» on the page erases them)
        self.erase_person.setVisible(self.had_storage)
        keep.setVisible(self.had_storage)
        return box

    def _show_storage_box(self, stored: bool) -> None:
        self.storage_box.setVisible(not stored)
        self.adjustSize()

    def _explain_button(self) -> None:
        """Why «Registrer samtykke» is not available, on the button (the reason shows at its field too),
        with room made for the reason."""
        problems = [p.message for p in self.form.problems if not getattr(p, "warning", False)]
        self.form.save_button.setToolTip(
            self.tr("Kan ikke registreres: {why}").format(why="; ".join(problems)) if problems else "")
        self.adjustSize()  # room for the reason

    def _accept(self, data: Any) -> None:
        self.data = data
        self.accept()

    def choice(self) -> ConsentChoice:
        return ConsentChoice(self.data, self.had_storage and not self.data.stored and self.erase_person.isChecked())

    @classmethod
    def ask(cls, parent: QWidget | None, ref: str, current: ConsentLike | None = None,
            needs: int = 0) -> ConsentChoice | None:
        """The validated consent and the choice about the person, or None if cancelled. Tests patch this."""
        dialog = cls(parent, ref, current, needs)
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
