"""Registering users and checking their credentials."""

from __future__ import annotations

from flask_smorest import abort
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from libs.auth.bearer import INVALID, confirm_caller, current_user_id, unauthorized
from services.api.auth.passwords import (
    hash_password,
    needs_rehash,
    spend_verification_time,
    verify_password,
)
from services.api.extensions import db
from services.api.users.models import User

EMAIL_TAKEN = "A user with this e-mail address already exists."


def find_by_email(email: str) -> User | None:
    """The user registered with `email`, whatever its case."""
    statement = select(User).where(func.lower(User.email) == func.lower(email))
    return db.session.scalar(statement)


def exists(user_id: int) -> bool:
    """Whether the user `user_id` still exists (a token outlives a deleted account)."""
    return db.session.get(User, user_id) is not None


def current_user() -> User:
    """The user the current request's token names; 401 if the account is gone."""
    confirm_caller()
    user = db.session.get(User, current_user_id())  # from the identity map
    if user is None:  # deleted since it was confirmed
        unauthorized(INVALID, "invalid_token")
    return user


def register(email: str, password: str) -> User:
    """Create a user; 409 when the e-mail address is taken."""
    if find_by_email(email) is not None:
        abort(409, message=EMAIL_TAKEN)
    user = User(email=email, password_hash=hash_password(password))
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        # Someone registered the same address between the check and the insert.
        db.session.rollback()
        abort(409, message=EMAIL_TAKEN)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user whose credentials these are, taking as long whether or not the user exists."""
    user = find_by_email(email)
    if user is None:
        spend_verification_time(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user
