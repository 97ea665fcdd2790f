"""The run's key: the JWKS and kid of the API's contract, and tokens the API's verifier takes."""

import base64
import json

from benchmarks.keys import RunKey
from libs.auth.keys import parse_public_keys
from libs.auth.tokens import TokenVerifier

# RFC 8037 A.1: the example private key `d`, its public `x`, and (A.3) its thumbprint.
RFC_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
RFC_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
# PKCS#8 (RFC 8410) wrapping of a raw Ed25519 private key: this prefix, then the 32 bytes.
PKCS8_PREFIX = bytes.fromhex("302e020100300506032b657004220420")


def rfc_key():
    der = PKCS8_PREFIX + base64.urlsafe_b64decode(RFC_D + "=")
    body = base64.encodebytes(der).decode("ascii")
    return RunKey.from_pem(f"-----BEGIN PRIVATE KEY-----\n{body}-----END PRIVATE KEY-----\n")


def test_the_jwks_holds_the_public_key_named_by_its_rfc_7638_thumbprint():
    key = rfc_key()
    assert key.kid == RFC_THUMBPRINT
    [jwk] = json.loads(key.jwks)["keys"]
    assert (jwk["kty"], jwk["crv"], jwk["x"], jwk["kid"]) == (
        "OKP",
        "Ed25519",
        RFC_X,
        RFC_THUMBPRINT,
    )


def test_the_api_gets_the_key_and_its_public_half():
    key = rfc_key()
    environment = key.api_environment()
    assert RunKey.from_pem(environment["AUTH_SIGNING_KEY"]).kid == key.kid
    assert environment["AUTH_PUBLIC_KEYS"] == key.jwks


def test_minted_tokens_are_what_the_api_s_verifier_accepts():
    key = RunKey.generate()
    verifier = TokenVerifier(parse_public_keys(key.jwks), "items-api", "items-api")
    assert verifier.user_id(key.mint(7)) == 7
    assert "PRIVATE" not in repr(key)
