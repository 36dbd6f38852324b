"""HTML mail to text: the converter Fanous ships (connectors/mail/html.py, on selectolax)
against html2text, which it replaced (GPL-3.0, so it could not ship in an Apache-2.0 app).

    .venv/bin/python tests/bench/bench_html_text.py [--html2text-path DIR]

html2text is not a dependency any more: install it anywhere for the comparison, e.g.
``pip install --target /tmp/h2t html2text`` and pass ``--html2text-path /tmp/h2t``.
Both run the whole body path of an indexed message — HTML to text, then the quoted reply
and signature set aside (``strip_quotes``) — with html2text configured as Fanous had it.

On the hand-made cases of tests/mail_html_corpus.py (what each must and must not yield):
  kept       share of the ``want`` phrases found (whitespace collapsed; table and
             Markdown marks ``| * _ # >`` ignored, so a table row counts either way)
  leaked     share of the ``not_want`` strings found (hidden text, styles, link
             targets, quoted replies)
  artefacts  Markdown left in the text: ``**``, ``](``, ``![``, ``---|``, ``\\``-escapes,
             lines starting with ``#``
and the time per message over the mail benchmark's generated HTML bodies.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from connectors.mail.html import html_to_text
from connectors.mail.text import strip_quotes
from tests.mail_html_corpus import HTML_CASES

_MARKS = re.compile(r"[|*_#>]")
_ARTEFACTS = re.compile(r"\*\*|\]\(|!\[|---\||\\[-.+*#_`!\[\]()>]|^#", re.MULTILINE)


def _norm(text: str) -> str:
    return " ".join(_MARKS.sub(" ", text).split()).casefold()


def html2text_converter(path: str | None) -> Callable[[str], str] | None:
    if path:
        sys.path.insert(0, path)
    try:
        import html2text
    except ImportError:
        return None

    def convert(html: str) -> str:  # the settings connectors/mail/text.py used
        h = html2text.HTML2Text()
        h.ignore_links = h.ignore_images = h.ignore_emphasis = True
        h.ignore_tables = False
        h.body_width = 0
        h.unicode_snob = True
        text = re.sub(r"\\([-.+*#_`!\[\]()>])", r"\1", h.handle(html))
        return re.sub(r"\n{3,}", "\n\n", text).strip()

    return convert


def quality(convert: Callable[[str], str]) -> dict[str, float]:
    kept = wanted = leaked = unwanted = artefacts = 0
    misses: list[str] = []
    for case in HTML_CASES:
        body = strip_quotes(convert(case.html))[0]
        norm = _norm(body)
        for phrase in case.want:
            wanted += 1
            if _norm(phrase) in norm:
                kept += 1
            else:
                misses.append(f"{case.name}: missing {phrase!r}")
        for phrase in case.not_want:
            unwanted += 1
            if phrase.casefold() in body.casefold():
                leaked += 1
                misses.append(f"{case.name}: leaked {phrase!r}")
        artefacts += len(_ARTEFACTS.findall(body))
    for line in misses:
        print(f"    {line}")
    return {"kept": kept / wanted, "leaked": leaked / unwanted, "artefacts": artefacts,
            "wanted": wanted, "unwanted": unwanted}  # fmt: skip


def bodies(n: int = 2000) -> list[str]:
    """HTML bodies of the mail benchmark's shape, plus the corpus cases."""
    import random

    from tests.bench.bench_mail import WORDS

    rng = random.Random(5)
    out = [c.html for c in HTML_CASES]
    for _ in range(n):
        paras = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))) for _ in
                 range(rng.randint(1, 6))]  # fmt: skip
        out.append("<html><body>" + "".join(f"<p>{p}</p>" for p in paras) + "</body></html>")
    return out


def speed(convert: Callable[[str], str], docs: list[str]) -> float:
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        for html in docs:
            convert(html)
        runs.append((time.perf_counter() - t0) / len(docs))
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--html2text-path", help="a folder where html2text is installed")
    args = parser.parse_args()
    converters = {"fanous (selectolax)": html_to_text}
    other = html2text_converter(args.html2text_path)
    if other is not None:
        converters["html2text"] = other
    docs = bodies()
    n_cases = len(HTML_CASES)
    print(f"{n_cases} hand-made HTML mails; speed over {len(docs)} bodies (median of 3)")
    for name, convert in converters.items():
        print(f"  {name}:")
        q = quality(convert)
        per = speed(convert, docs)
        print(
            f"  {name:<20} kept {q['kept']:.1%} of {q['wanted']} phrases, leaked "
            f"{q['leaked']:.1%} of {q['unwanted']}, {q['artefacts']} Markdown artefacts, "
            f"{per * 1e6:.0f} µs/message"
        )
    if other is None:
        print("  (html2text not found: see this script's docstring to compare)")


if __name__ == "__main__":
    main()
