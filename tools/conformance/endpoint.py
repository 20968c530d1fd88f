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

    def error_code(self) -> str | None:
        """The ``error`` code of mzgraph's error body, if the reply is one."""
        body = _error_body(self)
        return str(body["error"]) if body and "error" in body else None

    def message(self) -> str:
        """A short account of a failed reply, from mzgraph's error body when it has one."""
        body = _error_body(self)
        text = str(body["message"]) if body and "message" in body else self.body.decode("utf-8", errors="replace")
        return f"HTTP {self.status}: {' '.join(text.split())[:300]}"


#: The error code with which mzgraph answers a query that parsed but could not be evaluated.
EVALUATION_FAILED = "query_failed"

#: The error code with which mzgraph refuses a query that parsed but names a graph it does not hold
#: (``Store.prepare`` parses before it refuses, so a syntax error would have been reported instead).
GRAPH_NOT_HELD = "unknown_graph"

#: The error code with which mzgraph answers when a remote store failed on a query (a remote store is sent
#: only queries mzgraph has parsed as SPARQL 1.1).
STORE_FAILED = "store_failed"

#: The codes of replies to a query that the endpoint parsed: what a positive syntax test judges.
PARSED_NOT_ANSWERED = (EVALUATION_FAILED, GRAPH_NOT_HELD, STORE_FAILED)


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


def _error_body(reply: Reply) -> dict[str, object] | None:
    """mzgraph's error body ``{"error", "message", "detail"}``, if the reply carries one."""
    if reply.status < 400 or reply.media_type != "application/json":
        return None
    try:
        body = json.loads(reply.body)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
