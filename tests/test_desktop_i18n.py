"""The Arabic window: Qt translations chosen by the ``language`` setting, right to left.

The translation files are checked against the code: ``pyside6-lupdate`` over desktop/ must
find exactly the messages of the committed .ts, each translated, and the committed .qm must
be what ``pyside6-lrelease`` makes of it.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.config import Paths
from agent.workspace import Workspace
from desktop.i18n import LANGUAGES, i18n_dir, install_language, ui_language
from desktop.qt import QApplication, QDialogButtonBox, QLocale, Qt, QTranslator
from desktop.status import StatusFields
from tests import test_desktop as base
from tests.conftest import WAIT_MS
from tests.fakes.engines import FakeEngine
from tests.test_desktop import ask

notes, open_window = base.notes, base.open_window

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "i18n" / "fanous_ar.ts"
QM = ROOT / "resources" / "i18n" / "fanous_ar.qm"
RTL, LTR = Qt.LayoutDirection.RightToLeft, Qt.LayoutDirection.LeftToRight


def _tool(name: str) -> str:
    """A PySide6 tool from the venv the tests run in (scripts/setup installs it)."""
    found = Path(sys.executable).parent / name
    path = str(found) if found.exists() else shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: run scripts/setup")
    return path


@pytest.fixture
def language(qapp: QApplication) -> Iterator[Any]:
    """Switch the app's language for one test; back to the system's afterwards."""
    yield lambda setting: install_language(qapp, setting)
    install_language(qapp, "")


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(ts).getroot()
    return {
        (ctx.findtext("name") or "", m.findtext("source") or ""): m
        for ctx in root.iter("context")
        for m in ctx.iter("message")
    }


def test_arabic_window_reads_right_to_left(
    qtbot: Any, open_window: Any, notes: Path, language: Any
) -> None:
    assert language("ar") == "ar"
    window = open_window(folders=[notes])
    assert QApplication.layoutDirection() == RTL and window.layoutDirection() == RTL
    assert window.windowTitle() == "فانوس"
    assert window.send_button.text() == "إرسال"
    assert window.send_button.accessibleName() == "إرسال"
    assert window.stop_button.text() == "إيقاف"
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&ملف", "م&حادثة", "&خصوصية", "&أدوات"]
    assert window.action_reindex.text() == "إعادة الفهرسة"
    assert window.action_cloud.text() == "التصعيد إلى السحابة: معطّل"
    assert window.route_indicator.text() == "محلي"
    assert window.prompt.accessibleName() == "السؤال"
    # The status bar: one note indexed, in the singular form.
    qtbot.waitUntil(lambda: window.status.index.text() == "ملاحظة واحدة مفهرسة", timeout=WAIT_MS)
    assert "مقطع" in window.status.index.toolTip()

    ask(qtbot, window)
    qtbot.waitUntil(lambda: not window.is_answering, timeout=WAIT_MS)
    text = window.transcript.toPlainText()
    assert "أنت" in text and "فانوس" in text and "المصادر: " in text
    assert window.statusBar().currentMessage() == "تمت الإجابة"

    dialog = window.open_settings()
    pages = [dialog.nav.item(i).text() for i in range(dialog.nav.count())]
    assert pages == ["المصادر", "النماذج", "السحابة", "الخصوصية", "المظهر"]
    assert dialog.windowTitle() == "إعدادات فانوس"
    assert dialog.language_combo.currentText() == "لغة النظام"
    assert dialog.layoutDirection() == RTL
    # Qt's own strings come from qtbase_ar: the standard buttons are Arabic too.
    buttons = dialog.findChild(QDialogButtonBox)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel).text()
    assert any("\u0600" <= c <= "\u06ff" for c in cancel), cancel  # "ألغِ" in Qt 6.11
    dialog.reject()


def test_english_window_stays_english(open_window: Any, language: Any) -> None:
    # Chosen in the settings, English wins over an Arabic system.
    assert language("en") == "en"
    window = open_window()
    assert QApplication.layoutDirection() == LTR and window.layoutDirection() == LTR
    assert window.send_button.text() == "Send"
    assert [a.text() for a in window.menuBar().actions()] == [
        "&File",
        "&Chat",
        "&Privacy",
        "&Tools",
    ]
    assert window.route_indicator.text() == "Local"
    dialog = window.open_settings()
    pages = [dialog.nav.item(i).text() for i in range(dialog.nav.count())]
    assert pages == ["Sources", "Models", "Cloud", "Privacy", "Appearance"]
    dialog.reject()


def test_the_setting_or_the_system_picks_the_language(qapp: QApplication, language: Any) -> None:
    arabic, english = QLocale("ar_EG"), QLocale("en_US")
    assert ui_language("", arabic) == "ar" and ui_language("", english) == "en"
    assert ui_language("en", arabic) == "en" and ui_language("ar", english) == "ar"
    assert ui_language("fr", english) == "en"  # an unknown value falls back to the system
    assert install_language(qapp, "", system=arabic) == "ar"
    assert QApplication.layoutDirection() == RTL
    assert StatusFields.tr("Engine: not ready") == "المحرك: غير جاهز"
    assert install_language(qapp, "", system=english) == "en"
    assert QApplication.layoutDirection() == LTR
    assert StatusFields.tr("Engine: not ready") == "Engine: not ready"
    # Persian: no translation (English texts) but the layout still runs right to left.
    assert install_language(qapp, "", system=QLocale("fa_IR")) == "en"
    assert QApplication.layoutDirection() == RTL
    assert install_language(qapp, "en", system=arabic) == "en"
    assert QApplication.layoutDirection() == LTR


def test_arabic_counts_take_their_six_plural_forms(language: Any) -> None:
    language("ar")
    forms = {
        n: StatusFields.tr("{count} notes indexed", "", n).format(count=n)
        for n in (0, 1, 2, 3, 11, 100)
    }
    assert forms == {
        0: "لا ملاحظات مفهرسة",
        1: "ملاحظة واحدة مفهرسة",
        2: "ملاحظتان مفهرستان",
        3: "3 ملاحظات مفهرسة",
        11: "11 ملاحظة مفهرسة",
        100: "100 ملاحظة مفهرسة",
    }


def test_language_is_chosen_in_appearance_and_kept(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    window = open_window()
    dialog = window.open_settings("Appearance")
    combo = dialog.language_combo
    assert [combo.itemData(i) for i in range(combo.count())] == list(LANGUAGES)
    combo.setCurrentIndex(combo.findData("ar"))
    dialog.accept()
    assert window.workspace.settings.language == "ar"
    assert "next time Fanous starts" in window.statusBar().currentMessage()
    window.close()
    window.workspace.close()
    again = Workspace(Paths.resolve(tmp_path / "home"), engine=FakeEngine())
    try:
        assert again.settings.language == "ar"
    finally:
        again.close()


def test_ts_covers_every_string_and_is_all_translated(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh_ar.ts"
    sources = sorted(str(p) for p in (ROOT / "desktop").glob("*.py"))
    options = ["-target-language", "ar", "-locations", "none", "-ts", str(fresh)]
    subprocess.run(
        [_tool("pyside6-lupdate"), *sources, *options],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    committed, extracted = _messages(TS), _messages(fresh)
    assert len(extracted) > 250
    assert sorted(set(extracted) - set(committed)) == [], "run lupdate and translate these"
    assert sorted(set(committed) - set(extracted)) == [], "obsolete: run lupdate -no-obsolete"
    for key, message in committed.items():
        translation = message.find("translation")
        assert translation is not None and translation.get("type") is None, key
        assert message.get("numerus") == extracted[key].get("numerus"), key
        if message.get("numerus") == "yes":
            forms = [f.text for f in translation.iter("numerusform")]
            assert len(forms) == 6 and all(forms), key  # Arabic: six plural forms
        else:
            assert translation.text, key


def _assert_translates_as_ts(qm: Path) -> None:
    """Every message of the .ts comes out of ``qm`` as the .ts says, each plural form too
    (independent of the lrelease version that wrote the bytes)."""
    translator = QTranslator()
    assert translator.load(str(qm))
    samples = ((0, 0), (1, 1), (2, 2), (3, 3), (11, 4), (100, 5))  # n -> Arabic form
    for (context, source), message in _messages(TS).items():
        comment = message.findtext("comment")
        translation = message.find("translation")
        assert translation is not None
        if message.get("numerus") == "yes":
            forms = [f.text for f in translation.iter("numerusform")]
            for n, form in samples:
                got = translator.translate(context, source, comment, n)
                assert got == forms[form], (context, source, n)
        else:
            assert translator.translate(context, source, comment) == translation.text, source


def test_qm_is_the_compiled_ts(tmp_path: Path) -> None:
    assert i18n_dir() == TS.parent
    made = tmp_path / "fanous_ar.qm"
    subprocess.run(
        [_tool("pyside6-lrelease"), str(TS), "-qm", str(made)], check=True, capture_output=True
    )
    _assert_translates_as_ts(made)
    # Not compared byte for byte: another lrelease version may write other bytes for the
    # same translations. What counts is that the committed file translates as the .ts.
    _assert_translates_as_ts(QM)
