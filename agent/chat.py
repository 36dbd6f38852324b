"""One turn of a conversation: retrieve -> route -> prompt -> stream -> cite -> store."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from agent import turn_log
from agent.config import Settings
from agent.engines.base import CancelToken, CloudEngine, Engine, Message, ToolCall
from agent.grounding import Extract, Grounding, extract, judge, not_found, quoted
from agent.grounding import style as answer_style
from agent.grounding.extract import DEPTH, mail_threads
from agent.index.search import Hit, search, with_mail_headers
from agent.index.vectors import Embedder
from agent.privacy.ledger import LedgerEntry, month_spend, record, update
from agent.privacy.minimise import known_names
from agent.privacy.outbound import Outbound, prepare
from agent.privacy.stream import AnswerFilter
from agent.prompting import STOP_SEQUENCES, SYSTEM_PROMPT, build_messages
from agent.router import Route, classify, decide
from agent.sources import SourcePolicy
from agent.store import Store
from contracts.errors import EngineError, EngineUnavailable, FanousError, StorageError

__all__ = ["NOTHING_FOUND", "Answer", "Source", "local_window", "turn"]

log = logging.getLogger(__name__)

NOTHING_FOUND = "I found nothing about that in your notes."
_CUT_MARKER = "\n\n[answer cut off: "


@dataclass(frozen=True, slots=True)
class Source:
    hit: Hit
    support: float  # 1.0 for a passage that backs the shown answer, else 0.0

    def to_json(self) -> dict[str, Any]:
        return {**self.hit.citation(), "support": round(self.support, 3)}


@dataclass(slots=True)
class Answer:
    question: str
    text: str
    route: Route
    engine: str
    model: str
    sources: list[Source] = field(default_factory=list)
    seconds: float = 0.0
    first_token_seconds: float | None = None
    completion_tokens: int | None = None
    finish_reason: str | None = None
    conversation_id: int | None = None
    prompt_tokens: int | None = None
    draft: str | None = None  # the local draft, when a weak one was escalated
    cost_usd: float = 0.0  # what the cloud request cost (0 for local answers)
    redactions: int = 0  # values pseudonymised before anything left
    not_saved: str | None = None  # why the turn is missing from the history (disk full)
    # Tools the model asked to use, when it was offered some: proposals, never acted on
    # here (agent.actions.model_tools turns them into proposals the user confirms).
    tool_calls: list[ToolCall] = field(default_factory=list)
    coverage: dict[str, Any] | None = None  # what search by meaning saw (first_use.Coverage)
    grounding: Grounding | None = None  # how far the notes back the answer
    search_seconds: float = 0.0  # retrieval
    extract_seconds: float = 0.0  # finding the answering sentence (agent.grounding)
    style: str = ""  # "quote" or "generate", and why (agent.grounding.style)
    retries: int = 0  # requests sent again after a failure (the cloud's backoff)
    turn_id: int | None = None  # the turn log's row: feedback attaches to it

    @property
    def tokens_per_second(self) -> float | None:
        if not self.completion_tokens or self.first_token_seconds is None:
            return None
        generating = self.seconds - self.first_token_seconds
        return self.completion_tokens / generating if generating > 0 else None

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "route": {
                "kind": self.route.kind,
                "reason": self.route.reason,
                "engine": self.engine,
                "model": self.model,
            },
            "routing": {
                "signal": self.route.signal,
                "task": self.route.task,
                "cost_usd": round(self.cost_usd, 6),
                "redactions": self.redactions,
                "escalated_draft": self.draft,
            },
            "grounding": None if self.grounding is None else self.grounding.to_json(),
            "answer_style": self.style,
            "sources": [s.to_json() for s in self.sources],
            "timing": {
                "seconds": round(self.seconds, 3),
                "first_token_seconds": None
                if self.first_token_seconds is None
                else round(self.first_token_seconds, 3),
                "completion_tokens": self.completion_tokens,
                "tokens_per_second": None
                if self.tokens_per_second is None
                else round(self.tokens_per_second, 1),
                "search_seconds": round(self.search_seconds, 3),
                "extract_seconds": round(self.extract_seconds, 3),
            },
            "finish_reason": self.finish_reason,
            "conversation_id": self.conversation_id,
            "turn_id": self.turn_id,
            "not_saved": self.not_saved,
            "coverage": self.coverage,
        }


@dataclass(frozen=True, slots=True)
class _Turn:
    """What every step of one turn needs besides the answer it fills in."""

    question: str
    hits: list[Hit]
    store: Store
    engine: Engine
    settings: Settings
    options: dict[str, Any]
    started: float
    on_token: Callable[[str], None] | None
    cancel: CancelToken | None
    confirm: Callable[[Outbound], bool] | None
    names: Iterable[str] | None
    found: Extract
    quote_only: bool  # look-ups this model answers by quoting (measured), no generation
    on_status: Callable[[str], None] | None


def _store_question(store: Store, answer: Answer) -> None:
    """Save the question (and start its conversation) before the model runs, so that a
    crash mid-answer keeps it. A full disk only marks the answer as not saved."""
    now = time.time()
    try:
        with store.atomic() as conn:
            cid = answer.conversation_id
            if cid is None:
                cid = conn.execute(
                    "INSERT INTO conversations (title, created) VALUES (?, ?)",
                    (answer.question.strip()[:80], now),
                ).lastrowid
            conn.execute(
                "INSERT INTO messages (conversation_id, role, content, created) "
                "VALUES (?, 'user', ?, ?)",
                (cid, answer.question, now),
            )
    except StorageError as e:
        _not_saved(answer, e)
    else:
        answer.conversation_id = cid


def _store_answer(store: Store, answer: Answer) -> None:
    """Save the answer under its question, a partial one too (``finish_reason``)."""
    if answer.not_saved is not None or answer.conversation_id is None:
        return
    try:
        with store.atomic() as conn:
            conn.execute(
                "INSERT INTO messages (conversation_id, role, content, route, route_reason, "
                "engine, model, sources, prompt_tokens, completion_tokens, seconds, created, "
                "finish_reason, grounding) VALUES (?, 'assistant', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                " ?, ?)",
                (
                    answer.conversation_id,
                    answer.text,
                    answer.route.kind,
                    answer.route.reason,
                    answer.engine,
                    answer.model,
                    json.dumps([s.to_json() for s in answer.sources]),
                    answer.prompt_tokens,
                    answer.completion_tokens,
                    answer.seconds,
                    time.time(),
                    answer.finish_reason,
                    None if answer.grounding is None else json.dumps(answer.grounding.to_json()),
                ),
            )
    except StorageError as e:
        _not_saved(answer, e)


def _not_saved(answer: Answer, error: StorageError) -> None:
    # The answer stands; only its place in the history is lost.
    answer.not_saved = str(error)
    log.warning("answer not saved to the history: %s", error.message)


def local_window(engine: Engine) -> int:
    """The local model's context window in tokens."""
    return engine.capabilities.context_window


