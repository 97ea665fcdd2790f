"""Container images for tests, built and run by buildah without a daemon or a registry."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

INSTALL_HINT = (
    "Building and running images needs root, buildah and debootstrap "
    "(Debian/Ubuntu: apt-get install buildah debootstrap)."
)
DEBIAN_SUITE = "bookworm"
DEBIAN_MIRROR = "http://deb.debian.org/debian"
# Debian bookworm's python3 is CPython 3.11, the version the image is built for.
BASE_PACKAGES = ("python3", "python3-venv")
BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# What a kept buildah storage may grow to (a build of the API's image is about 0.35 GB on
# overlay, and each code change adds a few MB) before a run starts it afresh.
KEPT_STORAGE_BUDGET_BYTES = 2_000_000_000
BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


class ContainerError(RuntimeError):
    """Raised when buildah or debootstrap fails; carries the end of its output."""


def unavailable_reason() -> str | None:
    """Why images cannot be built on this machine, or None when they can."""
    missing = [tool for tool in ("buildah", "debootstrap", "tar") if shutil.which(tool) is None]
    if missing:
        return f"{', '.join(missing)} not found. {INSTALL_HINT}"
    if os.geteuid() != 0:
        return f"not running as root. {INSTALL_HINT}"
    return None


def cache_dir() -> Path:
    """Where the base file system is kept between runs: the user's cache directory."""
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "items-api-image"
    if os.environ.get("HOME"):
        return Path(os.environ["HOME"]) / ".cache" / "items-api-image"
    raise ContainerError("set HOME or XDG_CACHE_HOME: the image base is cached there")


def debian_rootfs(cache: Path) -> Path:
    """A tarball of a minimal Debian root file system with Python, made once per machine."""
    cache.mkdir(parents=True, exist_ok=True)
    tarball = cache / f"debian-{DEBIAN_SUITE}-{'-'.join(BASE_PACKAGES)}.tar"
    with (cache / "lock").open("w") as lock:
        # Concurrent runs wait for the one making the file system instead of making it twice.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not tarball.exists():
            scratch = Path(tempfile.mkdtemp(prefix="rootfs-", dir=cache))
            try:
                _debootstrap(scratch / "root", tarball)
            finally:
                remove_tree(scratch)
    return tarball


def _debootstrap(root: Path, tarball: Path) -> None:
    include = ",".join(BASE_PACKAGES)
    command = ["debootstrap", "--variant=minbase", f"--include={include}", DEBIAN_SUITE]
    _check([*command, str(root), DEBIAN_MIRROR], timeout=1200)
    # apt's package cache and indexes are not part of an image.
    for leftover in ("var/cache/apt/archives", "var/lib/apt/lists"):
        for path in (root / leftover).glob("*"):
            if path.is_file():
                path.unlink()
    partial = tarball.with_name(tarball.name + ".partial")
    _check(["tar", "--numeric-owner", "-C", str(root), "-cf", str(partial), "."], timeout=600)
    partial.rename(tarball)


def storage_driver() -> str:
    """STORAGE_DRIVER when set, else overlay where the kernel has it (fast), else vfs (copies)."""
    if os.environ.get("STORAGE_DRIVER"):
        return os.environ["STORAGE_DRIVER"]
    with open("/proc/filesystems") as filesystems:
        return "overlay" if "overlay" in filesystems.read().split() else "vfs"


def mounts_under(path: Path) -> list[str]:
    """Mount points at or below `path`, which must never be deleted through."""
    root = path.resolve()
    with open("/proc/self/mountinfo") as mountinfo:
        points = [line.split()[4] for line in mountinfo]
    return [point for point in points if Path(point).is_relative_to(root)]


def remove_tree(path: Path) -> None:
    """Delete `path`, refusing when something is still mounted below it (a bound /dev, say)."""
    mounted = mounts_under(path)
    if mounted:
        raise ContainerError(f"not deleting {path}: still mounted there: {', '.join(mounted)}")
    shutil.rmtree(path, ignore_errors=True)


def _check(command: Sequence[str], timeout: float) -> str:
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr)[-4000:]
        raise ContainerError(f"{command[0]} {command[1]} exited {completed.returncode}:\n{output}")
    return completed.stdout


