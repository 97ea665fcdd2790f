"""The secret a service cannot start without must hold a value before its image is deployed."""

from __future__ import annotations

from typing import Any

from tools.deploy.errors import SecretNotSet
from tools.deploy.outputs import Target


def require_value(client: Any, found: Target, environment: str) -> None:
    """Refuse the deploy while the token key secret (Terraform makes it empty) has no version."""
    versions = client.describe_secret(SecretId=found.key_secret_arn).get("VersionIdsToStages")
    if not versions:
        raise SecretNotSet(
            f"{found.service}: the token key secret has no value yet: run "
            f"infra/scripts/init-secrets.sh {environment}"
        )
