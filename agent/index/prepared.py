"""A document made ready for the index where it was parsed (a worker process): its
passages cut, their searchable forms and hashes computed, its metadata serialised. The
writer then only inserts rows.

Passage texts do not travel: each is ``doc.text[start:end]`` (the chunker's spans are
exact), and a searchable form equal to its text (no Arabic, no CJK) travels as ``None``
and is stored as '' (the store's ``search_form``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from agent.index.chunking import chunk_text
from agent.normalize import normalize
from contracts.documents import Document, content_hash

__all__ = ["Prepared", "PreparedChunk", "prepare"]

# (start, end, heading path, search text or None when it is the text, search heading,
# text hash)
PreparedChunk = tuple[int, int, str, str | None, str, str]


@dataclass(slots=True)
class Prepared:
    doc: Document
    meta_json: str
    chunks: list[PreparedChunk]

    def rows(self, doc_id: int) -> list[tuple[object, ...]]:
        """The ``chunks`` table's rows for this document: (doc id, ordinal, text, heading
        path, start, end, search form, search heading, text hash)."""
        text = self.doc.text
        out: list[tuple[object, ...]] = []
        for n, (start, end, heading, search, search_heading, digest) in enumerate(self.chunks):
            # '' stands for the text itself, so a form that folds to nothing is a space
            form = "" if search is None else search or " "
            passage = text[start:end]
            out.append((doc_id, n, passage, heading, start, end, form, search_heading, digest))
        return out


def prepare(doc: Document) -> Prepared:
    """Cut ``doc`` into passages with their searchable forms. The title and aliases ride
    with every passage's heading, so a note is found by the names its author gave it."""
    names = " ".join([doc.title, *doc.meta.get("aliases", [])])
    headings: dict[str, str] = {}
    chunks: list[PreparedChunk] = []
    for piece in chunk_text(
        doc.text,
        start=int(doc.meta.get("body_start", 0)),
        syntax=str(doc.meta.get("syntax", "markdown")),
    ):
        search = normalize(piece.text)
        heading = headings.get(piece.heading_path)
        if heading is None:
            heading = headings[piece.heading_path] = normalize(f"{names} {piece.heading_path}")
        chunks.append(
            (
                piece.start,
                piece.end,
                piece.heading_path,
                None if search == piece.text else search,
                heading,
                content_hash(piece.text),
            )
        )
    return Prepared(doc, json.dumps(doc.meta, ensure_ascii=False), chunks)
