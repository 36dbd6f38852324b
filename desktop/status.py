"""The status bar's permanent fields: engine and model, GPU, index state, embedding
progress, route.

They display; ``probe`` asks the engine, the hardware and the index on workers (the
store's worker for what touches the database, another for the hardware).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.engines.ollama_residency import Residency
from agent.hardware import HardwareProfile, detect
from agent.index.search import index_stats
from agent.workspace import Workspace
from desktop.chat_widgets import RouteIndicator, describe_error
from desktop.ops import OpContext, Ops
from desktop.qt import QHBoxLayout, QLabel, QProgressBar, QStatusBar, QTimer, QWidget

__all__ = ["EMBEDDING_POLL_MS", "MESSAGE_MS", "StatusFields", "describe_gpu"]

MESSAGE_MS = 10_000  # how long a passing status-bar message stays
EMBEDDING_POLL_MS = 1_000


def describe_gpu(profile: HardwareProfile) -> tuple[str, str]:
    """A short label and a longer tooltip for the accelerator a model would run on."""
    gpu = profile.best_gpu
    if gpu is None:
        return StatusFields.tr("CPU only"), profile.describe()
    label = StatusFields.tr("GPU: {name} ({backend})").format(name=gpu.name, backend=gpu.backend)
    return label, profile.describe()


class StatusFields(QWidget):
    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.engine = QLabel(self.tr("Engine: …"))
        self.engine.setObjectName("engineStatus")
        self.engine.setAccessibleName(self.tr("Engine and model"))
        self.gpu = QLabel(self.tr("GPU: …"))
        self.gpu.setObjectName("gpuStatus")
        self.gpu.setAccessibleName(self.tr("GPU in use"))
        self.index = QLabel(self.tr("Index: …"))
        self.index.setObjectName("indexStatus")
        self.index.setAccessibleName(self.tr("Index state"))
        self.progress = QProgressBar()
        self.progress.setObjectName("indexProgress")
        self.progress.setAccessibleName(self.tr("Indexing progress"))
        self.progress.setMaximumWidth(140)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.vectors = QLabel()
        self.vectors.setObjectName("vectorStatus")
        self.vectors.setAccessibleName(self.tr("Passages ready for search by meaning"))
        self.vectors.hide()
        self._embedding = QTimer(self)  # the embedding runs for hours on a big vault
        self._embedding.setInterval(EMBEDDING_POLL_MS)
        self._embedding.timeout.connect(self._show_embedding)
        self._workspace: Workspace | None = None
        self.route = RouteIndicator()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        widgets = (self.engine, self.gpu, self.index, self.progress, self.vectors, self.route)
        for widget in widgets:
            layout.addWidget(widget)
        bar.addPermanentWidget(self)

    def show_engine(self, name: str, model: str) -> None:
        self.engine.setText(f"{name} · {model}")
        self.engine.setToolTip(
            self.tr("Local engine: {name}\nModel: {model}").format(name=name, model=model)
        )

    def show_engine_problem(self, message: str) -> None:
        self.engine.setText(self.tr("Engine: not ready"))
        self.engine.setToolTip(message)

    def show_hardware(self, profile: HardwareProfile) -> None:
        label, detail = describe_gpu(profile)
        self.gpu.setText(label)
        self.gpu.setToolTip(detail)

    def show_residency(self, loaded: list[Residency]) -> None:
        """Where Ollama keeps the loaded model: the GPU actually in use for answers."""
        if not loaded:
            return
        first = loaded[0]
        share = round(first.gpu_fraction * 100)
        if share:
            self.gpu.setText(
                self.tr("GPU: {share} % of {model}").format(share=share, model=first.name)
            )
        else:
            self.gpu.setText(self.tr("Model on CPU"))
        self.gpu.setToolTip("\n".join(r.describe() for r in loaded))

    def probe_residency(self, host: str, probe_ops: Ops) -> None:
        """Ask Ollama (``/api/ps``) where its loaded models sit; errors just leave the
        label as it was."""

        def look(_ctx: OpContext) -> list[Residency]:
            from agent.engines.ollama_manager import shared_manager

            return shared_manager(host).residency()

        probe_ops.run(look, on_success=self.show_residency)

    def show_index(self, stats: dict[str, Any]) -> None:
        by_source: dict[str, int] = {}
        for root in stats.get("roots", []):
            by_source[root["source"]] = by_source.get(root["source"], 0) + root["documents"]
        notes = by_source.pop("notes", 0)
        messages = sum(by_source.values())  # mail: mbox, Maildir, IMAP
        text = self.tr("{count} notes indexed", "", notes).format(count=f"{notes:,}")
        if messages:
            text = self.tr("{notes} notes, {count} messages indexed", "", messages).format(
                notes=f"{notes:,}", count=f"{messages:,}"
            )
        self.index.setText(text)
        documents, chunks = stats.get("documents", 0), stats.get("chunks", 0)
        tip = self.tr("{count} documents", "", documents).format(count=f"{documents:,}")
        tip += self.tr(", ") + self.tr("{count} passages", "", chunks).format(count=f"{chunks:,}")
        problems = len(stats.get("errors", []))
        if problems:
            tip += "\n" + self.tr("{count} file(s) could not be read", "", problems).format(
                count=problems
            )
        self.index.setToolTip(tip)

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.show()
        self.index.setText(
            self.tr("Indexing {done}/{total}").format(done=f"{done:,}", total=f"{total:,}")
        )

    def end_progress(self) -> None:
        self.progress.hide()

    def track_embedding(self, workspace: Workspace) -> None:
        """Show the background embedding's progress (or why it stopped) until it is done.
        It reads two attributes the embedding thread sets: no database work."""
        self._workspace = workspace
        self._show_embedding()
        self._embedding.start()

    def _show_embedding(self) -> None:
        ws = self._workspace
        progress = None if ws is None else ws.embedding_progress
        error = None if ws is None else ws.embedding_error
        if error is not None:
            self.vectors.setText(self.tr("Search by meaning paused"))
            self.vectors.setToolTip(
                self.tr(
                    "Embedding passages stopped: {reason}\n"
                    "Keyword search still covers everything; see the log file for details."
                ).format(reason=describe_error(error)[0])
            )
        elif progress is not None and progress[1]:
            done, total = progress
            self.vectors.setText(
                self.tr("Embedding {percent} %").format(percent=done * 100 // total)
            )
            self.vectors.setToolTip(
                self.tr(
                    "{done} of {count} new passages ready for search by meaning; "
                    "keyword search covers the rest meanwhile",
                    "",
                    total,
                ).format(done=f"{done:,}", count=f"{total:,}")
            )
        else:
            self.vectors.hide()
            if progress is None:  # idle, nothing failed: done until the next index run
                self._embedding.stop()
            return
        self.vectors.show()

    def probe(
        self,
        workspace: Workspace,
        store_ops: Ops,
        probe_ops: Ops,
        *,
        on_error: Callable[[Exception], None],
        on_hardware: Callable[[HardwareProfile], None],
        on_store_open: Callable[[], None],
    ) -> None:
        def engine_and_index(_ctx: OpContext) -> tuple[str, str, dict[str, Any]]:
            stats = index_stats(workspace.store)  # opens (and migrates) the database first
            engine = workspace.engine
            return engine.name, engine.model, stats

        def done(result: tuple[str, str, dict[str, Any]]) -> None:
            name, model, stats = result
            self.show_engine(name, model)
            self.show_index(stats)

        def failed(error: Exception) -> None:
            self.show_engine_problem(describe_error(error)[0])
            on_error(error)

        store_ops.run(
            engine_and_index, on_success=done, on_failure=failed, on_finished=on_store_open
        )

        def hardware(profile: HardwareProfile) -> None:
            self.show_hardware(profile)
            on_hardware(profile)

        probe_ops.run(lambda _ctx: detect(), on_success=hardware)

    def probe_index(self, workspace: Workspace, store_ops: Ops) -> None:
        store_ops.run(lambda _ctx: index_stats(workspace.store), on_success=self.show_index)
