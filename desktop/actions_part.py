"""Actions from the window: the links under an answer and the buttons under a source
make a proposal on the store's worker, the confirmation dialog shows it, and only the
user's "Save" hands it to the gate. The status bar says what was done and where to undo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agent.actions import Actions, Confirmation, Origin, Proposal
from contracts.errors import FanousError
from desktop.confirm_action import ConfirmAction
from desktop.ops import OpContext
from desktop.qt import QInputDialog
from desktop.status import MESSAGE_MS
from desktop.window_part import WindowHost, WindowPart

if TYPE_CHECKING:
    from desktop.sources_panel import SourceRef

__all__ = ["ActionsPart", "TurnRecord"]

_WINDOW = Origin("you", "window")


@dataclass(slots=True)
class TurnRecord:
    """One shown answer, as the actions under it need it."""

    question: str
    text: str
    sources: list[Any]
    conversation_id: int | None
    proposals: list[Proposal | FanousError] = field(default_factory=list)
    turn_id: int | None = None  # the turn log's row (a fresh answer)
    message_id: int | None = None  # the history's row (an answer from a stored chat)

    @property
    def source_links(self) -> list[str]:
        out = []
        for s in self.sources:
            hit = getattr(s, "hit", None)
            out.append(str(hit.path or hit.uri) if hit else str(s.get("path") or s.get("uri")))
        return out


class ActionsPart(WindowPart):
    def __init__(
        self, host: WindowHost, *, ask_text: Callable[..., tuple[str, bool]] | None = None
    ) -> None:
        super().__init__(host)
        self._host = host
        self.dialog: ConfirmAction | None = None  # the confirmation, while it asks
        self._ask_text = ask_text or QInputDialog.getMultiLineText

    # -- the links under an answer -----------------------------------------------------

    def links(self, record: TurnRecord) -> list[tuple[str, str]]:
        links = [("note", self.tr("Save to notes")), ("remind", self.tr("Remind me"))]
        for n, p in enumerate(record.proposals):
            if isinstance(p, FanousError):
                links.append(
                    (f"why{n}", self.tr("Not proposed: {reason}").format(reason=p.message))
                )
            elif p.origin.proposer == "model":
                links.append(
                    (
                        f"p{n}",
                        self.tr("Review: {what} (proposed by the model)").format(what=p.summary),
                    )
                )
            else:
                links.append((f"p{n}", self.tr("Review: {what}").format(what=p.summary)))
        return links

    def clicked(self, record: TurnRecord, name: str) -> None:
        if name == "note":
            self.save_answer(record)
        elif name == "remind":
            self.propose(
                lambda a: a.propose_reminder(text=record.text, origin=self._origin(record))
            )
        elif name.startswith("p") and name[1:].isdigit() and int(name[1:]) < len(record.proposals):
            proposal = record.proposals[int(name[1:])]
            if isinstance(proposal, Proposal):
                self.confirm(proposal)
        elif name.startswith("why") and name[3:].isdigit():
            self._host.show_error(record.proposals[int(name[3:])])  # type: ignore[arg-type]

    @staticmethod
    def _origin(record: TurnRecord) -> Origin:
        return Origin("you", "window", record.conversation_id)

    def save_answer(self, record: TurnRecord) -> None:
        title = " ".join(record.question.split())[:80] or self.tr("Answer")

        def make(actions: Actions) -> Proposal:
            return actions.propose_note(
                actions.writable_notes_folder(), title, record.text,
                origin=self._origin(record), sources=record.source_links,
            )  # fmt: skip

        self.propose(make)

    # -- the buttons under a source ----------------------------------------------------

    def draft_reply(self, ref: SourceRef) -> None:
        """Ask what the reply should say, then let the current route write it."""
        text, ok = self._ask_text(
            self._host.window(),
            self.tr("Draft a reply"),
            self.tr(
                "What should the reply to “{title}” say? It is saved as a draft, never sent."
            ).format(title=ref.title),
        )
        if ok and text.strip():
            self.propose(lambda a: a.propose_reply(ref.uri, text, origin=_WINDOW))

    def remind_from_source(self, ref: SourceRef) -> None:
        source = ref.uri if ref.is_mail or not ref.path else ref.path
        self.propose(lambda a: a.propose_reminder(source=source, origin=_WINDOW))

    # -- proposing and confirming ------------------------------------------------------

    def propose(self, make: Callable[[Actions], Proposal]) -> None:
        """Make the proposal on the store's worker (it may read the index, ask the model
        or list a mailbox), then ask the user."""
        workspace = self._host.workspace
        self._host.show_message(self.tr("Preparing the proposal…"))
        self._host.ops.run(
            lambda _ctx: make(Actions(workspace)),
            on_success=self.confirm,
            on_failure=self._host.show_error,
        )

    def confirm(self, proposal: Proposal) -> ConfirmAction:
        self._host.show_message("")
        dialog = ConfirmAction(proposal, self._host.window())
        dialog.accepted.connect(lambda: self._carry_out(proposal))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _carry_out(self, proposal: Proposal) -> None:
        workspace = self._host.workspace

        def work(_ctx: OpContext) -> Any:
            return Actions(workspace).confirm(proposal, Confirmation("window dialog"))

        self._host.ops.run(work, on_success=self._done, on_failure=self._host.show_error)

    def _done(self, entry: Any) -> None:
        self._host.show_message(
            self.tr("Saved: {target} (undo it in Settings › Privacy › Action log)").format(
                target=entry.target
            ),
            MESSAGE_MS * 2,
        )
