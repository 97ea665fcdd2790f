"""Settings load from the environment and refuse unsafe production values."""

import pytest

from libs.config import ConfigError, Environment, ServiceSettings, load_settings

STRONG_SECRET = "s" * 40
# Settings only check that keys are given; libs.auth reads them (its tests cover the format).
PUBLIC_KEYS = '{"keys": []}'
POSTGRES_URL = "postgresql://app@db.internal/app"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in (
        "APP_ENV",
        "DEBUG",
        "LOG_LEVEL",
        "DATABASE_URL",
        "AUTH_PUBLIC_KEYS",
        "AUTH_SIGNING_KEY",
        "DB_HOST",
        "CORS_ORIGINS",
        "DB_AUTH",
        "DB_PASSWORD",
        "AWS_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env file


def test_defaults_suit_local_development():
    settings = load_settings(ServiceSettings)
    assert settings.app_env is Environment.DEVELOPMENT
    assert settings.database_url is None
    assert settings.auth_public_keys is None
    assert settings.auth_signing_key is None
    assert not settings.is_production


def test_reads_typed_values_from_the_environment(monkeypatch):
    monkeypatch.setenv("APP_ENV", "test")
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    settings = load_settings(ServiceSettings)
    assert settings.app_env is Environment.TEST
    assert settings.debug is True
    assert settings.log_level == "DEBUG"


def test_reads_a_dotenv_file(tmp_path):
    (tmp_path / ".env").write_text("DATABASE_URL=postgresql://from-dotenv/db\n")
    assert load_settings(ServiceSettings).database_url == "postgresql://from-dotenv/db"


def test_environment_wins_over_dotenv(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text("LOG_LEVEL=ERROR\n")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    assert load_settings(ServiceSettings).log_level == "WARNING"


def test_malformed_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "perhaps")
    with pytest.raises(ConfigError, match="DEBUG"):
        load_settings(ServiceSettings)


def test_unknown_environment_is_refused(monkeypatch):
    monkeypatch.setenv("APP_ENV", "prod")
    with pytest.raises(ConfigError, match="APP_ENV"):
        load_settings(ServiceSettings)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DATABASE_URL": POSTGRES_URL}, "AUTH_PUBLIC_KEYS .* is required"),
        ({"AUTH_PUBLIC_KEYS": PUBLIC_KEYS}, "DATABASE_URL must name a PostgreSQL"),
        ({"AUTH_PUBLIC_KEYS": PUBLIC_KEYS, "DATABASE_URL": "sqlite:///x.db"}, "PostgreSQL"),
        (
            {"AUTH_PUBLIC_KEYS": PUBLIC_KEYS, "DATABASE_URL": POSTGRES_URL, "DEBUG": "1"},
            "DEBUG must be false",
        ),
    ],
)
def test_production_refuses_unsafe_settings(monkeypatch, overrides, message):
    monkeypatch.setenv("APP_ENV", "production")
    for name, value in overrides.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        load_settings(ServiceSettings)


@pytest.mark.parametrize("keys", ["AUTH_PUBLIC_KEYS", "AUTH_SIGNING_KEY"])
def test_production_accepts_safe_settings(monkeypatch, keys):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv(keys, PUBLIC_KEYS if keys == "AUTH_PUBLIC_KEYS" else STRONG_SECRET)
    monkeypatch.setenv("DATABASE_URL", POSTGRES_URL)
    settings = load_settings(ServiceSettings)
    assert settings.is_production
    if keys == "AUTH_SIGNING_KEY":
        assert settings.auth_signing_key is not None
        assert settings.auth_signing_key.get_secret_value() == STRONG_SECRET


def test_errors_never_echo_a_secret(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", POSTGRES_URL)
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.setenv("AUTH_SIGNING_KEY", "hunter2-private-key")
    with pytest.raises(ConfigError) as raised:
        load_settings(ServiceSettings)
    assert "hunter2" not in str(raised.value)
    assert "hunter2" not in repr(load_settings(ServiceSettings, app_env="development"))


def test_overrides_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "ERROR")
    assert load_settings(ServiceSettings, log_level="DEBUG").log_level == "DEBUG"


