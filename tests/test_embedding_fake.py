"""The hashing fake: deterministic, unit-length rows, and texts that share words are closer."""

from __future__ import annotations

import numpy as np
import pytest

from jobmatch.embedding import Embedder, HashingEmbedder, normalise


def test_same_text_gives_the_same_vector_across_calls_and_instances() -> None:
    texts = ["Sykepleier i Bergen", "Lastebilsjåfør, klasse C"]
    first = HashingEmbedder().encode(texts)
    np.testing.assert_array_equal(first, HashingEmbedder().encode(texts))
    np.testing.assert_array_equal(first, HashingEmbedder().encode(list(reversed(texts)))[::-1])


def test_buckets_are_stable_across_processes() -> None:
    # Golden values: a hash()-based fake would change them with PYTHONHASHSEED, and stored vectors would go stale.
    vector = HashingEmbedder().encode(["Sykepleier i Bergen"])[0]
    assert np.flatnonzero(vector > 0)[:6].tolist() == [55, 61, 80, 93, 112, 176]
    assert np.flatnonzero(vector < 0)[:6].tolist() == [111, 198, 207, 218, 298, 326]


def test_rows_are_float32_unit_vectors_of_the_right_shape() -> None:
    embedder: Embedder = HashingEmbedder()
    vectors = embedder.encode(["nurse", "", "!!!", "a much longer text about welding and pipes " * 20], kind="query")
    assert vectors.shape == (4, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)


def test_dim_is_configurable_and_named_in_the_model_id() -> None:
    embedder = HashingEmbedder(dim=64)
    assert embedder.model_id == "hashing-v1-64"
    assert HashingEmbedder().model_id == "hashing-v1-384"
    assert embedder.encode(["x"]).shape == (1, 64)
    assert embedder.encode([]).shape == (0, 64)


def test_texts_sharing_words_are_closer_than_unrelated_texts() -> None:
    nurse, nurse_too, driver = HashingEmbedder().encode(
        ["sykepleier på sykehus i Bergen", "autorisert sykepleier til sykehus avdeling", "lastebilsjåfør med førerkort"]
    )
    assert nurse @ nurse_too > 0.3
    assert nurse @ nurse_too > nurse @ driver + 0.3
    assert nurse_too @ nurse > nurse_too @ driver


def test_case_does_not_matter() -> None:
    upper, lower = HashingEmbedder().encode(["NURSE In A Hospital", "nurse in a hospital"])
    np.testing.assert_array_equal(upper, lower)


def test_normalise_scales_rows_and_leaves_zero_rows_alone() -> None:
    unit = normalise([[3.0, 4.0], [0.0, 0.0]])
    assert unit.dtype == np.float32
    np.testing.assert_allclose(unit, [[0.6, 0.8], [0.0, 0.0]])
    with pytest.raises(ValueError, match="2-D"):
        normalise([1.0, 2.0])
