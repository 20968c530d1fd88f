"""What can go wrong with a release index; each error says what to do (the web layer maps them to HTTP)."""

from __future__ import annotations

from mzgraph.errors import MzgraphError


class ReleaseIndexError(MzgraphError):
    """Base class of release-index problems; ``code`` is stable and machine-readable."""

    code = "release_index"

    def __init__(self, message: str, *, detail: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail or {}


class IndexMissing(ReleaseIndexError):
    """No (complete) release index where one was expected."""

    code = "index_missing"


class IndexMismatch(ReleaseIndexError):
    """The index was built from another release than the store holds: it must be rebuilt."""

    code = "index_mismatch"


class BadCursor(ReleaseIndexError):
    """A page cursor that cannot be used: malformed, from another release, or for another order (HTTP 400)."""

    code = "bad_cursor"


class BadRequest(ReleaseIndexError):
    """A request to the index that cannot be answered as asked (an unknown sort, format or kind; HTTP 400)."""

    code = "bad_request"
