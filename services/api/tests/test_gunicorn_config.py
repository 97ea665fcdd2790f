"""The image's gunicorn settings: what they default to and that gunicorn accepts them."""

import gc

import pytest
from gunicorn.config import Config

from libs.config import ConfigError, load_settings
from libs.web.gunicorn_config import (
    GRACEFUL_TIMEOUT_SECONDS,
    post_worker_init,
    server_options,
)
from services.api.settings import ApiSettings
from services.api.tests.factories import make_settings

ECS_STOP_TIMEOUT_SECONDS = 30
URL = "postgresql://user@127.0.0.1:5432/items"


def gunicorn_config(options):
    config = Config()
    for name, value in options.items():
        config.set(name, value)
    return config


def test_defaults_listen_on_all_interfaces_with_threads_for_a_small_task():
    config = gunicorn_config(server_options(make_settings(URL)))
    assert config.bind == ["0.0.0.0:8000"]
    assert config.workers == 2
    assert config.worker_class_str == "gthread"
    assert config.threads == 4


def test_stops_in_flight_requests_before_ecs_kills_the_task():
    config = gunicorn_config(server_options(make_settings(URL)))
    assert config.graceful_timeout == GRACEFUL_TIMEOUT_SECONDS < ECS_STOP_TIMEOUT_SECONDS


def test_address_workers_and_threads_come_from_the_settings():
    settings = make_settings(URL, host="127.0.0.1", port=9001, web_concurrency=3, worker_threads=2)
    config = gunicorn_config(server_options(settings))
    assert config.bind == ["127.0.0.1:9001"]
    assert config.workers == 3
    assert config.threads == 2


def test_sync_workers_get_one_thread_so_they_stay_sync():
    config = gunicorn_config(server_options(make_settings(URL, worker_class="sync")))
    assert config.worker_class_str == "sync"
    assert config.threads == 1


def test_logs_go_through_the_json_logger_at_the_configured_level():
    config = gunicorn_config(server_options(make_settings(URL, log_level="WARNING")))
    assert config.logger_class.__name__ == "JsonLogger"
    assert config.loglevel == "warning"
    # One access line per request, from the app: gunicorn's own access log stays off.
    assert config.accesslog is None


def test_worker_heartbeats_use_shared_memory_when_there_is_some(tmp_path, monkeypatch):
    monkeypatch.setattr("libs.web.gunicorn_config.SHARED_MEMORY", tmp_path)
    assert server_options(make_settings(URL))["worker_tmp_dir"] == str(tmp_path)
    monkeypatch.setattr("libs.web.gunicorn_config.SHARED_MEMORY", tmp_path / "absent")
    assert server_options(make_settings(URL))["worker_tmp_dir"] is None


def test_the_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    monkeypatch.setenv("WORKER_CLASS", "sync")
    assert load_settings(ApiSettings).web_concurrency == 4
    assert load_settings(ApiSettings).worker_class == "sync"


def test_more_threads_than_pooled_connections_is_refused(monkeypatch):
    monkeypatch.setenv("WORKER_THREADS", "8")
    monkeypatch.setenv("DB_POOL_SIZE", "4")
    with pytest.raises(ConfigError, match="WORKER_THREADS must not exceed DB_POOL_SIZE"):
        load_settings(ApiSettings)


def test_an_unknown_worker_class_is_refused(monkeypatch):
    monkeypatch.setenv("WORKER_CLASS", "gevent")
    with pytest.raises(ConfigError, match="WORKER_CLASS"):
        load_settings(ApiSettings)


def test_a_booted_worker_hides_what_loading_made_from_the_collector():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
