"""The ./pants launcher: runs that start together on a new machine install Pants once."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

LAUNCHER = Path("pants")
INSTALL_S = 2

# Stands in for CPython 3.9: it passes the launcher's version check and makes a "venv" whose
# pip logs each install and takes INSTALL_S, and whose pants echoes its arguments.
FAKE_PYTHON = f"""#!/usr/bin/env bash
[ "$1" = -c ] && exit 0
[ "$1 $2" = "-m venv" ] || exit 1
mkdir -p "$3/bin"
printf '#!/usr/bin/env bash\\necho install >> "$INSTALL_LOG"\\nsleep {INSTALL_S}\\n' > "$3/bin/pip"
printf '#!/usr/bin/env bash\\necho "pants $*"\\n' > "$3/bin/pants"
chmod +x "$3/bin/pip" "$3/bin/pants"
"""
# GitHub answers, so the launcher builds no pex of its own.
FAKE_CURL = "#!/usr/bin/env bash\nexit 0\n"


def stub(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    path.chmod(0o755)
    return path


# Without flock(1) the launcher cannot wait for another's install: macOS without util-linux.
@pytest.mark.skipif(
    shutil.which("flock") is None and not os.environ.get("CI"),
    reason="flock(1) is missing: install util-linux (brew install util-linux)",
)
def test_runs_that_start_together_install_pants_once(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    python = stub(bin_dir, "fake-python3.9", FAKE_PYTHON)
    stub(bin_dir, "curl", FAKE_CURL)
    log = tmp_path / "installs.log"
    env = {
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(tmp_path),
        "PANTS_LAUNCHER_CACHE": str(tmp_path / "cache"),
        "PANTS_PYTHON": str(python),
        "INSTALL_LOG": str(log),
    }
    bash = shutil.which("bash") or "/bin/bash"

    runs = [
        subprocess.Popen(
            [bash, str(LAUNCHER), "--version", str(n)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    outputs = [run.communicate(timeout=60) for run in runs]

    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert sorted(out for out, _ in outputs) == [f"pants --version {n}\n" for n in range(3)]
    assert log.read_text() == "install\n"
