"""Input rules shared by everything that is stored: no NUL characters, and dates as strings in a range everyone holds."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, model_validator

# PostgreSQL holds 4713 BC to 294276 AD, Python 1 to 9999: a job market needs neither end. Inside these years
# a timestamp stays a valid date in every time zone, and a date plus the longest follow-up (12 months) too.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
EARLIEST = datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC)
LATEST = datetime(LATEST_YEAR + 1, 1, 1, tzinfo=UTC)


def _no_number(value: object) -> object:
    if isinstance(value, int | float):
        raise ValueError("a date is a string in ISO 8601 form, e.g. 2027-01-31 or 2027-01-31T12:00:00Z")
    return value


def _date_in_range(value: date) -> date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"a date must lie in the years {EARLIEST_YEAR}-{LATEST_YEAR}")
    return value


def _datetime_in_range(value: datetime) -> datetime:
    """Naive times are read as UTC; the instant, not the local calendar day, must lie in range."""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    if not EARLIEST <= aware < LATEST:
        raise ValueError(f"a time must lie in the years {EARLIEST_YEAR}-{LATEST_YEAR} (UTC)")
    return aware


IsoDate = Annotated[date, BeforeValidator(_no_number), AfterValidator(_date_in_range)]
IsoDateTime = Annotated[datetime, BeforeValidator(_no_number), AfterValidator(_datetime_in_range)]


def without_nul(value: Any) -> Any:
    """PostgreSQL text and JSONB cannot hold U+0000: refuse it as invalid input instead of failing on write."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("text may not contain the NUL character (U+0000)")
    if isinstance(value, dict):
        for key, item in value.items():
            without_nul(key)
            without_nul(item)
    elif isinstance(value, list):
        for item in value:
            without_nul(item)
    return value


class StoredText(BaseModel):
    """Input that ends up in the database."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        return without_nul(data)
