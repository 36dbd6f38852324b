"""The shared contracts between connectors and the index.

A connector produces ``Document``s; the index cuts them into ``Chunk``s. A citation is a
document's ``uri`` plus a chunk's ``char_span`` into the document's ``text``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from contracts.errors import ConnectorError


def clean_text(text: str) -> str:
    """``text`` as valid Unicode: bytes smuggled in as lone surrogates (Python's
    ``surrogateescape``, as the email parser does with raw UTF-8 headers) are decoded as
    UTF-8, and what is still not a character becomes U+FFFD. SQLite refuses the rest."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # surrogates that are not escaped bytes: pairs and strays
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _clean_value(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return [_clean_value(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean_value(v) for k, v in value.items()}
    return value


def content_hash(text: str) -> str:
    """Stable hash of a document's text, used to skip re-indexing unchanged content."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# CommonMark fenced code: a line of three or more backticks or tildes (indented at most
# three spaces; a backtick fence's info string holds no backtick), closed by a line of the
# same character at least as long, or by the end of the document.
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})([^\n]*)$", re.MULTILINE)


def code_fence_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    """The ``[start, end)`` spans of Markdown fenced code blocks in ``text[start:]``, in
    order: what looks like a heading, a tag or a link inside them is code, not structure."""
    spans: list[tuple[int, int]] = []
    if "```" not in text and "~~~" not in text:  # most notes: no fence to look for
        return spans
    pos = start
    while (m := _FENCE_OPEN.search(text, pos)) is not None:
        fence, info = m.group(1), m.group(2)
        if fence[0] == "`" and "`" in info:  # inline code that starts a line, not a fence
            pos = m.end()
            continue
        close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.M)
        found = close.search(text, m.end())
        end = found.end() if found is not None else len(text)
        spans.append((m.start(), end))
        pos = max(end, m.end() + 1)
    return spans


@dataclass(frozen=True, slots=True)
class Document:
    source: str  # connector kind: "notes", "mail", ...
    uri: str  # stable identity, e.g. "file:///home/u/notes/a.md"
    title: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    modified: float = 0.0  # seconds since the epoch
    content_hash: str = ""

    def __post_init__(self) -> None:
        # Every document is storable text, whatever bytes its source held.
        for name in ("uri", "title", "text"):
            object.__setattr__(self, name, clean_text(getattr(self, name)))
        object.__setattr__(self, "meta", _clean_value(self.meta))
        if not self.content_hash:
            object.__setattr__(self, "content_hash", content_hash(self.text))


@dataclass(frozen=True, slots=True)
class Chunk:
    doc_id: int
    ordinal: int
    text: str
    heading_path: str  # "Travel > Ferry", empty when the text has no headings
    char_span: tuple[int, int]  # [start, end) into Document.text


@dataclass(frozen=True, slots=True)
class SourceItem:
    """What a connector's scan yields: cheap to make (one ``stat``), enough to tell
    whether the indexed copy is still current without reading the content."""

    uri: str
    path: str  # local path shown to the user and used to open the item
    mtime_ns: int
    size: int


class Job(NamedTuple):
    """How to read one item at arm's length, in a worker process: a module-level
    function and picklable arguments; ``fn(*args)`` reads the item's bytes and returns its
    ``Document`` (or raises ``ConnectorError``). ``size`` is the input's size in bytes:
    the time an item may take grows with it."""

    fn: Callable[..., Document]
    args: tuple[Any, ...]
    size: int = 0


def unreadable(reason: str) -> Document:
    """The job of an item whose bytes could not even be fetched: it fails with ``reason``."""
    raise ConnectorError(reason)


class Connector(Protocol):
    """A source of documents. Knows nothing of the index."""

    source: str  # "notes", "mail", ...
    root: str  # the identity of this source in the index (a folder, an account)

    def scan(self, on_error: Callable[[str, str], None]) -> Iterator[SourceItem]:
        """Yield every item; report unreadable parts through ``on_error(path, reason)``.

        Raises ``ConnectorError`` when the source as a whole cannot be read (then the
        index keeps what it had)."""
        ...

    def job(self, item: SourceItem) -> Job:
        """How to read one item in a worker process (the indexer runs it there)."""
        ...

    def load(self, item: SourceItem) -> Document:
        """Read one item in this process (``job`` run here). Raises ``ConnectorError``
        with the reason when it cannot."""
        ...
