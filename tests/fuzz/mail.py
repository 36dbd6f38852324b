"""Mail for the fuzz suite: base messages in the shapes of CPython's email test corpus
(written here, not copied), and seeded mutations of them and of tests/mail_corpus.py."""

from __future__ import annotations

import base64
import quopri
import random
import re
from collections.abc import Callable, Iterator

from tests.hostile import deep_multipart, eai_message, encoded_word_subject
from tests.mail_corpus import CASES

__all__ = ["BASE", "mutants"]

_H = "From: Barry <barry@example.org>\nTo: Dingus Lovers <cravindogs@example.com>\n"
_ID = "Message-ID: <{n}@fuzz.example>\nDate: Fri, 4 May 2001 14:05:44 -0400\n"

# Shapes after CPython's Lib/test/test_email/data (msg_01 … msg_47): plain, encoded
# headers, multipart/mixed and alternative, nested, forwarded, digest, signed, bounces,
# broken boundaries, preamble and epilogue, RFC 2231 parameters, odd transfer encodings.
_SHAPES = [
    _H + "Subject: test message\n\nHi,\n\nDo you like this message?\n\n-Me\n",
    _H + "Subject: =?iso-8859-1?q?p=F6stal?= =?utf-8?b?w7xiZXI=?= mail\n"
    "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n"
    "\nGr=FC=DFe aus K=F6ln\n",
    _H + 'Subject: mixed\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="BOUND"\n\n'
    "This is the preamble.\n\n--BOUND\nContent-Type: text/plain\n\nHello world.\n--BOUND\n"
    'Content-Type: image/gif; name="dingusfish.gif"\nContent-Transfer-Encoding: base64\n'
    'Content-Disposition: attachment; filename="dingusfish.gif"\n\n'
    "R0lGODdhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=\n"
    "--BOUND--\n\nThis is the epilogue.\n",
    _H + "Subject: alternative\nMIME-Version: 1.0\n"
    'Content-Type: multipart/alternative; boundary="alt"\n\n--alt\nContent-Type: text/plain; '
    "charset=us-ascii\n\nPlain version.\n--alt\nContent-Type: multipart/related; "
    'boundary="rel"\n\n--rel\nContent-Type: text/html\n\n<html><body><p>HTML <b>version</b>'
    '</p><img src="cid:x"></body></html>\n--rel\nContent-Type: image/png\nContent-ID: <x>\n'
    "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--rel--\n--alt--\n",
    _H + 'Subject: forwarded\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="f"\n\n'
    "--f\nContent-Type: text/plain\n\nSee below.\n--f\nContent-Type: message/rfc822\n\n"
    "From: inner@example.com\nSubject: inner\n\nThe inner body.\n--f--\n",
    _H + 'Subject: digest\nMIME-Version: 1.0\nContent-Type: multipart/digest; boundary="d"\n\n'
    "--d\n\nFrom: a@example.com\nSubject: one\n\nFirst.\n--d\n\nFrom: b@example.com\n"
    "Subject: two\n\nSecond.\n--d--\n",
    _H + "Subject: signed\nMIME-Version: 1.0\nContent-Type: multipart/signed; "
    'protocol="application/pgp-signature"; micalg=pgp-sha1; boundary="s"\n\n--s\n'
    "Content-Type: text/plain\n\nSigned text.\n--s\nContent-Type: application/pgp-signature\n\n"
    "-----BEGIN PGP SIGNATURE-----\niD8DBQA7\n-----END PGP SIGNATURE-----\n--s--\n",
    "From: MAILER-DAEMON@example.com\nTo: barry@example.org\nSubject: Delivery failure\n"
    'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="r"\n'
    "\n--r\nContent-Type: text/plain\n\nYour message could not be delivered.\n--r\n"
    "Content-Type: message/delivery-status\n\nReporting-MTA: dns; example.com\n\n"
    "Final-Recipient: rfc822; nobody@example.com\nAction: failed\nStatus: 5.1.1\n--r\n"
    "Content-Type: text/rfc822-headers\n\nFrom: barry@example.org\nSubject: original\n--r--\n",
    _H + 'Subject: broken\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="never"\n\n'
    "--nope\nContent-Type: text/plain\n\nThe boundary is never used.\n",
    _H + "Subject: params\nMIME-Version: 1.0\nContent-Type: application/x-stuff;\n"
    " title*0*=us-ascii'en'This%20is%20even%20more%20;\n title*1*=%2A%2A%2Afun%2A%2A%2A%20;\n"
    " title*2=\"isn't it!\"\nContent-Disposition: attachment; filename*=utf-8''na%C3%AFve.txt\n"
    "\nbody\n",
    _H + "Subject: uuencoded\nContent-Transfer-Encoding: x-uuencode\n\nbegin 666 hello.txt\n"
    "&:&5L;&\\*\n`\nend\n",
    _H
    + "Subject: continuation\n  lines that go on\n\tand on\nX-Header: one\nX-Header: two\n\nbody\n",
    "Subject: only headers\nFrom: a@b.c\n",
    "",
    _H + "Subject: partial\nMIME-Version: 1.0\n"
    'Content-Type: message/partial; id="abc@example.com"; number=2; total=3\n\nPart two.\n',
    _H
    + "Subject: 8bit\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
    "Grüße, привет, مرحبا, こんにちは\n",
    _H + "Subject: html only\nContent-Type: text/html; charset=windows-1252\n\n"
    "<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
    "<body><p>caf\xe9 &amp; cr&egrave;me</p></body></html>\n",
    _H + 'Subject: apple\nMIME-Version: 1.0\nContent-Type: multipart/appledouble; boundary="a"\n\n'
    "--a\nContent-Type: application/applefile\nContent-Transfer-Encoding: base64\n\nAAUWBwACAAA=\n"
    "--a\nContent-Type: text/plain\n\nThe data fork.\n--a--\n",
]


