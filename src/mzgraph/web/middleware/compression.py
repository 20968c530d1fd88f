"""gzip for text responses of 1 KB and more, when the client accepts it.

Starlette's ``GZipMiddleware`` (pure ASGI: a streamed response is compressed chunk by chunk as it is made) with
two exceptions: the dumps under ``/download/``, which are offered as ``.gz`` files and answer ``Range`` requests
(a compressed range would be a range of something else), and media types that are compressed already.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

MINIMUM_SIZE = 1024
"""Smaller bodies are sent as they are: gzip would save little and cost a round of work."""


class Compression:
    """gzip by ``Accept-Encoding`` for everything but the paths under ``uncompressed``."""

    def __init__(self, app: ASGIApp, *, uncompressed: tuple[str, ...] = ("/download/",)) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=MINIMUM_SIZE, compresslevel=6)
        self.uncompressed = uncompressed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self._skipped(scope):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    def _skipped(self, scope: Scope) -> bool:
        root = scope.get("root_path", "")
        path = scope["path"][len(root) :] if root and scope["path"].startswith(root) else scope["path"]
        return path.startswith(self.uncompressed)
