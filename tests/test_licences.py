"""The licences of what the installers bundle (installer/licences.py): every component of
the app's dependency tree is compatible with Apache-2.0, a copyleft one fails the check,
and the third-party notices file carries each one's licence text."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("licences", ROOT / "installer" / "licences.py")
licences = sys.modules.setdefault("licences", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(licences)


@pytest.mark.parametrize(
    ("expression", "allowed"),
    [
        ("MIT", True),
        ("Apache-2.0 OR BSD-3-Clause", True),
        ("BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0", True),
        ("LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only", True),  # PySide6: the LGPL branch
        ("MPL-2.0", True),
        ("GPL-2.0-or-later WITH Bootloader-exception", True),
        ("GPL-3.0-or-later", False),  # html2text's licence
        ("MIT AND GPL-3.0-only", False),
        ("(MIT OR GPL-3.0-only) AND AGPL-3.0-only", False),
        ("AGPL-3.0-only", False),
        ("SSPL-1.0", False),
        ("GPL-2.0-only WITH Some-unknown-exception", False),
        ("LicenseRef-Proprietary", False),  # unknown: a person reads it first
        ("", False),
    ],
)
def test_licence_expressions_are_judged_as_spdx(expression: str, allowed: bool) -> None:
    assert licences.judge(expression)[0] is allowed


def test_the_bundle_is_compatible_with_apache_2_and_has_notices(tmp_path: Path) -> None:
    components, missing = licences.bundled()
    assert missing == []
    names = {c.name.lower().replace("_", "-") for c in components}
    assert {"pyside6-essentials", "llama-cpp-python", "selectolax", "python"} <= names
    assert "html2text" not in names  # GPL-3.0: replaced by selectolax
    assert licences.check(components) == []
    out = tmp_path / "THIRD_PARTY_NOTICES.txt"
    done = subprocess.run([sys.executable, str(ROOT / "installer" / "licences.py"),
                           "--notices", str(out)], capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text and "Version 3, 29 June 2007" in text
    for c in components:
        assert f"{c.name} {c.version} — {c.licence}" in text


def test_a_copyleft_dependency_fails_the_check() -> None:
    gpl = licences.Component("html2text", "2025.4.15", "GPL-3.0-or-later")
    mit = licences.Component("selectolax", "1.0.2", "MIT")
    problems = licences.check([mit, gpl])
    assert len(problems) == 1 and problems[0].startswith("html2text 2025.4.15: GPL-3.0")
    assert "copyleft" in problems[0]
