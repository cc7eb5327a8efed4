"""The caller a validated token describes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    SEEKER = "seeker"
    CASEWORKER = "caseworker"
    EMPLOYEE = "employee"
    SERVICE = "service"


class Scope(StrEnum):
    POSTINGS_WRITE = "postings:write"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Principal:
    """A seeker (person id), a caseworker or other employee (employee id, units), or a service (client id, scopes)."""

    role: Role
    issuer: str
    subject: str = field(repr=False)  # a seeker's subject is often a national identity number: never in a repr
    units: frozenset[str] = frozenset()
    protected_access: bool = False
    scopes: frozenset[str] = frozenset()

    @property
    def rate_key(self) -> str:
        return f"{self.issuer}\x00{self.subject}"

    def has_scope(self, scope: Scope) -> bool:
        return self.role is Role.SERVICE and scope.value in self.scopes
