"""The remote backend's HTTP: kept connections to one SPARQL endpoint, and an answer read as a file.

The endpoint is spoken to over keep-alive connections of the standard library's ``http.client``, which
costs far less Python per request and per chunk than httpx (measured: 0.3 ms a request, and h11's chunk
parsing was a third of the remote backend's own time on large results). Every socket operation waits at
most until the query's deadline; a connection whose answer was not read to the end (the deadline, the
row cap) is closed, which is also what stops the query on a store that watches its connections.
"""

from __future__ import annotations

import base64
import http.client
import io
import socket
import threading
import time
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

CONNECT_TIMEOUT = 5.0
READ_SIZE = 1 << 16


def without_credentials(url: str) -> str:
    """``url`` with any ``user:password@`` removed (for messages and logs)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def url_credentials(url: str) -> tuple[str, str] | None:
    """The ``user:password`` given in ``url``, if any."""
    parts = urlsplit(url)
    if parts.username is None:
        return None
    return unquote(parts.username), unquote(parts.password or "")


class Connections:
    """Keep-alive HTTP/1.1 connections to one endpoint, shared by the threads that run queries.

    ``credentials`` are sent as HTTP Basic (a store asking for Digest on its query endpoint is served
    through an account it lets read anonymously, or through a proxy).
    """

    def __init__(self, endpoint: str, *, keep: int, credentials: tuple[str, str] | None = None) -> None:
        url = urlsplit(endpoint)
        self._https = url.scheme == "https"
        self._host = url.hostname or ""
        self._port = url.port
        self._target = (url.path or "/") + (f"?{url.query}" if url.query else "")
        self._headers = {"User-Agent": "mzgraph", "Content-Type": "application/x-www-form-urlencoded"}
        credentials = credentials or url_credentials(endpoint)
        if credentials is not None:
            secret = f"{credentials[0]}:{credentials[1]}".encode()
            self._headers["Authorization"] = "Basic " + base64.b64encode(secret).decode("ascii")
        self._keep = keep
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def post(
        self, form: bytes, accept: str, deadline: float
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """Send ``form``; the connection and the response, its headers read (the body is the caller's)."""
        headers = {**self._headers, "Accept": accept}
        while True:
            connection, reused = self._take()
            try:
                if connection.sock is None:
                    connection.timeout = max(min(deadline - time.monotonic(), CONNECT_TIMEOUT), 0.001)
                    try:
                        connection.connect()
                    except TimeoutError:  # no answer to the connection itself: down, not slow
                        raise ConnectionError("the connection timed out") from None
                wait_at_most(connection, deadline)
                connection.request("POST", self._target, body=form, headers=headers)
                return connection, connection.getresponse()
            except (ConnectionError, http.client.RemoteDisconnected):
                connection.close()
                if not reused:
                    raise
                # a kept connection the endpoint had already closed (idle timeout, restart): open a new one
            except BaseException:
                connection.close()
                raise

    def give_back(self, connection: http.client.HTTPConnection, response: http.client.HTTPResponse) -> None:
        """Keep ``connection`` for the next query if its response was read to the end, else close it."""
        if response.isclosed() and not response.will_close and connection.sock is not None:
            with self._lock:
                if len(self._idle) < self._keep:
                    self._idle.append(connection)
                    return
        connection.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def _take(self) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        return kind(self._host, self._port, timeout=CONNECT_TIMEOUT), False


class Body(io.RawIOBase):
    """An endpoint's answer as a binary file, for pyoxigraph's parsers: chunks as they arrive.

    Each ``read`` waits for at most one network read, within the deadline; at the end of the body it
    returns ``b""``.
    """

    def __init__(
        self, response: http.client.HTTPResponse, connection: http.client.HTTPConnection, deadline: float
    ) -> None:
        self._response = response
        self._connection = connection
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer`` with the next chunk (for an ``io.BufferedReader`` over this)."""
        data = self._chunk(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        """At most ``size`` bytes (pyoxigraph's parsers abort on more); with no ``size``, all that is left."""
        if size is None or size < 0:
            return b"".join(iter(self._chunk, b""))
        return self._chunk(min(size, READ_SIZE)) if size else b""

    def _chunk(self, size: int = READ_SIZE) -> bytes:
        response = self._response
        while not response.isclosed():
            if response.length == 0:  # a sized body read to the end (http.client leaves it open)
                response.close()
                break
            wait_at_most(self._connection, self._deadline)
            chunk = response.read1(size)
            if not chunk:  # the end of a chunked body (read1 closed it), or of one the endpoint closes
                if response.length:  # ... or a sized body cut short: that is no answer
                    raise http.client.IncompleteRead(b"", response.length)
                response.close()
                break
            return chunk
        return b""


def wait_at_most(connection: http.client.HTTPConnection, deadline: float) -> None:
    """Let the next socket operation wait until ``deadline`` at most; raises TimeoutError once it has passed."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("deadline passed")
    if connection.sock is not None:
        connection.sock.settimeout(remaining)


def describe(err: BaseException) -> str:
    """A network error in a few words."""
    if isinstance(err, socket.gaierror):
        return f"unknown host: {err}"
    return str(err) or type(err).__name__
