"""Text embedding: the `Embedder` protocol, a hashing fake, the real model, what is embedded, and the vector store."""

from jobmatch.embedding.base import KINDS, Embedder, Kind, normalise
from jobmatch.embedding.fake import HashingEmbedder
from jobmatch.embedding.sentence import SentenceTransformerEmbedder, default_model_path, load_embedder

__all__ = [
    "KINDS",
    "Embedder",
    "HashingEmbedder",
    "Kind",
    "SentenceTransformerEmbedder",
    "default_model_path",
    "load_embedder",
    "normalise",
]
