"""Headers every response carries: ``Server: mzgraph/X.Y.Z`` and the security headers.

The Content-Security-Policy allows only this origin's scripts, styles, images and fonts, and no framing by
other sites (``frame-ancestors``). The vendored YASGUI and Swagger UI set styles in element attributes
(``style-src 'unsafe-inline'``), and Swagger UI shows images as ``data:`` URLs; no inline script is allowed.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mzgraph import __version__

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


def fixed_headers() -> list[tuple[bytes, bytes]]:
    """The headers added to every response."""
    return [
        (b"server", f"mzgraph/{__version__}".encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-frame-options", b"SAMEORIGIN"),
    ]


class FixedHeaders:
    """Adds :func:`fixed_headers` to every HTTP response (replacing a ``Server`` header set below)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = fixed_headers()
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in self.names]
                message["headers"] = [*kept, *self.headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)
