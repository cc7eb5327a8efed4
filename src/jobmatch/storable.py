"""Input rules shared by everything that is stored: no NUL characters, and dates given as strings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, model_validator


def _no_number(value: object) -> object:
    if isinstance(value, int | float):
        raise ValueError("a date is a string in ISO 8601 form, e.g. 2027-01-31 or 2027-01-31T12:00:00Z")
    return value


IsoDate = Annotated[date, BeforeValidator(_no_number)]
IsoDateTime = Annotated[datetime, BeforeValidator(_no_number)]


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
