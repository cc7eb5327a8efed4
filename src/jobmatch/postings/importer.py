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


class ImportFormat(StrEnum):
    JOBMATCH = "jobmatch"
    NAV = "nav"


def parse_line(line: bytes | str, fmt: ImportFormat) -> tuple[PostingIn, dict[str, Any] | None] | Withdrawn:
    if fmt is ImportFormat.JOBMATCH:
        return PostingIn.model_validate_json(line), None
    entry = json.loads(line)
    if not isinstance(entry, dict):
        raise ValueError("each line must be a JSON object")
    return from_nav(entry)


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
    on_written: Callable[[list[int]], None] | None = None
    report: ImportReport = field(default_factory=ImportReport)
    _batch: dict[tuple[str, str], tuple[int, dict[str, Any]]] = field(default_factory=dict)
    _withdrawn: dict[tuple[str, str], int] = field(default_factory=dict)
    _line_number: int = 0

    def feed(self, lines: Iterable[bytes | str]) -> None:
        for line in lines:
            self._line_number += 1
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
