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

    def __reduce__(self) -> tuple[object, ...]:
        # Query workers send errors to the server process; keep the code and detail across pickling.
        return (_restore, (type(self), self.message, self.code, self.detail))


def _restore(cls: type[QueryError], message: str, code: str, detail: dict[str, object] | None) -> QueryError:
    error = cls.__new__(cls)
    QueryError.__init__(error, message, code=code, detail=detail)
    return error


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


class StoreFailed(QueryError):
    """A remote store sent an error or an answer that cannot be read (the web layer answers 502)."""

    code = "store_failed"


class TooManyRows(QueryFailed):
    """A query asked for Python objects (pages, dumps) has more results than the cap it was given."""

    code = "too_many_rows"


class _RetryLater(QueryError):
    """A temporary condition: the client should retry after ``retry_after`` seconds."""

    default_retry_after = 1

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        seconds = self.default_retry_after if retry_after is None else retry_after
        super().__init__(message, detail={"retry_after": seconds})

    @property
    def retry_after(self) -> int:
        seconds = self.detail.get("retry_after") if self.detail else None
        return seconds if isinstance(seconds, int) else self.default_retry_after


class StoreBusy(_RetryLater):
    """Too many queries are running at once."""

    code = "busy"


class StoreUnavailable(_RetryLater):
    """The store cannot be reached (a remote endpoint is down, the query workers stopped)."""

    code = "store_unavailable"
    default_retry_after = 5
