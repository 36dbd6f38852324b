"""First run: what this machine can do, which model answers, which notes and mail to read.

A wizard over the main window, every page skippable: the hardware is detected on a
worker, the recommended local model is named (the embedded one answers with nothing to
install; without Ollama the model page explains how to install it, with a button that
opens the official download page), folders are picked, mail accounts and mail on disk
added (the same boxes as Settings › Sources: passwords go to the keyring), and the
indexing runs in the background with its progress shown here and in the status bar.
Finishing or cancelling records ``onboarded`` in the settings, so it is shown once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from contracts.errors import FanousError
from desktop.mail_box import MailAccountsBox, MailPathsBox
from desktop.models_box import OllamaModelsBox
from desktop.models_page import recommendation_text, recommended_chat
from desktop.qt import (
    QHBoxLayout,
    QListWidget,
    QProgressBar,
    QPushButton,
    QUrl,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from desktop.settings_page import note
from desktop.window_part import WindowHost

if TYPE_CHECKING:
    from desktop.ops import Op, Ops

__all__ = ["Onboarding", "OnboardingHost", "maybe_onboard"]


class OnboardingHost(WindowHost, Protocol):
    """What the wizard asks of the window beside ``WindowHost``."""

    @property
    def hardware(self) -> Any:
        """The detected ``HardwareProfile``; None until the window's probe has ended."""
        ...

    @property
    def probes(self) -> Ops:
        """The worker for probes that never touch the store (hardware, keyring)."""
        ...

    def choose_folder(self, parent: QWidget | None = None) -> str | None: ...
    def choose_mail_path(self, parent: QWidget | None, kind: str) -> str | None: ...
    def open_url(self, url: QUrl) -> bool: ...
    def reindex(self, folders: list[str] | None = None) -> Op | None: ...
    def sync_mail(self, paths: list[str] | None = None) -> Op: ...


class _MachinePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Welcome to Fanous"))
        self.setSubTitle(self.tr("Your notes, answered on this computer. Nothing leaves it."))
        self.hardware = note(self.tr("Detecting this machine…"), "onboardingHardware")
        self.model = note("", "onboardingModel")
        layout = QVBoxLayout(self)
        layout.addWidget(note(self.tr("This machine"), ""))
        layout.addWidget(self.hardware)
        layout.addSpacing(8)
        layout.addWidget(note(self.tr("The local model"), ""))
        layout.addWidget(self.model)
        layout.addStretch(1)

    def show_hardware(self, profile: Any) -> None:
        self.hardware.setText(profile.describe())
        self.model.setText(
            recommendation_text(profile)
            + "\n"
            + self.tr("The embedded model is ready now; it needs no download and no setup.")
        )


class _ModelPage(QWizardPage):
    """The embedded model answers now; with Ollama, pull the recommended one."""

    def __init__(self, host: str) -> None:
        super().__init__()
        self.setTitle(self.tr("A bigger local model (optional)"))
        self.setSubTitle(
            self.tr(
                "The built-in model already answers. With Ollama, a larger model fits this "
                "machine: pull it here, or skip and do it later in Settings › Models."
            )
        )
        self.host = host
        self.box: OllamaModelsBox | None = None
        self._layout = QVBoxLayout(self)

    def initializePage(self) -> None:
        if self.box is None:  # built when shown: it looks for Ollama on a worker
            wizard = self.wizard()
            window = wizard.window_ if isinstance(wizard, Onboarding) else None
            hardware = window.hardware if window is not None else None
            seams: dict[str, Any] = {"open_url": window.open_url} if window is not None else {}
            self.box = OllamaModelsBox(self.host, recommended=recommended_chat(hardware), **seams)
            self._layout.addWidget(self.box)
            self._layout.addStretch(1)


class _FoldersPage(QWizardPage):
    def __init__(self, wizard: Onboarding) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Your notes"))
        self.setSubTitle(
            self.tr("Pick the folders Fanous may read (Markdown, text, Obsidian vaults).")
        )
        self.folders = QListWidget()
        self.folders.setObjectName("onboardingFolders")
        self.folders.setAccessibleName(self.tr("Notes folders to index"))
        add = QPushButton(self.tr("Add folder…"))
        add.setObjectName("onboardingAddFolder")
        add.setAccessibleName(self.tr("Add notes folder"))
        add.clicked.connect(wizard.add_folder)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folders, 1)
        layout.addLayout(row)
        layout.addWidget(
            note(self.tr("You can add or remove folders later in Settings › Sources."))
        )


