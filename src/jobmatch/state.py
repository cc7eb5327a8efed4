"""What the application holds for its lifetime, opened once by the lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from jobmatch.candidates.side import SeekerSide
from jobmatch.embedding.base import Embedder
from jobmatch.search.holder import IndexHolder
from jobmatch.settings import Settings


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    embedder: Embedder
    index: IndexHolder
    seekers: SeekerSide
