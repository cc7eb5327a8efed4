"""The vector store on real PostgreSQL: each text is embedded once per model and kind, and erasure removes it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.db.tables import EmbeddingRow
from jobmatch.embedding import HashingEmbedder, Kind
from jobmatch.embedding.store import content_key, content_keys, delete, embed, embed_with_stats, fetch


class CountingEmbedder:
    """A real hashing embedder that remembers every text it was asked to encode."""

    def __init__(self, *, dim: int = 384, model_id: str | None = None) -> None:
        self._inner = HashingEmbedder(dim)
        self.dim = dim
        self.model_id = model_id or self._inner.model_id
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> npt.NDArray[np.float32]:
        self.encoded.extend(texts)
        vectors: npt.NDArray[np.float32] = self._inner.encode(texts, kind=kind)
        return vectors


def _stored_rows(session_factory: sessionmaker[Session]) -> list[tuple[str, str, int]]:
    with session_factory() as session:
        statement = select(EmbeddingRow.model_id, EmbeddingRow.content_hash, EmbeddingRow.dim)
        return [(model_id, content_hash, dim) for model_id, content_hash, dim in session.execute(statement)]


def test_a_text_is_embedded_once_across_calls_and_sessions(session_factory: sessionmaker[Session]) -> None:
    embedder = CountingEmbedder()
    with session_factory() as session, session.begin():
        first = embed_with_stats(session, embedder=embedder, texts=["sykepleier", "sjåfør", "sykepleier"])
    assert embedder.encoded == ["sykepleier", "sjåfør"]
    assert (first.reused, first.computed) == (0, 2)

    with session_factory() as session, session.begin():
        second = embed_with_stats(session, embedder=embedder, texts=["sjåfør", "sveiser", "sykepleier"])
    assert embedder.encoded == ["sykepleier", "sjåfør", "sveiser"]
    assert (second.reused, second.computed) == (2, 1)
    np.testing.assert_array_equal(second.vectors[2], first.vectors[0])
    assert len(_stored_rows(session_factory)) == 3


def test_vectors_come_back_in_input_order_and_equal_to_fresh_ones(session_factory: sessionmaker[Session]) -> None:
    texts = ["c: lastebil", "a: sykehus", "b: barnehage", "a: sykehus"]
    expected = HashingEmbedder().encode(texts)
    with session_factory() as session, session.begin():
        embed(session, embedder=CountingEmbedder(), texts=texts[1:3])  # some stored already, some not
        vectors = embed(session, embedder=CountingEmbedder(), texts=texts)
    assert vectors.shape == (4, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_array_equal(vectors, expected)


def test_two_models_never_share_vectors(session_factory: sessionmaker[Session]) -> None:
    small, large = CountingEmbedder(dim=64), CountingEmbedder(dim=384)
    with session_factory() as session, session.begin():
        small_vector = embed(session, embedder=small, texts=["sykepleier"])
        large_vector = embed(session, embedder=large, texts=["sykepleier"])
    assert small.encoded == large.encoded == ["sykepleier"]
    assert (small_vector.shape, large_vector.shape) == ((1, 64), (1, 384))
    rows = _stored_rows(session_factory)
    assert sorted((model_id, dim) for model_id, _, dim in rows) == [("hashing-v1-384", 384), ("hashing-v1-64", 64)]
    assert len({content_hash for _, content_hash, _ in rows}) == 1


def test_query_and_passage_vectors_are_kept_apart(session_factory: sessionmaker[Session]) -> None:
    embedder = CountingEmbedder()
    with session_factory() as session, session.begin():
        embed(session, embedder=embedder, texts=["sykepleier"], kind="query")
        embed(session, embedder=embedder, texts=["sykepleier"], kind="passage")
    assert embedder.encoded == ["sykepleier", "sykepleier"]
    assert {content_hash for _, content_hash, _ in _stored_rows(session_factory)} == set(content_keys("sykepleier"))


def test_fetch_returns_stored_vectors_by_key(session_factory: sessionmaker[Session]) -> None:
    embedder = CountingEmbedder()
    with session_factory() as session, session.begin():
        vectors = embed(session, embedder=embedder, texts=["sveiser"])
        found = fetch(session, model_id=embedder.model_id, hashes=[content_key("sveiser", kind="passage"), "0" * 64])
        assert fetch(session, model_id="another-model", hashes=[content_key("sveiser", kind="passage")]) == {}
    assert list(found) == [content_key("sveiser", kind="passage")]
    np.testing.assert_array_equal(found[content_key("sveiser", kind="passage")], vectors[0])


def test_delete_removes_vectors_so_they_are_computed_again(session_factory: sessionmaker[Session]) -> None:
    embedder, other = CountingEmbedder(), CountingEmbedder(dim=64)
    with session_factory() as session, session.begin():
        embed(session, embedder=embedder, texts=["Ola, sykepleier", "sveiser"], kind="query")
        embed(session, embedder=other, texts=["Ola, sykepleier"], kind="query")
    with session_factory() as session, session.begin():
        assert delete(session, model_id=embedder.model_id, hashes=content_keys("Ola, sykepleier")) == 1
    assert len(_stored_rows(session_factory)) == 2
    with session_factory() as session, session.begin():
        assert delete(session, model_id=None, hashes=content_keys("Ola, sykepleier")) == 1
        assert delete(session, model_id=None, hashes=[]) == 0
    assert [content_hash for _, content_hash, _ in _stored_rows(session_factory)] == [
        content_key("sveiser", kind="query")
    ]
    with session_factory() as session, session.begin():
        result = embed_with_stats(session, embedder=embedder, texts=["Ola, sykepleier", "sveiser"], kind="query")
    assert (result.reused, result.computed) == (1, 1)


def test_the_caller_owns_the_transaction(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        embed(session, embedder=CountingEmbedder(), texts=["sykepleier"])
        session.rollback()
    assert _stored_rows(session_factory) == []


def test_a_stored_vector_of_another_dimension_is_refused(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session, session.begin():
        embed(session, embedder=CountingEmbedder(dim=64, model_id="shared-id"), texts=["sykepleier"])
    with session_factory() as session, pytest.raises(ValueError, match="dim 64, not 384"):
        embed(session, embedder=CountingEmbedder(dim=384, model_id="shared-id"), texts=["sykepleier"])


def test_a_corrupt_stored_vector_is_refused(session_factory: sessionmaker[Session]) -> None:
    key = content_key("sykepleier", kind="passage")
    with session_factory() as session, session.begin():
        session.add(EmbeddingRow(model_id="hashing-v1-384", content_hash=key, dim=384, vector=b"\x00" * 12))
    with session_factory() as session, pytest.raises(ValueError, match="12 bytes"):
        fetch(session, model_id="hashing-v1-384", hashes=[key])


def test_empty_input_touches_nothing(session_factory: sessionmaker[Session]) -> None:
    embedder = CountingEmbedder()
    with session_factory() as session:
        result = embed_with_stats(session, embedder=embedder, texts=[])
        assert session.scalar(select(func.count()).select_from(EmbeddingRow)) == 0
    assert result.vectors.shape == (0, 384)
    assert embedder.encoded == []
