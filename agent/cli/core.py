"""The core subcommands: index, ask, search, doctor (models: agent/cli/models.py)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent import __version__
from agent.cli.common import (
    ProgressLine,
    StatusLine,
    embed_passages,
    open_workspace,
    parse_date,
    print_json,
    warn,
)
from agent.workspace import source_fix
from contracts.errors import ConnectorError, FanousError, InputError, StorageError

if TYPE_CHECKING:
    from agent.grounding import Grounding
    from agent.index.hits import Hit

__all__ = ["register"]


def _index_notes(
    ws: Any, folders: Sequence[str], *, quiet: bool, failed: list[Any] | None = None
) -> list[Any]:
    """Index each folder. With ``failed``, a folder that cannot be read (gone since it
    was added) is reported there, with its fix, and the others are still indexed."""
    reports = []
    for folder in folders:
        bar = ProgressLine("Indexing", unit="files")
        try:
            report = ws.index_notes(folder, progress=bar)
        except ConnectorError as e:
            if failed is None:
                raise
            failed.append((folder, e))
            continue
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
    if args.mail:  # mbox / Maildir / .eml paths: agent/cli/mail.py
        from agent.cli.mail import index_mail_paths

        code = index_mail_paths(ws, args.mail, as_json=args.json)
        if not args.notes:
            if not args.no_embed:
                embed_passages(ws, quiet=args.json)
            return code
    folders = [ws.add_notes_folder(f) for f in args.notes] or ws.settings.notes_folders
    if not folders:
        print("No notes folders yet: fanous index --notes ~/Notes", file=sys.stderr)
        return 1
    failed: list[tuple[str, ConnectorError]] = []
    reports = _index_notes(ws, folders, quiet=args.json, failed=failed)
    if not args.no_embed:
        embed_passages(ws, quiet=args.json)
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
            + [{"root": f, "failed": e.message, "fix": source_fix(f, e)} for f, e in failed]
        )
    for folder, error in failed:
        print(f"error: {error.message}", file=sys.stderr)
        print(f"  fix: {source_fix(folder, error)}", file=sys.stderr)
    if args.watch and not failed:
        return _watch(ws, folders, embed=not args.no_embed)
    return 1 if failed else 0


_STAGES = {
    "first tier": "Search by meaning, first pass",
    "candidates": "Embedding the question's passages",
    "rest": "Embedding the rest",
}


def _prepare(ws: Any, question: str, *, root: str | None, source: str | None, quiet: bool) -> Any:
    """First use: embed what the question needs, with progress on stderr; the
    coverage the answer had (None without an embedder)."""
    bars: dict[str, ProgressLine] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in bars:
            for bar in bars.values():
                bar.close()
            bars[stage] = ProgressLine(_STAGES.get(stage, stage), unit="passages")
        bars[stage](done, total)

    try:
        coverage = ws.prepare_question(question, root=root, source=source, progress=progress)
    except FanousError as e:  # the answer still comes, from keywords
        warn(f"search by meaning is not available ({e.message}); using keywords")
        return None
    finally:
        for bar in bars.values():
            bar.close()
    if coverage is not None and not quiet and not coverage.complete:
        print(
            f"Search by meaning: {coverage.embedded:,} of {coverage.passages:,} passages "
            f"with the full model ({coverage.embedded_now:,} just now), the rest by a "
            "faster first pass and keywords; `fanous index` embeds them all.",
            file=sys.stderr,
        )
    return coverage


def _watch(ws: Any, folders: Sequence[str], *, embed: bool) -> int:
    """Keep the index current as notes change, until Ctrl-C."""
    import time

    from agent.index.live import LiveIndex
    from connectors.notes import NotesFolder

    def report(r: Any) -> None:
        print(f"{r.root}: {r.summary()}", file=sys.stderr)
        for path, reason in r.errors[:20]:
            print(f"  ! {path}: {reason}", file=sys.stderr)

    lives = [
        LiveIndex(
            str(ws.paths.database),
            NotesFolder(f),
            embedder=ws.embedder if embed else None,
            after_index=report,
        ).start()
        for f in folders
    ]
    print(f"Watching {len(lives)} folder(s) for changes; Ctrl-C to stop.", file=sys.stderr)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        for live in lives:
            live.stop()
    return 0


def _nothing_indexed(ws: Any) -> None:
    """Searching an empty index finds nothing: say how to fill it instead."""
    from agent.index.search import index_stats

    if not index_stats(ws.store)["documents"]:
        raise InputError(
            "Nothing is indexed yet, so there is nothing to search",
            fix="add your notes with `fanous index --notes ~/Notes`, or mail with "
            "`fanous index --mail PATH`",
        )


def cmd_search(args: argparse.Namespace) -> int:
    from agent.index.search import search, with_mail_headers
    from agent.question import check_query

    query = check_query(args.query)  # before any work: an empty query is an error
    if query.note:
        warn(query.note)
    ws = open_workspace()
    if args.notes:
        _index_notes(ws, [args.notes], quiet=True)
    _nothing_indexed(ws)
    coverage = None
    if args.mode != "keyword":
        coverage = _prepare(
            ws, query.text, root=_root_of(args.notes), source=args.source, quiet=args.json
        )
    folder = args.folder
    if folder and (os.path.isabs(folder) or os.path.isdir(folder)):
        folder = str(Path(folder).expanduser().resolve())
    hits = search(
        ws.store,
        query.text,
        limit=args.limit,
        source=args.source,
        root=_root_of(args.notes),
        folder=folder,
        tag=args.tag,
        after=parse_date(args.after) if args.after else None,
        before=parse_date(args.before, end=True) if args.before else None,
        mode=args.mode,
        embedder=ws.embedder if args.mode != "keyword" else None,
    )
    hits = with_mail_headers(ws.store, hits)  # a message is named by From, Date, Subject
    if args.json:
        print_json(
            {
                "query": query.text,
                "results": [{**h.citation(), "text": h.text} for h in hits],
                "coverage": None if coverage is None else coverage.to_json(),
            }
        )
        return 0
    if not hits:
        print("No matching passages.")
    for n, hit in enumerate(hits, start=1):
        print(f"{n}. [{hit.score:.4g}] {hit.where()}")
        snippet = " ".join(hit.text.split())
        print(f"   {snippet[:200]}{'…' if len(snippet) > 200 else ''}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from agent.actions import model_tools
    from agent.chat import local_window
    from agent.cli.actions import turn_proposals
    from agent.cli.cloud import confirm_on_terminal
    from agent.engines.base import CancelToken
    from agent.question import check_question, question_budget

    check_question(args.question)  # an empty question is an error before any work
    ws = open_workspace()
    s = ws.settings
    budget = question_budget(local_window(ws.engine), passages=s.context_passages,
                             answer_tokens=s.max_answer_tokens)  # fmt: skip
    question = check_question(args.question, max_tokens=budget)
    if question.note:
        warn(question.note)
    if args.notes:
        try:
            _index_notes(ws, [args.notes], quiet=True)
        except StorageError as e:
            if ws.store.read_only is None:
                raise
            warn(f"{e.message}: answering from the index as it was")  # disk full
    _nothing_indexed(ws)
    coverage = _prepare(
        ws, question.text, root=_root_of(args.notes), source=args.source, quiet=args.json
    )
    cancel = CancelToken()
    status = StatusLine()  # what is happening before the answer, on a terminal's stderr

    try:
        answer = ws.ask(
            question.text,
            on_token=None if args.json else status.token,
            on_status=status.show,
            cancel=cancel,
            root=_root_of(args.notes),
            source=args.source,
            force=args.force,
            coverage=coverage,
            confirm=confirm_on_terminal,  # asked only when the route needs it
            tools=model_tools.offer(args.question, ws.engine),  # only the actions asked for
        )
    except KeyboardInterrupt:
        cancel.cancel()
        raise
    finally:
        status.close()
    if args.json:
        print_json({**answer.to_json(), "proposals": turn_proposals(ws, args.question, answer)})
        return 0
    # Only the checked answer reaches stdout: a draft the check rejected never does.
    print(answer.text)
    if answer.grounding is not None:
        print(f"\n{describe(answer.grounding, [s.hit for s in answer.sources])}")
    if answer.sources:
        print("\nSources:")
        for n, source in enumerate(answer.sources, start=1):
            print(f"  [{n}] {source.hit.where()}")
    speed = f", {answer.tokens_per_second:.0f} tokens/s" if answer.tokens_per_second else ""
    print(
        f"\n({answer.route.kind}: {answer.route.reason}; {answer.engine} {answer.model}{speed})",
        file=sys.stderr,
    )
    if answer.not_saved:
        warn(f"this answer is not in your history: {answer.not_saved}")
    turn_proposals(ws, args.question, answer, ask=True)
    return 0


def describe(g: Grounding, hits: list[Hit]) -> str:
    """The grounding verdict as the CLI shows it under the answer; a quoted message is
    named by From, Date and Subject as its source line is."""
    label = {
        "quoted": "Quoted from your notes",
        "supported": "Every fact checked against your notes",
        "unsupported": "The model's answer was not backed by your notes",
        "not_found": "Not in your notes",
    }[g.verdict]
    by_chunk = {h.chunk_id: h for h in hits}
    where = "; ".join(
        replace(by_chunk[s.chunk_id], start=s.start, end=s.end).where()
        if s.chunk_id in by_chunk and by_chunk[s.chunk_id].mail is not None
        else f"{s.path or s.uri}{' › ' + s.heading_path if s.heading_path else ''}"
        f" (chars {s.start}–{s.end})"
        for s in g.spans
    )
    lines = [f"[{label}]" + (f" {where}" if where else "")]
    if g.note:
        lines.append(g.note)
    return "\n".join(lines)


def cmd_doctor(args: argparse.Namespace) -> int:
    from agent.doctor import run_checks

    if args.capture:
        from agent.hardware_capture import capture

        saved = capture(Path(args.capture))
        print(f"Recorded {len(saved)} files of hardware tool output in {args.capture}:")
        for path in saved:
            print(f"  {path}")
        print("They hold hardware names and sizes only; attach them to a bug report.")
        return 0
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


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    index = sub.add_parser("index", help="index notes folders (incremental)")
    index.add_argument(
        "--notes",
        action="append",
        default=[],
        metavar="DIR",
        help="a notes folder to add and index (repeatable); "
        "without it, re-index every folder added before",
    )
    index.add_argument(
        "--mail",
        action="append",
        default=[],
        metavar="PATH",
        help="an mbox file, a Maildir, an .eml file or a folder of them to add and index "
        "(repeatable)",
    )
    index.add_argument("--json", action="store_true", help="print a machine-readable report")
    index.add_argument(
        "--watch",
        action="store_true",
        help="after indexing, keep watching the folders and index every change live",
    )
    index.add_argument(
        "--no-embed",
        action="store_true",
        help="skip embedding passages (keyword search only until the next index)",
    )
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
        if name == "ask":
            where = c.add_mutually_exclusive_group()
            where.add_argument(
                "--cloud", dest="force", action="store_const", const="cloud",
                help="ask the cloud model (when cloud escalation is on)",
            )  # fmt: skip
            where.add_argument(
                "--local", dest="force", action="store_const", const="local",
                help="keep this question on this machine",
            )  # fmt: skip
        if name == "search":
            c.add_argument("--limit", type=int, default=10, help="how many passages")
            c.add_argument(
                "--mode",
                choices=["hybrid", "keyword", "vector"],
                help="how to rank: hybrid (keywords and meaning, fused; the default when "
                "the embedding model is installed), keyword (BM25) or vector",
            )
            c.add_argument(
                "--folder",
                help="only notes under this folder (a path, or "
                "a folder name relative to a notes root)",
            )
            c.add_argument("--tag", help="only notes with this tag (nested tags included)")
            c.add_argument("--after", metavar="DATE", help="only notes dated on or after")
            c.add_argument("--before", metavar="DATE", help="only notes dated on or before")
        c.set_defaults(run=cmd_ask if name == "ask" else cmd_search)

    doctor = sub.add_parser("doctor", help="check engine, GPU, keyring, index and paths")
    doctor.add_argument("--json", action="store_true")
    doctor.add_argument(
        "--capture",
        metavar="DIR",
        help="record the raw output of the hardware tools (nvidia-smi, amd-smi, rocm-smi, "
        "sysctl, /proc, sysfs) and the profile made of it into DIR, for a bug report",
    )
    doctor.set_defaults(run=cmd_doctor)
