"""DB_AUTH=iam: every new connection logs in with a fresh RDS IAM token, signed by real boto3
with the credentials in the environment (fake ones here: signing needs no network)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlalchemy import event

from libs.config import ServiceSettings
from libs.db.credentials import iam_token_source
from libs.db.models import create_db
from libs.db.setup import init_database

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
HOST, PORT, USER, REGION = "db.example.internal", 5433, "api_service", "eu-west-1"


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch, tmp_path):
    """Static credentials in the environment, and no AWS config file or profile to read."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)


def assert_is_connect_token(token: str, host: str, port: int, user: str, region: str) -> None:
    """`token` is a presigned rds-db connect URL for `user` at `host`:`port` in `region`."""
    parts = urlsplit("https://" + token)
    assert (parts.hostname, parts.port, parts.path) == (host, port, "/")
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    assert query["Action"] == "connect"
    assert query["DBUser"] == user
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    key, _day, signed_region, service, terminator = query["X-Amz-Credential"].split("/")
    assert (key, signed_region, service, terminator) == (
        ACCESS_KEY,
        region,
        "rds-db",
        "aws4_request",
    )
    assert query["X-Amz-Expires"] == "900"
    assert re.fullmatch(r"[0-9a-f]{64}", query["X-Amz-Signature"])


def test_the_iam_token_source_signs_a_connect_url():
    token = iam_token_source(REGION)(HOST, PORT, USER)
    assert_is_connect_token(token, HOST, PORT, USER, REGION)


class Connected(Exception):
    """Raised instead of connecting, once the connect parameters are known."""

    def __init__(self, parameters: dict[str, object]) -> None:
        super().__init__("connect parameters recorded")
        self.parameters = parameters


def test_a_new_connection_logs_in_with_a_fresh_token(tmp_path):
    settings = ServiceSettings(
        app_env="test", db_auth="iam", aws_region=REGION, db_host=HOST, db_port=PORT,
        db_user=USER, db_name="api",
    )  # fmt: skip
    app, db = Flask(__name__), create_db()
    init_database(app, db, settings, tmp_path)
    with app.app_context():
        engine = db.engine

    def record(dialect, connection_record, cargs, cparams):
        raise Connected(dict(cparams))

    # After the kit's own listener, which has set the password by then.
    event.listen(engine, "do_connect", record)
    for _ in range(2):  # the second connection is given a token too, not a cached password
        with pytest.raises(Connected) as connected:
            engine.connect()
        parameters = connected.value.parameters
        assert parameters["sslmode"] == "require"
        assert_is_connect_token(str(parameters["password"]), HOST, PORT, USER, REGION)
