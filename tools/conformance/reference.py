"""pyoxigraph on its own, answering in-process: the baseline against which mzgraph's endpoint is measured.

Not an HTTP path and not part of mzgraph; it shows which misses belong to the query engine rather
than to the server in front of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from tools.conformance.endpoint import EVALUATION_FAILED, Reply
from tools.conformance.results import RDF_FORMAT_BY_MEDIA_TYPE, RESULTS_FORMAT_BY_MEDIA_TYPE

_RESULTS_FORMATS = {**RESULTS_FORMAT_BY_MEDIA_TYPE, "text/csv": ox.QueryResultsFormat.CSV}


class ReferenceEndpoint:
    """An in-memory pyoxigraph store holding one N-Quads file."""

    def __init__(self, dataset_file: Path) -> None:
        self._store = ox.Store()
        self._store.load(path=str(dataset_file), format=ox.RdfFormat.N_QUADS)

    def query(self, text: str, accept: str) -> Reply:
        """Evaluate ``text``; a syntax error is a 400 and an evaluation error a 500, as over HTTP."""
        try:
            result = self._store.query(text)
            if isinstance(result, ox.QueryTriples):
                media_type = _first(accept, RDF_FORMAT_BY_MEDIA_TYPE) or "application/n-triples"
                body = result.serialize(format=RDF_FORMAT_BY_MEDIA_TYPE[media_type])
            else:
                media_type = _first(accept, _RESULTS_FORMATS) or "application/sparql-results+json"
                body = result.serialize(format=_RESULTS_FORMATS[media_type])
        except SyntaxError as err:
            return _error(400, "syntax_error", err)
        except (OSError, ValueError, RuntimeError) as err:
            return _error(500, EVALUATION_FAILED, err)
        return Reply(200, media_type, body or b"")


@contextmanager
def serve_reference(dataset_file: Path) -> Iterator[ReferenceEndpoint]:
    """The reference backend's counterpart of starting a server on ``dataset_file``."""
    yield ReferenceEndpoint(dataset_file)


def _error(status: int, code: str, error: Exception) -> Reply:
    """An error in mzgraph's shape, so that replies are judged alike on every backend."""
    return Reply(status, "application/json", json.dumps({"error": code, "message": str(error)}).encode())


def _first(accept: str, known: dict[str, object]) -> str | None:
    for part in accept.split(","):
        media_type = part.split(";", 1)[0].strip().lower()
        if media_type in known:
            return media_type
    return None
