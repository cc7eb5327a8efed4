"""Pydantic I/O for the seeker's access log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class Action(StrEnum):
    READ_PROFILE = "read:profile"
    READ_MATCHES = "read:matches"
    READ_EXPLANATION = "read:explanation"
    LIST_SEEKERS = "list:seekers"
    CREATE_PROFILE = "create:profile"
    ASSIGN = "admin:assignment"


class Decision(StrEnum):
    PERMIT = "permit"
    DENY = "deny"


class AccessLogEntry(BaseModel):
    at: datetime
    who: str = Field(description="The employee id (e.g. NAVident) or service that asked.")
    role: str
    units: list[str]
    what: Action
    posting_id: int | None = None
    why: str | None = Field(description="The purpose they stated.")
    decision: Decision
    reason: str | None = Field(description="Why access was refused, for refusals.")


class AccessLogPage(BaseModel):
    items: list[AccessLogEntry]
    next_cursor: str | None
