"""Hostile inputs, built as bytes: each is small on disk and known to have hung, exhausted
memory or crashed a parser (issue 15). The regression tests and the fuzz suite use them."""

from __future__ import annotations

import struct
import zlib

__all__ = [
    "YAML_ALIAS_BOMB",
    "deep_multipart",
    "docx_bomb",
    "eai_message",
    "encoded_word_subject",
    "pdf_bomb",
]

# 367 bytes of front matter whose aliases unfold to 9**9 (387 million) strings.
YAML_ALIAS_BOMB = (
    "---\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{b}: &{b} [{','.join([f'*{a}'] * 9)}]\n"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "tags: *i\ntitle: *i\n---\n# Alias bomb\n\nThe body is fine: harbour ferry.\n"
)


def _deflate_repeated(head: bytes, block: bytes, times: int, tail: bytes, *, raw: bool):
    """``head + block * times + tail`` deflated without compressing it all: after a full
    flush the compressor starts afresh, so each further copy of the block deflates to the
    same bytes, which are simply repeated. Returns (data, checksum, size): the checksum is
    the CRC-32 a zip member needs (``raw``), else the stream is zlib-wrapped (Adler-32)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15 if raw else 15)
    first = c.compress(head) + c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    last = c.compress(tail) + c.flush()
    check = zlib.crc32 if raw else zlib.adler32
    total = check(head, 0 if raw else 1)
    for _ in range(times):
        total = check(block, total)
    total = check(tail, total)
    if not raw:  # zlib's trailer holds the Adler-32 of the data written
        last = last[:-4] + struct.pack(">I", total)
    return first + again * (times - 1) + last, total, len(head) + len(block) * times + len(tail)


def pdf_bomb(megabytes: int = 1024) -> bytes:
    """A one-page PDF (about 1 MB) whose content stream inflates to ``megabytes`` MB."""
    head, tail = b"BT /F1 12 Tf 72 720 Td (ferry", b") Tj ET"
    data, _, _ = _deflate_repeated(head, b" " * (1 << 20), megabytes, tail, raw=False)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources "
        b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of (name, raw-deflated data, crc32, uncompressed size) members."""
    out = bytearray()
    central = bytearray()
    for name, data, crc, size in members:
        encoded = name.encode()
        offset = len(out)
        common = struct.pack("<HHHHIIIHH", 0, 8, 0, 0, crc, len(data), size, len(encoded), 0)
        out += b"PK\x03\x04" + struct.pack("<H", 20) + common + encoded + data
        central += b"PK\x01\x02" + struct.pack("<HH", 20, 20) + common
        central += struct.pack("<HHHII", 0, 0, 0, 0, offset) + encoded
    count = len(members)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), len(out), 0)
    return bytes(out + central + end)


def docx_bomb(megabytes: int = 1024) -> bytes:
    """A Word file (about 1 MB) whose document.xml unpacks to ``megabytes`` MB of
    paragraphs: valid all the way, so a reader without caps parses it all."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    para = b"<w:p><w:r><w:t>lol</w:t></w:r></w:p>"
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {ns}><w:body>'
    document = _deflate_repeated(
        head.encode(),
        para * ((1 << 20) // len(para)),
        megabytes,
        b"</w:body></w:document>",
        raw=True,
    )

    def small(name: str, text: str) -> tuple[str, bytes, int, int]:
        data, crc, size = _deflate_repeated(b"", text.encode(), 1, b"", raw=True)
        return name, data, crc, size

    ct = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    return _zip(
        [
            small(
                "[Content_Types].xml",
                '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                f'<Override PartName="/word/document.xml" ContentType="{ct}"/></Types>',
            ),
            small(
                "_rels/.rels",
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                f'Type="{rel}" Target="word/document.xml"/></Relationships>',
            ),
            ("word/document.xml", *document),
        ]
    )


HEAD = "From: Sara Haddad <sara@example.com>\r\nTo: Omar <omar@example.com>\r\n"


def eai_message() -> bytes:
    """Internationalised addresses and a subject in raw UTF-8 (RFC 6532), as EAI mail is."""
    return (
        "From: Sára Haddád <sára@exämple.com>\r\nTo: عمر <عمر@مثال.شبكة>\r\n"
        "Subject: Fähre nach Ägina\r\nMessage-ID: <eai-1@example.com>\r\n"
        "Date: Tue, 05 Mar 2024 10:00:00 +0100\r\n\r\n"
        "The ferry to Aegina leaves at nine.\r\n"
    ).encode()


def deep_multipart(depth: int = 3000) -> bytes:
    head = HEAD + "Subject: Nested\r\nMessage-ID: <nested@example.com>\r\nMIME-Version: 1.0\r\n"
    body = "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth)
    )
    body += "Content-Type: text/plain\r\n\r\nthe innermost ferry timetable\r\n"
    body += "".join(f"--b{i}--\r\n" for i in reversed(range(depth)))
    return (head + body).encode()


def encoded_word_subject(words: int = 16_000) -> bytes:
    """A message of ~380 KB whose Subject holds ``words`` RFC 2047 encoded words."""
    subject = " ".join("=?utf-8?q?f=C3=A4hre?=" for _ in range(words))
    return (
        HEAD + f"Subject: {subject}\r\nMessage-ID: <words@example.com>\r\n\r\n"
        "The ferry leaves at nine.\r\n"
    ).encode()
