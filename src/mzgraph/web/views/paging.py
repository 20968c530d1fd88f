"""Cursor pagination as pages show it: first, previous, next and last links, the position and the total.

Every long list (browse, a concept's or a partner's employers) is paged by the release index's cursors, so a
page costs the same wherever it is and a list shows four links, never one per page number. The same links go
into ``Link`` headers (``rel="first"``, ``"prev"``, ``"next"``, ``"last"``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from mzgraph.release import Page

CURSOR = "cursor"
"""The query parameter holding a page cursor."""


@dataclass(frozen=True)
class Pager:
    """Where a page is in its list, and the URLs of its neighbours (None where there is none)."""

    total: int
    position: int
    shown: int
    first: str | None
    prev: str | None
    next: str | None
    last: str | None

    @property
    def start(self) -> int:
        """The 1-based number of the first item shown (0 for an empty page)."""
        return self.position + 1 if self.shown else 0

    @property
    def end(self) -> int:
        return self.position + self.shown

    @property
    def several(self) -> bool:
        """Whether the list needs more than this page (or this page is past its end)."""
        return bool(self.prev or self.next or self.first)

    def links(self) -> list[tuple[str, str]]:
        """(rel, URL) of each neighbour there is."""
        found = [("first", self.first), ("prev", self.prev), ("next", self.next), ("last", self.last)]
        return [(rel, url) for rel, url in found if url]


def pager(page: Page, path: str, params: Iterable[tuple[str, str]]) -> Pager:
    """The pager of ``page``, whose URLs are ``path`` with ``params`` (without any cursor) and the cursor."""
    kept = [(key, value) for key, value in params if key not in (CURSOR, "page")]

    def url(cursor: str | None) -> str:
        query = urlencode(kept + ([(CURSOR, cursor)] if cursor else []))
        return path + (f"?{query}" if query else "")

    first = url(None) if page.position > 0 else None
    return Pager(
        total=page.total,
        position=page.position,
        shown=len(page.items),
        first=first,
        prev=url(page.prev) if page.prev else None,
        next=url(page.next) if page.next else None,
        last=url(page.last) if page.last else None,
    )


def link_values(pager: Pager, origin: str = "") -> list[str]:
    """``<url>; rel="next"`` and the like, for a ``Link`` header (``origin``: scheme and host to make them absolute)."""
    return [f'<{origin}{url}>; rel="{rel}"' for rel, url in pager.links()]
