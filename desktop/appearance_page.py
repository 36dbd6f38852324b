"""Settings › Appearance: the window's language; colours and layout direction follow the
system and the language, and the page says what they are now."""

from __future__ import annotations

from agent.config import Settings
from desktop.i18n import LANGUAGES
from desktop.qt import QApplication, QComboBox, Qt, QWidget
from desktop.settings_page import SettingsPage, form_layout, note

__all__ = ["AppearancePage"]


class AppearancePage(SettingsPage):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(settings, parent)
        form = form_layout(self)
        app = QApplication.instance()
        schemes = {
            "light": self.tr("light"),
            "dark": self.tr("dark"),
            "unknown": self.tr("unknown"),
        }
        scheme = self.tr("system default")
        direction = self.tr("left to right")
        if isinstance(app, QApplication):
            name = app.styleHints().colorScheme().name.lower()
            scheme = schemes.get(name, name)
            if app.layoutDirection() == Qt.LayoutDirection.RightToLeft:
                direction = self.tr("right to left")
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageChoice")
        self.language_combo.setAccessibleName(self.tr("Language"))
        for code, name in LANGUAGES.items():
            self.language_combo.addItem(name or self.tr("System language"), code)
        self.bind_item("language", self.language_combo)
        form.addRow(self.tr("Language"), self.language_combo)
        form.addRow(note(self.tr("A new language applies the next time Fanous starts.")))
        form.addRow(
            self.tr("Colours"),
            note(self.tr("Follow the system (now: {scheme})").format(scheme=scheme), "colorScheme"),
        )
        form.addRow(
            self.tr("Layout"),
            note(
                self.tr("Follows the language ({direction})").format(direction=direction),
                "direction",
            ),
        )
        form.addRow(
            note(
                self.tr(
                    "Each message follows the direction of its own text: Arabic questions and "
                    "answers read right to left. Scaling follows the screen's DPI."
                )
            )
        )
