"""The harness starts and stops a real, private Redis."""

import socket

import pytest

from libs.testing.redis import RedisUnavailable, redis_server


def ping(url):
    host, port = url.removeprefix("redis://").split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=2) as connection:
        connection.sendall(b"PING\r\n")
        return connection.recv(16)


def test_a_server_answers_while_open_and_is_gone_afterwards():
    with redis_server() as url:
        assert url.startswith("redis://127.0.0.1:")
        assert ping(url) == b"+PONG\r\n"
    with pytest.raises(OSError):
        ping(url)


def test_a_missing_binary_says_what_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(RedisUnavailable, match="apt-get install redis-server"), redis_server():
        pass
