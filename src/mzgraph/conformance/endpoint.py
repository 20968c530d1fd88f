"""Asking a SPARQL endpoint a query: the one interface the runner uses, and its HTTP implementation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol

import httpx


@dataclass(frozen=True)
class Reply:
    """What came back: the HTTP status, the media type of the body (no parameters), and the body."""

    status: int
    media_type: str
    body: bytes

    def message(self) -> str:
        """A short account of a failed reply, from mzgraph's error body when it has one."""
        text = self.body.decode("utf-8", errors="replace")
        if self.media_type == "application/json":
            text = _error_message(text)
        return f"HTTP {self.status}: {' '.join(text.split())[:300]}"


class Endpoint(Protocol):
    """Something that answers a SPARQL query with a reply in one of the ``accept`` media types."""

    def query(self, text: str, accept: str) -> Reply: ...


class HttpEndpoint:
    """A SPARQL 1.1 Protocol endpoint over HTTP; queries go as an HTML form POST, as most clients send them."""

    def __init__(self, client: httpx.Client, url: str) -> None:
        self.client = client
        self.url = url

    def query(self, text: str, accept: str) -> Reply:
        response = self.client.post(self.url, data={"query": text}, headers={"Accept": accept})
        media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        return Reply(response.status_code, media_type, response.content)


def _error_message(text: str) -> str:
    """The ``message`` of mzgraph's error body ``{"error", "message", "detail"}``, else the text itself."""
    try:
        body = json.loads(text)
    except ValueError:
        return text
    return str(body["message"]) if isinstance(body, dict) and "message" in body else text