def _stream(
    engine: Engine,
    messages: list[Message],
    answer: Answer,
    *,
    options: dict[str, Any],
    started: float,
    on_token: Callable[[str], None] | None,
    cancel: CancelToken | None,
    restore: Callable[[str], str] = lambda s: s,
) -> str:
    """Stream one engine's answer through the safety filter; return the shown text.
    Raises ``EngineError`` with ``partial_text`` (already restored) when it fails."""
    parts: list[str] = []
    safe = AnswerFilter(restore)

    def emit(text: str) -> None:
        if text:
            parts.append(text)
            if on_token:
                on_token(text)

    try:
        for chunk in engine.chat(messages, options=options, cancel=cancel):
            if chunk.text:
                if answer.first_token_seconds is None:
                    answer.first_token_seconds = time.perf_counter() - started
                emit(safe.feed(chunk.text))
            for call in chunk.tool_calls:  # placeholders put back, as in the text
                answer.tool_calls.append(ToolCall(call.name, _restored(call.arguments, restore)))
            if chunk.done:
                answer.prompt_tokens = chunk.prompt_tokens
                answer.completion_tokens = chunk.completion_tokens
                answer.finish_reason = chunk.finish_reason
    except EngineError as e:
        emit(safe.flush())  # every chunk the engine sent has been fed already
        e.partial_text = "".join(parts)
        raise
    emit(safe.flush())
    return "".join(parts).strip()


