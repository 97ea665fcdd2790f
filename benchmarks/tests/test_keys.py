"""The run's key: the JWKS and kid the API's contract names, and EdDSA signatures, checked
against the Ed25519 example of RFC 8037 (appendix A)."""

import base64
import json

from benchmarks.keys import RunKey

# RFC 8037 A.1: the example private key `d`, and what the RFC derives from it.
RFC_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
RFC_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"  # A.3
RFC_SIGNING_INPUT = b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"  # A.4
RFC_SIGNATURE = (
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
)
# PKCS#8 (RFC 8410) wrapping of a raw Ed25519 private key: this prefix, then the 32 bytes.
PKCS8_PREFIX = bytes.fromhex("302e020100300506032b657004220420")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def rfc_key():
    der = PKCS8_PREFIX + b64url_decode(RFC_D)
    body = base64.encodebytes(der).decode("ascii")
    return RunKey.from_pem(f"-----BEGIN PRIVATE KEY-----\n{body}-----END PRIVATE KEY-----\n")


def test_the_jwks_holds_the_public_key_named_by_its_rfc_7638_thumbprint():
    key = rfc_key()
    assert key.kid == RFC_THUMBPRINT
    assert json.loads(key.jwks) == {
        "keys": [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "x": RFC_X,
                "kid": RFC_THUMBPRINT,
                "alg": "EdDSA",
                "use": "sig",
            }
        ]
    }


def test_signatures_are_the_rfc_s_ed25519_signatures():
    signature = base64.urlsafe_b64encode(rfc_key().sign(RFC_SIGNING_INPUT)).rstrip(b"=")
    assert signature.decode() == RFC_SIGNATURE


def test_minted_tokens_carry_the_api_s_claims_and_the_key_s_kid():
    key = RunKey.generate()
    header, claims, _ = key.mint(7, ttl_s=120).split(".")
    assert json.loads(b64url_decode(header)) == {"alg": "EdDSA", "typ": "JWT", "kid": key.kid}
    decoded = json.loads(b64url_decode(claims))
    assert (decoded["sub"], decoded["iss"], decoded["aud"]) == ("7", "items-api", "items-api")
    assert decoded["exp"] - decoded["iat"] == 120
    assert "PRIVATE" not in repr(key)
