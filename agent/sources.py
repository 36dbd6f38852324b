"""Sources and what each may do: one identity for every place Fanous reads from.

A source is a notes folder, a mail path (an mbox, a Maildir, an .eml or a folder of
them), an IMAP account, or one folder of an account. Each has a stable id made from its
canonical location — the resolved path, or ``imap://user@host:port`` — so the same
folder always has the same id, however it was typed (``notes-3fa2c1d0``,
``mail-…``, ``imap-…``, and ``imap-…/INBOX`` for a folder of that account).

Permissions attach to the id (``Settings.source_permissions``): every source may be read;
``never_send`` keeps its passages on this machine; ``write_drafts`` (mail) and
``write_notes`` (a notes folder) let actions write there. A file's permissions are
looked up by what it *is*: its path is resolved (symlinks followed) first, and every
source that holds it counts — one that says never-send wins. Entries of the older
``never_send_sources`` list that name a source move to its record; the others (a
sub-folder, a single file) stay there as path rules and keep applying.

``SourcePolicy`` is the one place that answers "may this source / path / passage …?".
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote, unquote, urlsplit

from agent.config import Settings

if TYPE_CHECKING:
    from agent.index.search import Hit
    from agent.store import Store

__all__ = [
    "PERMISSION_NAMES",
    "Permissions",
    "Source",
    "SourcePolicy",
    "account_location",
    "all_sources",
    "find_source",
    "forget_permissions",
    "migrate_never_send",
    "set_permission",
    "source_id",
]

Kind = Literal["notes", "mail", "imap", "imap-folder"]
_PREFIX: dict[str, str] = {"notes": "notes", "mail": "mail", "imap": "imap"}
# The permission record's fields, as the settings file and the CLI spell them.
PERMISSION_NAMES = ("never_send", "write_drafts", "write_notes")


@dataclass(frozen=True, slots=True)
class Permissions:
    """What one source allows. Read is always allowed: a source is there to be read."""

    read: bool = True
    never_send: bool = False  # its passages never leave this machine
    write_drafts: bool = False  # actions may save mail drafts (mail sources)
    write_notes: bool = False  # actions may write notes (notes folders)

    def to_json(self) -> dict[str, bool]:
        return dataclasses.asdict(self)

    def merged(self, other: Permissions) -> Permissions:
        """Two sources holding the same thing: the stricter wins on each point."""
        return Permissions(
            read=self.read and other.read,
            never_send=self.never_send or other.never_send,
            write_drafts=self.write_drafts and other.write_drafts,
            write_notes=self.write_notes and other.write_notes,
        )


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    kind: Kind
    location: str  # resolved path, imap://user@host:port, or that plus /FOLDER (quoted)
    label: str  # what the user sees: the path, user@host:port, user@host:port/INBOX
    parent: str = ""  # an IMAP folder's account id

    @property
    def path(self) -> str | None:
        """The folder or file on disk, for the sources that have one."""
        return self.location if self.kind in ("notes", "mail") else None


def _digest(location: str) -> str:
    return hashlib.blake2b(location.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()


def source_id(kind: Kind, location: str, folder: str = "") -> str:
    """The stable id of a source: ``kind-hash`` of its canonical location; an IMAP
    folder is its account's id, a slash and the folder's name."""
    if kind == "imap-folder":
        return f"{source_id('imap', location)}/{folder}"
    return f"{_PREFIX[kind]}-{_digest(location)}"


def _resolved(path: str) -> str:
    return str(Path(path).expanduser().resolve())


def account_location(user: str, host: str, port: int) -> str:
    """An IMAP account's canonical location (as ``ImapAccount.root`` spells it)."""
    return f"imap://{quote(user, safe='')}@{host}:{port}"


def _accounts(settings: Settings) -> list[tuple[str, str, int, list[str]]]:
    """(user, host, port, folders) of each well-formed account in the settings."""
    out = []
    for data in settings.mail_accounts:
        try:
            out.append(
                (
                    str(data["user"]),
                    str(data["host"]),
                    int(data.get("port", 993)),
                    [str(f) for f in data.get("folders", ["INBOX"])],
                )
            )
        except (KeyError, TypeError, ValueError):
            continue  # agent.mail_accounts reports a broken account with its fix
    return out


def _folder_source(account: Source, folder: str) -> Source:
    return Source(
        id=source_id("imap-folder", account.location, folder),
        kind="imap-folder",
        location=f"{account.location}/{quote(folder, safe='')}",
        label=f"{account.label}/{folder}",
        parent=account.id,
    )


