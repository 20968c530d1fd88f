"""The request id and the access log: one line per request, written by a pure ASGI middleware.

Pure ASGI (not Starlette's ``BaseHTTPMiddleware``), so streamed responses pass through as they are made. The id
comes from the client's ``X-Request-ID`` when it is short and made of safe characters, else it is made here; it is
echoed in the response and set for every log line written while the request is answered.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mzgraph.web.logs import ACCESS, request_id

HEADER = b"x-request-id"
_SAFE_ID = re.compile(rb"[A-Za-z0-9._:@+=-]{1,128}")

Observer = Callable[[Scope, int, float], None]
"""Told of every answered request: its scope, status and duration in seconds (the metrics)."""


def incoming_id(scope: Scope) -> str:
    """The client's request id if it is acceptable (1-128 letters, digits or ``._:@+=-``), else a new one."""
    for name, value in scope.get("headers", ()):
        if name == HEADER and _SAFE_ID.fullmatch(value):
            return value.decode("ascii")
    return uuid.uuid4().hex


class AccessLog:
    """Gives each request an id, echoes it, and writes its access line (and tells ``observer``) when it ends."""

    def __init__(self, app: ASGIApp, observer: Observer | None = None) -> None:
        self.app = app
        self.observer = observer
        self.log = logging.getLogger(ACCESS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ident = incoming_id(scope)
        request_id.set(ident)  # not reset: the server's error handler, outside this middleware, logs with it
        scope.setdefault("state", {})["request_id"] = ident
        started = time.perf_counter()
        status = 500
        sent = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (HEADER, ident.encode())]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration = time.perf_counter() - started
            self._write(scope, status, duration, sent, ident)

    def _write(self, scope: Scope, status: int, duration: float, sent: int, ident: str) -> None:
        path = scope["path"]  # with the root path in front (uvicorn puts it there, as the ASGI spec says)
        fields = {
            "method": scope["method"],
            "path": path,
            "status": status,
            "duration_ms": round(duration * 1000, 1),
            "bytes": sent,
            "request_id": ident,
        }
        self.log.info("%s %s %s", scope["method"], path, status, extra={"fields": fields})
        if self.observer is not None:
            self.observer(scope, status, duration)
