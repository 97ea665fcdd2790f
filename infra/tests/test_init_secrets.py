"""init-secrets.sh against moto: the token keys are made, rotated in three steps and retired as
infra/README.md says, with kids that are RFC 7638 thumbprints, and bad calls fail clearly.

The environment is a Terraform root holding only the outputs the script reads, applied to a
local state, and two secrets made in moto as modules/token-keys makes them; the full apply in
test_moto_apply.py runs the script once more against the secrets Terraform created.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from cryptography.hazmat.primitives import serialization  # pants: no-infer-dep (moto's)
from cryptography.hazmat.primitives.asymmetric import ed25519  # pants: no-infer-dep

from infra.tests.harness import Terraform
from infra.tests.moto_server import moto_server
from infra.tests.scripts import run_script

REGION = "eu-west-1"
OUTPUTS = """output "region" {{
  value = "{region}"
}}

output "cluster_name" {{
  value = "{name}"
}}

output "signing_key_secret_arn" {{
  value = "{signing}"
}}

output "public_keys_secret_arn" {{
  value = "{public}"
}}

output "rate_limit_store" {{
  value = {{
    replication_group_id = "{group}"
    primary_endpoint     = "{host}"
    port                 = 6379
    uri_secret_arn       = "{uri}"
  }}
}}
"""


@pytest.fixture(scope="module")
def moto(scratch: Path) -> Iterator[str]:
    with moto_server(scratch / "moto.log") as url:
        yield url


@pytest.fixture(scope="module")
def secrets(moto: str) -> Any:
    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION
    )
    return session.client("secretsmanager", endpoint_url=moto)


@pytest.fixture(scope="module")
def elasticache(moto: str) -> Any:
    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION
    )
    return session.client("elasticache", endpoint_url=moto)


@pytest.fixture(scope="module")
def environment(
    terraform: Terraform, infra: Path, secrets: Any, elasticache: Any
) -> Callable[[str], dict[str, str]]:
    """Makes an environment root <name> with empty secrets and a store; returns the ARNs."""

    def make(name: str) -> dict[str, str]:
        arns = {
            kind: secrets.create_secret(Name=f"api-{name}/{kind}")["ARN"]
            for kind in ("auth-signing-key", "auth-public-keys", "rate-limit-storage-uri")
        }
        group = elasticache.create_replication_group(
            ReplicationGroupId=f"api-{name}",
            ReplicationGroupDescription="rate limits",
            Engine="valkey",
            CacheNodeType="cache.t4g.micro",
            NumCacheClusters=1,
            TransitEncryptionEnabled=True,
        )["ReplicationGroup"]
        host = f"master.api-{name}.abc123.euw1.cache.amazonaws.com"
        root = infra / "envs" / name
        root.mkdir()
        text = OUTPUTS.format(
            region=REGION,
            name=f"api-{name}",
            signing=arns["auth-signing-key"],
            public=arns["auth-public-keys"],
            group=group["ReplicationGroupId"],
            host=host,
            uri=arns["rate-limit-storage-uri"],
        )
        (root / "main.tf").write_text(text)
        terraform.check(root, "init", "-input=false")
        terraform.check(root, "apply", "-auto-approve", "-input=false")
        (root / ".terraform").mkdir(exist_ok=True)
        return {
            "signing": arns["auth-signing-key"],
            "public": arns["auth-public-keys"],
            "store": arns["rate-limit-storage-uri"],
            "host": host,
        }

    return make


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def expected_jwk(pem: str) -> dict[str, str]:
    """The JWK of a PEM private key, built independently of the script (cryptography, hashlib)."""
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, ed25519.Ed25519PrivateKey), "the signing key must be Ed25519"
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    x = b64url(raw)
    member = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"))
    kid = b64url(hashlib.sha256(member.encode()).digest())
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA", "use": "sig"}


def value(secrets: Any, arn: str, stage: str = "AWSCURRENT") -> str:
    return str(secrets.get_secret_value(SecretId=arn, VersionStage=stage)["SecretString"])


def stages(secrets: Any, arn: str) -> set[str]:
    described = secrets.describe_secret(SecretId=arn).get("VersionIdsToStages", {})
    return {stage for labels in described.values() for stage in labels}


def test_keys_are_made_rotated_promoted_and_retired(
    terraform: Terraform,
    infra: Path,
    moto: str,
    secrets: Any,
    environment: Callable[[str], dict[str, str]],
    tmp_path: Path,
) -> None:
    arns = environment("keys")
    # The script may leave no file behind: it writes none, even to TMPDIR.
    run = lambda *args: run_script(  # noqa: E731
        terraform, infra, moto, "init-secrets.sh", "keys", *args, env={"TMPDIR": str(tmp_path)}
    )

    created = run()
    assert created.returncode == 0, created.stderr
    first = value(secrets, arns["signing"])
    assert first.startswith("-----BEGIN PRIVATE KEY-----")
    assert json.loads(value(secrets, arns["public"])) == {"keys": [expected_jwk(first)]}
    assert first.split("\n")[1] not in created.stdout + created.stderr

    uri = value(secrets, arns["store"])
    match = re.fullmatch(rf"rediss://:([A-Za-z0-9]{{64}})@{re.escape(arns['host'])}:6379/0", uri)
    assert match, "RATE_LIMIT_STORAGE_URI is TLS with a 64-character token"
    assert match[1] not in created.stdout + created.stderr

    again = run()
    assert again.returncode == 0 and "already set" in again.stderr, again.stderr
    assert value(secrets, arns["signing"]) == first
    assert value(secrets, arns["store"]) == uri, "a rerun keeps the store's token"

    rotated = run("--rotate")
    assert rotated.returncode == 0, rotated.stderr
    pending = value(secrets, arns["signing"], "AWSPENDING")
    assert value(secrets, arns["signing"]) == first, "the API keeps signing with the old key"
    both = {"keys": [expected_jwk(first), expected_jwk(pending)]}
    assert json.loads(value(secrets, arns["public"])) == both
    assert pending.split("\n")[1] not in rotated.stdout + rotated.stderr

    twice = run("--rotate")
    assert twice.returncode != 0 and "under way" in twice.stderr, twice.stderr

    promoted = run("--promote")
    assert promoted.returncode == 0, promoted.stderr
    assert value(secrets, arns["signing"]) == pending
    assert "AWSPENDING" not in stages(secrets, arns["signing"])
    assert json.loads(value(secrets, arns["public"])) == both, "old tokens still verify"

    nothing = run("--promote")
    assert nothing.returncode != 0 and "no pending key" in nothing.stderr, nothing.stderr

    retired = run("--retire")
    assert retired.returncode == 0, retired.stderr
    assert json.loads(value(secrets, arns["public"])) == {"keys": [expected_jwk(pending)]}
    idle = run("--retire")
    assert idle.returncode == 0 and "no retired key" in idle.stderr, idle.stderr

    assert list(tmp_path.iterdir()) == []


def test_the_service_option_sets_the_same_environment_keys(
    terraform: Terraform,
    infra: Path,
    moto: str,
    secrets: Any,
    environment: Callable[[str], dict[str, str]],
) -> None:
    arns = environment("shared")
    result = run_script(terraform, infra, moto, "init-secrets.sh", "--service", "orders", "shared")
    assert result.returncode == 0, result.stderr
    key = value(secrets, arns["signing"])
    assert json.loads(value(secrets, arns["public"])) == {"keys": [expected_jwk(key)]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("fresh", "--promote"), "fresh has no pending key"),
        (("fresh", "--rotate"), "fresh has no signing key yet"),
        (("fresh", "--retire"), "fresh has no signing key yet"),
        (("fresh", "--force"), "unknown option --force"),
        (("fresh", "--rotate", "extra"), "usage:"),
        (("nowhere",), "unknown environment 'nowhere'"),
        (("--service", "Bad-Name", "fresh"), "'Bad-Name' is not a service name"),
    ],
)
def test_a_wrong_call_fails_saying_why_and_changes_nothing(
    terraform: Terraform,
    infra: Path,
    moto: str,
    secrets: Any,
    environment: Callable[[str], dict[str, str]],
    args: tuple[str, ...],
    message: str,
) -> None:
    if not (infra / "envs" / "fresh").exists():
        environment("fresh")
    result = run_script(terraform, infra, moto, "init-secrets.sh", *args)
    assert result.returncode != 0 and message in result.stderr, result.stderr
    for kind in ("auth-signing-key", "auth-public-keys", "rate-limit-storage-uri"):
        assert stages(secrets, f"api-fresh/{kind}") == set(), "nothing may be written"


def test_a_missing_secret_stops_the_script(
    terraform: Terraform,
    infra: Path,
    moto: str,
    secrets: Any,
    environment: Callable[[str], dict[str, str]],
) -> None:
    arns = environment("deleted")
    secrets.delete_secret(SecretId=arns["public"], ForceDeleteWithoutRecovery=True)
    result = run_script(terraform, infra, moto, "init-secrets.sh", "deleted")
    assert result.returncode != 0 and "cannot read the secret" in result.stderr, result.stderr
    assert stages(secrets, arns["signing"]) == set(), "no signing key without its public key"
