"""Fit the extractive answerer's weights (agent/grounding/extract.py) on the dev split.

    .venv/bin/python tests/bench/answer_quality/fit.py [--home DIR] [--split dev]

For each question it retrieves the passages a turn reads (``extract.DEPTH``), cuts them
into units and computes the features; a unit is a positive when it holds the expected
fact. The weights are fitted listwise (a softmax over each question's units, so the
unit that answers ranks first), on standardised features, with and without the meaning
features; the answer threshold is the score that best balances answering the
answerable questions right against abstaining on the others. ``--split test`` scores
the shipped weights on the held-out half (nothing is fitted there).
"""

from __future__ import annotations

import argparse
import pickle
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from common import dataset, indexed_home

from agent.grounding.extract import (
    DEPTH,
    FEATURES,
    WITH_VECTORS,
    WITHOUT_VECTORS,
    Weights,
    answer_units,
    features,
    mail_threads,
)
from agent.index.search import search
from agent.index.vectors import E5Embedder
from agent.store import Store


class _CachedEmbedder:
    """The E5 embedder with its vectors kept on disk: refitting after a change to the
    features re-embeds nothing it has seen."""

    def __init__(self, path: Path | None) -> None:
        self._e5 = E5Embedder(threads=2)
        self.name = self._e5.name
        self._path = path
        self._cache: dict[tuple[str, str], np.ndarray] = {}
        if path is not None and path.exists():
            with path.open("rb") as f:
                self._cache = pickle.load(f)

    def _get(self, kind: str, texts: list[str]) -> np.ndarray:
        todo = [t for t in texts if (kind, t) not in self._cache]
        if todo:
            rows = (
                self._e5.embed_passages(todo) if kind == "p" else
                np.stack([self._e5.embed_query(t) for t in todo])
            )  # fmt: skip
            self._cache.update({(kind, t): r for t, r in zip(todo, rows, strict=True)})
        return np.stack([self._cache[(kind, t)] for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._get("p", list(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return self._get("q", [text])[0]

    def save(self) -> None:
        if self._path is not None:
            with self._path.open("wb") as f:
                pickle.dump(self._cache, f)


def collect(paths: Any, questions: list[Any], embedder: Any) -> list[dict[str, Any]]:
    """Per question: the feature rows with and without meaning, and the labels."""
    store = Store(paths.database)
    out = []
    for q in questions:
        hits = search(store, q.q, limit=DEPTH, embedder=embedder)
        units = answer_units(hits)
        row: dict[str, Any] = {"q": q, "x": None, "xv": None, "y": np.zeros(0)}
        if units:
            threads = mail_threads(store, hits)
            texts = [u.embedding_text for u in units]
            qvec = embedder.embed_query(q.q)
            sims = embedder.embed_passages(texts) @ qvec
            # As agent.grounding.extract computes them in a turn (no whole-passage sims).
            row["x"] = features(q.q, units, None, threads)[1]
            row["xv"] = features(q.q, units, sims, threads)[1]
            row["y"] = np.array([q.answerable and q.found_in(u.text) for u in units], float)
            row["units"] = units
        out.append(row)
    store.close()
    return out


def fit_listwise(rows: list[dict[str, Any]], key: str, l2: float = 0.001) -> Weights:
    """Weights that put a unit holding the fact first (softmax over each question's
    units), on standardised features; the threshold is chosen by ``best_threshold``."""
    x = np.vstack([r[key] for r in rows if r[key] is not None])
    mean, scale = x.mean(0), x.std(0) + 1e-9
    scale[x.std(0) < 1e-9] = 1.0  # a feature that never varies (no meaning): weight 0
    groups = [
        ((r[key] - mean) / scale, r["y"]) for r in rows if r[key] is not None and r["y"].sum()
    ]
    w = np.zeros(len(FEATURES))
    for _ in range(3000):
        grad = np.zeros_like(w)
        for z, y in groups:
            s = z @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            pos = y > 0
            grad += p @ z - (p[pos] @ z[pos]) / p[pos].sum()
        w -= 0.5 * (grad / len(groups) + l2 * w)
    weights = Weights(_plain(w, 3), _plain(mean, 4), _plain(scale, 4), 0.0)
    return best_threshold(rows, weights, key)


def _plain(values: np.ndarray, digits: int) -> tuple[float, ...]:
    """Rounded Python floats: the weights are printed to be pasted into extract.py."""
    return tuple(round(float(v), digits) for v in values)


def _tops(rows: list[dict[str, Any]], weights: Weights, key: str) -> list[tuple[Any, float, bool]]:
    """(question, best score, whether the best unit holds the fact) per question."""
    out = []
    for r in rows:
        if r[key] is None:
            out.append((r["q"], -1e9, False))
            continue
        s = weights.score(r[key])
        i = int(np.argmax(s))
        out.append((r["q"], float(s[i]), bool(r["y"][i] > 0)))
    return out


def evaluate(rows: list[dict[str, Any]], weights: Weights, key: str) -> dict[str, float]:
    tops = _tops(rows, weights, key)
    answerable = [t for t in tops if t[0].answerable]
    others = [t for t in tops if not t[0].answerable]
    return {
        "answered_right": sum(s >= weights.threshold and ok for _, s, ok in answerable)
        / max(1, len(answerable)),
        "best_unit_right": sum(ok for _, _, ok in answerable) / max(1, len(answerable)),
        "abstained": sum(s < weights.threshold for _, s, _ in others) / max(1, len(others)),
    }


def best_threshold(rows: list[dict[str, Any]], weights: Weights, key: str) -> Weights:
    """The threshold that maximises the worse of answering right and abstaining."""
    scores = sorted(s for _, s, _ in _tops(rows, weights, key))
    best = (-1.0, 0.0)
    for t in scores:
        trial = Weights(weights.coef, weights.mean, weights.scale, round(t, 3))
        e = evaluate(rows, trial, key)
        goal = min(e["answered_right"], e["abstained"])
        if goal > best[0]:
            best = (goal, trial.threshold)
    return Weights(weights.coef, weights.mean, weights.scale, float(best[1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path, help="keep the index and the E5 vectors here")
    ap.add_argument("--split", default="dev", choices=("dev", "test", "all"))
    args = ap.parse_args()
    data = dataset.load()
    questions = [q for q in data.questions if args.split == "all" or q.split == args.split]
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "home"
        paths = indexed_home(home)
        embedder = _CachedEmbedder(home / "e5-cache.pickle")
        rows = collect(paths, questions, embedder)
        embedder.save()
    shipped = {"xv": WITH_VECTORS, "x": WITHOUT_VECTORS}
    for key, label in (("xv", "with meaning (E5)"), ("x", "keywords and kinds only")):
        if len(shipped[key].coef) == len(FEATURES):  # not while a feature is being added
            print(f"{label}: shipped weights on {args.split}: {evaluate(rows, shipped[key], key)}")
        if args.split == "test":
            continue
        weights = fit_listwise(rows, key)
        print(f"  fitted on {args.split}: {evaluate(rows, weights, key)}\n  {weights}")


if __name__ == "__main__":
    main()
