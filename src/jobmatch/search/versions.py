"""Index versions on disk: each in its own folder with a manifest, one `CURRENT` pointer switched atomically.

<data_dir>/index/
    CURRENT                 the serving version's name (replaced with os.replace, never edited)
    versions/<version>/     the corpus (columns, vectors, HNSW graph, inverted indexes), manifest.json
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
from jobmatch.search.corpus import Corpus
from jobmatch.search.snapshot import IndexSnapshot

MANIFEST_FILE = "manifest.json"
FORMAT = "jobmatch.corpus/1"
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
    watermark_id: int = 0
    """With `watermark` (an updated_at), the change feed's position when the version was built."""
    format: str = FORMAT


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

    def write(self, folder: Path, *, corpus: Corpus, manifest: Manifest) -> None:
        """Write the corpus into a build folder and its manifest (with every file's checksum), the manifest last."""
        corpus.save(folder)
        for path in sorted(folder.iterdir()):
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        manifest.checksums = {path.name: persist.checksum(path) for path in sorted(folder.iterdir()) if path.name != MANIFEST_FILE}
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
    if manifest.format != FORMAT:
        raise VersionError(f"index {manifest.version} has format {manifest.format}; this process reads {FORMAT} "
                           "(run `jobmatch reindex --full`)")
    if manifest.model_id != model_id:
        raise VersionError(f"index {manifest.version} was built with {manifest.model_id}, this process embeds with {model_id}")
    if not manifest.checksums:
        raise VersionError(f"index {manifest.version}: the manifest lists no files")
    for name, expected in manifest.checksums.items():
        path = folder / name
        if not path.is_file() or persist.checksum(path) != expected:
            raise VersionError(f"index {manifest.version}: {name} is missing or does not match its checksum")
    try:
        corpus = Corpus.load(folder)
    except (OSError, ValueError, KeyError) as error:
        raise VersionError(f"index {manifest.version}: unreadable corpus ({error})") from error
    if corpus.dense.dim != manifest.dim:
        raise VersionError(f"index {manifest.version}: dimension {corpus.dense.dim}, manifest says {manifest.dim}")
    if corpus.live_count != manifest.count:
        raise VersionError(f"index {manifest.version}: {corpus.live_count} postings, manifest says {manifest.count}")
    built = datetime.fromisoformat(manifest.watermark)
    return IndexSnapshot(
        version=manifest.version,
        built_at=datetime.fromisoformat(manifest.built_at),
        model_id=manifest.model_id,
        dim=manifest.dim,
        corpus=corpus,
        watermark=(built, manifest.watermark_id),
        deletions_seen=built,
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
