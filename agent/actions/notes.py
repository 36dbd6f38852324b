"""Saving to notes: a new Markdown note, or a new section at the end of one.

A new note has YAML front matter (title, date, tags, and links back to its sources: a
note's path relative to its folder, a message's ``mid:`` uri) and a heading; its file
name comes from the title (any script kept, separators dropped) and never replaces a
file: "Title 2.md" when "Title.md" exists. An appended section is a ``##`` heading, the
text and its sources, after every byte the note had.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime

import yaml

from agent.actions.confine import file_sha256, free_name, safe_name
from agent.actions.proposal import Origin, Proposal, Target
from contracts.errors import ActionRefused

__all__ = ["append_proposal", "note_proposal", "notes_source_of"]


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def notes_source_of(notes_folders: Sequence[str], path: str) -> str:
    """The notes folder (as the settings name it) holding ``path`` once links are
    resolved; ``ActionRefused`` when none does."""
    real = os.path.realpath(path)
    holders = [f for f in notes_folders if _inside(real, os.path.realpath(f))]
    if not holders:
        raise ActionRefused(
            f"{real} is not inside any notes folder of Fanous",
            fix="save into one of your notes folders (fanous index --notes DIR adds one, "
            "then allow writing there)",
        )
    return max(holders, key=len)


def _link(source: str, notes_root: str) -> str:
    """How a note links back to a source: a path relative to its notes folder when it
    is inside, else the uri (``mid:…`` for mail) or the path."""
    if source.startswith(("mid:", "mail:", "imap://", "file:")):
        return source
    real = os.path.realpath(source)
    return os.path.relpath(real, notes_root) if _inside(real, notes_root) else real


def _text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ActionRefused("There is nothing to save", fix="give the text to save")
    return text


def note_proposal(
    notes_folders: Sequence[str],
    folder: str,
    title: str,
    text: str,
    *,
    origin: Origin,
    now: datetime,
    tags: Sequence[str] = (),
    sources: Sequence[str] = (),
) -> Proposal:
    """A new note ``title`` in ``folder`` (a notes folder or a folder inside one)."""
    root = os.path.realpath(folder)
    if not os.path.isdir(root):
        raise ActionRefused(f"{root} is not a folder", fix="give an existing notes folder")
    source = notes_source_of(notes_folders, root)
    notes_root = os.path.realpath(source)
    title = " ".join(title.split()) or "Untitled"
    body = _text(text)
    rel = free_name(root, "", safe_name(title, ".md"))
    front: dict[str, object] = {"title": title, "date": now.isoformat(timespec="seconds")}
    if tags:
        front["tags"] = [" ".join(t.split()) for t in tags if t.strip()]
    links = [_link(s, notes_root) for s in sources]
    if links:
        front["sources"] = list(dict.fromkeys(links))
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
    content = f"---\n{header}---\n\n# {title}\n\n{body}\n"
    path = os.path.join(root, rel)
    return Proposal(
        kind="note",
        target=Target("notes", source, root, rel, path),
        data=content.encode("utf-8"),
        summary=f"a new note {title!r} in {root}",
        text=content,
        origin=origin,
    )


def append_proposal(
    notes_folders: Sequence[str],
    note: str,
    title: str,
    text: str,
    *,
    origin: Origin,
    now: datetime,
    sources: Sequence[str] = (),
) -> Proposal:
    """A new section ``## title`` at the end of the note ``note``."""
    real = os.path.realpath(note)
    if not os.path.isfile(real) or not real.lower().endswith((".md", ".markdown", ".txt")):
        raise ActionRefused(
            f"{real} is not a Markdown or text note", fix="pick a .md or .txt note to add to"
        )
    source = notes_source_of(notes_folders, real)
    root, rel = os.path.dirname(real), os.path.basename(real)
    before = file_sha256(root, rel)
    with open(real, "rb") as f:
        f.seek(max(0, os.path.getsize(real) - 2))
        tail = f.read()
    lead = "" if tail.endswith(b"\n\n") else ("\n" if tail.endswith(b"\n") or not tail else "\n\n")
    heading = " ".join(title.split()) or now.strftime("%Y-%m-%d")
    links = [_link(s, os.path.realpath(source)) for s in sources]
    section = f"{lead}## {heading}\n\n{_text(text)}\n"
    if links:
        section += "\nSources: " + ", ".join(dict.fromkeys(links)) + "\n"
    return Proposal(
        kind="note_append",
        target=Target("notes", source, root, rel, real),
        data=section.encode("utf-8"),
        summary=f"a new section {heading!r} at the end of {real}",
        text=section.lstrip("\n"),
        origin=origin,
        expect_sha256=before,
    )
