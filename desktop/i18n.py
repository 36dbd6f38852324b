"""The window's language: Qt's own translation system over the UI strings of ``desktop/``.

The strings are marked with ``tr()`` (``QCoreApplication.translate`` where there is no
QObject); ``resources/i18n/fanous_ar.ts`` holds their Arabic translation, made with
``pyside6-lupdate`` and compiled with ``pyside6-lrelease`` to the ``.qm`` loaded here,
together with Qt's own ``qtbase_ar`` (standard buttons, file dialogs). The ``language``
setting picks it: "" follows the system, "en" or "ar". Messages from the core (errors and
their fixes) stay English.

Mark a string as ``self.tr("…")`` or ``ClassName.tr("…")`` (lupdate reads those calls
literally: no alias, no f-string; fill values in with ``.format`` afterwards) and pass the
count for plurals, ``self.tr("{count} notes", "", n)``: Arabic has six forms. After a change,
from the repository root (tests/test_desktop_i18n.py fails until it is done):

    .venv/bin/pyside6-lupdate desktop/*.py -target-language ar -locations none \
        -no-obsolete -ts resources/i18n/fanous_ar.ts
    # translate the new ("unfinished") messages: pyside6-linguist, or the file itself
    .venv/bin/pyside6-lrelease resources/i18n/fanous_ar.ts -qm resources/i18n/fanous_ar.qm
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from desktop.qt import QGuiApplication, QLibraryInfo, QLocale, Qt, QTranslator

__all__ = [
    "LANGUAGES",
    "i18n_dir",
    "install_language",
    "layout_direction_for",
    "ui_language",
]

log = logging.getLogger(__name__)

# The setting's values, with their names as shown in Settings › Appearance: each language
# in its own words (so a user lost in the wrong one still finds theirs).
LANGUAGES = {"": "", "en": "English", "ar": "العربية"}
_RTL_LANGUAGES = {
    QLocale.Language.Arabic,
    QLocale.Language.Persian,
    QLocale.Language.Hebrew,
    QLocale.Language.Urdu,
}
_installed: list[QTranslator] = []


def i18n_dir() -> Path:
    """resources/i18n: in the installed app under the bundle's folder (as ``icons_dir``),
    else the checkout's."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle and (Path(bundle) / "resources" / "i18n").is_dir():
        return Path(bundle) / "resources" / "i18n"
    return Path(__file__).resolve().parent.parent / "resources" / "i18n"


def layout_direction_for(locale: QLocale) -> Qt.LayoutDirection:
    """Right to left for Arabic (and the other RTL scripts), else left to right."""
    if locale.language() in _RTL_LANGUAGES:
        return Qt.LayoutDirection.RightToLeft
    return Qt.LayoutDirection.LeftToRight


def _system_ui_locale(system: QLocale | None) -> QLocale:
    """The system's first user-interface language (LANGUAGE/LC_MESSAGES on Linux, the
    display language on Windows and macOS, which may differ from the number formats)."""
    locale = QLocale.system() if system is None else system
    languages = locale.uiLanguages()
    return QLocale(languages[0]) if languages else locale


def ui_language(setting: str, system: QLocale | None = None) -> str:
    """The language the window speaks, "ar" or "en" (the ones there are): the setting,
    or the system's language when it is "" (or unknown)."""
    if setting in ("en", "ar"):
        return setting
    arabic = _system_ui_locale(system).language() == QLocale.Language.Arabic
    return "ar" if arabic else "en"


def install_language(app: QGuiApplication, setting: str, *, system: QLocale | None = None) -> str:
    """Install the translators for ``setting`` (replacing earlier ones) and set the layout
    direction; returns the language used. Call before building the window: widgets take
    their texts when they are made."""
    for translator in _installed:
        app.removeTranslator(translator)
        translator.deleteLater()
    _installed.clear()
    language = ui_language(setting, system)
    if language == "ar":
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name, folder in (("fanous_ar", str(i18n_dir())), ("qtbase_ar", qt_folder)):
            translator = QTranslator(app)
            if translator.load(name, folder):
                app.installTranslator(translator)
                _installed.append(translator)
            else:  # the window still works, in English
                log.warning("translation %s not found in %s", name, folder)
    if language == "ar":
        direction = Qt.LayoutDirection.RightToLeft
    elif setting == "":  # the system's own direction (Persian and Hebrew are RTL too)
        direction = layout_direction_for(_system_ui_locale(system))
    else:
        direction = Qt.LayoutDirection.LeftToRight
    app.setLayoutDirection(direction)
    return language
