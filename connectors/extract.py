"""Text out of PDF and Word files, for notes and mail attachments alike, within caps.

Both formats are compressed containers, so a small file can unpack to gigabytes: PDF
streams are decompressed under pypdf's output limits (lowered here), a DOCX is refused
when its zip directory declares more than ``MAX_UNZIPPED_BYTES`` (``zipfile`` never
inflates a member past its declared size) and extraction stops once ``max_chars`` of text
are in hand. Every failure is a ``ConnectorError`` whose message says why; the worker
process that runs this (agent.index.pool) bounds time and memory on top.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass, field
from typing import Any

from contracts.errors import ConnectorError

__all__ = [
    "MAX_PDF_PAGES",
    "MAX_STREAM_BYTES",
    "MAX_UNZIPPED_BYTES",
    "MAX_XML_BYTES",
    "Extracted",
    "docx_text",
    "pdf_text",
]

# One decompressed PDF stream: a page's text content is kilobytes; images are not decoded.
MAX_STREAM_BYTES = 16 * 1024 * 1024
MAX_PDF_PAGES = 10_000
# A Word file's parts as its zip directory declares them: everything python-docx loads,
# and the XML it parses into a tree (about ten times its size in memory).
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
MAX_XML_BYTES = 24 * 1024 * 1024
_MAX_ZIP_MEMBERS = 10_000

# pypdf logs every damaged file at WARNING; the reason is recorded with the item instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(slots=True)
class Extracted:
    text: str
    title: str = ""
    keywords: str = ""  # as the file's properties hold them
    created: float | None = None  # seconds since the epoch
    pages: list[int] = field(default_factory=list)  # where each PDF page starts in text
    first_heading: str = ""
    note: str = ""  # what a cap left out


def pdf_text(data: bytes, *, max_chars: int) -> Extracted:
    """The text layer, page by page (pages joined by a blank line)."""
    from pypdf import PdfReader, apply_configuration

    notes: list[str] = []
    try:
        with apply_configuration(
            maximum_declared_stream_length=MAX_STREAM_BYTES,
            array_based_stream_maximum_output_length=MAX_STREAM_BYTES,
            lzw_maximum_output_length=MAX_STREAM_BYTES,
            run_length_maximum_output_length=MAX_STREAM_BYTES,
            zlib_maximum_output_length=MAX_STREAM_BYTES,
        ):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise ConnectorError("the PDF is password-protected")
            pages: list[str] = []
            starts: list[int] = []
            failed: list[tuple[int, str]] = []
            pos = 0
            count = len(reader.pages)
            for n, page in enumerate(reader.pages):
                if n == MAX_PDF_PAGES or pos > max_chars:
                    notes.append(f"capped: only the first {n:,} of {count:,} pages were read")
                    break
                try:  # one damaged page costs only itself
                    page_text = (page.extract_text() or "").replace("\r\n", "\n").strip()
                except MemoryError:
                    raise
                except Exception as e:
                    failed.append((n + 1, _reason(e)))
                    page_text = ""
                starts.append(pos)
                pages.append(page_text)
                pos += len(page_text) + 2
            info: dict[str, Any] = reader.metadata or {}
            title = str(info.get("/Title") or "").strip()
    except ConnectorError:
        raise
    except MemoryError:
        raise  # the worker's memory limit: reported as such by the pool
    except RecursionError as e:
        raise ConnectorError("not a readable PDF: its objects nest too deeply") from e
    except Exception as e:  # pypdf raises many types on damaged or hostile files
        raise ConnectorError(f"not a readable PDF: {_reason(e)}") from e
    text = "\n\n".join(pages)
    if failed:
        if not text.strip():
            raise ConnectorError(f"not a readable PDF: {failed[0][1]}")
        numbers = ", ".join(str(n) for n, _ in failed[:10])
        notes.insert(0, f"pages {numbers} could not be read ({failed[0][1]})")
    return Extracted(text=text, title=title, pages=starts, note="; ".join(notes))


def _check_zip(data: bytes) -> None:
    """Refuse a zip bomb from its directory, before anything is inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise ConnectorError(f"not a readable Word document: {_reason(e)}") from e
    total = sum(m.file_size for m in members)
    xml = sum(m.file_size for m in members if m.filename.lower().endswith((".xml", ".rels")))
    if len(members) > _MAX_ZIP_MEMBERS or total > MAX_UNZIPPED_BYTES or xml > MAX_XML_BYTES:
        raise ConnectorError(
            f"skipped: the Word file unpacks to {total // 2**20:,} MB in {len(members):,} "
            f"parts ({xml // 2**20:,} MB of XML), over the limits of "
            f"{MAX_UNZIPPED_BYTES // 2**20} MB and {MAX_XML_BYTES // 2**20} MB"
        )


def docx_text(data: bytes, *, max_chars: int) -> Extracted:
    """Paragraphs, then tables; ``Heading N`` and ``Title`` styles become ``#`` lines."""
    import docx

    _check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        first_heading = ""
        size = 0
        note = ""
        for para in document.paragraphs:
            if size > max_chars:
                note = "capped: the rest of the document was not read"
                break
            body = para.text.strip()
            if not body:
                continue
            level = _heading_level(para.style.name if para.style is not None else "")
            if level:
                first_heading = first_heading or body
                lines.append(f"{'#' * level} {body}")
            else:
                lines.append(body)
            size += len(lines[-1]) + 2
        for table in document.tables:
            for row in table.rows:
                if size > max_chars:
                    note = "capped: the rest of the document was not read"
                    break
                cells = [c.text.strip() for c in row.cells if c.text.strip()]
                if cells:
                    lines.append(" | ".join(dict.fromkeys(cells)))
                    size += len(lines[-1]) + 2
        props = document.core_properties
        title = (props.title or "").strip()
        keywords = props.keywords or ""
        created = props.created.timestamp() if props.created else None
    except MemoryError:
        raise
    except RecursionError as e:
        raise ConnectorError("not a readable Word document: it nests too deeply") from e
    except Exception as e:  # python-docx, lxml and zipfile raise their own types
        raise ConnectorError(f"not a readable Word document: {_reason(e)}") from e
    return Extracted(
        text="\n\n".join(lines),
        title=title,
        keywords=keywords,
        created=created,
        first_heading=first_heading,
        note=note,
    )


def _heading_level(style: str | None) -> int:
    style = (style or "").lower()
    if style.startswith("heading"):
        digits = style.split()[-1]
        return min(int(digits), 6) if digits.isdigit() else 1
    return 1 if style == "title" else 0


def _reason(e: BaseException) -> str:
    text = " ".join(str(e).split())[:200]
    return f"{type(e).__name__}: {text}" if text else type(e).__name__
