"""`fanous models`: list the local models, pull, remove, roll back, and recommend.

``fanous models`` (and ``--json``) lists what can answer; the subcommands manage Ollama's
models, starting ``ollama serve`` when Ollama is installed but not running.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import TYPE_CHECKING, Any

from agent.cli.common import ProgressLine, open_workspace, print_json
from agent.monitor.answer_set import SHORT_SHIPPED
from contracts.errors import FanousError

if TYPE_CHECKING:
    from agent.engines.ollama_manager import OllamaManager
    from agent.engines.ollama_models import PullProgress
    from agent.monitor.update_gate import GateResult
    from agent.workspace import Workspace

__all__ = ["register"]


def _manager(ws: Workspace) -> OllamaManager:
    from agent.engines.ollama_manager import shared_manager
    from agent.model_digests import StoreDigests

    return shared_manager(ws.settings.ollama_host, digests=StoreDigests(ws.store))


def cmd_models(args: argparse.Namespace) -> int:
    from agent.engines.embedded import EmbeddedEngine
    from agent.engines.ollama import OllamaEngine

    ws = open_workspace()
    s = ws.settings
    active = ws.engine  # with engine "auto" this starts an installed but stopped Ollama
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
    data: dict[str, Any] = {
        "active": {"engine": active.name, "model": active.model},
        "models": embedded + ollama,
    }
    loaded = []
    if ollama:
        with contextlib.suppress(FanousError):
            loaded = _manager(ws).residency()
    data["loaded"] = [
        {"name": r.name, "size_bytes": r.size, "vram_bytes": r.size_vram, "where": r.describe()}
        for r in loaded
    ]
    if args.json:
        print_json(data)
        return 0
    print(f"Answering with: {active.name} / {active.model}")
    for m in data["models"]:
        size = f"{m['size_bytes'] / 2**20:.0f} MB" if m.get("size_bytes") else ""
        print(f"  {m['engine']:<9} {m['name']:<32} {size}")
    for r in loaded:
        print(f"  loaded: {r.describe()}")
    if not ollama:
        print("  (Ollama is not running: only the embedded models are available)")
    return 0


class _PullBar:
    """Bytes downloaded on one line of stderr when it is a terminal; stages otherwise."""

    def __init__(self) -> None:
        self.line = ProgressLine("")
        self.last_status = ""

    def __call__(self, p: PullProgress) -> None:
        if self.line.live and p.total:
            megabytes = f"{p.completed / 2**20:.0f}/{p.total / 2**20:.0f} MB"
            self.line.draw(p.fraction or 0, megabytes, label=f"{p.status[:24]:<24}")
        elif not p.total and p.status != self.last_status:
            self.line.close()
            print(p.status, file=sys.stderr)
        self.last_status = p.status


def cmd_pull(args: argparse.Namespace) -> int:
    from agent.engines.base import CancelToken

    ws = open_workspace()
    manager = _manager(ws)
    manager.ensure_running()
    cancel = CancelToken()
    try:
        result = manager.pull(args.name, progress=None if args.json else _PullBar(), cancel=cancel)
    except KeyboardInterrupt:
        cancel.cancel()
        print(f"\nPull stopped; `fanous models pull {args.name}` resumes it.", file=sys.stderr)
        return 130
    gate = None
    if result.status == "updated" and result.pinned and not args.no_gate:
        gate = _gate(ws, manager, result, quiet=args.json)
    if args.json:
        print_json({**_result(result), "gate": None if gate is None else gate.to_json()})
        return 0
    if result.resumed_bytes:
        print(f"resumed: {result.resumed_bytes / 2**20:.0f} MB were already downloaded")
    if result.status == "unchanged":
        print(f"{result.name} is already up to date")
    elif result.status == "updated":
        print(f"{result.name} updated; `fanous models rollback {result.name}` undoes it")
    else:
        print(f"{result.name} installed")
    if gate is not None:
        print(gate.message())
        if (
            gate.worse
            and sys.stdin.isatty()
            and input("Roll back now? [y/N] ").strip().lower() in ("y", "yes")
        ):
            back = manager.rollback(result.name)
            print(f"{back.name} is back at {str(back.digest)[:12]}")
    return 0


def _gate(ws: Workspace, manager: OllamaManager, result: Any, *, quiet: bool) -> GateResult | None:
    """The update gate: the new version against the one it replaced (None when it could
    not run: nothing to ask, Ctrl-C)."""
    from agent.monitor.update_gate import compare_versions

    if not quiet:
        print("Checking the new version against the one before (Ctrl-C skips)…", file=sys.stderr)
    bar = ProgressLine("Checking")
    try:
        gate = compare_versions(
            ws, manager.engine(result.pinned), manager.engine(result.name),
            undo=f"`fanous models rollback {result.name}`",
            progress=lambda n, total, what: bar.draw(n / total if total else 1.0, what[:50]),
        )  # fmt: skip
    except KeyboardInterrupt:
        print("\ncheck skipped", file=sys.stderr)
        return None
    except FanousError as e:
        print(f"check skipped: {e.message}", file=sys.stderr)
        return None
    finally:
        bar.close()
    return gate


def cmd_compare(args: argparse.Namespace) -> int:
    """Two versions of a local model (Ollama names or GGUF files), or the current embedding
    model against another, on the same questions."""
    from agent.engines.embedded import EmbeddedEngine
    from agent.engines.packaged import PACKAGED_MODELS
    from agent.monitor.update_gate import compare_versions, gate_embedding_change

    ws = open_workspace()
    if args.embedding is not None:
        gate = gate_embedding_change(ws, args.embedding)
        if gate is None:
            raise FanousError(NEEDS_RATED, fix=RATE_FIX)
    else:
        if not args.previous or not args.current:
            raise FanousError("Which two models?", fix="fanous models compare OLD NEW")

        def engine(name: str) -> Any:
            if name.lower().endswith(".gguf") or name in PACKAGED_MODELS:
                return EmbeddedEngine(name)
            manager = _manager(ws)
            manager.ensure_running()
            return manager.engine(name)

        gate = compare_versions(
            ws, engine(args.previous), engine(args.current),
            undo=f"set the model back to {args.previous} (Settings › Models)",
            shipped=args.shipped,
        )  # fmt: skip
    if args.json:
        print_json(gate.to_json())
    else:
        print(gate.message())
    return 0


NEEDS_RATED = "Comparing embedding models needs rated answers, and there are none yet"
RATE_FIX = '(👍, or `fanous feedback right "…"`) on a few answers first'


def cmd_embedding(args: argparse.Namespace) -> int:
    """Show the embedding model, or change it through the gate: the new model against the
    current one on retrieval recall of your rated questions; when it is worse beyond
    noise the previous one is kept unless you say otherwise."""
    from agent.monitor.update_gate import gate_embedding_change

    ws = open_workspace()
    old = ws.settings.embedding_model
    shown = old or "the offline one (multilingual E5)"
    if args.name is None or args.name == old:
        if args.json:
            print_json({"embedding_model": old, "changed": False})
        else:
            print(f"Embedding model: {shown}" + (" (unchanged)" if args.name is not None else ""))
        return 0
    gate = None
    if not args.no_gate:
        bar = ProgressLine("Checking")
        if not args.json:
            print(f"Comparing {args.name or 'the offline one'} with {shown} on your rated "
                  "questions (Ctrl-C skips)…", file=sys.stderr)  # fmt: skip
        try:
            gate = gate_embedding_change(ws, args.name, progress=lambda n, total, what: bar.draw(
                n / total if total else 1.0, what[:50]))  # fmt: skip
        except KeyboardInterrupt:
            print("\ncheck skipped", file=sys.stderr)
        finally:
            bar.close()
        if gate is None and not args.json:
            print(f"{NEEDS_RATED}: switching without a check.", file=sys.stderr)
    if gate is not None and not args.json:
        print(gate.message())
    if gate is not None and gate.worse:
        keep = True
        if sys.stdin.isatty() and not args.json:
            keep = input(f"Keep {shown}? [Y/n] ").strip().lower() not in ("n", "no")
        if keep:
            if args.json:
                print_json({"embedding_model": old, "changed": False, "gate": gate.to_json()})
                return 1
            raise FanousError(
                f"Kept {shown}: {args.name or 'the offline one'} finds fewer right passages",
                fix=f"`fanous models embedding {args.name!r} --no-gate` switches anyway",
            )
    ws.settings.embedding_model = args.name
    ws.save_settings()
    if args.json:
        print_json({"embedding_model": args.name, "changed": True,
                    "gate": None if gate is None else gate.to_json()})  # fmt: skip
    else:
        print(f"Embedding model: {args.name or 'the offline one'}; passages are embedded "
              "again at the next `fanous index` (or in the app's background)")  # fmt: skip
    return 0


def _result(result: Any) -> dict[str, Any]:
    names = ("name", "status", "digest", "previous_digest", "pinned", "resumed_bytes")
    return {n: getattr(result, n) for n in names}


def cmd_remove(args: argparse.Namespace) -> int:
    ws = open_workspace()
    manager = _manager(ws)
    manager.ensure_running()
    removed = manager.remove(args.name)
    if args.json:
        print_json({"removed": removed})
    else:
        print(f"removed {', '.join(removed)}")
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    ws = open_workspace()
    manager = _manager(ws)
    manager.ensure_running()
    result = manager.rollback(args.name)
    if args.json:
        print_json(_result(result))
    else:
        print(f"{result.name} is back at {str(result.digest)[:12]} (from {result.pinned})")
    return 0


def cmd_recommend(args: argparse.Namespace) -> int:
    from agent.engines.catalog import recommend
    from agent.hardware import detect

    ws = open_workspace()
    profile = detect()
    rec = recommend(profile, chat_override=ws.settings.ollama_model)
    if args.json:
        print_json({"hardware": profile.to_json(), "recommendation": rec.to_json()})
        return 0
    print(f"Hardware: {profile.describe()}")
    print(f"Chat model: {rec.chat.name} (context {rec.chat.context}) — {rec.chat.reason}")
    print(f"Embedding model: {rec.embed.name} — {rec.embed.reason}")
    print(f"Without Ollama: the built-in {rec.embedded_fallback}")
    if not rec.chat.overridden:
        print(f"Get it: fanous models pull {rec.chat.name}")
    return 0


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    models = sub.add_parser("models", help="list, pull, remove and roll back local models")
    _add_json(models)
    models.set_defaults(run=cmd_models)
    actions = models.add_subparsers(dest="models_command", metavar="ACTION")
    for name, helptext, run in (
        ("pull", "download a model into Ollama (or update it); Ctrl-C, then pull to resume",
         cmd_pull),
        ("remove", "delete a model from Ollama", cmd_remove),
        ("rollback", "go back to the version a model had before its last update",
         cmd_rollback),
    ):  # fmt: skip
        action = actions.add_parser(name, help=helptext)
        action.add_argument("name", help="an Ollama model name, e.g. llama3.2:3b")
        _add_json(action)
        action.set_defaults(run=run)
        if name == "pull":
            action.add_argument(
                "--no-gate", action="store_true",
                help="skip checking an update against the previous version",
            )  # fmt: skip
    compare = actions.add_parser(
        "compare", help="two versions of a model, or two embedding models, on your questions"
    )
    compare.add_argument("previous", nargs="?", help="the model before (Ollama name or .gguf)")
    compare.add_argument("current", nargs="?", help="the model now (Ollama name or .gguf)")
    compare.add_argument(
        "--embedding", metavar="NAME",
        help='the current embedding model against NAME ("" the offline one)',
    )  # fmt: skip
    compare.add_argument(
        "--shipped", type=int, default=SHORT_SHIPPED, metavar="N",
        help=f"shipped questions beside yours (default {SHORT_SHIPPED})",
    )  # fmt: skip
    _add_json(compare)
    compare.set_defaults(run=cmd_compare)
    emb = actions.add_parser(
        "embedding", help="show the embedding model, or change it (checked on your questions)"
    )
    emb.add_argument("name", nargs="?",
                     help='an Ollama embedding model, or "" for the offline one')  # fmt: skip
    emb.add_argument("--no-gate", action="store_true", help="switch without the check")
    _add_json(emb)
    emb.set_defaults(run=cmd_embedding)
    rec = actions.add_parser("recommend", help="the best models for this machine, and why")
    _add_json(rec)
    rec.set_defaults(run=cmd_recommend)
