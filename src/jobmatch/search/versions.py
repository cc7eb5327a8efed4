"""Index versions on disk: each in its own folder with a manifest, one `CURRENT` pointer switched atomically.

<data_dir>/index/
    CURRENT                 the serving version's name (replaced with os.replace, never edited)
    versions/<version>/     dense.faiss, lexical.npz, manifest.json
    versions/.build-*/      a build in progress; removed by the next run if it was killed
    reindex.lock            held by a running reindex
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jobmatch.index import persist
from jobmatch.index.live import LiveIndex
from jobmatch.lexical.tfidf import LexicalIndex
from jobmatch.search.snapshot import SYNC_OVERLAP, IndexSnapshot

DENSE_FILE = "dense.faiss"
LEXICAL_FILE = "lexical.npz"
MANIFEST_FILE = "manifest.json"
BUILD_PREFIX = ".build-"


class VersionError(Exception):
    """An index version is missing, incomplete, corrupt, or does not fit the serving model."""


@dataclass
class Manifest:
    version: str
    built_at: str
    model_id: str
    dim: int
    count: int
    watermark: str
    index_kind: str
    checksums: dict[str, str] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)


def new_version_name(now: datetime | None = None) -> str:
    """Sortable names: a later build always has a greater name."""
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")


@dataclass(frozen=True)
class IndexStore:
    root: Path

    @property
    def versions_dir(self) -> Path:
        return self.root / "versions"

    @property
    def lock_path(self) -> Path:
        return self.root / "reindex.lock"

    def folder(self, version: str) -> Path:
        return self.versions_dir / version

    def current(self) -> str | None:
        try:
            name = (self.root / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return None
        return name or None

    def versions(self) -> list[str]:
        """Complete versions, oldest first."""
        if not self.versions_dir.is_dir():
            return []
        return sorted(
            p.name for p in self.versions_dir.iterdir() if p.is_dir() and (p / MANIFEST_FILE).is_file() and not p.name.startswith(".")
        )

    def begin_build(self) -> Path:
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=BUILD_PREFIX, dir=self.versions_dir))

    def write(self, folder: Path, *, dense: Any, lexical: LexicalIndex, manifest: Manifest) -> None:
        """Write the files of a build folder and its manifest (with checksums), the manifest last."""
        persist.save(dense, folder / DENSE_FILE)
        lexical.save(folder / LEXICAL_FILE)
        manifest.checksums = {name: persist.checksum(folder / name) for name in (DENSE_FILE, LEXICAL_FILE)}
        atomic_write(folder / MANIFEST_FILE, json.dumps(asdict(manifest), indent=2))

    def publish(self, folder: Path, version: str) -> Path:
        """Give a verified build folder its version name; it is not served until `switch`."""
        final = self.folder(version)
        os.replace(folder, final)
        _fsync_dir(self.versions_dir)
        return final

    def switch(self, version: str) -> None:
        """Make `version` current with one atomic rename."""
        if not (self.folder(version) / MANIFEST_FILE).is_file():
            raise VersionError(f"index version {version} does not exist")
        atomic_write(self.root / "CURRENT", version + "\n")

    def prune(self, *, keep: int) -> list[str]:
        """Delete all but the newest `keep` versions (never the current one) and leftovers of killed builds."""
        current = self.current()
        removed = []
        for name in self.versions()[:-keep] if keep > 0 else self.versions():
            if name != current:
                shutil.rmtree(self.folder(name), ignore_errors=True)
                removed.append(name)
        for leftover in self.versions_dir.glob(BUILD_PREFIX + "*") if self.versions_dir.is_dir() else []:
            shutil.rmtree(leftover, ignore_errors=True)
        return removed

    def manifest(self, version: str) -> Manifest:
        path = self.folder(version) / MANIFEST_FILE
        try:
            return Manifest(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError) as error:
            raise VersionError(f"index version {version}: unreadable manifest ({error})") from error

    def load(self, version: str, *, model_id: str) -> IndexSnapshot:
        """Load and check a version: checksums, counts, dimension, and the model that must serve it."""
        return load_folder(self.folder(version), model_id=model_id)


def load_folder(folder: Path, *, model_id: str) -> IndexSnapshot:
    try:
        manifest = Manifest(**json.loads((folder / MANIFEST_FILE).read_text()))
    except (OSError, ValueError, TypeError) as error:
        raise VersionError(f"index in {folder}: unreadable manifest ({error})") from error
    if manifest.model_id != model_id:
        raise VersionError(f"index {manifest.version} was built with {manifest.model_id}, this process embeds with {model_id}")
    try:
        dense_index = persist.load(folder / DENSE_FILE, expected_checksum=manifest.checksums.get(DENSE_FILE))
    except persist.IndexFileError as error:
        raise VersionError(str(error)) from error
    lexical_path = folder / LEXICAL_FILE
    if persist.checksum(lexical_path) != manifest.checksums.get(LEXICAL_FILE):
        raise VersionError(f"index {manifest.version}: {LEXICAL_FILE} does not match its checksum")
    lexical = LexicalIndex.load(lexical_path)
    dense = LiveIndex(dense_index)
    if dense.dim != manifest.dim:
        raise VersionError(f"index {manifest.version}: dimension {dense.dim}, manifest says {manifest.dim}")
    if dense.count() != manifest.count or len(lexical) != manifest.count:
        raise VersionError(
            f"index {manifest.version}: {dense.count()} vectors and {len(lexical)} lexical rows, manifest says {manifest.count}"
        )
    watermark = datetime.fromisoformat(manifest.watermark) - SYNC_OVERLAP
    return IndexSnapshot(
        version=manifest.version,
        built_at=datetime.fromisoformat(manifest.built_at),
        model_id=manifest.model_id,
        dim=manifest.dim,
        dense=dense,
        lexical=lexical,
        watermark=watermark,
    )


def atomic_write(path: Path, text: str) -> None:
    """Replace a small file in one rename, so readers see the old or the new text, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(handle, "w") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
