"""Wiring tokens into an app from its settings: who may verify, and who may issue."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app

from libs.auth import jwks
from libs.auth.bearer import init_auth
from libs.auth.keys import (
    InvalidKey,
    SigningKey,
    load_signing_key,
    local_signing_key,
    parse_public_keys,
)
from libs.auth.tokens import TokenIssuer, TokenVerifier
from libs.config import ConfigError, ServiceSettings

ISSUER_KEY = "token_issuer"
# Where a development machine keeps the key it makes when AUTH_SIGNING_KEY is unset.
LOCAL_KEY_PATH = Path("instance/signing-key.pem")

log = logging.getLogger(__name__)


def init_verification(
    app: Flask,
    settings: ServiceSettings,
    *,
    caller_exists: Callable[[int], bool] | None = None,
    signing_key: SigningKey | None = None,
) -> TokenVerifier:
    """Accept tokens signed with AUTH_PUBLIC_KEYS (and `signing_key`); serve the key set."""
    try:
        keys = parse_public_keys(settings.auth_public_keys) if settings.auth_public_keys else {}
    except InvalidKey as error:
        raise ConfigError(str(error)) from None
    if signing_key is not None:
        keys[signing_key.kid] = signing_key.public_key
    if not keys:
        if settings.is_production:
            raise ConfigError("AUTH_PUBLIC_KEYS holds no key: no access token could be verified")
        log.warning("AUTH_PUBLIC_KEYS is unset: no access token is accepted")
    verifier = TokenVerifier(keys, settings.auth_issuer, settings.auth_audience)
    init_auth(app, verifier, realm=settings.auth_audience, caller_exists=caller_exists)
    app.extensions[jwks.EXTENSION_KEY] = verifier.keys
    app.register_blueprint(jwks.blp)
    return verifier


def load_issuing_key(settings: ServiceSettings) -> SigningKey:
    """AUTH_SIGNING_KEY; outside production, a key kept on this machine when it is unset."""
    if settings.auth_signing_key is not None:
        try:
            return load_signing_key(settings.auth_signing_key.get_secret_value())
        except InvalidKey as error:
            raise ConfigError(str(error)) from None
    if settings.is_production:
        raise ConfigError("AUTH_SIGNING_KEY is required when APP_ENV=production")
    log.warning(
        "AUTH_SIGNING_KEY is unset: tokens are signed with the local key in %s", LOCAL_KEY_PATH
    )
    return local_signing_key(LOCAL_KEY_PATH)


def init_issuing(
    app: Flask,
    settings: ServiceSettings,
    ttl: timedelta,
    *,
    caller_exists: Callable[[int], bool] | None = None,
) -> TokenIssuer:
    """Issue tokens with the service's signing key, and accept them (and AUTH_PUBLIC_KEYS')."""
    key = load_issuing_key(settings)
    init_verification(app, settings, caller_exists=caller_exists, signing_key=key)
    issuer = TokenIssuer(key, settings.auth_issuer, settings.auth_audience, ttl)
    app.extensions[ISSUER_KEY] = issuer
    return issuer


def issue_access_token(user_id: int, now: datetime | None = None) -> tuple[str, int]:
    """A token from the current app's issuer naming `user_id`, and its lifetime in seconds."""
    issuer: TokenIssuer = current_app.extensions[ISSUER_KEY]
    return issuer.issue(user_id, now)
