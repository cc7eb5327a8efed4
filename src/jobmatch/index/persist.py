"""Index files: atomic writes, loads that fail with `IndexFileError` instead of a FAISS RuntimeError, and checksums."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

import faiss

CHUNK_BYTES = 1 << 20


class IndexFileError(Exception):
    """An index file is missing, truncated, corrupt or does not match its expected checksum."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot load index file {path}: {reason}")
        self.path = path
        self.reason = reason


def save(index: faiss.Index, path: Path) -> None:
    """Write `index` to `path` atomically: a temporary file in the same folder, fsync, rename, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        faiss.write_index(index, temporary)
        _fsync_path(temporary, os.O_RDONLY)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_path(str(path.parent), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))


def load(path: Path, *, expected_checksum: str | None = None) -> faiss.Index:
    """Read an index written by `save`; raise `IndexFileError` when it cannot be used."""
    if not path.is_file():
        raise IndexFileError(path, "no such file")
    if path.stat().st_size == 0:
        raise IndexFileError(path, "the file is empty")
    if expected_checksum is not None:
        actual = checksum(path)
        if actual != expected_checksum:
            raise IndexFileError(path, f"sha256 is {actual}, expected {expected_checksum}")
    try:
        return faiss.read_index(str(path))
    except (RuntimeError, MemoryError) as error:
        raise IndexFileError(path, f"not a readable FAISS index (truncated or corrupt): {error}") from error


def checksum(path: Path) -> str:
    """The sha256 hex digest of the file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_path(path: str, flags: int) -> None:
    """Flush a file's or a folder's data to disk."""
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
