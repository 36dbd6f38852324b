"""The base of the settings dialog's pages.

A page shows the settings it edits and gives them back edited: each field is bound once,
by its name in ``Settings``, with how the page shows it and how it reads it back.
``values()`` returns every bound field; the dialog only merges its pages' values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.config import Settings
from desktop.qt import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    Qt,
    QWidget,
)

__all__ = ["SettingsPage", "form_layout", "note"]


def form_layout(widget: QWidget) -> QFormLayout:
    """``widget`` laid out as labelled rows whose fields take the width."""
    form = QFormLayout(widget)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def note(text: str, name: str = "") -> QLabel:
    """A wrapped line of plain text (never rich text: it may quote a path or a reason)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    return label


class SettingsPage(QWidget):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._fields: dict[str, Callable[[], Any]] = {}

    def bind(
        self, name: str, show: Callable[[Any], object] | None, read: Callable[[], Any]
    ) -> None:
        """This page edits the setting ``name``: ``show`` puts its value in the widget now
        (None: the page shows it some other way), ``read`` gives the edited value."""
        if show is not None:
            show(getattr(self._settings, name))
        self._fields[name] = read

    def bind_text(self, name: str, edit: QLineEdit) -> None:
        self.bind(name, edit.setText, lambda: edit.text().strip())

    def bind_check(self, name: str, box: QCheckBox) -> None:
        self.bind(name, box.setChecked, box.isChecked)

    def bind_number(self, name: str, spin: QDoubleSpinBox) -> None:
        self.bind(name, spin.setValue, lambda: float(spin.value()))

    def bind_item(self, name: str, combo: QComboBox) -> None:
        """A choice stored as the item's data; an unknown value shows the first item."""
        self.bind(
            name, lambda value: combo.setCurrentIndex(max(combo.findData(value), 0)),
            combo.currentData,
        )  # fmt: skip

    def values(self) -> dict[str, Any]:
        """Setting name -> the value the page shows now, for every field it edits."""
        return {name: read() for name, read in self._fields.items()}
