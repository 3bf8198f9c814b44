"""Prometheus request metrics: Litestar's, with the label children looked up once.

Litestar's middleware builds a ``Request``, its URL and four label dictionaries, and asks
``prometheus_client`` for each labelled child (a lock and a validation) on every request. This one
records the same four metrics with the same names and label values, and keeps each child once it
has been asked for: the labels (method, path template, status, app name) take few values.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from litestar.plugins.prometheus import PrometheusConfig
from litestar.plugins.prometheus.middleware import PrometheusMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

HTTP_500 = 500
Child = Any  # a labelled prometheus_client metric (Counter, Gauge or Histogram child)


class CachedPrometheusMiddleware(PrometheusMiddleware):
    def __init__(self, app: ASGIApp, config: PrometheusConfig) -> None:
        super().__init__(app, config)
        self._children: dict[tuple[str, tuple[Any, ...]], Child] = {}
        # Callable labels, exemplars or raw paths need the request: Litestar's own path then.
        self._fast = bool(config.group_path) and not config.labels and config.exemplars is None

    def _child(self, metric: Callable[[dict[str, Any]], Any], labels: dict[str, Any]) -> Child:
        key = (metric.__name__, tuple(labels.values()))
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = metric(labels).labels(*labels.values())
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._fast:
            await super().__call__(scope, receive, send)
            return
        config = self._config
        method = scope.get("method")
        if config.excluded_http_methods and method in config.excluded_http_methods:
            await self.app(scope, receive, send)
            return
        labels: dict[str, Any] = {
            "method": method if scope["type"] == "http" else scope["type"],
            "path": scope["path_template"],
            "status_code": 200,
            "app_name": config.app_name,
        }
        started = time.perf_counter()
        status = 200
        duration = 0.0

        async def wrapped_send(message: Message) -> None:
            nonlocal status, duration
            if message["type"] == "http.response.start":
                status = message["status"]
            if message["type"] == "http.response.body":
                duration = time.perf_counter() - started
            await send(message)

        in_progress = self._child(self.requests_in_progress, labels)
        in_progress.inc()
        try:
            await self.app(scope, receive, wrapped_send)
        finally:
            in_progress.dec()
            labels["status_code"] = status
            if status >= HTTP_500:
                self._child(self.requests_error_count, labels).inc()
            self._child(self.request_count, labels).inc()
            self._child(self.request_time, labels).observe(duration)
