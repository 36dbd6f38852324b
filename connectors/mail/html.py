"""HTML mail to the text a reader sees: paragraphs, line breaks, lists, table rows and
quoted replies (as ``>`` lines, which ``strip_quotes`` sets aside), and nothing a reader
does not see — no tags, styles, scripts, link targets or images, and no text the mail
hides: ``display:none``, ``visibility:hidden``, zero size or opacity, ``mso-hide:all``,
the ``hidden`` attribute, classes a ``<style>`` block hides, Outlook-only conditional
comments. Hidden text is how a newsletter pads its preview line and how a message smuggles
instructions to a model, so it is never indexed.

The parsing is Lexbor's HTML5 tree builder (``selectolax``, MIT): the tree a browser
would build, however broken the markup. The walk is iterative, so depth costs no stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["html_to_text", "is_hidden"]

# Elements whose content is never shown as text.
_SKIP = frozenset(
    {"-comment", "head", "title", "script", "style", "template", "svg", "math", "object",
     "iframe", "img", "input", "select", "textarea", "audio", "video", "canvas", "map"}
)  # fmt: skip
# Block elements and the line breaks around them: 2 = a paragraph, 1 = a line.
_BLOCKS = {
    **dict.fromkeys(
        ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol",
         "dl", "hr", "figure", "section", "article", "header", "footer", "main", "aside",
         "nav", "form", "fieldset", "details"),
        2,
    ),
    **dict.fromkeys(
        ("div", "li", "tr", "dt", "dd", "center", "caption", "address", "figcaption",
         "summary", "legend", "option"),
        1,
    ),
}  # fmt: skip
_CELLS = frozenset({"td", "th"})
_ZERO = re.compile(r"^-?0*\.?0+(px|pt|em|rem|ex|ch|%|vh|vw|cm|mm|in)?$")
_OFFSCREEN = re.compile(r"^-\d{3,}(\.\d+)?(px|pt|em|rem)?$")
_MEDIA = re.compile(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", re.IGNORECASE)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^(?:[a-z][a-z0-9]*)?([.#])([\w-]+)$", re.IGNORECASE)
# Characters that take no space: a run of them (with spaces) pads a preview line.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u034f\u00ad\u180e")


def _declarations(style: str) -> dict[str, str]:
    out = {}
    for part in style.split(";"):
        name, sep, value = part.partition(":")
        if sep:
            value = value.lower().replace("!important", "").strip()
            out[name.strip().lower()] = value
    return out


def _hides(decl: dict[str, str]) -> bool:
    """Whether these CSS declarations hide the element and what it holds."""
    get = decl.get
    if get("display") == "none" or get("visibility") in ("hidden", "collapse"):
        return True
    if get("mso-hide") == "all" or get("color") == "transparent":
        return True
    opacity = get("opacity", "")
    if opacity and _ZERO.match(opacity):
        return True
    if _ZERO.match(get("font-size", "1")):
        return True
    if get("overflow") == "hidden" and any(
        _ZERO.match(get(k, "1")) for k in ("max-height", "height", "max-width", "width")
    ):
        return True
    if _ZERO.match(get("width", "1")) and _ZERO.match(get("height", "1")):
        return True
    indent = get("text-indent", "")
    offset = [get(k, "") for k in ("left", "top")]
    return bool(_OFFSCREEN.match(indent)) or (
        get("position") in ("absolute", "fixed") and any(_OFFSCREEN.match(v) for v in offset)
    )


def _hidden_selectors(css: str) -> tuple[set[str], set[str]]:
    """Classes and ids a ``<style>`` block hides outright (rules inside ``@media`` apply
    to some screens only, so they hide nothing for certain)."""
    classes: set[str] = set()
    ids: set[str] = set()
    for selectors, body in _RULE.findall(_MEDIA.sub(" ", css)):
        if not _hides(_declarations(body)):
            continue
        for selector in selectors.split(","):
            m = _SIMPLE_SELECTOR.match(selector.strip())
            if m:
                (classes if m.group(1) == "." else ids).add(m.group(2))
    return classes, ids


def is_hidden(
    attrs: dict[str, Any], classes: AbstractSet[str] = frozenset(),
    ids: AbstractSet[str] = frozenset(),
) -> bool:  # fmt: skip
    """Whether an element with ``attrs`` is hidden from the reader."""
    if "hidden" in attrs:
        return True
    style = attrs.get("style")
    if style and _hides(_declarations(style)):
        return True
    if classes and not classes.isdisjoint(str(attrs.get("class") or "").split()):
        return True
    return bool(ids) and attrs.get("id") in ids


class _Writer:
    """Text with paragraph and line breaks requested by the elements around it."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.breaks = 0  # newlines owed before the next text
        self.line_start = True
        self.space = False  # a space owed before the next text on this line
        self.prefix = ""  # a list marker owed to the next text
        self.cell = ""  # a cell separator owed to the next text on this line
        self.quote = 0  # blockquote depth: its lines start with "> "

    def block(self, level: int) -> None:
        if self.out:
            self.breaks = max(self.breaks, level)

    def line_break(self) -> None:
        """``<br>``: end the line; a second one in a row leaves a blank line."""
        if self.out:
            self.breaks = min(self.breaks + 1, 2)

    def _start(self) -> None:
        if self.breaks:
            self.out.append("\n" * self.breaks)
            self.breaks, self.line_start, self.cell = 0, True, ""
        if self.line_start:
            if self.quote:
                self.out.append("> " * self.quote)
            self.line_start, self.space = False, False
        elif self.cell:
            self.out.append(self.cell)
            self.space = False
        elif self.space:
            self.out.append(" ")
        self.cell, self.space = "", False
        if self.prefix:
            self.out.append(self.prefix)
            self.prefix = ""

    def words(self, text: str) -> None:
        words = [w for w in text.split() if not set(w) <= _INVISIBLE]
        if not words:
            self.space = self.space or (bool(text) and not self.line_start)
            return
        lead = text[:1].isspace()
        self.space = self.space or lead
        self._start()
        self.out.append(" ".join(words))
        self.space = text[-1:].isspace()

    def preformatted(self, text: str) -> None:
        for n, line in enumerate(text.split("\n")):
            if n:
                self.breaks = max(self.breaks, 1)
            if line.strip():
                self._start()
                self.out.append(line.rstrip())

    def text(self) -> str:
        return "".join(self.out).strip()


