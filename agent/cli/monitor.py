"""Watching the local model from the command line.

`fanous stats [--since DATE] [--json]` sums up the turn log: per model, latency, speed,
tokens, cost, failures and grounding verdicts; the local/cloud share; spend against the
monthly budget.
`fanous feedback up|down [--right TEXT]`, `fanous feedback right TEXT` keep your word on
the last answer (or `--turn ID`) with its turn; `fanous feedback list` shows the set.
`fanous eval [--cloud] [--shipped N]` asks your rated questions and the shipped set of
each local model (and the cloud's, when asked), and proposes the router's threshold.
"""

from __future__ import annotations

import argparse
import time

from agent.cli.common import ProgressLine, open_workspace, parse_date, print_json
from agent.monitor.answer_set import DEFAULT_SHIPPED
from contracts.errors import FanousError

__all__ = ["register"]


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def cmd_stats(args: argparse.Namespace) -> int:
    from agent import turn_log
    from agent.monitor.stats import summarise
    from agent.privacy.ledger import month_spend

    since = parse_date(args.since) if args.since else None
    ws = open_workspace()
    summary = summarise(
        turn_log.rows(ws.store, since=since),
        since=since,
        spent_this_month_usd=month_spend(ws.store),
        monthly_budget_usd=ws.settings.monthly_budget_usd,
    )
    if args.json:
        print_json(summary.to_json())
        return 0
    start = f" since {time.strftime('%Y-%m-%d %H:%M', time.localtime(since))}" if since else ""
    if not summary.turns:
        print(f'No turns{start} yet: ask something first (fanous ask "…").')
        return 0
    share = f"{summary.local_share:.0%}" if summary.local_share is not None else "-"
    print(
        f"{summary.turns} turns{start}: {summary.local} local, {summary.cloud} cloud "
        f"({share} local); {summary.failures} failed, {summary.retries} retries"
    )
    print(
        f"Cloud spend: ${summary.cost_usd:.4f} in this period; "
        f"${summary.spent_this_month_usd:.4f} of ${summary.monthly_budget_usd:.2f} this month"
    )
    if summary.verdicts:
        print("Grounding: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.verdicts.items())))
    for m in summary.models:
        speed = m.tokens_per_second_median
        print(f"\n  {m.engine} / {m.model} ({m.route}): {m.turns} turns, {m.failures} failed")
        print(
            f"    first token {_seconds(m.first_token_median)}, answer "
            f"{_seconds(m.seconds_median)} (p90 {_seconds(m.seconds_p90)}), "
            f"{'-' if speed is None else f'{speed:.1f}'} tokens/s"
        )
        print(
            f"    tokens {m.prompt_tokens} in, {m.completion_tokens} out; ${m.cost_usd:.4f}"
            + (f"; versions {', '.join(d[:19] for d in m.digests)}" if m.digests else "")
        )
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from agent.monitor import feedback

    ws = open_workspace()
    if args.verdict == "list":
        items = feedback.collected(ws.store)
        if args.json:
            print_json([f.to_json() for f in items])
            return 0
        if not items:
            print('No feedback yet: after an answer, `fanous feedback up`, `down` or `right "…"`.')
        for f in items:
            mark = {"up": "👍", "down": "👎", None: "  "}[f.rating]
            right = f" — right answer: {f.correction}" if f.correction else ""
            print(f"{f.turn_id:>5} {mark} {f.question[:60] or '(question deleted)'}{right}")
        return 0
    turn = args.turn if args.turn is not None else feedback.last_turn(ws.store)
    if turn is None:
        raise FanousError("There is no answer to give feedback on", fix='ask first: fanous ask "…"')
    if args.verdict == "right":
        if not args.text:
            raise FanousError("What is the right answer?", fix='fanous feedback right "the answer"')
        given = feedback.give(ws.store, turn, correction=args.text)
    else:
        if args.text:
            raise FanousError(
                f"Unexpected text after {args.verdict}: {args.text!r}",
                fix='give the right answer with --right "…", or `fanous feedback right "…"`',
            )
        given = feedback.give(ws.store, turn, rating=args.verdict, correction=args.right_text)
    if args.json:
        print_json(given.to_json())
    else:
        print(f"Kept with turn {turn} ({given.question[:60]!r}): it joins your evaluation set.")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from agent.engines.base import CancelToken
    from agent.monitor import eval_run
    from agent.monitor.evaluation import report_lines

    ws = open_workspace()
    bar = ProgressLine("Evaluating")
    cancel = CancelToken()
    try:
        report = eval_run.run(
            ws, cloud=args.cloud, shipped=args.shipped, all_models=not args.current_only,
            progress=lambda n, total, what: bar.draw(n / total if total else 1.0, what[:50]),
            cancel=cancel,
        )  # fmt: skip
    except KeyboardInterrupt:
        cancel.cancel()
        raise
    finally:
        bar.close()
    if args.json:
        print_json(report.to_json())
    else:
        print("\n".join(report_lines(report)))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stats = sub.add_parser("stats", help="how the models did: latency, speed, cost, failures")
    stats.add_argument("--since", metavar="DATE", help="only turns from this date (YYYY-MM-DD)")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(run=cmd_stats)

    fb = sub.add_parser(
        "feedback", help="thumbs up or down on an answer, or the right answer: your eval set"
    )
    fb.add_argument(
        "verdict",
        choices=["up", "down", "right", "list"],
        help="up/down: rate the answer; right TEXT: the right answer; list: all",
    )
    fb.add_argument("text", nargs="?", help="with right: the answer you expected")
    fb.add_argument("--turn", type=int, metavar="ID", help="which turn (default: the last)")
    fb.add_argument("--right", dest="right_text", metavar="TEXT",
                    help="with up/down: the right answer too")  # fmt: skip
    fb.add_argument("--json", action="store_true")
    fb.set_defaults(run=cmd_feedback)

    ev = sub.add_parser(
        "eval", help="your questions and the shipped set against the local models, side by side"
    )
    ev.add_argument(
        "--cloud", action="store_true",
        help="evaluate the cloud model too, this run only (escalation must be on); "
        "calibrates the router",
    )  # fmt: skip
    ev.add_argument(
        "--shipped", type=int, default=DEFAULT_SHIPPED, metavar="N",
        help=f"questions from the shipped answer-quality set (default {DEFAULT_SHIPPED}; 0: none)",
    )  # fmt: skip
    ev.add_argument("--current-only", action="store_true",
                    help="only the local model answering now")  # fmt: skip
    ev.add_argument("--json", action="store_true")
    ev.set_defaults(run=cmd_eval)