@dataclass(frozen=True)
class Buildah:
    """buildah on the storage in `storage` (its root and run directories)."""

    storage: Path
    driver: str

    @property
    def global_args(self) -> list[str]:
        """The storage options every buildah command of this instance takes."""
        return [
            "buildah",
            "--root",
            str(self.storage / "root"),
            "--runroot",
            str(self.storage / "run"),
            "--storage-driver",
            self.driver,
        ]

    def __call__(self, *args: str, timeout: float = 300) -> str:
        """Run a buildah command; return its standard output."""
        return _check([*self.global_args, *args], timeout=timeout)

    def import_rootfs(self, tarball: Path, name: str) -> None:
        """Make the image `name` from a root file system tarball."""
        container = self("from", "scratch").strip()
        self("add", container, str(tarball), "/")
        self("config", "--env", f"PATH={BASE_PATH}", "--cmd", "python3", container)
        self("commit", "--rm", container, name)

    def build(self, context: Path, tag: str, build_args: Mapping[str, str]) -> str:
        """Build `context`/Dockerfile as `tag`, reusing cached layers; return buildah's log."""
        args = ["bud", "--isolation", "chroot", "--pull=never", "--layers", "--format", "docker"]
        for name, value in build_args.items():
            args += ["--build-arg", f"{name}={value}"]
        return self(
            *args, "--tag", tag, "--file", str(context / "Dockerfile"), str(context), timeout=1200
        )

    def inspect(self, image: str) -> dict[str, Any]:
        """The image's configuration as buildah reports it."""
        report: dict[str, Any] = json.loads(self("inspect", "--type", "image", image))
        return report

    def layer_sizes(self, image: str) -> list[tuple[str, int]]:
        """Each file system layer's digest and uncompressed size in bytes, base first."""
        manifest = json.loads(self.inspect(image)["Manifest"])
        if all(layer["mediaType"].endswith(".tar") for layer in manifest["layers"]):
            # Built or imported here, so stored uncompressed: the manifest has the sizes.
            return [(str(layer["digest"]), int(layer["size"])) for layer in manifest["layers"]]
        export = Path(tempfile.mkdtemp(prefix="export-", dir=self.storage))
        try:
            self("push", "--disable-compression", image, f"dir:{export}", timeout=600)
            manifest = json.loads((export / "manifest.json").read_text())
        finally:
            remove_tree(export)
        return [(str(layer["digest"]), int(layer["size"])) for layer in manifest["layers"]]

    def container(self, image: str) -> str:
        """A new working container from `image`; returns its name."""
        return self("from", "--pull-never", image).strip()

    def run_command(
        self, container: str, argv: Sequence[str], env: Mapping[str, str] | None = None
    ) -> list[str]:
        """The command line that runs `argv` in `container` on the host's network."""
        env_args = [
            arg for name, value in (env or {}).items() for arg in ("--env", f"{name}={value}")
        ]
        prefix = [*self.global_args, "run", "--isolation", "chroot", "--network", "host"]
        return [*prefix, *env_args, container, "--", *argv]

    def run(
        self,
        container: str,
        argv: Sequence[str],
        env: Mapping[str, str] | None = None,
        timeout: float = 300,
    ) -> subprocess.CompletedProcess[str]:
        """Run `argv` in `container` to completion; the caller checks the outcome."""
        command = self.run_command(container, argv, env)
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def base_image(buildah: Buildah, tarball: Path, repository: str) -> str:
    """The image made from `tarball`, imported into `buildah`'s storage unless already there."""
    stat = tarball.stat()
    made_from = f"{tarball.name}:{stat.st_size}:{stat.st_mtime_ns}"
    name = f"{repository}:{hashlib.sha256(made_from.encode()).hexdigest()[:12]}"
    with (buildah.storage / "import.lock").open("w") as lock:
        # Concurrent runs wait for the one importing instead of importing twice.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not buildah("images", "--quiet", "--filter", f"reference={name}").strip():
            buildah.import_rootfs(tarball, name)
    return name


def tree_bytes(path: Path) -> int:
    """Bytes used by the files under `path`, not counting other file systems mounted there."""
    return int(_check(["du", "-sx", "--block-size=1", str(path)], timeout=120).split()[0])


@contextmanager
def kept_buildah_storage(
    cache: Path, budget_bytes: int = KEPT_STORAGE_BUDGET_BYTES
) -> Iterator[Buildah]:
    """A buildah storage kept in `cache` between runs, so that layers whose inputs are unchanged
    come from buildah's layer cache, as on a developer's machine with Docker.

    Runs may share it: callers give their images unique tags and remove what they tag and
    create. Each run holds a shared lock; a run that finds no other one using the storage
    starts it afresh when it has outgrown `budget_bytes` or the machine has rebooted since
    (the run directory then describes mounts that no longer exist).
    """
    driver = storage_driver()
    storage = cache / f"buildah-{driver}"  # a storage holds one driver's layers
    storage.mkdir(parents=True, exist_ok=True)
    buildah = Buildah(storage, driver)
    with (storage.with_suffix(".lock")).open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # another run uses it: it was checked when that run started
        else:
            boot = storage / "boot_id"
            rebooted = not boot.exists() or boot.read_text() != BOOT_ID.read_text()
            if rebooted:
                remove_tree(storage / "run")
            if tree_bytes(storage) > budget_bytes:
                _empty(buildah)
            boot.write_text(BOOT_ID.read_text())
        fcntl.flock(lock, fcntl.LOCK_SH)
        yield buildah


def _empty(buildah: Buildah) -> None:
    """Remove every container and image in `buildah`'s storage, and the storage itself."""
    try:
        buildah("rm", "--all")
        buildah("rmi", "--all", "--force")
    finally:
        for part in ("root", "run"):
            remove_tree(buildah.storage / part)
