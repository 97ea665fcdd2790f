"""Where a new PostgreSQL connection's password comes from: a token source asked every time.

A password read once at start-up stops working when it rotates. A token source is called for
every new pooled connection, with the host, port and user the engine connects to, and returns
the password to send: `iam_token_source` signs a fresh RDS IAM token (valid 15 minutes, used
only to log in, so pooled connections outlive it). Any callable of that shape will do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3  # type: ignore[import-untyped]
from sqlalchemy import Engine, event

TokenSource = Callable[[str, int, str], str]
DEFAULT_PORT = 5432


def iam_token_source(region: str) -> TokenSource:
    """Tokens for RDS IAM authentication, signed with the task role's credentials in `region`."""
    client = boto3.client("rds", region_name=region)

    def signed_token(host: str, port: int, user: str) -> str:
        signed: str = client.generate_db_auth_token(
            DBHostname=host, Port=port, DBUsername=user, Region=region
        )
        return signed

    return signed_token


def use_token_source(engine: Engine, source: TokenSource) -> None:
    """Make every new connection of `engine` log in with a password `source` returns then."""

    def fresh_password(
        dialect: object, connection_record: object, cargs: object, cparams: dict[str, Any]
    ) -> None:
        port = int(cparams.get("port") or DEFAULT_PORT)
        cparams["password"] = source(cparams["host"], port, cparams["user"])

    event.listen(engine, "do_connect", fresh_password)
