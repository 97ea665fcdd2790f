"""The users table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from libs.db.columns import Timestamp, utcnow
from services.api.extensions import db

EMAIL_MAX_LENGTH = 254


class User(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """Someone who can sign in and own items."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH))
    # An argon2 PHC string (algorithm, parameters, salt and hash); never leaves the service.
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    def __repr__(self) -> str:
        return f"<User {self.id}>"


# Unique regardless of case, enforced by the database so that concurrent sign-ups cannot both
# win; the e-mail is stored as typed, and looked up through the same expression.
Index("uq_users_email_lower", func.lower(User.email), unique=True)
