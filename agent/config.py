"""Settings: a dataclass stored as TOML in the platform's config dir. Never secrets.

``FANOUS_HOME`` puts config, data and logs in one folder (tests, portable installs).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import stat
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs
import tomli_w

from contracts.errors import ConfigError

APP_NAME = "Fanous"

__all__ = [
    "PRIVATE_DIR",
    "PRIVATE_FILE",
    "Paths",
    "Settings",
    "create_private",
    "load_settings",
    "save_settings",
    "write_private_text",
]

# Before OLLAMA_HOST was honoured, the default address was written into every settings
# file; read back, it means "not set" so that OLLAMA_HOST applies.
_OLD_OLLAMA_DEFAULT = "http://127.0.0.1:11434"


@dataclass(frozen=True, slots=True)
class Paths:
    config_dir: Path
    data_dir: Path
    log_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def database(self) -> Path:
        return self.data_dir / "fanous.db"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "fanous.log"

    @classmethod
    def resolve(cls, home: str | os.PathLike[str] | None = None) -> Paths:
        """``home`` (or ``$FANOUS_HOME``) wins; otherwise the platform's standard dirs."""
        home = home if home is not None else os.environ.get("FANOUS_HOME")
        if home:
            root = Path(home).expanduser().resolve()
            return cls(root / "config", root / "data", root / "logs")
        return cls(
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    def ensure(self) -> Paths:
        """Create the folders, readable by this user alone; what an older version left
        readable by others (0644 files in 0755 folders) is made private too."""
        for d in (self.config_dir, self.data_dir, self.log_dir):
            d.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
            _make_tree_private(d)
        return self


# The database holds every note, every mail and the chat history: nobody else may read
# what Fanous keeps (on Windows the modes only toggle read-only; the profile is private).
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def _chmod(path: str | os.PathLike[str], mode: int, st: os.stat_result | None = None) -> None:
    with contextlib.suppress(OSError):  # a file that went, or one not ours: leave it
        if st is None or stat.S_IMODE(st.st_mode) != mode:
            os.chmod(path, mode, follow_symlinks=False)


def _make_tree_private(folder: Path) -> None:
    _chmod(folder, PRIVATE_DIR)
    for top, dirs, files in os.walk(folder):
        for name in dirs:
            path = os.path.join(top, name)
            if not os.path.islink(path):
                _chmod(path, PRIVATE_DIR)
        for name in files:
            path = os.path.join(top, name)
            with contextlib.suppress(OSError):
                st = os.lstat(path)
                if stat.S_ISREG(st.st_mode):
                    _chmod(path, PRIVATE_FILE, st)


def create_private(path: str | os.PathLike[str]) -> None:
    """Make sure ``path`` exists and is readable by this user alone (files that other
    programs create beside it, such as SQLite's -wal and -shm, copy its mode)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
    except FileExistsError:
        _chmod(path, PRIVATE_FILE, os.stat(path))


def write_private_text(path: Path, text: str) -> None:
    """Write a small file of ours (a price table…) readable by this user alone."""
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    _chmod(path, PRIVATE_FILE)


@dataclass(slots=True)
class Settings:
    # Which local engine answers: "auto" uses Ollama when it runs, else the embedded one.
    engine: str = "auto"
    # The embedded engine's model: a name from agent.engines.packaged or a .gguf path.
    embedded_model: str = "smollm2-135m"
    # Where Ollama serves. Empty: where Ollama's own tools look (OLLAMA_HOST, else
    # http://127.0.0.1:11434); a value here wins over OLLAMA_HOST.
    ollama_host: str = ""
    ollama_model: str = ""  # empty: the first chat model Ollama has
    # Ollama keeps the model in (GPU) memory for a while after an answer, so the next one
    # starts at once; on, Fanous tells it to free that memory when Fanous quits.
    free_model_memory_on_quit: bool = False
    # Which model embeds passages for hybrid search: empty is the packaged offline one
    # (multilingual E5-small); a name (e.g. "bge-m3") is that Ollama embedding model.
    # Changing it re-embeds in the background; search keeps working on keywords meanwhile.
    embedding_model: str = ""
    # Off on first run: with it off nothing leaves the machine.
    cloud_escalation: bool = False
    # Which cloud answers escalated tasks: "openai" (any OpenAI-compatible Chat Completions
    # server: OpenAI, OpenRouter, Groq, vLLM...) or "anthropic". The key is in the keyring.
    cloud_provider: str = "openai"
    cloud_base_url: str = ""  # empty: the provider's own endpoint
    cloud_model: str = ""  # empty: the provider's default model
    monthly_budget_usd: float = 5.0  # escalation stops once the ledger reaches it
    # How eager the router is (0-1): a task goes to the cloud when its score (kind, context
    # against the local window, a failed local draft) reaches this. Lower sends more.
    escalation_threshold: float = 0.5
    confirm_each_escalation: bool = False  # show exactly what will be sent, ask first
    offline: bool = False  # on: nothing leaves the machine, whatever else is set
    # What each source may do, by source id (agent.sources; `fanous sources list` shows
    # the ids): {"never_send": true} keeps its passages on this machine; "write_drafts"
    # (mail) and "write_notes" (a notes folder) let actions write there. Unlisted: read.
    source_permissions: dict[str, dict[str, bool]] = field(default_factory=dict)
    # Never-send paths finer than a source (a sub-folder, one file) or not added yet;
    # entries naming a source move to its permissions (agent.sources.migrate_never_send).
    never_send_sources: list[str] = field(default_factory=list)
    notes_folders: list[str] = field(default_factory=list)
    onboarded: bool = False  # the desktop app's first-run guide was shown (done or skipped)
    # Mail on disk (mbox files, Maildirs, .eml folders) and IMAP accounts (host, port,
    # user, security, folders, trusted_cert). Mail passwords live in the keyring only.
    mail_paths: list[str] = field(default_factory=list)
    mail_accounts: list[dict[str, Any]] = field(default_factory=list)
    # How many retrieved passages go into a prompt. Small models do best with few.
    context_passages: int = 3
    # Look-up answers: "auto" lets a model phrase them only when it was measured to get
    # the facts right (agent.grounding.style); "quote" always quotes the notes;
    # "generate" always lets the model phrase them (every answer is checked either way).
    answer_style: str = "auto"
    max_answer_tokens: int = 256
    # The desktop window's language: "" follows the system, "en" or "ar".
    language: str = ""
    # Actions: where reminders (.ics) are saved ("": a reminders folder in Fanous's data
    # folder) and the time zone they are written in ("": the system's, e.g. Asia/Amman).
    reminders_folder: str = ""
    time_zone: str = ""

    def to_dict(self) -> dict[str, Any]:
        # An empty table would be written as a [header] that swallows lines added below it.
        return {k: v for k, v in dataclasses.asdict(self).items() if v != {}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        known = {f.name: f for f in dataclasses.fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue  # settings from a newer version: ignore, keep working
            default = getattr(cls(), key)
            if isinstance(default, float) and type(value) is int:
                value = float(value)  # "budget = 5" in TOML is an int
            if not isinstance(value, type(default)):
                raise ConfigError(
                    f"Setting {key!r} should be {type(default).__name__}, found {value!r}",
                    fix="fix or delete that line in the settings file",
                )
            if key == "source_permissions" and not all(isinstance(v, dict) for v in value.values()):
                raise ConfigError(
                    f"Setting {key!r} should hold one table per source id, found {value!r}",
                    fix="fix or delete that part of the settings file",
                )
            kwargs[key] = value
        if kwargs.get("ollama_host") == _OLD_OLLAMA_DEFAULT:
            kwargs["ollama_host"] = ""  # the old default, saved with every file: not a choice
        return cls(**kwargs)


def load_settings(paths: Paths) -> Settings:
    """Read the settings file; a missing file means defaults."""
    try:
        raw = paths.settings_file.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as e:
        raise ConfigError(f"Cannot read {paths.settings_file}: {e.strerror}") from e
    try:
        return Settings.from_dict(tomllib.loads(raw.decode("utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(
            f"The settings file {paths.settings_file} is not valid TOML ({e})",
            fix="fix it by hand or delete it to start from defaults",
        ) from e


def save_settings(paths: Paths, settings: Settings) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a file."""
    paths.config_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    data = tomli_w.dumps(settings.to_dict()).encode("utf-8")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=paths.config_dir, prefix=".settings-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, paths.settings_file)
    except OSError as e:
        if tmp is not None:  # a half-written copy (full disk) must not pile up
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise ConfigError(
            f"Cannot save settings to {paths.settings_file}: {e.strerror}",
            fix="check that the disk is not full and the folder is writable",
        ) from e