def _base() -> list[bytes]:
    out = [case.raw for case in CASES]
    for n, shape in enumerate(_SHAPES):
        head, sep, body = shape.partition("\n\n")
        if sep:
            shape = head + "\n" + _ID.format(n=f"shape{n}") + sep + body
        out.append(shape.encode())  # the windows-1252 one is mislabelled UTF-8: real too
    out += [eai_message(), deep_multipart(60), encoded_word_subject(600)]
    return out


BASE = _base()

_HOSTILE_HEADERS = [
    b"Content-Type: multipart/mixed; boundary=",
    b"Content-Type: text/plain; charset=x-unknown-charset",
    b"Content-Type: text/plain; charset=utf-16",
    b"Content-Transfer-Encoding: base64",
    b"Content-Transfer-Encoding: quoted-printable",
    b"Content-Transfer-Encoding: x-uuencode",
    b"Subject: =?utf-8?b?!!!not base64!!!?= =?utf-8?q?=ZZ=?=",
    b"From: \xc3\xa9lo\xc3\xafse <\xc3\xa9@exa\xc3\xafmple.com>",
    b"To: " + b", ".join(b"p%d@example.com" % n for n in range(400)),
    b"Subject: " + b"x" * 100_000,
    b"Date: Mon, 99 Foo 10000 99:99:99 +9999",
    b"Content-Disposition: attachment; filename*=utf-8''%FF%FE%00",
    b"Message-ID: <<<>>>",
    b"References: " + b" ".join(b"<r%d@x>" % n for n in range(2000)),
    b"\x00\x01\x02: \x7f\xff",
    b"Content-Type: message/rfc822",
    b"Content-Type: text/html",
]
_CHARSETS = [b"utf-8", b"latin-1", b"windows-1256", b"iso-2022-jp", b"utf-16", b"gb2312", b"bogus"]


def _split(raw: bytes) -> tuple[list[bytes], bytes]:
    head, sep, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    return head.split(b"\n"), body if sep else b""


def _join(lines: list[bytes], body: bytes) -> bytes:
    return b"\n".join(lines) + b"\n\n" + body


def _flip(raw: bytes, rng: random.Random) -> bytes:
    data = bytearray(raw or b"x")
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def _truncate(raw: bytes, rng: random.Random) -> bytes:
    return raw[: rng.randrange(len(raw) + 1)]


