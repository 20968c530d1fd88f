"""What became of each SPARQL query sent to ``/sparql`` or a saved query: one log line and the metrics.

The outcome is one of :data:`mzgraph.web.logs.OUTCOMES`: ``ok``; ``truncated`` (answered, cut at the row cap);
``rejected`` (not accepted: syntax, update, SERVICE, size, a format that cannot be given); ``timeout``; ``busy``
(too many queries at once, or the store unreachable); ``crashed`` (the evaluation failed or its process died).
A query answered with 304 from the client's copy was not evaluated and is not counted.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from types import TracebackType

from mzgraph.rdf.formats import NotAcceptable
from mzgraph.sparql.errors import QueryRejected, QueryTimeout, StoreBusy, StoreUnavailable
from mzgraph.store import QueryResult
from mzgraph.web.logs import log_query
from mzgraph.web.metrics import Metrics


def outcome_of(error: BaseException | None, result: QueryResult | None) -> str:
    """The outcome of a query that raised ``error`` or gave ``result``."""
    if error is None:
        return "truncated" if result is not None and result.truncated else "ok"
    if isinstance(error, QueryRejected | NotAcceptable):
        return "rejected"
    if isinstance(error, QueryTimeout):
        return "timeout"
    if isinstance(error, StoreBusy | StoreUnavailable):
        return "busy"
    return "crashed"


class QueryObservation:
    """Times the block evaluating one query; when it ends, logs the query and counts it (errors pass through)."""

    def __init__(self, text: str, metrics: Metrics) -> None:
        self.text = text
        self.metrics = metrics
        self.kind = "unknown"
        """SELECT, ASK, CONSTRUCT or DESCRIBE once the query has parsed."""
        self.result: QueryResult | None = None
        self.outcome: str | None = None
        """Set to skip the log line (a 304 answered without evaluating)."""
        self._started = 0.0
        self._stack = ExitStack()

    def __enter__(self) -> QueryObservation:
        self._started = time.perf_counter()
        self._stack.enter_context(self.metrics.evaluating())
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._stack.close()
        if self.outcome is not None:
            return
        seconds = time.perf_counter() - self._started
        outcome = outcome_of(error, self.result)
        rows = self.result.rows if self.result is not None else None
        log_query(self.text, self.kind, outcome, seconds * 1000, rows)
        self.metrics.observe_query(outcome, seconds)
