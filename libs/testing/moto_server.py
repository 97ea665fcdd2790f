"""A moto server in this process: the AWS API that deploys and rehearsals run against.

In this process, so that a test can shape what moto's backends answer (see ecs_fleet.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3  # type: ignore[import-untyped]
import requests
from moto.server import ThreadedMotoServer

from libs.testing.processes import free_port

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's account when the credentials name none
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",  # nosec B105  # moto's fake credentials
}


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on a free loopback port; yields its URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port())
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def reset(url: str) -> None:
    """Forget every resource the server holds."""
    requests.post(f"{url}/moto-api/reset", timeout=10).raise_for_status()


def clients(url: str, region: str = REGION) -> Callable[[str], Any]:
    """A factory of boto3 clients of the server: `clients(url)("ecs")`."""
    session = boto3.session.Session(
        region_name=region,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    return lambda service: session.client(service, endpoint_url=url)