def all_sources(settings: Settings, store: Store | None = None) -> list[Source]:
    """Every source the settings name: notes folders, mail paths, accounts and their
    folders (with ``store``, also the folders a sync found for an account set to "*")."""
    out: list[Source] = []
    for folder in settings.notes_folders:
        out.append(Source(source_id("notes", folder), "notes", folder, folder))
    for path in settings.mail_paths:
        out.append(Source(source_id("mail", path), "mail", path, path))
    for user, host, port, folders in _accounts(settings):
        location = account_location(user, host, port)
        account = Source(source_id("imap", location), "imap", location, f"{user}@{host}:{port}")
        out.append(account)
        names = [f for f in folders if f != "*"]
        if store is not None:
            synced = store.conn.execute(
                "SELECT folder FROM mail_sync WHERE account = ? ORDER BY folder", (location,)
            )
            names += [f for (f,) in synced if f not in names]
        out.extend(_folder_source(account, f) for f in names)
    return out


def _imap_forms(text: str) -> tuple[str, str, int | None, str] | None:
    """(user, host, port or None, folder) from ``imap://user@host[:port][/folder]`` or
    ``user@host[:port][/folder]``; None when ``text`` is neither."""
    raw = text.strip()
    if raw.lower().startswith(("imap://", "imaps://")):
        parts = urlsplit(raw)
        if not parts.hostname:
            return None
        folder = unquote(parts.path.strip("/").split("/;", 1)[0].split(";", 1)[0])
        try:
            port = parts.port
        except ValueError:
            return None
        return unquote(parts.username or ""), parts.hostname, port, folder
    head, _, folder = raw.partition("/")
    user, _, hostport = head.rpartition("@")
    host, colon, port_text = hostport.partition(":")
    if colon and not port_text.isdigit():
        return None
    return user, host, int(port_text) if colon else None, folder


def find_source(settings: Settings, text: str, store: Store | None = None) -> Source | None:
    """The source ``text`` names: its id, its path (resolved, so a link or ``~`` form
    works), or an account or folder as ``user@host[:port][/FOLDER]``, ``imap://…``, or
    a host alone when one account has it."""
    text = text.strip()
    if not text:
        return None
    sources = all_sources(settings, store)
    for s in sources:
        if text == s.id or text == s.label or text == s.location:
            return s
    if text.startswith(("/", "~", ".")) or os.sep in text or os.path.exists(text):
        path = _resolved(text)
        for s in sources:
            if s.path is not None and s.path == path:
                return s
    forms = _imap_forms(text)
    if forms is None:
        return None
    user, host, port, folder = forms
    found = [
        s for s in sources if s.kind == "imap" and _account_matches(s.location, user, host, port)
    ]
    if len(found) != 1:
        return None
    account = found[0]
    if not folder:
        return account
    for s in sources:
        if s.parent == account.id and s.label.endswith("/" + folder):
            return s
    return _folder_source(account, folder)


def _account_matches(location: str, user: str, host: str, port: int | None) -> bool:
    parts = urlsplit(location)
    if (parts.hostname or "").lower() != host.lower():
        return False
    if user and unquote(parts.username or "") != user:
        return False
    return port is None or parts.port == port


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _norm(path: str) -> str:
    return os.path.normcase(os.path.abspath(os.path.expanduser(path)))


def migrate_never_send(settings: Settings) -> bool:
    """Move each ``never_send_sources`` entry that names a source to that source's
    permission record; the rest stay as path rules. True when anything moved."""
    kept: list[str] = []
    moved = False
    for entry in settings.never_send_sources:
        source = find_source(settings, entry) if entry.strip() else None
        if source is None:
            if entry.strip() and entry not in kept:
                kept.append(entry)
            continue
        set_permission(settings, source.id, "never_send", True)
        moved = True
    if moved or kept != settings.never_send_sources:
        settings.never_send_sources = kept
        return True
    return False


def set_permission(settings: Settings, sid: str, name: str, value: bool) -> None:
    """Set one permission of a source (an id from ``all_sources``); a record left with
    nothing but defaults is dropped, so the file lists only what differs."""
    if name not in PERMISSION_NAMES:
        raise ValueError(f"unknown permission {name!r}")
    record = {k: bool(v) for k, v in settings.source_permissions.get(sid, {}).items()}
    record[name] = bool(value)
    record = {k: v for k, v in record.items() if k in PERMISSION_NAMES and v}
    if record:
        settings.source_permissions[sid] = record
    else:
        settings.source_permissions.pop(sid, None)


def forget_permissions(settings: Settings, sid: str) -> None:
    """Drop the records of a source that is removed (an account's folders with it)."""
    for key in [k for k in settings.source_permissions if k == sid or k.startswith(sid + "/")]:
        del settings.source_permissions[key]


