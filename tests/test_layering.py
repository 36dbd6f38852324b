"""The core never imports Qt: every module of contracts/, agent/ and connectors/ (and the
`fanous` launcher, which loads Qt only to open the window) imports with PySide6 made
unimportable. The rest of the layering is import-linter's contracts (.importlinter)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules(package: str) -> list[str]:
    return [
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in sorted((ROOT / package).rglob("*.py"))
    ]


def test_core_imports_without_qt() -> None:
    modules = _modules("contracts") + _modules("agent") + _modules("connectors")
    modules += ["desktop.launcher", "desktop.startup_check"]
    assert "agent.cli" in modules and "connectors.notes" in modules
    code = (
        "import sys, importlib\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6'):\n"
        "            raise ImportError('Qt is not allowed in the core: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "assert not any(k.startswith('PySide6') for k in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_desktop_talks_only_to_agent() -> None:
    banned = ("import httpx", "import sqlite3", "import keyring")
    for path in (ROOT / "desktop").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for line in banned:
            assert line not in text, f"{path.name} must not {line}"
