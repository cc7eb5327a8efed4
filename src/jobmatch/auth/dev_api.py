"""Development only: the demo users a sign-in page lists, and a token for one of them, minted by the server.

The router is included only when development tokens are trusted (never in production), so the route does not exist
elsewhere.
"""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from jobmatch.auth import dev
from jobmatch.auth.rules import Rule, access
from jobmatch.demo.loader import DEMO_UNITS, demo_seeker_id, demo_subject
from jobmatch.demo.seekers import demo_seekers
from jobmatch.deps import SettingsDep
from jobmatch.errors import InvalidRequest, NotFound

router = APIRouter(prefix="/dev", tags=["development"])

DEMO_CASEWORKERS = {"0301": "Z990002", "4601": "Z990001"}
UNIT_PLACES = {"0301": "Oslo", "4601": "Bergen"}
TOKEN_SECONDS = 8 * 3600


class DemoUser(BaseModel):
    subject: str = Field(description="The token subject: `demo-n` for seekers, a NAVident for caseworkers.")
    role: Literal["seeker", "caseworker"]
    unit: str = Field(description="The NAV unit the seeker is assigned to, or the caseworker works in.")
    place: str
    title: str = Field(description="What the demo person does (a seeker's latest job, or 'Veileder').")
    seeker_id: uuid.UUID | None = Field(default=None, description="The demo seeker's profile id (seekers only).")


class DemoUserList(BaseModel):
    items: list[DemoUser]


class DevTokenRequest(BaseModel):
    subject: str = Field(max_length=100, description="A subject from `GET /v1/dev/users`.")


class DevToken(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 (the scheme, not a secret)
    expires_in: int
    user: DemoUser


def demo_users() -> list[DemoUser]:
    """Each demo seeker by subject, then one caseworker per demo unit."""
    seekers = [
        DemoUser(subject=demo_subject(index), role="seeker", unit=DEMO_UNITS[index % 2], place=UNIT_PLACES[DEMO_UNITS[index % 2]],
                 title=profile.experience[0].title if profile.experience else profile.summary[:60], seeker_id=demo_seeker_id(index))
        for index, profile in enumerate(demo_seekers(), start=1)
    ]
    caseworkers = [DemoUser(subject=ident, role="caseworker", unit=unit, place=UNIT_PLACES[unit], title="Veileder")
                   for unit, ident in sorted(DEMO_CASEWORKERS.items())]
    return [*seekers, *caseworkers]


@router.get("/users", response_model=DemoUserList, **access(Rule.PUBLIC))
def list_demo_users() -> DemoUserList:
    """The demo users one can sign in as (development only)."""
    return DemoUserList(items=demo_users())


@router.post("/tokens", response_model=DevToken, **access(Rule.PUBLIC, errors=(NotFound, InvalidRequest)))
def mint_demo_token(request: DevTokenRequest, settings: SettingsDep) -> DevToken:
    """A development token for one demo user, signed by the key `jobmatch token` uses (development only)."""
    user = next((user for user in demo_users() if user.subject == request.subject), None)
    if user is None:
        raise NotFound(f"no demo user {request.subject!r}; see GET /v1/dev/users")
    claims = dev.dev_claims(user.role, subject=user.subject, units=[user.unit] if user.role == "caseworker" else None)
    token = dev.mint(dev.ensure_dev_keys(settings.data_dir).private_pem, claims, ttl_seconds=TOKEN_SECONDS)
    return DevToken(access_token=token, expires_in=TOKEN_SECONDS, user=user)
