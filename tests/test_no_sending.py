"""Fanous contains no code that sends mail, and only the action gate's IMAP module writes
to a mailbox.

Read from the source (every Python file Fanous ships or runs), so a later change that
adds sending fails here, and checked at run time: importing all of Fanous loads no SMTP
client."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ["agent", "connectors", "desktop", "installer", "scripts"]
SENDING_MODULES = {"smtplib", "aiosmtplib", "smtpd", "aiosmtpd", "yagmail", "sendgrid"}
SENDING_NAMES = {"SMTP", "SMTP_SSL", "LMTP", "sendmail", "send_message"}
SMTP_COMMANDS = ("MAIL FROM:", "RCPT TO:", "EHLO ", "HELO ")
# The IMAP commands that change a mailbox, and the one module allowed to issue them.
IMAP_WRITES = {"append", "store", "expunge", "create", "delete", "rename", "copy", "move"}
IMAP_WRITER = ROOT / "agent" / "actions" / "imap_drafts.py"


def python_files() -> list[Path]:
    files = []
    for top in SHIPPED:
        files += [p for p in (ROOT / top).rglob("*.py") if ".venv" not in p.parts]
    files += [p for p in (ROOT / "scripts").iterdir() if p.is_file() and p.suffix == ""]
    return files


def parsed(path: Path) -> ast.AST | None:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix != ".py" and not text.startswith("#!/usr/bin/env python"):
        return None
    return ast.parse(text, filename=str(path))


def _sending(node: ast.AST) -> list[str]:
    """What in one syntax node would send mail: an SMTP module imported, an SMTP name
    used, or SMTP's own commands written out."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] in SENDING_MODULES]
    if isinstance(node, ast.ImportFrom):
        module = [node.module] if (node.module or "").split(".")[0] in SENDING_MODULES else []
        return module + [a.name for a in node.names if a.name in SENDING_NAMES]
    if isinstance(node, ast.Attribute) and node.attr in SENDING_NAMES:
        return [node.attr]
    if isinstance(node, ast.Name) and node.id in SENDING_NAMES:
        return [node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [w for w in SMTP_COMMANDS if w in node.value.upper()]
    return []


def test_no_module_imports_or_calls_anything_that_sends_mail() -> None:
    found = []
    for path in python_files():
        tree = parsed(path)
        for node in ast.walk(tree) if tree is not None else ():
            found += [f"{path.relative_to(ROOT)}:{node.lineno}: {n}" for n in _sending(node)]
    assert found == []
    assert len(python_files()) > 100  # the scan saw the code base, not an empty folder


def _imap_writes(tree: ast.AST) -> list[int]:
    """Lines of a module using imaplib that call a command changing a mailbox."""
    uses = any(
        isinstance(n, ast.Import | ast.ImportFrom) and "imaplib" in ast.unparse(n)
        for n in ast.walk(tree)
    )
    lines = []
    for node in ast.walk(tree) if uses else ():
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name, args = node.func.attr.lower(), node.args
        first = args[0].value if args and isinstance(args[0], ast.Constant) else None
        if (
            (name == "uid" and str(first).lower() in IMAP_WRITES)
            or (name == "append" and len(args) == 4)  # mailbox, flags, date, message
            or (name in IMAP_WRITES - {"append"} and args)
        ):
            lines.append(node.lineno)
    return lines


def test_only_the_gate_writes_to_a_mailbox() -> None:
    writers = []
    for path in python_files():
        tree = parsed(path)
        if tree is not None and path != IMAP_WRITER:
            writers += [f"{path.relative_to(ROOT)}:{n}" for n in _imap_writes(tree)]
    assert writers == []
    assert len(_imap_writes(parsed(IMAP_WRITER))) >= 3  # APPEND, STORE, EXPUNGE: it sees them
    assert ".close()" not in IMAP_WRITER.read_text(encoding="utf-8")  # CLOSE expunges all


def test_importing_all_of_fanous_loads_no_smtp_client() -> None:
    code = (
        "import pkgutil, importlib, sys\n"
        "for top in ('agent', 'connectors'):\n"
        "    pkg = importlib.import_module(top)\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, top + '.'):\n"
        "        if not m.name.endswith('__main__'):\n"
        "            importlib.import_module(m.name)\n"
        "print(sorted(n for n in sys.modules if 'smtp' in n.lower()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
