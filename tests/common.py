"""What the tests share besides fixtures: paths of the repository and the fixtures, and the live-server types.

Test modules import these from ``common`` (``tests/`` is on pytest's path); fixtures are in the conftest files.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from mzgraph.store import Store

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SPARQL_FIXTURES = Path(__file__).parent / "fixtures" / "sparql"
SPARQL_DATA = [SPARQL_FIXTURES / "organisations.ttl", SPARQL_FIXTURES / "graphs.trig"]
PRIVATE_FIXTURES = Path(__file__).parent / "fixtures" / "private"
"""Invented contact persons: the personal data the tests serve with ``include_private``."""


@dataclass(frozen=True)
class LiveServer:
    """An app served on 127.0.0.1."""

    url: str
    app: FastAPI

    @property
    def sparql(self) -> str:
        """The SPARQL endpoint's URL."""
        return self.url + "/sparql"

    @property
    def store(self) -> Store:
        """The app's store (for checks below HTTP)."""
        store: Store = self.app.state.store
        return store


class Listener:
    """A TCP socket on 127.0.0.1 that accepts and records every connection: proof that nothing connects out."""

    def __init__(self) -> None:
        self.connections: list[tuple[str, int]] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/resource"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, peer = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(peer)
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()
