"""IMAP accounts in Settings › Sources: list, add (the password goes to the OS keyring,
never the settings file), remove. Adding talks to the keyring and removing prunes the
index, so both run on workers; syncing the mail is ``fanous sync`` for now."""

from __future__ import annotations

from typing import Any

from agent import mail_accounts
from agent.workspace import Workspace
from desktop.chat_widgets import describe_error
from desktop.ops import Ops
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

__all__ = ["MailAccountsBox"]


class MailAccountsBox(QGroupBox):
    def __init__(
        self,
        workspace: Workspace,
        *,
        keyring_ops: Ops,
        store_ops: Ops,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Mail accounts (IMAP)", parent)
        self.setObjectName("mailAccounts")
        self._workspace = workspace
        self._keyring_ops = keyring_ops
        self._store_ops = store_ops
        self.accounts = QListWidget()
        self.accounts.setObjectName("mailAccountList")
        self.accounts.setAccessibleName("Mail accounts")
        self.accounts.setMaximumHeight(70)
        self.host = self._line("imapHost", "Server", "imap.example.com")
        self.user = self._line("imapUser", "User name", "you@example.com")
        self.password = self._line("imapPassword", "Password", "stored in the OS keyring")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.port = QSpinBox()
        self.port.setObjectName("imapPort")
        self.port.setAccessibleName("Port")
        self.port.setRange(1, 65535)
        self.port.setValue(993)
        self.security = QComboBox()
        self.security.setObjectName("imapSecurity")
        self.security.setAccessibleName("Security")
        self.security.addItem("SSL/TLS (IMAPS)", "ssl")
        self.security.addItem("STARTTLS", "starttls")
        self.security.currentIndexChanged.connect(
            lambda _i: self.port.setValue(993 if self.security.currentData() == "ssl" else 143)
        )
        self.add_button = QPushButton("Add account")
        self.add_button.setObjectName("addMailAccount")
        self.add_button.setAccessibleName("Add mail account")
        self.add_button.clicked.connect(lambda _checked=False: self.add())
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeMailAccount")
        self.remove_button.setAccessibleName("Remove mail account")
        self.remove_button.clicked.connect(lambda _checked=False: self.remove())
        self.message = QLabel()
        self.message.setObjectName("mailMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        form = QFormLayout()
        form.addRow("Server", self.host)
        port_row = QHBoxLayout()
        port_row.addWidget(self.port)
        port_row.addWidget(self.security, 1)
        form.addRow("Port", port_row)
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
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
            self.message.setText("Server, user name and password are all needed")
            return
        account = mail_accounts.ImapAccount(
            host=host, user=user, port=self.port.value(), security=self.security.currentData()
        )
        workspace = self._workspace
        self.password.clear()
        self.message.setText("Saving…")
        self._keyring_ops.run(
            lambda _ctx: mail_accounts.add_account(workspace, account, password),
            on_success=lambda a: self.message.setText(
                f"Added {a.name}; sync it with `fanous sync`"
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
                f"Removed {r[0].name} and {r[1]} messages only it had"
            ),
            on_failure=self._fail,
            on_finished=self.refresh,
        )