class SourcePolicy:
    """Permissions looked up by source id, by path (after resolving symlinks) and by
    indexed passage. Build one from the settings when deciding; it reads nothing else
    but the store it is given."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sources = all_sources(settings)
        # The legacy path rules: paths (normalised) and uri prefixes.
        rules = [e.strip() for e in settings.never_send_sources if e.strip()]
        self._uri_rules = tuple(e for e in rules if "://" in e)
        self._path_rules = tuple(_norm(e) for e in rules if "://" not in e)
        self._path_rules += tuple(
            p for p in (os.path.realpath(e) for e in self._path_rules) if p not in self._path_rules
        )

    def permissions(self, sid: str) -> Permissions:
        """The permissions of one source id; an IMAP folder also carries its account's
        never-send (the account's write permission covers its folders)."""
        record = self.settings.source_permissions.get(sid, {})
        own = Permissions(**{k: bool(v) for k, v in record.items() if k in PERMISSION_NAMES})
        account, slash, _folder = sid.partition("/")
        if slash and account.startswith("imap-"):
            parent = self.settings.source_permissions.get(account, {})
            own = dataclasses.replace(
                own,
                never_send=own.never_send or bool(parent.get("never_send")),
                write_drafts=own.write_drafts or bool(parent.get("write_drafts")),
            )
        return own

    def sources_for_path(self, path: str) -> list[Source]:
        """The notes folders and mail paths that hold ``path`` once symlinks are
        resolved, innermost first. Empty: the file is outside every chosen folder."""
        real = os.path.realpath(path)
        found = [s for s in self.sources if s.path is not None and _inside(real, s.path)]
        return sorted(found, key=lambda s: -len(s.path or ""))

    def for_path(self, path: str) -> Permissions:
        """What may be done with the file at ``path``, by what it is: its resolved
        location decides, every source holding it counts (a never-send one wins), and
        a file outside every chosen folder may not even be read."""
        holders = self.sources_for_path(path)
        if not holders:
            return Permissions(read=False, never_send=True)
        merged = self.permissions(holders[0].id)
        for other in holders[1:]:
            merged = merged.merged(self.permissions(other.id))
        if self._path_rule(path):
            merged = dataclasses.replace(merged, never_send=True)
        return merged

    def _path_rule(self, path: str | None, uri: str = "") -> bool:
        if uri and any(uri.startswith(rule) for rule in self._uri_rules):
            return True
        if not path:
            return False
        if "://" in path:
            return any(path.startswith(rule) for rule in self._uri_rules)
        candidates = {_norm(path), os.path.realpath(path)}
        return any(_inside(p, rule) for p in candidates for rule in self._path_rules)

    def location_sources(self, kind: str, root: str, location: str) -> list[str]:
        """The source ids behind one place a document was found: the notes folder or
        mail path ``root``, or an IMAP account and the folder of ``location``."""
        if root.startswith("imap://"):
            ids = [source_id("imap", root)]
            rest = location[len(root) :].lstrip("/") if location.startswith(root) else ""
            folder = unquote(rest.split("/", 1)[0]) if rest else ""
            if folder:
                ids.append(source_id("imap-folder", root, folder))
            return ids
        return [source_id("mail" if kind == "mail" else "notes", root)]

    def _never_send_place(self, kind: str, root: str, location: str, path: str | None) -> bool:
        sids = self.location_sources(kind, root, location)
        if path and "://" not in path:  # every chosen folder that holds the real file
            sids += [s.id for s in self.sources_for_path(path)]
        if any(self.permissions(sid).never_send for sid in sids):
            return True
        return self._path_rule(path, location)

    def never_send_documents(self, store: Store, doc_ids: Iterable[int]) -> set[int]:
        """Which of these indexed documents must never leave the machine: a place it
        was found (its folder, every mail location) is never-send, or its resolved
        path falls under a path rule."""
        ids = sorted(set(doc_ids))
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        rows = store.conn.execute(
            f"SELECT id, source, root, uri, path FROM documents WHERE id IN ({marks})", ids
        ).fetchall()
        held: set[int] = set()
        for doc_id, kind, root, uri, path in rows:
            places = [(root, uri, path)]
            if kind == "mail":
                places += store.conn.execute(
                    "SELECT root, location, path FROM mail_locations WHERE uri = ?", (uri,)
                ).fetchall()
            if any(self._never_send_place(kind, r, loc or "", p) for r, loc, p in places):
                held.add(doc_id)
        return held

    def mark(self, store: Store, hits: Sequence[Hit]) -> list[Hit]:
        """The passages with ``never_send`` set from their documents' sources."""
        held = self.never_send_documents(store, (h.doc_id for h in hits))
        return [dataclasses.replace(h, never_send=True) if h.doc_id in held else h for h in hits]