def _children(node: LexborNode) -> Iterator[LexborNode]:
    child = node.child
    while child is not None:
        yield child
        child = child.next


def html_to_text(html: str) -> str:
    """HTML mail to clean text (see the module's docstring)."""
    tree = LexborHTMLParser(html)
    classes: set[str] = set()
    ids: set[str] = set()
    for style in tree.css("style"):
        found = _hidden_selectors(style.text(deep=True))
        classes |= found[0]
        ids |= found[1]
    root = tree.body or tree.root
    if root is None:
        return ""
    w = _Writer()
    lists: list[list[int]] = []  # per open list: [next number] for <ol>, [] for <ul>
    pre = 0
    # (node, entering): children are pushed in reverse so they come out in order.
    stack: list[tuple[LexborNode, bool]] = [(c, True) for c in reversed(list(_children(root)))]
    while stack:
        node, entering = stack.pop()
        tag = node.tag
        if not entering:
            if tag in _BLOCKS:
                nested = tag in ("ul", "ol") and len(lists) > 1
                w.block(1 if nested else _BLOCKS[tag])
            if tag == "blockquote":
                w.quote -= 1
            elif tag in ("ul", "ol"):
                lists.pop()
            elif tag == "pre":
                pre -= 1
            continue
        if tag == "-text":
            text = node.text_content or ""
            w.preformatted(text) if pre else w.words(text)
            continue
        if tag in _SKIP or is_hidden(node.attributes, classes, ids):
            continue
        if tag == "br":
            w.line_break()
            continue
        if tag in _BLOCKS:
            w.block(1 if lists and tag in ("ul", "ol") else _BLOCKS[tag])  # nested: a line
        if tag == "blockquote":
            w.quote += 1
        elif tag in ("ul", "ol"):
            lists.append([1] if tag == "ol" else [])
        elif tag == "li":
            counter = lists[-1] if lists else []
            w.prefix = f"{counter[0]}. " if counter else "- "
            if counter:
                counter[0] += 1
        elif tag == "pre":
            pre += 1
        elif tag in _CELLS and not w.line_start and not w.breaks:
            w.cell = " | "
        stack.append((node, False))
        stack.extend((c, True) for c in reversed(list(_children(node))))
    return w.text()
