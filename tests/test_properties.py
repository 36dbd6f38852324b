"""Property-based tests (Hypothesis) for the parsers and the command line's inputs: for
any text, what the index keeps slices back to it, fenced code never makes a heading, a
note's front matter never breaks its parsing, search operators and questions are read or
refused cleanly, hidden HTML never leaks, and `fanous` answers any arguments with a
result or a clean error — never a traceback.

Bounded for CI: derandomized (the same examples every run, so a failure reproduces),
no example database, no deadlines (timing is for tests/bench), a fixed number of
examples per property; the whole file runs in well under two minutes.
(i15's mutation fuzz suite covers hostile mail and note files; this one covers the
parsers' contracts.)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import tempfile
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.cli import build_parser, main
from agent.engines.ollama import estimate_tokens
from agent.index.chunking import chunk_text
from agent.index.query import parse_query
from agent.question import check_query, check_question
from connectors.formats import parse_markdown
from connectors.mail.html import html_to_text
from contracts.documents import code_fence_spans
from contracts.errors import InputError

BOUNDED = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)
FEW = settings(BOUNDED, max_examples=20)

# Markdown built from the lines that matter to its structure.
_WORD = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=8)
_PHRASE = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)
_LINE = st.one_of(
    _PHRASE,
    st.tuples(st.integers(1, 6), _PHRASE).map(lambda t: "#" * t[0] + " " + t[1]),
    st.sampled_from(["```", "```python", "~~~", "~~~~", "````", " ```", "", "", "---"]),
    _PHRASE.map(lambda p: f"#{p.replace(' ', '')}"),
    st.text(max_size=40),
)
MARKDOWN = st.lists(_LINE, max_size=40).map("\n".join)


@BOUNDED
@given(st.one_of(MARKDOWN, st.text()), st.integers(40, 900), st.integers(0, 200))
def test_every_chunk_slices_back_to_the_text(text: str, size: int, overlap: int) -> None:
    pieces = chunk_text(text, max_chars=size, overlap=min(overlap, size // 2))
    previous = 0
    for piece in pieces:
        assert 0 <= piece.start < piece.end <= len(text)
        assert text[piece.start : piece.end] == piece.text == piece.text.strip()
        assert piece.start >= previous - size  # in order, overlapping at most one unit
        previous = piece.start
    if text.strip():
        assert pieces


@BOUNDED
@given(MARKDOWN)
def test_fences_are_well_formed_and_hold_no_headings(text: str) -> None:
    spans = code_fence_spans(text)
    end = 0
    for start, stop in spans:
        assert end <= start < stop <= len(text)  # sorted, disjoint, inside the text
        assert start == 0 or text[start - 1] == "\n"  # a fence opens a line
        assert text[start:stop].lstrip(" ")[:3] in ("```", "~~~")
        end = stop
    inside = [text[a:b] for a, b in spans]
    fenced_titles = {
        line.lstrip("#").strip()
        for block in inside
        for line in block.split("\n")[1:]
        if line.startswith("#")
    }
    for piece in chunk_text(text, max_chars=120):
        for title in piece.heading_path.split(" > ") if piece.heading_path else []:
            outside = any(
                line.startswith("#") and line.lstrip("#").strip() == title
                for line in _outside(text, spans).split("\n")
            )
            assert outside or title not in fenced_titles


def _outside(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for a, b in spans:
        out.append(text[pos:a])
        pos = b
    return "".join([*out, text[pos:]])


_YAML_VALUE = st.one_of(
    _PHRASE, st.lists(_WORD, max_size=4), st.integers(), st.none(), st.booleans(),
    st.dates(), st.text(max_size=20),
)  # fmt: skip


@BOUNDED
@given(
    st.dictionaries(st.sampled_from(["title", "tags", "aliases", "date", "x"]), _YAML_VALUE),
    MARKDOWN,
    st.booleans(),
)
def test_front_matter_never_breaks_a_note(front: dict, body: str, broken: bool) -> None:
    import yaml

    header = yaml.safe_dump(front, allow_unicode=True) if front else ""
    if broken:
        header += ": [unclosed\n"
    text = f"---\n{header}---\n{body}"
    parsed = parse_markdown(text, "stem")
    assert parsed.text == text and 0 <= parsed.body_start <= len(text)
    assert parsed.title and all(t == t.lower() and t for t in parsed.tags)
    tags = front.get("tags")
    if not broken and isinstance(tags, list):
        assert {str(t).lower() for t in tags if str(t).strip()} <= set(parsed.tags)


@BOUNDED
@given(st.text(), st.lists(st.tuples(
    st.sampled_from(["from", "to", "subject", "after", "before", "FROM", "cc"]),
    st.one_of(_WORD, st.dates().map(str), st.text(max_size=12)),
), max_size=4))  # fmt: skip
def test_search_operators_are_read_or_left_as_words(text: str, ops: list) -> None:
    query = " ".join([text, *(f"{k}:{v}" for k, v in ops)])
    parsed = parse_query(query)
    assert parsed.text == " ".join(parsed.text.split())
    for used in parsed.used:
        assert used in query
    for bound in (parsed.after, parsed.before):
        if bound is not None:
            assert datetime.fromtimestamp(bound, UTC).year >= 1
    for column, value in parsed.fields:
        assert column in ("sender", "recipients", "subject") and value.strip()


@BOUNDED
@given(st.text(), st.integers(1, 4000))
def test_a_question_is_refused_or_fits(text: str, budget: int) -> None:
    try:
        checked = check_question(text, max_tokens=budget)
    except InputError as e:
        assert e.fix  # says what to type instead
        assert not any(ch.isalnum() or ch == "_" for ch in text) or not text.strip()
        return
    assert checked.text and checked.text == checked.text.strip()
    assert not any(ord(ch) < 32 and ch not in "\t\n" for ch in checked.text)
    assert estimate_tokens([{"role": "user", "content": checked.text}]) - 8 <= budget + 1
    assert (checked.note is None) == (len(checked.text) == len(check_question(text).text))


@BOUNDED
@given(st.text())
def test_a_query_is_refused_or_bounded(text: str) -> None:
    try:
        checked = check_query(text, max_chars=50)
    except InputError:
        return
    assert 0 < len(checked.text) <= 50


_HIDING = st.sampled_from([
    'style="display:none"', 'style="visibility: hidden"', "hidden",
    'style="font-size:0px"', 'style="max-height:0;overflow:hidden"', 'style="opacity:0"',
    'style="DISPLAY: NONE !important"', 'class="pre"',
])  # fmt: skip
_SECRET = st.text(st.characters(categories=("Lu",)), min_size=6, max_size=12).map(
    lambda s: f"zq{s}qz"
)


@BOUNDED
@given(st.lists(_PHRASE, min_size=1, max_size=5), _SECRET, _HIDING,
       st.sampled_from(["div", "span", "p", "td", "table"]), st.text(max_size=60))  # fmt: skip
def test_hidden_html_never_leaks_and_visible_text_stays(
    visible: list[str], secret: str, hiding: str, tag: str, noise: str
) -> None:
    shown = "".join(f"<p>{v}</p>" for v in visible)
    hidden = f"<{tag} {hiding}><b>{secret}</b> and more</{tag}>"
    if tag == "td":  # a cell only exists in a row of a table (a stray one is text)
        hidden = f"<table><tr>{hidden}</tr></table>"
    elif tag == "table":
        hidden = f"<table {hiding}><tr><td><b>{secret}</b></td></tr></table>"
    html = f"<style>.pre{{display:none}}</style>{shown}{hidden}{noise.replace('<', ' ')}"
    text = html_to_text(html)
    assert secret not in text
    for v in visible:
        assert v in text


@BOUNDED
@given(st.text(max_size=300), st.text(st.characters(exclude_characters="<&"), max_size=80))
def test_any_markup_becomes_text_and_plain_text_stays(markup: str, plain: str) -> None:
    assert isinstance(html_to_text(markup), str)  # never a crash, whatever it is
    words = [
        w
        for w in plain.split()
        if w.strip("\u200b\u200c\u200d\u2060\ufeff\u034f\u00ad\u180e\u200e\u200f")
    ]
    text = html_to_text(f"<script>var zqsecretqz=1</script><div>{plain}</div>")
    assert "zqsecretqz" not in text
    assert text.split() == words or "\x00" in plain or "\r" in plain


# -- the command line ----------------------------------------------------------------------

_ARG = st.one_of(
    st.sampled_from(["--json", "--limit", "3", "-1", "0", "--mode", "vector", "keyword",
                     "--tag", "--after", "2024-13-45", "yesterday", "--before", "--source",
                     "mail", "notes", "--folder", "--notes", "--local", "--cloud", "--", "-"]),
    st.text(max_size=30).filter(lambda s: "\x00" not in s),
)  # fmt: skip


@BOUNDED
@given(st.sampled_from(["search", "ask", "index", "doctor", "models", "sources", "keys",
                        "cloud", "ledger", "accounts", "sync", "nonsense"]),
       st.lists(_ARG, max_size=6))  # fmt: skip
def test_the_parser_accepts_or_refuses_with_usage(command: str, args: list[str]) -> None:
    parser = build_parser()
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            namespace = parser.parse_args([command, *args])
    except SystemExit as e:
        assert e.code in (0, 2)  # --help, or a usage error that says what was wrong
        assert e.code == 0 or "error:" in err.getvalue()
        return
    assert isinstance(namespace, argparse.Namespace) and callable(namespace.run)


_TEXT = st.text(max_size=200).filter(lambda s: "\x00" not in s)  # argv cannot hold NUL
_FLAGS = st.lists(st.sampled_from(["--json", "--source", "mail", "--local"]), max_size=2)


@FEW
@given(st.sampled_from(["search", "ask"]), _TEXT, _FLAGS)
def test_search_and_ask_on_any_text_answer_cleanly(command: str, text: str, flags: list) -> None:
    """Against an empty Fanous home: a clean error (exit 1 with a fix) or a usage error,
    never a traceback, and no model is ever run."""
    args = [command, text, *flags]
    if command == "search" and "--local" in args:
        args.remove("--local")
    out, err = io.StringIO(), io.StringIO()
    with (
        tempfile.TemporaryDirectory() as home,
        _env(FANOUS_HOME=home, OLLAMA_HOST=":9"),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            code = main(args)
        except SystemExit as e:  # argparse: e.g. a text that looks like an option
            code = 2 if e.code else 0
    assert code in (1, 2), (code, out.getvalue())
    assert "Traceback" not in err.getvalue()
    if code == 1:
        assert "error: " in err.getvalue() and "fix: " in err.getvalue()


@contextlib.contextmanager
def _env(**values: str):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
