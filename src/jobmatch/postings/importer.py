"""Bulk import of NDJSON postings: streamed, batched, idempotent; good lines are kept, bad lines reported."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.metrics.instruments import count_postings
from jobmatch.postings import repository
from jobmatch.postings.nav import Withdrawn, from_nav
from jobmatch.postings.schemas import ImportReport, PostingIn, RejectedLine
from jobmatch.postings.service import row_values

MAX_REPORTED_REJECTIONS = 1_000
MAX_LINE_BYTES = 1024 * 1024  # a NAV ad with a long description is ~50 KB
MAX_NESTING = 32  # a NAV ad nests 4 deep


class LineTooLong(ValueError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the line is longer than {limit} bytes")


class ImportFormat(StrEnum):
    JOBMATCH = "jobmatch"
    NAV = "nav"


def parse_line(line: bytes | str, fmt: ImportFormat) -> tuple[PostingIn, dict[str, Any] | None] | Withdrawn:
    if fmt is ImportFormat.JOBMATCH:
        return PostingIn.model_validate_json(line), None
    try:
        entry = json.loads(line)
    except RecursionError as exc:
        raise ValueError(f"the JSON nests deeper than {MAX_NESTING} levels") from exc
    if not isinstance(entry, dict):
        raise ValueError("each line must be a JSON object")
    if nesting(entry) > MAX_NESTING:
        raise ValueError(f"the JSON nests deeper than {MAX_NESTING} levels")
    return from_nav(entry)


def nesting(value: Any) -> int:
    """How deep objects and lists nest, counted without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, depth)
            pending.extend((child, depth + 1) for child in children)
    return deepest


class LineSplitter:
    """Cuts a byte stream into lines in linear time; a line over `max_line_bytes` is not kept but marked `LineTooLong`."""

    def __init__(self, *, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self.max_line_bytes = max_line_bytes
        self._parts: list[bytes] = []
        self._pending = 0
        self._too_long = False

    def feed(self, chunk: bytes) -> list[bytes | LineTooLong]:
        lines: list[bytes | LineTooLong] = []
        start = 0
        while (end := chunk.find(b"\n", start)) >= 0:
            self._add(chunk[start:end])
            lines.append(self._take())
            start = end + 1
        self._add(chunk[start:])
        return lines

    def finish(self) -> list[bytes | LineTooLong]:
        return [self._take()] if self._parts or self._too_long else []

    def _add(self, piece: bytes) -> None:
        self._pending += len(piece)
        if self._pending > self.max_line_bytes:
            self._too_long, self._parts = True, []
        elif piece:
            self._parts.append(piece)

    def _take(self) -> bytes | LineTooLong:
        line: bytes | LineTooLong = LineTooLong(self.max_line_bytes) if self._too_long else b"".join(self._parts)
        self._parts, self._pending, self._too_long = [], 0, False
        return line


def describe(error: Exception) -> str:
    if isinstance(error, ValidationError):
        parts = []
        for err in error.errors()[:5]:
            where = ".".join(str(part) for part in err["loc"]) or "line"
            parts.append(f"{where}: {err['msg']}")
        return "; ".join(parts)
    if isinstance(error, json.JSONDecodeError):
        return f"invalid JSON: {error.msg} at column {error.colno}"
    if isinstance(error, KeyError):
        return f"missing field {error.args[0]!r}"
    return str(error) or type(error).__name__


@dataclass
class Importer:
    """Feeds lines through validation into batched upserts, one transaction per batch."""

    session_factory: sessionmaker[Session]
    fmt: ImportFormat = ImportFormat.JOBMATCH
    batch_size: int = 1_000
    max_line_bytes: int = MAX_LINE_BYTES
    on_written: Callable[[list[int]], None] | None = None
    report: ImportReport = field(default_factory=ImportReport)
    _batch: dict[tuple[str, str], tuple[int, dict[str, Any]]] = field(default_factory=dict)
    _withdrawn: dict[tuple[str, str], int] = field(default_factory=dict)
    _line_number: int = 0

    def feed(self, lines: Iterable[bytes | str | LineTooLong]) -> None:
        for line in lines:
            self._line_number += 1
            if isinstance(line, LineTooLong) or len(line) > self.max_line_bytes:
                self._reject(self._line_number, str(LineTooLong(self.max_line_bytes)))
                continue
            if not line.strip():
                continue
            try:
                parsed = parse_line(line, self.fmt)
            except (ValueError, KeyError, TypeError) as error:
                self._reject(self._line_number, describe(error))
                continue
            if isinstance(parsed, Withdrawn):
                self._withdrawn[(parsed.source, parsed.external_id)] = self._line_number
                continue
            posting, raw = parsed
            key = (posting.source, posting.external_id)
            if key in self._batch or key in self._withdrawn:
                self.flush()
            self._batch[key] = (self._line_number, row_values(posting, raw=raw))
            if len(self._batch) >= self.batch_size:
                self.flush()

    def flush(self) -> None:
        """Write the pending batch; if the database refuses it, write line by line so only bad lines are lost."""
        batch, self._batch = list(self._batch.values()), {}
        withdrawn, self._withdrawn = list(self._withdrawn), {}
        if batch:
            try:
                with self.session_factory.begin() as session:
                    self._count(repository.upsert_many(session, [values for _, values in batch]), len(batch))
            except DBAPIError:
                for line, values in batch:
                    self._write_one(line, values)
        if withdrawn:
            with self.session_factory.begin() as session:
                changed = repository.deactivate_keys(session, withdrawn)
            self.report.updated += len(changed)
            self.report.unchanged += len(withdrawn) - len(changed)
            count_postings(via="import", outcome="deactivated", count=len(changed))
            count_postings(via="import", outcome="unchanged", count=len(withdrawn) - len(changed))
            if changed and self.on_written is not None:
                self.on_written(changed)

    def _write_one(self, line: int, values: dict[str, Any]) -> None:
        try:
            with self.session_factory.begin() as session:
                self._count(repository.upsert_many(session, [values]), 1)
        except DBAPIError as error:
            self._reject(line, f"the database refused this posting: {type(error.orig or error).__name__}")

    def _count(self, written: list[tuple[int, bool]], rows: int) -> None:
        created = sum(1 for _, was_created in written if was_created)
        self.report.created += created
        self.report.updated += len(written) - created
        self.report.unchanged += rows - len(written)
        count_postings(via="import", outcome="created", count=created)
        count_postings(via="import", outcome="updated", count=len(written) - created)
        count_postings(via="import", outcome="unchanged", count=rows - len(written))
        if written and self.on_written is not None:
            self.on_written([posting_id for posting_id, _ in written])

    def finish(self) -> ImportReport:
        self.flush()
        return self.report

    @property
    def lines_read(self) -> int:
        return self._line_number

    def _reject(self, line: int, reason: str) -> None:
        self.report.rejected += 1
        count_postings(via="import", outcome="rejected", count=1)
        if len(self.report.rejected_lines) < MAX_REPORTED_REJECTIONS:
            self.report.rejected_lines.append(RejectedLine(line=line, reason=reason))
        else:
            self.report.rejected_lines_truncated = True
