"""Run the real terraform binary on a scratch copy of infra/, offline with a provider mirror."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

INFRA = Path(__file__).resolve().parents[1]
PROVIDER = Path("registry.terraform.io", "hashicorp", "aws")
INSTALL_HINT = (
    "terraform (>= 1.11) is not on PATH. Install it from "
    "https://developer.hashicorp.com/terraform/install (or your package manager) and rerun."
)
# Where Terraform itself looks for unpacked providers, then a shallow scan for any other mirror.
_IMPLIED_MIRRORS = (
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
)
_SCAN_SKIP = {"proc", "sys", "dev", "run", "tmp", "var", "boot", "lost+found"}
_SCAN_DEPTH = 3
COMMAND_TIMEOUT = 600


class TerraformMissing(RuntimeError):
    """Raised when there is no terraform binary to run."""


def find_terraform() -> str:
    """Path of the terraform binary on PATH."""
    found = shutil.which("terraform")
    if found is None:
        raise TerraformMissing(INSTALL_HINT)
    return found


def _platform_dir() -> str:
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)
    return f"{platform.system().lower()}_{arch}"


def _is_mirror(root: Path) -> bool:
    provider = root / PROVIDER
    if not provider.is_dir():
        return False
    unpacked = provider.glob(f"*/{_platform_dir()}/terraform-provider-aws*")
    packed = provider.glob(f"terraform-provider-aws_*_{_platform_dir()}.zip")
    return any(unpacked) or any(packed)


def _scan(directory: Path, depth: int) -> Iterator[Path]:
    if depth == 0:
        return
    try:
        children = [entry for entry in os.scandir(directory) if entry.is_dir(follow_symlinks=False)]
    except OSError:
        return
    for child in children:
        if child.name == "registry.terraform.io":
            yield directory
        elif child.name not in _SCAN_SKIP and not child.name.startswith("."):
            yield from _scan(Path(child.path), depth - 1)


def find_provider_mirror() -> Path | None:
    """A filesystem mirror holding hashicorp/aws for this platform, or None (use the registry)."""
    explicit = os.environ.get("TF_PROVIDER_MIRROR")
    if explicit:
        return Path(explicit) if _is_mirror(Path(explicit)) else None
    for candidate in _IMPLIED_MIRRORS:
        if _is_mirror(Path(candidate).expanduser()):
            return Path(candidate).expanduser()
    return next((root for root in _scan(Path("/"), _SCAN_DEPTH) if _is_mirror(root)), None)


def write_cli_config(directory: Path) -> Path:
    """CLI config installing hashicorp/aws from the mirror, or from the registry without one."""
    mirror = find_provider_mirror()
    if mirror is None:
        # One download per test module, shared by its inits.
        cache = directory / "plugin-cache"
        cache.mkdir(parents=True, exist_ok=True)
        text = f'plugin_cache_dir = "{cache}"\n'
    else:
        # Unpacked mirror providers are symlinked into .terraform, not copied.
        text = (
            "provider_installation {\n"
            f'  filesystem_mirror {{\n    path    = "{mirror}"\n'
            '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
            '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
        )
    config = directory / "terraform.tfrc"
    config.write_text(text)
    return config


def copy_infra(destination: Path) -> Path:
    """Copy infra/ without working directories or pexes, so runs never touch the checkout."""
    target = destination / "infra"
    ignore = shutil.ignore_patterns(".terraform", "*.tfstate*", "__pycache__", "*.pex")
    shutil.copytree(INFRA, target, ignore=ignore)
    return target


@dataclass(frozen=True)
class Terraform:
    """The terraform binary with an environment that keeps it offline and non-interactive."""

    binary: str
    cli_config: Path
    home: Path

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """Process environment for a terraform command."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("AWS_", "TF_")) or key == "TF_PROVIDER_MIRROR"
        }
        env.update(
            HOME=os.environ.get("HOME", str(self.home)),
            TF_CLI_CONFIG_FILE=str(self.cli_config),
            TF_IN_AUTOMATION="1",
            TF_INPUT="0",
            CHECKPOINT_DISABLE="1",
        )
        env.update(extra or {})
        return env

    def run(
        self, directory: Path, *args: str, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run `terraform <args>` in directory and capture its output."""
        return subprocess.run(
            [self.binary, f"-chdir={directory}", *args, "-no-color"],
            env=self.env(env),
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )

    def check(
        self, directory: Path, *args: str, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run terraform and raise with its output when it fails."""
        result = self.run(directory, *args, env=env)
        if result.returncode != 0:
            raise AssertionError(
                f"terraform {' '.join(args)} failed in {directory} ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result
