"""Structured JSON logging with request ids."""

from libs.logging.context import get_request_id, reset_request_id, set_request_id
from libs.logging.setup import RequestIdFilter, configure_logging, json_formatter

__all__ = [
    "RequestIdFilter",
    "configure_logging",
    "get_request_id",
    "json_formatter",
    "reset_request_id",
    "set_request_id",
]
