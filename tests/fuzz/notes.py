"""Notes for the fuzz suite: good notes (which must all be found afterwards) and hostile
ones — bombs, binary, bad encodings, huge lines, pathological Markdown and Org — each a
(file name, bytes) pair from a seeded generator."""

from __future__ import annotations

import codecs
import random
from collections.abc import Callable, Iterator

from tests.hostile import YAML_ALIAS_BOMB, docx_bomb, pdf_bomb
from tests.mail_corpus import docx_bytes, pdf_bytes

__all__ = ["good_notes", "hostile_notes"]

_WORDS = "ferry harbour ticket olive garden budget invoice museum library train".split()
_ARABIC = "العبارة الميناء تذكرة الحديقة الزيتون اجتماع الميزانية فاتورة".split()


def good_notes(count: int, seed: int = 16) -> Iterator[tuple[str, bytes, str]]:
    """(name, bytes, a word that only this note holds)."""
    rng = random.Random(seed)
    for n in range(count):
        marker = f"goodmarker{n:05}"
        words = _ARABIC if n % 10 == 3 else _WORDS
        sections = "\n\n".join(
            f"## Section {s}\n\n" + " ".join(rng.choice(words) for _ in range(rng.randint(30, 120)))
            for s in range(6)
        )
        text = f"---\ntitle: Good {n}\ntags: [good]\n---\n# Good {n}\n\n{marker}\n\n{sections}\n"
        yield f"good-{n:05}.md", text.encode(), marker


def _yaml_bombs(rng: random.Random) -> bytes:
    return rng.choice(
        [
            YAML_ALIAS_BOMB,
            "---\ntags: " + "[" * rng.choice([100, 10_000, 100_000]) + "\n---\nbody\n",
            "---\n" + "".join(f"a{n}: &a{n} b\n" for n in range(1000)) + "---\n# anchors\n",
            "---\n" + "key: value\n" * 20_000 + "---\n# big front matter\n",
            "---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\n# unsafe tag\n",
            "---\ndate: 99999-99-99\ncreated: 2024-02-30\ntags: {a: [b, {c: d}]}\n---\nx\n",
            "---\n\x00\x01\x02: \x03\n---\nx\n",
        ]
    ).encode("utf-8", "surrogatepass")


def _patterns(rng: random.Random) -> bytes:
    size = rng.choice([1_000, 30_000, 60_000])
    unit = rng.choice(
        ["[[", "[[a|", "[[a#", "![[", "]]", "#", "# ", "#tag ", "`", "```\n", "~~~\n", "* ", "**",
         "#+", ":a:", "[[file:", "\t", " ", "---\n", "> ", "- [ ] ", "|", "\\", "&amp;"]
    )  # fmt: skip
    head = rng.choice(["", "# ", "* ", "#+TITLE: ", "## Heading ", "---\ntitle: "])
    return (head + unit * (size // len(unit)) + rng.choice(["", "x", "\n", "]]"])).encode()


def _huge_line(rng: random.Random) -> bytes:
    word = rng.choice(["a", "word ", "العبارة ", "東京", "\u200b", "🙂"])
    size = rng.choices([50_000, 200_000, 1_000_000], weights=[6, 3, 1])[0]
    return ("# Long\n\n" + word * (size // len(word))).encode()


def _binary(rng: random.Random) -> bytes:
    return rng.randbytes(rng.choice([16, 4096, 65536]))


def _encodings(rng: random.Random) -> bytes:
    text = "# Grüße\n\nCafé, مرحبا, こんにちは, привет\n" * rng.randint(1, 50)
    codec = rng.choice(
        ["utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1256", "shift_jis", "koi8-r"]
    )
    data = text.encode(codec, "replace")
    cut = rng.choice([None, len(data) // 2 + 1])
    data = data[:cut] if cut else data
    if rng.random() < 0.3:
        data = codecs.BOM_UTF8 + data
    if rng.random() < 0.3:
        data = data.replace(b"\n", b"\r", rng.randint(1, 5))
    return data


def _mutated(rng: random.Random) -> bytes:
    _, good, _ = next(good_notes(1, rng.randrange(1000)))
    data = bytearray(good)
    for _ in range(rng.randint(1, 20)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data[: rng.randrange(len(data) + 1)] if rng.random() < 0.3 else data)


def _structure(rng: random.Random) -> bytes:
    depth = rng.choice([100, 1000, 3000])
    return rng.choice(
        [
            "".join("#" * (d % 6 + 1) + f" H{d}\n" for d in range(depth)),
            "".join("  " * (d % 500) + "- item\n" for d in range(depth)),
            "> " * depth + "quote\n",
            "".join(f"* H{d} :t{d}:\n" for d in range(depth)),
            "\n" * 100_000,
            "".join(f"[[link{d}]] " for d in range(depth * 10)),
            "".join(f"#tag{d} " for d in range(depth * 10)),
        ]
    ).encode()


_TEXT_KINDS: list[tuple[str, Callable[[random.Random], bytes]]] = [
    (".md", _yaml_bombs),
    (".md", _patterns),
    (".org", _patterns),
    (".txt", _huge_line),
    (".md", _binary),
    (".org", _binary),
    (".txt", _encodings),
    (".md", _encodings),
    (".md", _mutated),
    (".md", _structure),
    (".org", _structure),
]


def hostile_notes(count: int, seed: int = 17) -> Iterator[tuple[str, bytes]]:
    """``count`` hostile notes; one in fifty is a PDF or Word file (broken, or a bomb)."""
    rng = random.Random(seed)
    pdf, docx = pdf_bomb(64), docx_bomb(64)  # once: building them costs a little
    for n in range(count):
        if n % 50 == 7:
            choice = rng.randrange(6)
            suffix = ".pdf" if choice < 3 else ".docx"
            data = [
                pdf,
                _flip(pdf_bytes("A page about the ferry."), rng),
                rng.randbytes(2048),
                docx,
                _flip(docx_bytes("The olive harvest."), rng),
                b"PK\x03\x04" + rng.randbytes(1024),
            ][choice]
            yield f"hostile-{n:05}{suffix}", data
            continue
        suffix, make = rng.choice(_TEXT_KINDS)
        yield f"hostile-{n:05}{suffix}", make(rng)


def _flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 10)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)
