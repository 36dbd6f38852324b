"""The desktop window, driven like a user would: type, press Enter, watch, stop, toggle."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import shiboken6

from agent.config import Paths
from agent.engines.base import CancelToken, ChatChunk, Message
from agent.workspace import Workspace
from contracts.errors import EngineError, StorageError
from desktop.app import build_window
from desktop.main_window import MainWindow
from desktop.ops import OpContext, Ops
from desktop.qt import QDialogButtonBox, QPoint, Qt, QUrl
from tests.conftest import WAIT_MS
from tests.fakes.engines import FakeEngine

FERRY = (
    "# Travel\n\n## Ferry\n\nThe ferry to Hydra leaves at 7:40 from pier 3. Tickets cost "
    "12 euros.\n"
)
QUESTION = "When does the ferry leave?"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "ferry.md").write_text(FERRY, encoding="utf-8")
    return folder


@pytest.fixture
def open_window(qtbot: Any, tmp_path: Path) -> Iterator[Callable[..., MainWindow]]:
    """Build a shown window on a workspace in one tmp home (the same home every call, so a
    second call is a restart). Startup indexing has finished when it returns."""
    opened: list[tuple[MainWindow, Workspace]] = []

    def make(
        engine: Any = None,
        *,
        folders: Sequence[Path] = (),
        engine_setting: str | None = None,
        **seams: Any,
    ) -> MainWindow:
        """``engine_setting`` (e.g. "embedded"): a real engine picked from the settings."""
        real = engine_setting is not None
        workspace = Workspace(
            Paths.resolve(tmp_path / "home"), engine=None if real else engine or FakeEngine()
        )
        if real:
            workspace.settings.engine = engine_setting
        for folder in folders:
            workspace.add_notes_folder(str(folder))
        window = build_window(workspace, **seams)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: not window.is_indexing, timeout=WAIT_MS)
        opened.append((window, workspace))
        return window

    yield make
    for window, workspace in opened:
        window.close()
        workspace.close()


def ask(qtbot: Any, window: MainWindow, question: str = QUESTION) -> None:
    qtbot.keyClicks(window.prompt, question)
    qtbot.keyClick(window.prompt, Qt.Key.Key_Return)


def answer_part(window: MainWindow) -> str:
    """The text after the last "Fanous" label: the answer being streamed."""
    text = window.transcript.toPlainText()
    return text.rsplit("Fanous\n", 1)[1] if "Fanous\n" in text else ""


def source_names(window: MainWindow) -> list[str]:
    items = window.sources.list
    return [items.item(i).text().split(" — ")[0] for i in range(items.count())]


def test_answer_streams_in_with_its_sources(qtbot: Any, open_window: Any, notes: Path) -> None:
    opened: list[QUrl] = []
    window = open_window(
        FakeEngine("The ferry leaves at 7:40.", delay=0.02),
        folders=[notes],
        open_url=lambda url: opened.append(url) or True,
    )
    partials: list[str] = []
    window.transcript.textChanged.connect(lambda: partials.append(answer_part(window)))

    ask(qtbot, window)
    assert window.is_answering and not window.send_button.isEnabled()
    assert window.prompt.toPlainText() == ""
    qtbot.waitUntil(lambda: not window.is_answering, timeout=WAIT_MS)

    final = "The ferry leaves at 7:40."
    streamed = {p for p in partials if p and final.startswith(p) and p != final}
    assert len(streamed) >= 2, f"no streaming seen: {partials}"
    transcript = window.transcript.toPlainText()
    assert QUESTION in transcript and final in transcript
    assert "fake-model" in transcript  # the meta line under the answer

    # Search by meaning may add the note's title passage (its first tier has vectors
    # for every passage at once): every source is the ferry note, the ferry line first.
    assert set(source_names(window)) == {"ferry.md"}
    assert "pier 3" in window.sources.preview.toPlainText()  # first source is selected
    qtbot.mouseClick(window.sources.open_button, Qt.MouseButton.LeftButton)
    assert [Path(u.toLocalFile()).name for u in opened] == ["ferry.md"]

    assert window.route_indicator.text() == "Local"
    assert "cloud escalation is off" in window.route_indicator.toolTip()
    assert "fake-model" in window.route_indicator.toolTip()
    assert window.send_button.isEnabled() and not window.stop_button.isEnabled()


def test_shift_enter_is_a_new_line_and_ctrl_n_starts_a_new_chat(
    qtbot: Any, open_window: Any, notes: Path
) -> None:
    window = open_window(FakeEngine("The ferry leaves at 7:40."), folders=[notes])
    qtbot.keyClicks(window.prompt, "first line")
    qtbot.keyClick(window.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(window.prompt, "ferry")
    assert window.prompt.toPlainText() == "first line\nferry" and not window.is_answering
    qtbot.keyClick(window.prompt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_answering, timeout=WAIT_MS)
    assert "7:40" in window.transcript.toPlainText()

    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.transcript.toPlainText() == "" and window.sources.list.count() == 0


def test_cloud_toggle_updates_indicator_and_survives_restart(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    assert window.route_indicator.text() == "Local" and not window.action_cloud.isChecked()

    dialog = window.open_settings("Cloud")
    assert not dialog.cloud_checkbox.isChecked()  # off on first run
    box = dialog.cloud_checkbox  # click its box: the widget is wider than box and label
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked()
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert window.route_indicator.text() == "Cloud escalation on"
    assert window.action_cloud.isChecked()

    window.close()
    window.workspace.close()
    restarted = open_window()  # a new Workspace and window on the same home
    assert restarted.workspace.settings.cloud_escalation
    assert restarted.action_cloud.isChecked()
    assert restarted.route_indicator.text() == "Cloud escalation on"

    restarted.action_cloud.trigger()  # the one-click toggle writes the same setting
    assert restarted.route_indicator.text() == "Local"
    assert not Workspace(restarted.workspace.paths).settings.cloud_escalation


def test_escalation_threshold_is_a_setting_on_the_cloud_page(qtbot: Any, open_window: Any) -> None:
    window = open_window()
    dialog = window.open_settings("Cloud")
    assert dialog.threshold.value() == window.workspace.settings.escalation_threshold
    dialog.threshold.setValue(0.7)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert Workspace(window.workspace.paths).settings.escalation_threshold == 0.7


def test_stop_cancels_a_slow_answer(qtbot: Any, open_window: Any, notes: Path) -> None:
    slow = FakeEngine(" ".join(["word"] * 200), delay=0.02)  # 4 s if nobody stops it
    window = open_window(slow, folders=[notes])
    ask(qtbot, window)
    qtbot.waitUntil(lambda: answer_part(window).count("word") >= 3, timeout=WAIT_MS)
    assert window.stop_button.isEnabled()

    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.is_answering, timeout=WAIT_MS)
    assert window.send_button.isEnabled() and not window.stop_button.isEnabled()
    assert answer_part(window).count("word") < 200
    assert "stopped" in window.transcript.toPlainText()
    assert not window.banner.isVisible()


class BreaksMidway(FakeEngine):
    """Streams two words, then the engine fails."""

    def chat(
        self,
        messages: Sequence[Message],
        *,
        stream: bool = True,
        options: dict[str, Any] | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[ChatChunk]:
        yield ChatChunk(text="The ferry")
        raise EngineError("Ollama stopped while answering", fix="restart it")


def test_engine_error_is_shown_with_its_fix(qtbot: Any, open_window: Any, notes: Path) -> None:
    engine = FakeEngine()
    engine.fail_with = EngineError("Ollama is not running", fix="start it")
    window = open_window(engine, folders=[notes])
    ask(qtbot, window)
    qtbot.waitUntil(lambda: not window.is_answering, timeout=WAIT_MS)
    assert window.banner.isVisible()
    assert "Ollama is not running" in window.banner.text() and "start it" in window.banner.text()
    assert "No answer" in window.transcript.toPlainText()
    assert window.send_button.isEnabled()


def test_on_a_full_disk_the_answer_is_shown_and_said_to_be_unsaved(
    qtbot: Any, open_window: Any, notes: Path
) -> None:
    window = open_window(FakeEngine("The ferry leaves at 7:40."), folders=[notes])
    # What the store does when it had to open read-only on a full disk.
    full = StorageError("The disk is full: Fanous could not save", fix="free some space")
    window.workspace.store.read_only = full
    ask(qtbot, window)
    qtbot.waitUntil(lambda: not window.is_answering, timeout=WAIT_MS)
    assert "7:40" in answer_part(window)
    assert window.banner.isVisible()
    assert "not in your history" in window.banner.text()
    assert "The disk is full" in window.banner.text() and "free some space" in window.banner.text()


def test_a_full_disk_met_in_a_library_reads_as_one(tmp_path: Path) -> None:
    from desktop.chat_widgets import describe_error

    db = sqlite3.connect(tmp_path / "x.db")
    db.execute("CREATE TABLE t (v)")
    db.execute("PRAGMA max_page_count = 3")
    with pytest.raises(sqlite3.Error) as raised:
        db.executemany("INSERT INTO t VALUES (?)", [("x" * 4000,)] * 10)
    message, fix = describe_error(raised.value)
    assert message.startswith("The disk is full") and fix and "kept" in fix


def test_partial_answer_stays_visible_after_an_engine_error(
    qtbot: Any, open_window: Any, notes: Path
) -> None:
    window = open_window(BreaksMidway(), folders=[notes])
    ask(qtbot, window)
    qtbot.waitUntil(lambda: not window.is_answering, timeout=WAIT_MS)
    assert answer_part(window).startswith("The ferry")
    assert "Answer interrupted" in window.transcript.toPlainText()
    assert "restart it" in window.banner.text()
    # Kept in the history too: reopened, the conversation shows it, marked as stopped.
    failed = window.conversation_id
    assert failed is not None
    qtbot.waitUntil(lambda: window.conversations.titles() == [QUESTION], timeout=WAIT_MS)
    window.new_chat()
    window.sidebar.open(failed)
    qtbot.waitUntil(lambda: window.conversation_id == failed, timeout=WAIT_MS)
    text = window.transcript.toPlainText()
    assert QUESTION in text and "The ferry" in text and "stopped" in text


def test_add_folder_indexes_in_the_background_with_progress(
    qtbot: Any, open_window: Any, notes_dir: Path
) -> None:
    window = open_window(choose_folder=lambda _parent: str(notes_dir))
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)

    window.action_add_folder.trigger()
    assert window.is_indexing  # the action returned before the indexing finished
    qtbot.waitUntil(lambda: not window.is_indexing, timeout=WAIT_MS)

    assert any(m.startswith("Indexing 1/4 files") for m in messages), messages
    assert any(m.startswith("Indexed") and "4 new" in m for m in messages), messages
    assert window.workspace.settings.notes_folders == [str(notes_dir.resolve())]


def test_missing_folder_is_reported_not_raised(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    window = open_window()
    window.add_notes_folder(str(tmp_path / "nowhere"))
    qtbot.waitUntil(lambda: not window.is_indexing, timeout=WAIT_MS)
    assert window.banner.isVisible() and "does not exist" in window.banner.text()


def test_ops_report_on_the_main_thread(qtbot: Any) -> None:
    ops = Ops()
    seen: list[tuple[str, bool]] = []
    main = threading.main_thread()

    def work(ctx: OpContext) -> int:
        assert threading.current_thread() is not main
        ctx.progress(1, 2, "a")
        ctx.token("hi")
        return 42

    op = ops.run(
        work,
        on_progress=lambda *_: seen.append(("progress", threading.current_thread() is main)),
        on_token=lambda _t: seen.append(("token", threading.current_thread() is main)),
        on_success=lambda r: seen.append((f"result {r}", threading.current_thread() is main)),
    )
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        pass
    assert seen == [("progress", True), ("token", True), ("result 42", True)]
    assert not ops.busy


def test_a_job_outliving_its_op_reports_to_nobody_quietly(
    qtbot: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    """The window closed (the app quitting) while a worker still ran: when it finishes,
    there is nobody to tell, and that is no error."""
    ops = Ops()
    started, release, ended = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def work(ctx: OpContext) -> int:
        started.set()
        release.wait(5)
        try:
            ctx.progress(1, 1, "late")
            ctx.token("late")
        except BaseException as e:  # what used to escape into the thread pool
            errors.append(e)
        ended.set()
        return 1

    op = ops.run(work)
    assert started.wait(5)
    shiboken6.delete(op)  # the C++ side goes, as at application exit
    release.set()
    assert ended.wait(5)
    assert ops.wait(5000)
    assert errors == []
    assert "Signal source has been deleted" not in capfd.readouterr().err


def test_only_qt_module_imports_pyside() -> None:
    for path in (ROOT / "desktop").rglob("*.py"):
        if path.name != "qt.py":
            text = path.read_text(encoding="utf-8")
            assert "import PySide6" not in text and "from PySide6" not in text, path.name
