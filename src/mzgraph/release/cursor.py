"""Page cursors: opaque strings holding a position in one order of one release.

A cursor says "the page after position k" (or "before k", or "the last page") in a given order (the name order
of a language, the recognition order, ..., a search's relevance order) of a given release. Positions are global
to the order, not to the filtered list, so a cursor stays meaningful whatever the filters; any page costs what the
first does. A cursor that cannot be read, or that belongs to another release or order, is a :class:`BadCursor`.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from mzgraph.release.errors import BadCursor

VERSION = 1


@dataclass(frozen=True)
class Cursor:
    release: str
    order: str
    before: bool
    """The page ends just before ``key`` (else it starts just after it)."""
    key: int | None
    """A position in the order (in a search's relevance order, a key that sorts like one); None (with ``before``)
    means the end: the last page."""

    def encode(self) -> str:
        body = json.dumps([VERSION, self.release, self.order, int(self.before), self.key], separators=(",", ":"))
        return base64.urlsafe_b64encode(body.encode()).decode("ascii").rstrip("=")


def decode(text: str, *, release: str, order: str) -> Cursor:
    """The cursor ``text`` encodes, checked against the current ``release`` and the ``order`` being paged."""
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        version, tag, its_order, before, key = json.loads(raw)
        if version != VERSION or not isinstance(tag, str) or not isinstance(its_order, str):
            raise ValueError("unknown layout")
        if not (key is None or (isinstance(key, int) and key >= 0)) or before not in (0, 1):
            raise ValueError("bad position")
        if key is None and not before:
            raise ValueError("no position")
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadCursor(
            "the page cursor is not one this site made; start again from the first page",
            detail={"cursor": text[:100]},
        ) from None
    if tag != release:
        raise BadCursor(
            f"the page cursor belongs to release {tag}, but the data is now release {release}; "
            "start again from the first page",
            detail={"cursor_release": tag, "release": release},
        )
    if its_order != order:
        raise BadCursor(
            "the page cursor belongs to another order or search than the one asked for; "
            "start again from the first page",
            detail={"cursor_order": its_order, "order": order},
        )
    return Cursor(tag, its_order, bool(before), key)
