"""Mail sources in Settings › Sources and the first-run wizard: IMAP accounts (add: the
password goes to the OS keyring through the core, never the settings file; remove) and
mail on disk (mbox, Maildir, a folder of .eml; add: indexed in the background; remove).
Adding talks to the keyring and removing prunes the index, so both run on workers; the
sync itself is the main window's (``sync_mail``: progress in the status bar)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent import mail_accounts
from agent.workspace import Workspace
from desktop.chat_widgets import describe_error
from desktop.ops import Op, Ops
from desktop.pickers import pick
from desktop.qt import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
)

__all__ = ["MailAccountsBox", "MailPathsBox", "SyncMail", "choose_mail_path_dialog"]

# sync_mail(None) syncs every mail source; sync_mail([path]) indexes those paths only.
SyncMail = Callable[[list[str] | None], object]


def choose_mail_path_dialog(parent: QWidget | None, kind: str) -> str | None:
    """The real picker: a folder (Maildir, .eml files) or a file (mbox, .eml)."""
    if kind == "folder":
        return pick(parent, MailPathsBox.tr("Add a mail folder"), folder=True)
    return pick(
        parent,
        MailPathsBox.tr("Add a mail file"),
        folder=False,
        filters=MailPathsBox.tr("Mail (*.mbox *.mbx *.eml *.mbs);;All files (*)"),
    )


class MailAccountsBox(QGroupBox):
    def __init__(
        self,
        workspace: Workspace,
        *,
        keyring_ops: Ops,
        store_ops: Ops,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Mail accounts (IMAP)"))
        self.setObjectName("mailAccounts")
        self._workspace = workspace
        self._keyring_ops = keyring_ops
        self._store_ops = store_ops
        self.accounts = QListWidget()
        self.accounts.setObjectName("mailAccountList")
        self.accounts.setAccessibleName(self.tr("Mail accounts"))
        self.accounts.setMaximumHeight(70)
        self.host = self._line("imapHost", self.tr("Server"), "imap.example.com")
        self.user = self._line("imapUser", self.tr("User name"), "you@example.com")
        self.password = self._line(
            "imapPassword", self.tr("Password"), self.tr("stored in the OS keyring")
        )
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.folders = self._line(
            "imapFolders", self.tr("Folders"), self.tr("INBOX; * for all, comma separated")
        )
        self.folders.setText("INBOX")
        self.port = QSpinBox()
        self.port.setObjectName("imapPort")
        self.port.setAccessibleName(self.tr("Port"))
        self.port.setRange(1, 65535)
        self.port.setValue(993)
        self.security = QComboBox()
        self.security.setObjectName("imapSecurity")
        self.security.setAccessibleName(self.tr("Security"))
        self.security.addItem("SSL/TLS (IMAPS)", "ssl")
        self.security.addItem("STARTTLS", "starttls")
        self.security.currentIndexChanged.connect(
            lambda _i: self.port.setValue(993 if self.security.currentData() == "ssl" else 143)
        )
        self.add_button = QPushButton(self.tr("Add account"))
        self.add_button.setObjectName("addMailAccount")
        self.add_button.setAccessibleName(self.tr("Add mail account"))
        self.add_button.clicked.connect(lambda _checked=False: self.add())
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setObjectName("removeMailAccount")
        self.remove_button.setAccessibleName(self.tr("Remove mail account"))
        self.remove_button.clicked.connect(lambda _checked=False: self.remove())
        self.message = QLabel()
        self.message.setObjectName("mailMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        form = QFormLayout()
        form.addRow(self.tr("Server"), self.host)
        port_row = QHBoxLayout()
        port_row.addWidget(self.port)
        port_row.addWidget(self.security, 1)
        form.addRow(self.tr("Port"), port_row)
        form.addRow(self.tr("User"), self.user)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Folders"), self.folders)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.accounts)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.refresh()

    def _line(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        line = QLineEdit()
        line.setObjectName(name)
        line.setAccessibleName(accessible)
        line.setPlaceholderText(placeholder)
        return line

    def refresh(self) -> None:
        self.accounts.clear()
        try:
            names = [a.name for a in mail_accounts.list_accounts(self._workspace.settings)]
        except Exception as e:  # a broken entry in the file: say so, keep the page usable
            self._fail(e)
            names = []
        self.accounts.addItems(names)

    def names(self) -> list[str]:
        return [self.accounts.item(i).text() for i in range(self.accounts.count())]

    def _fail(self, error: Any) -> None:
        message, fix = describe_error(error)
        self.message.setText(f"{message} — {fix}" if fix else message)

    def add(self) -> None:
        host, user, password = self.host.text().strip(), self.user.text().strip(), ""
        password = self.password.text()
        if not host or not user or not password:
            self.message.setText(self.tr("Server, user name and password are all needed"))
            return
        folders = [f.strip() for f in self.folders.text().split(",") if f.strip()]
        account = mail_accounts.ImapAccount(
            host=host,
            user=user,
            port=self.port.value(),
            security=self.security.currentData(),
            folders=folders or ["INBOX"],
        )
        workspace = self._workspace
        self.password.clear()
        self.message.setText(self.tr("Saving…"))
        self._keyring_ops.run(
            lambda _ctx: mail_accounts.add_account(workspace, account, password),
            on_success=lambda a: self.message.setText(
                self.tr(
                    "Added {name}; the password is in the keyring. Sync it with “Sync mail now”."
                ).format(name=a.name)
            ),
            on_failure=self._fail,
            on_finished=self.refresh,
        )

    def remove(self) -> None:
        item = self.accounts.currentItem()
        if item is None:
            return
        name, workspace = item.text(), self._workspace
        self._store_ops.run(
            lambda _ctx: mail_accounts.remove_account(workspace, name),
            on_success=lambda r: self.message.setText(
                self.tr("Removed {name} and {count} messages only it had", "", r[1]).format(
                    name=r[0].name, count=r[1]
                )
            ),
            on_failure=self._fail,
            on_finished=self.refresh,
        )


class MailPathsBox(QGroupBox):
    """Mail on disk: each path added is indexed at once in the background."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        store_ops: Ops,
        sync_mail: SyncMail | None = None,
        choose_path: Callable[[QWidget | None, str], str | None] = choose_mail_path_dialog,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Mail on disk (mbox, Maildir, .eml)"))
        self.setObjectName("mailPaths")
        self._workspace = workspace
        self._store_ops = store_ops
        self._sync_mail = sync_mail
        self._choose_path = choose_path
        self.paths = QListWidget()
        self.paths.setObjectName("mailPathList")
        self.paths.setAccessibleName(self.tr("Mail on disk"))
        self.paths.setMaximumHeight(70)
        self.add_folder_button = QPushButton(self.tr("Add folder…"))
        self.add_folder_button.setObjectName("addMailFolder")
        self.add_folder_button.setAccessibleName(self.tr("Add a Maildir or a folder of .eml files"))
        self.add_folder_button.clicked.connect(lambda _checked=False: self.add(kind="folder"))
        self.add_file_button = QPushButton(self.tr("Add file…"))
        self.add_file_button.setObjectName("addMailFile")
        self.add_file_button.setAccessibleName(self.tr("Add an mbox or .eml file"))
        self.add_file_button.clicked.connect(lambda _checked=False: self.add(kind="file"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setObjectName("removeMailPath")
        self.remove_button.setAccessibleName(self.tr("Remove mail on disk"))
        self.remove_button.clicked.connect(lambda _checked=False: self.remove())
        self.message = QLabel()
        self.message.setObjectName("mailPathMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.add_file_button)
        buttons.addWidget(self.add_folder_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.paths)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.paths.clear()
        self.paths.addItems(self._workspace.settings.mail_paths)

    def names(self) -> list[str]:
        return [self.paths.item(i).text() for i in range(self.paths.count())]

    def _fail(self, error: Any) -> None:
        message, fix = describe_error(error)
        self.message.setText(f"{message} — {fix}" if fix else message)

    def add(self, path: str | None = None, *, kind: str = "folder") -> None:
        path = path or self._choose_path(self, kind)
        if not path:
            return
        try:  # a stat or two: checks the path is mail before it is kept
            root = mail_accounts.add_mail_path(self._workspace, path)
        except Exception as e:  # an actionable FanousError, or an unreadable path
            self._fail(e)
            return
        self.refresh()
        self.message.setText(self.tr("Indexing {path} in the background…").format(path=root))
        op = self._sync_mail([root]) if self._sync_mail is not None else None
        if isinstance(op, Op):
            op.succeeded.connect(self._indexed)
            op.failed.connect(self._fail)

    def _indexed(self, results: list[tuple[str, Any]]) -> None:
        for name, result in results:
            if isinstance(result, Exception):
                self._fail(result)
            else:
                self.message.setText(f"{name}: {result.summary()}")

    def remove(self) -> None:
        item = self.paths.currentItem()
        if item is None:
            return
        path, workspace = item.text(), self._workspace
        self._store_ops.run(
            lambda _ctx: mail_accounts.remove_mail_path(workspace, path),
            on_success=lambda n: self.message.setText(
                self.tr("Removed {name} and {count} messages only it had", "", n).format(
                    name=path, count=n
                )
            ),
            on_failure=self._fail,
            on_finished=self.refresh,
        )
