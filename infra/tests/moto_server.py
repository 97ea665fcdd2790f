"""A moto server on 127.0.0.1 and a free port: a local AWS API for the full apply."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from libs.testing.processes import free_port, stop_process

STARTUP_SECONDS = 60
SERVICES = (
    "applicationautoscaling",
    "cloudwatch",
    "ec2",
    "ecr",
    "ecs",
    "elasticache",
    "elbv2",
    "iam",
    "kms",
    "logs",
    "rds",
    "s3",
    "secretsmanager",
    "sns",
    "sts",
    "wafv2",
)


# moto gives every RDS instance the same DbiResourceId, and the AWS provider reads an instance
# back by it, so a second instance (a scaffolded service's database) fails to apply. The server
# runs with each instance's id derived from its identifier instead, as AWS's are unique.
_SERVER = """
import base64, hashlib, sys
from moto.rds import models
from moto.server import main

create = models.DBInstance.__init__

def unique_resource_id(self, *args, **kwargs):
    create(self, *args, **kwargs)
    digest = hashlib.sha1(self.db_instance_identifier.encode()).digest()
    self.dbi_resource_id = "db-" + base64.b32encode(digest).decode()[:26]

models.DBInstance.__init__ = unique_resource_id
main(sys.argv[1:])
"""


def _wait_until_up(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"moto server did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


@contextmanager
def moto_server(log: Path) -> Iterator[str]:
    """Start moto (AWS managed IAM policies loaded), yield its URL, stop it afterwards."""
    port = free_port()
    env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", _SERVER, "-H", "127.0.0.1", "-p", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(port, process, log)
        yield url
    finally:
        stop_process(process, timeout=10)


def provider_override(url: str, state_path: Path) -> str:
    """An *_override.tf that points the AWS provider at moto and keeps state in a local file."""
    endpoints = "\n".join(f'    {service} = "{url}"' for service in SERVICES)
    return f"""terraform {{
  backend "local" {{
    path = "{state_path}"
  }}
}}

provider "aws" {{
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true


  endpoints {{
{endpoints}
  }}
}}
"""


# moto lists a replication group's member clusters but creates none, which the provider reads
# back, and cannot delete a cache subnet group, so the moto run leaves both out (the terraform
# tests cover them) and keeps the store's security group, URI secret and the services' rules.
STORE_OVERRIDE = """resource "aws_elasticache_replication_group" "this" {
  count             = 0
  subnet_group_name = null
}

resource "aws_elasticache_subnet_group" "this" {
  count = 0
}

output "replication_group_id" {
  value = var.name
}

output "primary_endpoint" {
  value = "not-in-moto"
}

output "port" {
  value = var.port
}

output "transit_encryption_mode" {
  value = "required"
}
"""


# moto implements no Application Auto Scaling tagging API, which the provider calls after
# creating a scalable target, so the scaling target and policies are left out of the moto run
# (the terraform tests cover them). This only sets count and the attributes that refer to them.
AUTOSCALING_OVERRIDE = """resource "aws_appautoscaling_target" "this" {
  count = 0
}
""" + "".join(
    f"""
resource "aws_appautoscaling_policy" "{name}" {{
  count              = 0
  service_namespace  = "ecs"
  resource_id        = "service/none/none"
  scalable_dimension = "ecs:service:DesiredCount"
}}
""" for name in ("cpu", "requests")
)
