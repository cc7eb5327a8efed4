"""FastAPI dependencies as one-line `Annotated` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from jobmatch.auth.context import AccessContext
from jobmatch.auth.principal import Principal
from jobmatch.auth.tokens import unauthorized
from jobmatch.candidates.side import SeekerSide
from jobmatch.embedding.base import Embedder
from jobmatch.search.holder import IndexHolder
from jobmatch.settings import Settings
from jobmatch.state import AppState


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.jobmatch
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_settings(state: StateDep) -> Settings:
    return state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_session(state: StateDep) -> Iterator[Session]:
    """One session per request; it commits when the endpoint returns and rolls back when it raises."""
    with state.session_factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_embedder(state: StateDep) -> Embedder:
    return state.embedder


EmbedderDep = Annotated[Embedder, Depends(get_embedder)]


def get_index(state: StateDep) -> IndexHolder:
    return state.index


IndexDep = Annotated[IndexHolder, Depends(get_index)]


def get_seeker_side(state: StateDep) -> SeekerSide:
    return state.seekers


SeekerSideDep = Annotated[SeekerSide, Depends(get_seeker_side)]


def get_access(request: Request) -> AccessContext:
    access: AccessContext = request.app.state.access
    return access


AccessDep = Annotated[AccessContext, Depends(get_access)]

bearer = HTTPBearer(auto_error=False, description="An OIDC/JWT access token from a trusted issuer (`jobmatch token` in development).")


def get_principal(access: AccessDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal:
    """The caller, from a valid bearer token (401 otherwise); each principal has its own rate limit (429)."""
    if credentials is None:
        raise unauthorized("this needs a bearer token", error=None)
    principal = access.authenticator.authenticate(credentials.credentials)
    if access.rate_limiter is not None:
        access.rate_limiter.check(principal.rate_key)
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]
