"""Gunicorn's error and access logs as JSON lines through libs/logging."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gunicorn import glogging

from libs.logging import configure_logging


class JsonLogger(glogging.Logger):
    """Gunicorn's logger, writing through the shared JSON handler instead of its own."""

    def setup(self, cfg: Any) -> None:
        """Configure as gunicorn does, then hand its two loggers to the root JSON handler."""
        super().setup(cfg)
        configure_logging(cfg.loglevel.upper())
        for log in (self.error_log, self.access_log):
            for handler in list(log.handlers):
                if getattr(handler, "_gunicorn", False):
                    log.removeHandler(handler)
            log.propagate = True

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        """Log one request, its fields as JSON keys rather than an Apache-style line."""
        if not self.access_log_enabled:
            return
        method = environ.get("REQUEST_METHOD", "-")
        path = environ.get("PATH_INFO", "-")
        status = int(str(resp.status).split(None, 1)[0])
        fields: dict[str, object] = {
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round(request_time.total_seconds() * 1000, 3),
            "remote_addr": environ.get("REMOTE_ADDR", "-"),
            "user_agent": environ.get("HTTP_USER_AGENT", "-"),
        }
        if "HTTP_X_REQUEST_ID" in environ:
            fields["request_id"] = environ["HTTP_X_REQUEST_ID"]
        self.access_log.info("%s %s %s", method, path, status, extra=fields)
