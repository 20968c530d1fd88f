"""Reading a request body within the configured limit (``max_body_bytes``), for every route that takes one."""

from __future__ import annotations

from fastapi import Request
from starlette.exceptions import HTTPException


class BodyTooLarge(HTTPException):
    """The body passed the limit: a 413 in the one error shape, unless the route says more."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit:,} bytes")
        self.limit = limit


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or :class:`BodyTooLarge` as soon as its declared or read length passes ``limit`` bytes
    (nothing past the limit is read into memory)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)
