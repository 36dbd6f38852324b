"""The core subcommands: index, ask, search, models, doctor."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from agent import __version__
from agent.cli.common import ProgressLine, open_workspace, print_json
from agent.errors import FanousError

__all__ = ["register"]


def _index_notes(ws: Any, folders: Sequence[str], *, quiet: bool) -> list[Any]:
    reports = []
    for folder in folders:
        bar = ProgressLine("Indexing")
        try:
            report = ws.index_notes(folder, progress=bar)
        finally:
            bar.close()
        reports.append(report)
        if not quiet:
            print(f"{report.root}: {report.summary()}", file=sys.stderr)
            for path, reason in report.errors[:20]:
                print(f"  ! {path}: {reason}", file=sys.stderr)
            if len(report.errors) > 20:
                print(f"  … and {len(report.errors) - 20} more", file=sys.stderr)
    return reports


def _root_of(folder: str | None) -> str | None:
    from connectors.notes import NotesFolder

    return NotesFolder(folder).root if folder else None


def cmd_index(args: argparse.Namespace) -> int:
    ws = open_workspace()
    folders = [ws.add_notes_folder(f) for f in args.notes] or ws.settings.notes_folders
    if not folders:
        print("No notes folders yet: fanous index --notes ~/Notes", file=sys.stderr)
        return 1
    reports = _index_notes(ws, folders, quiet=args.json)
    if args.json:
        print_json(
            [
                {
                    "root": r.root,
                    "scanned": r.scanned,
                    "added": r.added,
                    "updated": r.updated,
                    "unchanged": r.unchanged,
                    "removed": r.removed,
                    "errors": [{"path": p, "reason": why} for p, why in r.errors],
                    "seconds": round(r.seconds, 3),
                }
                for r in reports
            ]
        )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from agent.index.search import search

    ws = open_workspace()
    if args.notes:
        _index_notes(ws, [args.notes], quiet=True)
    hits = search(
        ws.store, args.query, limit=args.limit, source=args.source, root=_root_of(args.notes)
    )
    if args.json:
        print_json(
            {"query": args.query, "results": [{**h.citation(), "text": h.text} for h in hits]}
        )
        return 0
    if not hits:
        print("No matching passages.")
    for n, hit in enumerate(hits, start=1):
        where = hit.path or hit.uri
        heading = f" — {hit.heading_path}" if hit.heading_path else ""
        print(f"{n}. [{hit.score:.2f}] {where}{heading} (chars {hit.start}–{hit.end})")
        snippet = " ".join(hit.text.split())
        print(f"   {snippet[:200]}{'…' if len(snippet) > 200 else ''}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from agent.engines.base import CancelToken

    ws = open_workspace()
    if args.notes:
        _index_notes(ws, [args.notes], quiet=True)
    cancel = CancelToken()

    def stream(text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    try:
        answer = ws.ask(
            args.question,
            on_token=None if args.json else stream,
            cancel=cancel,
            root=_root_of(args.notes),
            source=args.source,
        )
    except KeyboardInterrupt:
        cancel.cancel()
        raise
    if args.json:
        print_json(answer.to_json())
        return 0
    print()
    if answer.sources:
        print("\nSources:")
        for n, source in enumerate(answer.sources, start=1):
            hit = source.hit
            heading = f" — {hit.heading_path}" if hit.heading_path else ""
            print(f"  [{n}] {hit.path or hit.uri}{heading} (chars {hit.start}–{hit.end})")
    speed = f", {answer.tokens_per_second:.0f} tokens/s" if answer.tokens_per_second else ""
    print(
        f"\n({answer.route.kind}: {answer.route.reason}; {answer.engine} {answer.model}{speed})",
        file=sys.stderr,
    )
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from agent.engines.embedded import EmbeddedEngine
    from agent.engines.ollama import OllamaEngine

    ws = open_workspace()
    s = ws.settings
    embedded = [
        {"engine": "embedded", "name": m.name, "size_bytes": m.size_bytes, **m.details}
        for m in EmbeddedEngine(s.embedded_model).models()
    ]
    ollama_engine = OllamaEngine(s.ollama_host, s.ollama_model)
    try:
        ollama = [
            {"engine": "ollama", "name": m.name, "size_bytes": m.size_bytes}
            for m in ollama_engine.models()
        ]
    except FanousError:
        ollama = []
    active = ws.engine
    data = {"active": {"engine": active.name, "model": active.model}, "models": embedded + ollama}
    if args.json:
        print_json(data)
        return 0
    print(f"Answering with: {active.name} / {active.model}")
    for m in data["models"]:
        size = f"{m['size_bytes'] / 2**20:.0f} MB" if m.get("size_bytes") else ""
        print(f"  {m['engine']:<9} {m['name']:<32} {size}")
    if not ollama:
        print("  (Ollama is not running: only the embedded models are available)")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from agent.doctor import run_checks

    checks = run_checks(open_workspace())
    if args.json:
        print_json({"version": __version__, "checks": [c.to_json() for c in checks]})
    else:
        marks = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}
        for c in checks:
            print(f"[{marks[c.verdict]}] {c.name}: {c.detail}")
            if c.fix and c.verdict != "ok":
                print(f"       fix: {c.fix}")
    return 1 if any(c.verdict == "fail" for c in checks) else 0


def register(sub: argparse._SubParsersAction) -> None:
    index = sub.add_parser("index", help="index notes folders (incremental)")
    index.add_argument(
        "--notes",
        action="append",
        default=[],
        metavar="DIR",
        help="a notes folder to add and index (repeatable); "
        "without it, re-index every folder added before",
    )
    index.add_argument("--json", action="store_true", help="print a machine-readable report")
    index.set_defaults(run=cmd_index)

    for name, helptext, arg in (
        ("ask", "answer a question from your notes", "question"),
        ("search", "show the passages that match", "query"),
    ):
        c = sub.add_parser(name, help=helptext)
        c.add_argument(arg)
        c.add_argument(
            "--notes", metavar="DIR", help="index this folder first (incremental) and use only it"
        )
        c.add_argument("--source", choices=["notes", "mail"], help="only this kind of source")
        c.add_argument("--json", action="store_true", help="print machine-readable JSON")
        if name == "search":
            c.add_argument("--limit", type=int, default=10, help="how many passages")
        c.set_defaults(run=cmd_ask if name == "ask" else cmd_search)

    models = sub.add_parser("models", help="list local models and the one in use")
    models.add_argument("--json", action="store_true")
    models.set_defaults(run=cmd_models)

    doctor = sub.add_parser("doctor", help="check engine, GPU, keyring, index and paths")
    doctor.add_argument("--json", action="store_true")
    doctor.set_defaults(run=cmd_doctor)
