"""Tokens: what the issuer signs, every verifier with the public key accepts, and nothing else."""

from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from libs.auth.keys import load_signing_key, signing_key_pem
from libs.auth.tokens import InvalidToken, TokenIssuer, TokenVerifier
from libs.db.columns import utcnow

ISSUER, AUDIENCE = "issuer", "audience"


def issuer(ttl=timedelta(minutes=5)):
    key = load_signing_key(signing_key_pem(Ed25519PrivateKey.generate()))
    return TokenIssuer(key, ISSUER, AUDIENCE, ttl)


def verifier_of(*issuers, audience=AUDIENCE):
    keys = {each.key.kid: each.key.public_key for each in issuers}
    return TokenVerifier(keys, ISSUER, audience)


def test_a_verifier_with_the_public_key_accepts_the_token():
    signer = issuer()
    token, expires_in = signer.issue(42)
    assert expires_in == 300
    assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "kid": signer.key.kid, "typ": "JWT"}
    assert verifier_of(signer).user_id(token) == 42


def test_a_verifier_of_two_keys_accepts_both_during_a_rotation():
    old, new = issuer(), issuer()
    verifier = verifier_of(old, new)
    assert verifier.user_id(old.issue(1)[0]) == 1
    assert verifier.user_id(new.issue(2)[0]) == 2


@pytest.mark.parametrize(
    "make",
    [
        lambda signer, other: other.issue(1)[0],  # an unknown key
        lambda signer, other: signer.issue(1, now=utcnow() - timedelta(hours=1))[0],
        lambda signer, other: signer.issue(1)[0][:-4] + "AAAA",  # a broken signature
        lambda signer, other: jwt.encode({"sub": "1"}, "secret", algorithm="HS256"),
    ],
    ids=["unknown key", "expired", "bad signature", "hs256"],
)
def test_anything_else_is_an_invalid_token(make):
    signer = issuer()
    with pytest.raises(InvalidToken):
        verifier_of(signer).user_id(make(signer, issuer()))


def test_a_token_for_another_audience_is_refused():
    signer = issuer()
    with pytest.raises(InvalidToken, match="invalid"):
        verifier_of(signer, audience="another").user_id(signer.issue(1)[0])
