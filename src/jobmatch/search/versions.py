"""Index versions on disk: each in its own folder with a manifest, one `CURRENT` pointer switched atomically.

<data_dir>/index/
    CURRENT                 the serving version's name (replaced with os.replace, never edited)
    versions/<version>/     manifest.json and the corpus as segments (see `segments`): base-<version>/, then
                            delta-<version>/ folders, each written once; a version shares the segments of the one
                            it was built from as hard links, so deleting a version never touches another's files
    versions/.build-*/      a build in progress; removed by the next run if it was killed
    reindex.lock            held by a running reindex
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jobmatch.index import persist
from jobmatch.search import segments
from jobmatch.search.corpus import Corpus
from jobmatch.search.snapshot import IndexSnapshot

MANIFEST_FILE = "manifest.json"
FORMAT = "jobmatch.corpus/2"
FORMAT_WHOLE = "jobmatch.corpus/1"
"""The format before segments: one folder holding the whole corpus. Still read; the next reindex writes a base."""
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
    segments: list[dict[str, Any]] = field(default_factory=list)
    """The base first, then the deltas in order: each `name` (its folder), `kind`, `rows` (the row count after it) and
    `files` (each file's sha256, computed once when the segment was written)."""
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

    def write_base(self, folder: Path, *, corpus: Corpus, manifest: Manifest) -> None:
        """Write the whole corpus as a fresh base segment, then the manifest."""
        base = _write_segment(folder, f"base-{manifest.version}", "base", rows=corpus.view().n,
                              save=lambda target: segments.save_base(corpus, target))
        manifest.segments = [base]
        atomic_write(folder / MANIFEST_FILE, json.dumps(asdict(manifest), indent=2))

    def link_segments(self, folder: Path, *, previous: Manifest) -> None:
        """Share the previous version's segments: hard links, so its files are neither copied nor ever changed."""
        for segment in previous.segments:
            source, target = self.folder(previous.version) / segment["name"], folder / segment["name"]
            target.mkdir()
            for name in segment["files"]:
                os.link(source / name, target / name)
            _fsync_dir(target)

    def write_delta(self, folder: Path, *, corpus: Corpus, manifest: Manifest, previous: Manifest, since: segments.Mark) -> None:
        """After `link_segments`: write what changed since the mark as a new delta segment, then the manifest."""
        delta = _write_segment(folder, f"delta-{manifest.version}", "delta", rows=corpus.view().n,
                               save=lambda target: segments.save_delta(corpus, target, since=since))
        manifest.segments = [*previous.segments, delta]
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
        return read_manifest(self.folder(version))

    def load(self, version: str, *, model_id: str) -> IndexSnapshot:
        """Load and check a version: checksums, counts, dimension, and the model that must serve it."""
        return load_folder(self.folder(version), model_id=model_id)


def read_manifest(folder: Path) -> Manifest:
    try:
        fields = json.loads((folder / MANIFEST_FILE).read_text())
        if fields.get("format") == FORMAT_WHOLE:
            fields["segments"] = [{"name": ".", "kind": "base", "rows": None, "files": fields.pop("checksums", {})}]
        return Manifest(**fields)
    except (OSError, ValueError, TypeError, AttributeError) as error:
        raise VersionError(f"index in {folder}: unreadable manifest ({error})") from error


def load_folder(folder: Path, *, model_id: str) -> IndexSnapshot:
    """Load a version's segments after checking every file against its checksum."""
    manifest = check_files(folder, model_id=model_id, newest_only=False)
    try:
        base, *deltas = (folder / segment["name"] for segment in manifest.segments)
        corpus = segments.load(base, deltas)
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        raise VersionError(f"index {manifest.version}: unreadable corpus ({error})") from error
    if corpus.dense.dim != manifest.dim:
        raise VersionError(f"index {manifest.version}: dimension {corpus.dense.dim}, manifest says {manifest.dim}")
    if corpus.live_count != manifest.count:
        raise VersionError(f"index {manifest.version}: {corpus.live_count} postings, manifest says {manifest.count}")
    corpus.warm()
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


def check_files(folder: Path, *, model_id: str, newest_only: bool) -> Manifest:
    """A version's manifest, after checking its format, model and files: every segment's checksums, or the newest
    segment's (`newest_only`, for the segments shared with a version already checked) and that the others' files exist."""
    manifest = read_manifest(folder)
    if manifest.format not in (FORMAT, FORMAT_WHOLE):
        raise VersionError(f"index {manifest.version} has format {manifest.format}; this process reads {FORMAT} "
                           "(run `jobmatch reindex --full`)")
    if manifest.model_id != model_id:
        raise VersionError(f"index {manifest.version} was built with {manifest.model_id}, this process embeds with {model_id}")
    if not manifest.segments or not manifest.segments[0]["files"]:
        raise VersionError(f"index {manifest.version}: the manifest lists no files")
    for number, segment in enumerate(manifest.segments):
        checked = not newest_only or number == len(manifest.segments) - 1
        for name, expected in segment["files"].items():
            path = folder / segment["name"] / name
            if not path.is_file() or (checked and persist.checksum(path) != expected):
                raise VersionError(f"index {manifest.version}: {segment['name']}/{name} is missing or does not match its checksum")
    return manifest


def _write_segment(folder: Path, name: str, kind: str, *, rows: int, save: Callable[[Path], None]) -> dict[str, Any]:
    """Write one segment's files durably and return its manifest entry, checksums computed once, here."""
    target = folder / name
    target.mkdir()
    save(target)
    for path in sorted(target.iterdir()):
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(target)
    return {"name": name, "kind": kind, "rows": rows, "files": {path.name: persist.checksum(path) for path in sorted(target.iterdir())}}


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
