"""Optimistic concurrency the HTTP way: an `ETag` on each read, `If-Match` on each write, 412 when they differ."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import Header, Response
from pydantic import BaseModel

from jobmatch.errors import PreconditionFailed

IfMatch = Annotated[str | None, Header(
    alias="If-Match", max_length=1_000,
    description="The `ETag` from your last read: the write is refused with 412 when the resource changed since.",
)]


def etag(representation: BaseModel) -> str:
    """A strong ETag: equal for equal representations, different as soon as any field differs."""
    return '"' + hashlib.sha256(representation.model_dump_json().encode()).hexdigest()[:32] + '"'


def tagged(response: Response, representation: BaseModel) -> None:
    response.headers["ETag"] = etag(representation)


def require_match(if_match: str | None, current: BaseModel) -> None:
    """No `If-Match`: the write goes ahead (last one wins). Otherwise one of its tags, or `*`, must be current."""
    if if_match is None:
        return
    tags = {tag.strip() for tag in if_match.split(",")}
    if "*" not in tags and etag(current) not in tags:
        raise PreconditionFailed(
            "the resource changed since you read it (If-Match does not match its ETag): read it again, then retry",
            headers={"ETag": etag(current)},
        )
