"""What a signal is: a raw value with a status and a reason in Norwegian and English."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    MET = "met"
    PARTLY = "partly"
    UNMET = "unmet"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Signal:
    """One measured signal. `raw` is None when the posting does not say or the seeker has no wish."""

    raw: float | None
    status: Status
    why_no: str
    why_en: str

    @classmethod
    def met(cls, no: str, en: str, raw: float = 1.0) -> Signal:
        return cls(raw, Status.MET, no, en)

    @classmethod
    def unmet(cls, no: str, en: str, raw: float = -1.0) -> Signal:
        return cls(raw, Status.UNMET, no, en)

    @classmethod
    def unknown(cls, no: str, en: str) -> Signal:
        return cls(None, Status.UNKNOWN, no, en)

    @classmethod
    def not_applicable(cls, no: str, en: str) -> Signal:
        return cls(None, Status.NOT_APPLICABLE, no, en)