def test_database_url_is_built_from_parts_with_tls_and_escaped_password(monkeypatch):
    monkeypatch.setenv("DB_HOST", "db.internal")
    monkeypatch.setenv("DB_NAME", "items")
    monkeypatch.setenv("DB_USER", "api")
    monkeypatch.setenv("DB_PASSWORD", "p@ss/word:1")
    settings = load_settings(ServiceSettings)
    assert settings.resolved_database_url == (
        "postgresql://api:p%40ss%2Fword%3A1@db.internal:5432/items?sslmode=require"
    )
    assert "p@ss" not in repr(settings)


def test_database_url_wins_over_parts(monkeypatch):
    monkeypatch.setenv("DB_HOST", "db.internal")
    monkeypatch.setenv("DATABASE_URL", POSTGRES_URL)
    assert load_settings(ServiceSettings).resolved_database_url == POSTGRES_URL


def test_production_accepts_a_database_from_parts(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("AUTH_PUBLIC_KEYS", PUBLIC_KEYS)
    monkeypatch.setenv("DB_HOST", "db.internal")
    monkeypatch.setenv("DB_PASSWORD", "from-secrets-manager")
    assert load_settings(ServiceSettings).resolved_database_url.startswith("postgresql://app:")


def test_database_url_is_not_in_the_repr(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://api:hunter2@db/items")
    assert "hunter2" not in repr(load_settings(ServiceSettings))


def test_cors_origins_are_a_comma_separated_list_of_origins(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", "https://app.example.com, https://admin.example.com:8443,")
    assert load_settings(ServiceSettings).cors_origins == (
        "https://app.example.com",
        "https://admin.example.com:8443",
    )
    monkeypatch.delenv("CORS_ORIGINS")
    assert load_settings(ServiceSettings).cors_origins == ()


@pytest.mark.parametrize("origins", ["*", "https://app.example.com/path", "app.example.com"])
def test_cors_origins_must_be_exact_origins(monkeypatch, origins):
    monkeypatch.setenv("CORS_ORIGINS", origins)
    with pytest.raises(ConfigError, match="CORS_ORIGINS: each origin must look like"):
        load_settings(ServiceSettings)


def test_password_auth_is_the_default(monkeypatch):
    assert load_settings(ServiceSettings).db_auth == "password"


def test_iam_auth_names_the_missing_region(monkeypatch):
    monkeypatch.setenv("DB_AUTH", "iam")
    monkeypatch.setenv("DB_HOST", "db.internal")
    with pytest.raises(ConfigError, match="AWS_REGION is required when DB_AUTH=iam"):
        load_settings(ServiceSettings)


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({}, "DB_AUTH=iam needs a PostgreSQL server"),
        ({"DB_HOST": "db.internal", "DB_SSLMODE": "prefer"}, "DB_SSLMODE require"),
    ],
)
def test_iam_auth_needs_postgresql_over_tls(monkeypatch, variables, message):
    monkeypatch.setenv("DB_AUTH", "iam")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        load_settings(ServiceSettings)


def test_production_with_iam_refuses_a_password(monkeypatch):
    for name, value in {
        "APP_ENV": "production",
        "AUTH_PUBLIC_KEYS": PUBLIC_KEYS,
        "DB_HOST": "db.internal",
        "DB_AUTH": "iam",
        "AWS_REGION": "eu-west-1",
        "DB_PASSWORD": STRONG_SECRET,
    }.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match="DB_PASSWORD must be unset when DB_AUTH=iam"):
        load_settings(ServiceSettings)
    monkeypatch.delenv("DB_PASSWORD")
    settings = load_settings(ServiceSettings)
    assert settings.db_auth == "iam"
    assert settings.sqlalchemy_url == "postgresql://app@db.internal:5432/app?sslmode=require"
