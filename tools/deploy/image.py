"""Copy an image archive that .ci/build-image wrote to the service's ECR repository (skopeo)."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tools.deploy.errors import DeployError
from tools.deploy.outputs import Target

# A local registry (127.0.0.1 or localhost) speaks plain HTTP; ECR always speaks TLS.
LOCAL_HOSTS = ("127.0.0.1", "localhost")


def already_pushed(ecr: Any, target: Target, tag: str) -> bool:
    """Whether the repository holds `tag` (tags are immutable: then it is this image)."""
    try:
        ecr.describe_images(repositoryName=target.repository, imageIds=[{"imageTag": tag}])
    except ecr.exceptions.ImageNotFoundException:
        return False
    return True


def push(ecr: Any, target: Target, archive: Path, tag: str) -> str:
    """Copy `archive` to <repository>:<tag> unless it is there already; return the image name."""
    image = f"{target.repository_url}:{tag}"
    if already_pushed(ecr, target, tag):
        return image
    if not archive.is_file():
        raise DeployError(
            f"{archive} does not exist: "
            f"build it with .ci/build-image {target.service} {tag} {archive}"
        )
    skopeo = shutil.which("skopeo")
    if skopeo is None:
        raise DeployError(
            "skopeo is needed to push the image (.ci/install-image-tools installs it)"
        )
    token = ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    user, password = base64.b64decode(token).decode().split(":", 1)
    host = target.repository_url.split("/", 1)[0]
    command = [skopeo, "copy", "--quiet", "--dest-creds", f"{user}:{password}"]
    if host.split(":")[0] in LOCAL_HOSTS:
        command.append("--dest-tls-verify=false")
    command += [f"oci-archive:{archive}", f"docker://{image}"]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise DeployError(f"pushing {archive} to {image} failed:\n{completed.stderr[-2000:]}")
    return image
