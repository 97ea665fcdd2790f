"""The rehearsal's runner account: a non-root user, with passwordless sudo as on GitHub's runners.

Run as root, steps run as a system user of the rehearsal's own with a home directory, as GitHub's
`runner` has (tools fall back to the account's home where a sandbox drops HOME), and a `sudo` on
their PATH asks this process (root) over a Unix socket to run the command, which is what the
runner's passwordless sudo does. Run as a non-root user (GitHub's own runner), steps run as that
user and the real sudo is used.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socketserver
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

USER = "workflow-rehearsal"
# sudo's secure_path on Debian and Ubuntu: what a command run with sudo finds without -E.
SECURE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# The `sudo` steps see: `sudo [-n] [-E] command...`, forwarded to the socket in REHEARSAL_SUDO.
SUDO_SHIM = r"""#!/usr/bin/python3
import json, os, socket, sys
args = sys.argv[1:]
keep_env = False
while args and args[0].startswith("-"):
    option = args.pop(0)
    if option == "-E":
        keep_env = True
    elif option != "-n":
        sys.exit(f"rehearsal sudo: option {option} is not supported")
if not args:
    sys.exit("usage: sudo [-n] [-E] command...")
request = {"argv": args, "cwd": os.getcwd(), "env": dict(os.environ) if keep_env else None}
connection = socket.socket(socket.AF_UNIX)
connection.connect(os.environ["REHEARSAL_SUDO"])
connection.sendall(json.dumps(request).encode() + b"\n")
reply = connection.makefile("rb")
for line in reply:
    message = json.loads(line)
    if "output" in message:
        sys.stdout.write(message["output"])
        sys.stdout.flush()
    else:
        sys.exit(message["exit"])
"""


@dataclass(frozen=True)
class Account:
    """Who runs the steps: uid and gid, and whether a sudo shim stands in for the real one."""

    uid: int
    gid: int
    home: Path
    shim_sudo: bool

    def own(self, *paths: Path) -> None:
        """Give `paths` (recursively) to the account, when steps run as another user."""
        if self.uid == os.geteuid():
            return
        for path in paths:
            os.chown(path, self.uid, self.gid)
            for directory, names, files in os.walk(path):
                for name in names + files:
                    os.chown(
                        os.path.join(directory, name), self.uid, self.gid, follow_symlinks=False
                    )

    def popen_args(self) -> dict[str, Any]:
        """subprocess arguments that run a child as the account."""
        if self.uid == os.geteuid():
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


def account(home: Path) -> Account:
    """The rehearsal's user (made once, with `home`) when this process is root, else the current
    user with a `home` of the rehearsal's own beside its real one."""
    if os.geteuid() != 0:
        home.mkdir(parents=True, exist_ok=True)
        return Account(os.geteuid(), os.getegid(), home, shim_sudo=False)
    try:
        entry = pwd.getpwnam(USER)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        arguments = [
            "--system",
            "--no-create-home",
            "--home-dir",
            str(home),
            "--shell",
            "/bin/bash",
        ]
        subprocess.run([useradd, *arguments, USER], check=True, capture_output=True)
        entry = pwd.getpwnam(USER)
    found = Account(entry.pw_uid, entry.pw_gid, Path(entry.pw_dir), shim_sudo=True)
    found.home.mkdir(parents=True, exist_ok=True)
    os.chown(found.home, found.uid, found.gid)
    return found


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        request = json.loads(self.rfile.readline())
        env = request["env"] or {"PATH": SECURE_PATH, "HOME": pwd.getpwuid(0).pw_dir}
        env.pop("REHEARSAL_SUDO", None)
        process = subprocess.Popen(
            request["argv"],
            cwd=request["cwd"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        assert process.stdout is not None
        for line in process.stdout:
            self.wfile.write(json.dumps({"output": line}).encode() + b"\n")
        self.wfile.write(json.dumps({"exit": process.wait()}).encode() + b"\n")


@contextmanager
def sudo_broker(directory: Path, runner: Account) -> Iterator[dict[str, str]]:
    """Serve the sudo shim in `directory`/bin; yields the environment that steps need for it."""
    if not runner.shim_sudo:
        yield {}
        return
    bin_dir = directory / "sudo-bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    shim = bin_dir / "sudo"
    shim.write_text(SUDO_SHIM)
    shim.chmod(0o755)
    path = directory / "sudo.sock"
    server = socketserver.ThreadingUnixStreamServer(str(path), _Handler)
    os.chown(path, runner.uid, runner.gid)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"REHEARSAL_SUDO": str(path), "REHEARSAL_SUDO_BIN": str(bin_dir)}
    finally:
        server.shutdown()
        server.server_close()
        path.unlink(missing_ok=True)