def _restored(value: Any, restore: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return restore(value)
    if isinstance(value, dict):
        return {k: _restored(v, restore) for k, v in value.items()}
    if isinstance(value, list):
        return [_restored(v, restore) for v in value]
    return value


def _cloud_engine(
    cloud: CloudEngine | Callable[[], CloudEngine] | None,
) -> tuple[CloudEngine | None, str | None]:
    """The cloud engine, or why there is none (shown as the route's reason)."""
    if cloud is None:
        return None, "no cloud provider is set up"
    if isinstance(cloud, CloudEngine):
        return cloud, None
    try:
        return cloud(), None
    except FanousError as e:
        return None, e.message[:1].lower() + e.message[1:] + (f" ({e.fix})" if e.fix else "")


def _sending(cloud: CloudEngine, out: Outbound, answer: Answer) -> LedgerEntry:
    """The ledger row written before the request leaves: where to, and how much."""
    return LedgerEntry(
        at=time.time(), provider=cloud.provider, model=cloud.model,
        host=urlsplit(cloud.base_url).hostname or "",
        bytes_sent=out.bytes, redactions=out.redactions, passages=len(out.passages),
        status="sending", reason=answer.route.reason,
    )  # fmt: skip


def _ask_cloud(
    cloud: CloudEngine, out: Outbound, answer: Answer, sent: tuple[int, LedgerEntry], t: _Turn
) -> None:
    """Send the prepared request, restore the answer, and complete the ledger row
    whatever happens. A stream cut short keeps its partial answer, marked."""
    status, error = "ok", None
    try:
        answer.text = _stream(
            cloud, out.messages, answer, options=t.options, started=t.started,
            on_token=t.on_token, cancel=t.cancel, restore=out.pseudonymiser.restore,
        )  # fmt: skip
    except EngineError as e:
        partial = e.partial_text.strip()
        if not partial:
            status, error = "error", e
        else:
            status = "cut"
            marker = f"{_CUT_MARKER}{e.message}]"
            if t.on_token:
                t.on_token(marker)
            answer.text = partial + marker
            answer.finish_reason = "cut"
    except BaseException:
        status = "error"
        raise
    finally:
        ex = cloud.last_exchange
        cost = cloud.cost()
        answer.cost_usd = cost
        answer.redactions = out.redactions
        answer.retries = max(0, ex.attempts - 1)
        row, sending = sent
        _complete(
            t.store,
            row,
            LedgerEntry(
                at=sending.at,
                provider=sending.provider,
                model=cloud.model,
                host=ex.host or sending.host,
                bytes_sent=ex.bytes_sent or out.bytes,
                bytes_received=ex.bytes_received,
                redactions=out.redactions,
                passages=len(out.passages),
                prompt_tokens=ex.prompt_tokens or answer.prompt_tokens,
                completion_tokens=ex.completion_tokens or answer.completion_tokens,
                cost_usd=cost,
                status=status,
                reason=answer.route.reason,
            ),
        )
    if error is not None:
        raise error


def _complete(store: Store, row: int, entry: LedgerEntry) -> None:
    """Fill in the row after the request; if the disk filled meanwhile, the row written
    before it left still records the request (as "sending")."""
    try:
        update(store, row, entry)
    except StorageError as e:
        log.warning("egress ledger row %d left as sent: %s", row, e.message)


def turn(
    question: str,
    *,
    store: Store,
    engine: Engine,
    settings: Settings,
    on_token: Callable[[str], None] | None = None,
    cancel: CancelToken | None = None,
    conversation_id: int | None = None,
    root: str | None = None,
    source: str | None = None,
    force: Literal["local", "cloud"] | None = None,
    cloud: CloudEngine | Callable[[], CloudEngine] | None = None,
    confirm: Callable[[Outbound], bool] | None = None,
    names: Iterable[str] | None = None,
    embedder: Embedder | None = None,
    hits: Sequence[Hit] | None = None,
    tools: Sequence[dict[str, Any]] | None = None,
    on_status: Callable[[str], None] | None = None,
) -> Answer:
    """Answer one question from the index and keep the turn in its conversation. The
    question is saved before the model runs. Raises ``EngineError`` when the model fails:
    the partial text streamed so far has reached ``on_token`` and is saved, marked
    ``finish_reason="error"``, and the error's ``conversation_id`` says where.

    What is shown is decided by ``agent.grounding``: a look-up that the model is measured
    to answer worse than a quote is answered by quoting the notes (no generation); any
    generated answer is checked against its passages, and ``answer.text`` is what passed
    (the tokens streamed to ``on_token`` are the model's draft, which the final text
    replaces). ``on_status`` hears what is happening before the first token.

    ``cloud`` is the cloud engine (or a factory that may raise ``NeedsKeyError``), used
    only when the router escalates. ``confirm`` sees exactly what would be sent and
    returns False to keep the question local; it is asked in confirm-each mode and for a
    route retrieved text could have caused (``Route.asks_user``), which stays local
    without it. ``names`` are extra names to pseudonymise
    (those in indexed mail headers are always included). ``hits`` gives the passages
    instead of searching for them (a reply drafted from the message it answers).
    ``tools`` are offered to the model (``engines.base.tool_specs``); the calls it makes
    come back in ``answer.tool_calls`` and are never carried out here."""
    started = time.perf_counter()
    pool = (
        list(hits)
        if hits is not None
        else search(
            store,
            question,
            limit=max(DEPTH, settings.context_passages),
            source=source,
            root=root,
            embedder=embedder,  # hybrid (keyword + vector, fused) when there is one
        )
    )
    # Never-send is looked up by source (every place a passage's document was found),
    # once, before anything decides where the question goes.
    pool = SourcePolicy(settings).mark(store, pool)
    pool = with_mail_headers(store, pool)  # a cited message names its sender, date, subject
    searched = time.perf_counter()
    if on_status and pool:
        on_status(f"Reading {len(pool)} passage{'s' if len(pool) != 1 else ''}…")
    found = extract(question, pool, embedder, threads=mail_threads(store, pool))
    extracted = time.perf_counter()
    # The model reads the passages that hold the best answering sentences first.
    hits = _context(pool, found, settings.context_passages)
    escalation = settings.cloud_escalation and not settings.offline and force != "local"
    cloud_engine, problem = _cloud_engine(cloud) if escalation else (None, None)
    spent = month_spend(store) if escalation else 0.0
    window = local_window(engine)

    def route_for(draft: str | None = None) -> Route:
        return decide(
            settings, force=force, question=question, hits=hits, draft=draft,
            spent_usd=spent, local_window=window, cloud_problem=problem,
        )  # fmt: skip

    route = route_for()
    answer = Answer(
        question=question,
        text="",
        route=route,
        engine=engine.name,
        model=engine.model,
        conversation_id=conversation_id,
        search_seconds=searched - started,
        extract_seconds=extracted - searched,
    )
    style, why = answer_style.choose(settings.answer_style, store, engine.name, engine.model)
    answer.style = f"{style}: {why}"
    options: dict[str, Any] = {"max_tokens": settings.max_answer_tokens, "stop": STOP_SEQUENCES}
    if tools:
        options["tools"] = list(tools)
    _store_question(store, answer)
    if not hits:
        answer.text = NOTHING_FOUND
        answer.grounding = Grounding("not_found", "not_found", note="nothing in the index matched")
        if on_token:
            on_token(answer.text)
    else:
        quote_only = style == "quote" and classify(question) == "extract"
        t = _Turn(question, hits, store, engine, settings, options, started, on_token,
                  cancel, confirm, names, found, quote_only, on_status)  # fmt: skip
        try:
            _answer(answer, route, route_for, cloud_engine, t)
        except EngineError as e:
            # What was streamed stays in the history, marked; the caller learns where.
            answer.text = e.partial_text.strip()
            answer.seconds = time.perf_counter() - started
            if answer.text:
                answer.finish_reason = "error"
                _store_answer(store, answer)
            answer.turn_id = turn_log.record(store, answer, engine, failure=e)
            e.conversation_id = answer.conversation_id
            raise
    answer.sources = _sources(hits, answer.grounding)
    if cancel is not None and cancel.cancelled and answer.finish_reason is None:
        answer.finish_reason = "cancelled"
    answer.seconds = time.perf_counter() - started
    _store_answer(store, answer)
    answer.turn_id = turn_log.record(store, answer, engine)
    return answer


def _context(pool: list[Hit], found: Extract, limit: int) -> list[Hit]:
    """The ``limit`` passages given to the model: those holding the extractor's best
    sentences, in its order, then the rest in retrieval order."""
    chosen: list[Hit] = []
    for c in found.candidates:
        if len(chosen) >= limit:
            break
        if c.unit.hit not in chosen:
            chosen.append(c.unit.hit)
    return chosen + [h for h in pool if h not in chosen][: limit - len(chosen)]


def _sources(hits: list[Hit], grounding: Grounding | None) -> list[Source]:
    """The passages in retrieval order, except that those backing a quoted or supported
    answer come first: a made-up answer never reorders them."""
    backing = grounding.chunk_order if grounding and grounding.shown != "not_found" else []
    first = [h for cid in backing for h in hits if h.chunk_id == cid]
    rest = [h for h in hits if h.chunk_id not in backing]
    return [Source(h, 1.0) for h in first] + [Source(h, 0.0) for h in rest]


def _answer(
    answer: Answer,
    route: Route,
    route_for: Callable[[str | None], Route],
    cloud_engine: CloudEngine | None,
    t: _Turn,
) -> None:
    """The model part of a turn: local, then the cloud when the route says so."""
    if route.kind == "local":
        answer.text, answer.grounding = _local(answer, t)
        if route.draft_first and cloud_engine is not None and not (t.cancel and t.cancel.cancelled):
            draft = answer.grounding.generated or answer.text  # what the local model said
            again = route_for(draft)
            answer.route = route = again if again.kind == "cloud" else route
            if again.kind == "cloud":
                answer.draft = draft
    if route.kind == "cloud" and cloud_engine is not None:
        _escalate(cloud_engine, answer, t)


def _local(answer: Answer, t: _Turn) -> tuple[str, Grounding]:
    """The local answer: the quote (or "not found") for a look-up this model answers
    worse than a quote; else the model's answer, checked against the passages."""
    if t.quote_only:
        text, grounding = quoted(t.found) if t.found.answerable else not_found(t.found)
        answer.first_token_seconds = time.perf_counter() - t.started
        if t.on_token:
            t.on_token(text)
        return text, grounding
    generated = _stream(
        t.engine, build_messages(t.question, t.hits), answer, options=t.options,
        started=t.started, on_token=t.on_token, cancel=t.cancel,
    )  # fmt: skip
    if t.on_status:
        t.on_status("Checking the answer against your notes…")
    return judge(generated, t.question, t.hits, t.found, prompt=SYSTEM_PROMPT)


def _judge_cloud(answer: Answer, out: Outbound, t: _Turn) -> None:
    """The cloud's answer, checked against the passages it was sent; a stream cut short
    is checked without its "cut off" marker, which stays under a shown answer."""
    text, marker = answer.text, ""
    if answer.finish_reason == "cut":
        at = text.rfind(_CUT_MARKER)
        text, marker = text[:at], text[at:]
    found = t.found if out.passages == t.hits else extract(t.question, out.passages)
    text, answer.grounding = judge(text, t.question, out.passages, found, prompt=SYSTEM_PROMPT)
    answer.text = text + marker if answer.grounding.shown == "answer" else text


def _escalate(cloud: CloudEngine, answer: Answer, t: _Turn) -> None:
    """Prepare, confirm, send; or fall back to the local answer, saying why."""
    everyone = known_names(t.store) | set(t.names or ())
    out = prepare(
        t.question, t.hits, never_send=t.settings.never_send_sources, names=everyone,
        limit=t.settings.context_passages,
    )  # fmt: skip
    local_reason = None
    confirm = t.confirm
    # Retrieved text never sends anything by itself (router.CONTENT_SIGNALS): the user does.
    ask = t.settings.confirm_each_escalation or answer.route.asks_user
    if not out.passages:
        local_reason = "the passages it needs are marked never-send"
    elif ask and confirm is None:
        local_reason = f"{answer.route.reason}, but no one could confirm sending it to the cloud"
    elif ask and confirm is not None and not confirm(out):
        local_reason = "you declined sending it to the cloud"
    if local_reason is None:
        sending = _sending(cloud, out, answer)
        try:
            row = record(t.store, sending)  # before a byte leaves: unrecorded means unsent
        except StorageError as e:
            local_reason = f"the egress ledger could not record the request ({e.message})"
        else:
            if answer.draft is not None and t.on_token:
                t.on_token(f"\n\n[asking {cloud.name}: {answer.route.reason}]\n\n")
            answer.engine, answer.model = cloud.name, cloud.model
            try:
                _ask_cloud(cloud, out, answer, (row, sending), t)
            except EngineUnavailable as e:  # network or provider down: answer locally
                local_reason = f"the cloud could not be reached ({e.message}); answered locally"
                answer.engine, answer.model = t.engine.name, t.engine.model
            else:
                _judge_cloud(answer, out, t)
                return
    answer.route = Route("local", local_reason, "fallback", answer.route.task)
    if answer.draft is not None:  # the local draft was already shown
        answer.text = answer.draft
        return
    answer.text, answer.grounding = _local(answer, t)
