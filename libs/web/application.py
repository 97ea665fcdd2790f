"""The Flask class a service's app factory builds: Flask, with its per-call sync check cached."""

from __future__ import annotations

from collections.abc import Callable
from inspect import iscoroutinefunction
from typing import Any

from flask import Flask


class ServiceApp(Flask):
    """Flask, asking once per function rather than on every call whether it is `async def`.

    Flask passes each request hook, view and error handler through `ensure_sync`, whose
    `inspect.iscoroutinefunction` costs about a microsecond, some fifteen times a request.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._is_coroutine: dict[Callable[..., Any], bool] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """`func` itself when it is a plain function; Flask's wrapper for coroutines."""
        # By the function a bound method wraps: MethodView makes a new instance, so new bound
        # methods, on every request, and remembering those would keep every instance alive.
        key = getattr(func, "__func__", func)
        try:
            is_coroutine = self._is_coroutine.get(key)
            if is_coroutine is None:
                is_coroutine = self._is_coroutine[key] = iscoroutinefunction(func)
        except TypeError:  # an unhashable callable: ask every time, as Flask does
            return super().ensure_sync(func)
        return super().ensure_sync(func) if is_coroutine else func
