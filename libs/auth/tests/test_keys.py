"""Keys: PEM signing keys, JWKS public keys named by thumbprint, the local development key."""

import json
import os
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from libs.auth.keys import (
    InvalidKey,
    jwks,
    load_signing_key,
    local_signing_key,
    parse_public_keys,
    public_jwk,
    signing_key_pem,
)


def test_a_pem_key_round_trips_and_is_named_by_its_thumbprint():
    private = Ed25519PrivateKey.generate()
    key = load_signing_key(signing_key_pem(private))
    assert key.kid == public_jwk(private.public_key())["kid"]
    (kid,) = parse_public_keys(json.dumps(jwks({key.kid: key.public_key})))
    assert kid == key.kid


@pytest.mark.parametrize(
    ("pem", "complaint"),
    [
        ("not a key", "not an unencrypted PEM private key"),
        ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not an unencrypted"),
    ],
)
def test_an_unusable_signing_key_is_refused_without_echoing_it(pem, complaint):
    with pytest.raises(InvalidKey, match=complaint) as refused:
        load_signing_key(pem)
    assert pem not in str(refused.value)


def good_jwk():
    return public_jwk(Ed25519PrivateKey.generate().public_key())


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        ("[]", "must be a JWKS document"),
        ('{"keys": "x"}', "must be a JWKS document"),
        ('{"keys": [{"kty": "RSA"}]}', "only OKP Ed25519 keys"),
        ('{"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}]}', "not a 32-byte public key"),
        (json.dumps({"keys": [{**good_jwk(), "kid": "chosen-by-hand"}]}), "kid is not the key"),
    ],
)
def test_unusable_public_keys_are_refused(document, complaint):
    with pytest.raises(InvalidKey, match=complaint):
        parse_public_keys(document)


def test_every_worker_of_a_machine_gets_the_same_local_key(tmp_path):
    path = tmp_path / "instance" / "signing-key.pem"
    with ThreadPoolExecutor(max_workers=8) as pool:
        kids = set(pool.map(lambda _: local_signing_key(path).kid, range(16)))
    assert len(kids) == 1
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [entry.name for entry in path.parent.iterdir()] == ["signing-key.pem"]