def _duplicate_header(raw: bytes, rng: random.Random) -> bytes:
    lines, body = _split(raw)
    line = rng.choice(lines)
    at = rng.randrange(len(lines) + 1)
    times = rng.choices([2, 5, 50, 2000], weights=[5, 5, 3, 1])[0]
    return _join([*lines[:at], *[line] * times, *lines[at:]], body)


def _drop_line(raw: bytes, rng: random.Random) -> bytes:
    lines = raw.split(b"\n")
    del lines[rng.randrange(len(lines))]
    return b"\n".join(lines)


def _hostile_header(raw: bytes, rng: random.Random) -> bytes:
    lines, body = _split(raw)
    lines.insert(rng.randrange(len(lines) + 1), rng.choice(_HOSTILE_HEADERS))
    return _join(lines, body)


def _nest(raw: bytes, rng: random.Random) -> bytes:
    for depth in range(rng.choice([1, 3, 20, 200])):
        kind = rng.choice([b"message/rfc822", b"multipart/mixed"])
        b = b"n%d" % depth
        if kind == b"message/rfc822":
            raw = b"Content-Type: message/rfc822\nSubject: fwd %d\n\n" % depth + raw
        else:
            raw = (
                b'Content-Type: multipart/mixed; boundary="%s"\n\n--%s\n' % (b, b)
                + raw
                + b"\n--%s--\n" % b
            )
    return b"From: nest@example.com\nMIME-Version: 1.0\n" + raw


def _reencode(raw: bytes, rng: random.Random) -> bytes:
    lines, body = _split(raw)
    lines = [
        ln for ln in lines if not ln.lower().startswith((b"content-transfer", b"content-type"))
    ]
    charset = rng.choice(_CHARSETS)
    how = rng.choice([b"base64", b"quoted-printable", b"8bit", b"7bit"])
    if how == b"base64":
        body = base64.encodebytes(body)
    elif how == b"quoted-printable":
        body = quopri.encodestring(body)
    lines += [b"Content-Type: text/plain; charset=" + charset, b"Content-Transfer-Encoding: " + how]
    return _join(lines, body)


def _boundaries(raw: bytes, rng: random.Random) -> bytes:
    names = re.findall(rb'boundary="?([^";\s]+)', raw)
    if not names:
        return _flip(raw, rng)
    name = rng.choice(names)
    cut = name[: rng.randrange(len(name) + 1)]
    return raw.replace(b"--" + name, b"--" + cut, rng.randint(1, 3))


def _line_ends(raw: bytes, rng: random.Random) -> bytes:
    return raw.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\r", b"\r\r\n"]))


def _splice(raw: bytes, rng: random.Random) -> bytes:
    other = rng.choice(BASE)
    return raw[: rng.randrange(len(raw) + 1)] + other[rng.randrange(len(other) + 1) :]


def _garbage(raw: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(raw) + 1)
    size = rng.choices([1, 16, 4096, 65536], weights=[5, 5, 4, 1])[0]
    return raw[:at] + rng.randbytes(size) + raw[at:]


MUTATORS: list[Callable[[bytes, random.Random], bytes]] = [
    _flip,
    _truncate,
    _duplicate_header,
    _drop_line,
    _hostile_header,
    _nest,
    _reencode,
    _boundaries,
    _line_ends,
    _splice,
    _garbage,
]


def mutants(count: int, seed: int = 15) -> Iterator[tuple[str, bytes]]:
    """``count`` mutants of the base messages: (what was done, bytes). Each gets its own
    Message-ID first, so none is stored as a duplicate of its original."""
    rng = random.Random(seed)
    for n in range(count):
        base = rng.randrange(len(BASE))
        raw = re.sub(rb"(?im)^message-id:[^\n]*\n", b"", BASE[base])
        raw = b"Message-ID: <mutant-%d@fuzz.example>\n" % n + raw
        steps = rng.sample(MUTATORS, rng.choice([1, 1, 2, 3]))
        for step in steps:
            raw = step(raw, rng)
        yield f"base {base}: " + " + ".join(s.__name__.strip("_") for s in steps), raw
