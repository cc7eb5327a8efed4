"""Opaque page cursors: a kind letter and a position, base64url-encoded, refused when forged or foreign."""

from __future__ import annotations

import base64

from jobmatch.errors import InvalidRequest

MAX_ID = 2**63 - 1  # PostgreSQL's bigint: plain cursors hold row ids


def encode(kind: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode().rstrip("=")


def decode(kind: str, cursor: str | None, *, minimum: int = 0) -> int | None:
    """The position a cursor of this kind holds; None when there is no cursor (the first page)."""
    if not cursor:
        return None
    try:
        found, _, value = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition(":")
        position = int(value)
        if found != kind or not minimum <= position <= MAX_ID:
            raise ValueError(found)
        return position
    except ValueError as exc:
        raise InvalidRequest(f"cursor {cursor!r} is not one this API handed out") from exc


def encode_bound(kind: str, position: int, *, binding: str) -> str:
    """A cursor that also names what it belongs to (a ranking), so it cannot be used with another."""
    return base64.urlsafe_b64encode(f"{kind}:{position}:{binding}".encode()).decode().rstrip("=")


MAX_POSITION = 2**62


def decode_bound(kind: str, cursor: str | None) -> tuple[int, str] | None:
    """The position and binding of a bound cursor; None for the first page."""
    if not cursor:
        return None
    try:
        found, _, rest = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition(":")
        position, _, binding = rest.partition(":")
        if found != kind or not position.isdigit() or int(position) > MAX_POSITION or not binding:
            raise ValueError(found)
        return int(position), binding
    except ValueError as exc:
        raise InvalidRequest(f"cursor {cursor!r} is not one this API handed out") from exc


def encode_ranked(kind: str, offset: int, *, key: str, generation: int) -> str:
    """A cursor into one cached ranking: bound to the ranking's key and the generation it was computed for."""
    return encode_bound(kind, offset, binding=f"{key[:16]}.{generation}")


def decode_ranked(kind: str, cursor: str | None, *, key: str) -> tuple[int, int | None] | None:
    """The offset and ranking generation of a cursor from `encode_ranked`: (0, None) for the first page, None when the
    cursor belongs to another ranking (the caller decides whether that is an error or a fresh start)."""
    decoded = decode_bound(kind, cursor)
    if decoded is None:
        return 0, None
    offset, binding = decoded
    token, _, generation = binding.partition(".")
    if token != key[:16] or not generation.isdigit():
        return None
    return offset, int(generation)
