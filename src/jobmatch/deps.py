"""FastAPI dependencies as one-line `Annotated` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

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