class _MailPage(QWizardPage):
    """IMAP accounts and mail on disk; a path added here is indexed in the background."""

    def __init__(self, window: OnboardingHost) -> None:
        super().__init__()
        self.setTitle(self.tr("Your mail (optional)"))
        self.setSubTitle(
            self.tr(
                "Add an IMAP account (the password goes to this computer's keyring) or mail "
                "on disk: an mbox file, a Maildir, or a folder of .eml files."
            )
        )
        ws = window.workspace
        self.accounts = MailAccountsBox(ws, keyring_ops=window.probes, store_ops=window.ops)
        self.paths = MailPathsBox(
            ws,
            store_ops=window.ops,
            sync_mail=window.sync_mail,
            choose_path=window.choose_mail_path,
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.accounts)
        layout.addWidget(self.paths)
        layout.addWidget(
            note(self.tr("Accounts are fetched with Settings › Sources › Sync mail now."))
        )


class _IndexPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Reading your notes"))
        self.setSubTitle(
            self.tr("This runs in the background: you can finish now and ask right away.")
        )
        self.progress = QProgressBar()
        self.progress.setObjectName("onboardingProgress")
        self.progress.setAccessibleName(self.tr("Indexing progress"))
        self.progress.setRange(0, 1)
        self.status = note(
            self.tr("No folders picked: add some later from File › Add notes folder…")
        )
        self.status.setObjectName("onboardingIndexStatus")
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)


class Onboarding(QWizard):
    def __init__(self, window: OnboardingHost) -> None:
        super().__init__(window.window())
        self.window_ = window
        self.setObjectName("onboarding")
        self.setWindowTitle(self.tr("Set up Fanous"))
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setButtonText(QWizard.WizardButton.CustomButton1, self.tr("Skip setup"))
        self.button(QWizard.WizardButton.CustomButton1).setObjectName("skipSetup")
        self.customButtonClicked.connect(lambda _which: self.reject())
        self.machine = _MachinePage()
        self.model_page = _ModelPage(window.workspace.settings.ollama_host)
        self.folders_page = _FoldersPage(self)
        self.mail_page = _MailPage(window)
        self.index_page = _IndexPage()
        pages = (self.machine, self.model_page, self.folders_page, self.mail_page, self.index_page)
        for page in pages:
            self.addPage(page)
        self.currentIdChanged.connect(self._entered)
        self.finished.connect(lambda _result: self._remember())
        self._indexed = False
        self.resize(640, 560)
        if window.hardware is not None:
            self.machine.show_hardware(window.hardware)
        else:
            window.probes.run(lambda _ctx: _detect(), on_success=self._hardware)

    def _hardware(self, profile: Any) -> None:
        self.machine.show_hardware(profile)

    def add_folder(self, folder: str | None = None) -> None:
        folder = folder or self.window_.choose_folder(self)
        if not folder:
            return
        try:
            root = self.window_.workspace.add_notes_folder(folder)
        except FanousError as e:
            self.folders_page.folders.addItem(f"{folder}: {e.message}")
            return
        widget = self.folders_page.folders
        if root not in [widget.item(i).text() for i in range(widget.count())]:
            widget.addItem(root)

    def folders(self) -> list[str]:
        widget = self.folders_page.folders
        chosen = [widget.item(i).text() for i in range(widget.count())]
        return [f for f in chosen if f in self.window_.workspace.settings.notes_folders]

    def _entered(self, page_id: int) -> None:
        if self.page(page_id) is self.index_page and not self._indexed:
            self._indexed = True
            folders = self.folders()
            if not folders:
                return
            op = self.window_.reindex(folders)
            if op is None:
                return
            page = self.index_page
            page.status.setText(self.tr("Indexing…"))
            op.progressed.connect(self._progress)
            op.succeeded.connect(lambda outcome: page.status.setText(outcome.status()))
            op.failed.connect(lambda error: page.status.setText(str(error)))

    def _progress(self, done: int, total: int, folder: str) -> None:
        self.index_page.progress.setRange(0, max(total, 1))
        self.index_page.progress.setValue(done)
        self.index_page.status.setText(
            self.tr("Indexing {done}/{count} files in {folder}…", "", total).format(
                done=done, count=total, folder=folder
            )
        )

    def _remember(self) -> None:
        if self.model_page.box is not None:
            self.model_page.box.shutdown()  # a pull runs on: stop it with the wizard
        settings = self.window_.workspace.settings
        if not settings.onboarded:
            settings.onboarded = True
            try:
                self.window_.workspace.save_settings()
            except FanousError as e:
                self.window_.show_error(e)


def _detect() -> Any:
    from agent.hardware import detect

    return detect()


def maybe_onboard(window: OnboardingHost) -> Onboarding | None:
    """Open the wizard (non-blocking) unless it was shown before."""
    if window.workspace.settings.onboarded:
        return None
    wizard = Onboarding(window)
    wizard.open()
    return wizard
