"""Why a SPARQL query was not answered: one exception type per cause, each with a code and a message.

The web layer turns these into the one error body (:class:`mzgraph.errors.ErrorBody`) with an HTTP
status chosen per class; the CLI prints the message and exits non-zero. Messages say what was wrong
and what to do about it.
"""

from __future__ import annotations

from mzgraph.errors import ErrorBody, MzgraphError


class QueryError(MzgraphError):
    """A query that was not answered; ``code`` is the stable machine-readable reason."""

    code = "query_error"

    def __init__(self, message: str, *, code: str | None = None, detail: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.detail = detail

    def body(self) -> ErrorBody:
        """The error as the one error shape."""
        return ErrorBody(self.code, self.message, self.detail)


class QueryRejected(QueryError):
    """The query text is not acceptable: a syntax error, an update, SERVICE, a graph not held here, too big."""

    code = "query_rejected"


class QueryTimeout(QueryError):
    """The query ran past its deadline; its evaluation was stopped."""

    code = "timeout"


class QueryCrashed(QueryError):
    """The process evaluating the query died (stack overflow, out of memory); it was replaced."""

    code = "query_crashed"


class QueryFailed(QueryError):
    """The store could not evaluate a well-formed query (an evaluation error it reported)."""

    code = "query_failed"


class StoreBusy(QueryError):
    """Too many queries are running at once; retry after ``retry_after`` seconds."""

    code = "busy"

    def __init__(self, message: str, *, retry_after: int = 1) -> None:
        super().__init__(message, detail={"retry_after": retry_after})
        self.retry_after = retry_after


class StoreUnavailable(QueryError):
    """The store cannot be reached (a remote endpoint is down); retry after ``retry_after`` seconds."""

    code = "store_unavailable"

    def __init__(self, message: str, *, retry_after: int = 5) -> None:
        super().__init__(message, detail={"retry_after": retry_after})
        self.retry_after = retry_after
