"""Dependencies the routes declare: the database session and the authenticated user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from benchmarks.peers.fastapi.db import get_session
from benchmarks.peers.fastapi.models import User
from benchmarks.peers.fastapi.security import InvalidToken, decode_access_token

REALM = "items-api"

SessionDep = Annotated[Session, Depends(get_session)]
# auto_error off: the API answers a missing token with its own 401 challenge, not 403.
bearer = HTTPBearer(auto_error=False)
CredentialsDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def unauthorized(detail: str, error: str | None = None) -> HTTPException:
    """401 with an RFC 6750 challenge; without credentials there is no error code."""
    challenge = f'Bearer realm="{REALM}"'
    if error is not None:
        challenge += f', error="{error}", error_description="{detail}"'
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": challenge},
    )


def get_current_user(session: SessionDep, credentials: CredentialsDep) -> User:
    """The user the bearer token names; 401 if it is missing, invalid, or names nobody."""
    if credentials is None or not credentials.credentials.strip():
        raise unauthorized("A bearer token is required.")
    try:
        user_id = decode_access_token(credentials.credentials.strip())
    except InvalidToken as error:
        raise unauthorized(str(error), "invalid_token") from None
    user = session.get(User, user_id)
    if user is None:
        raise unauthorized("The access token is invalid.", "invalid_token")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
