"""The engine and the per-request session (the template's core/db.py and get_db)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import Session, create_engine

from benchmarks.peers.fastapi.config import settings

engine = create_engine(settings.sqlalchemy_url)


def get_session() -> Iterator[Session]:
    """One session per request, closed when the response is done."""
    with Session(engine) as session:
        yield session
