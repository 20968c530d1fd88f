"""Paging an order of the employers by cursor: which positions a page holds, whatever the filters."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from pyroaring import AbstractBitMap

from mzgraph.release.cursor import Cursor
from mzgraph.release.model import Sort
from mzgraph.release.search import Found


class Order:
    """One order of the employers: its name (for cursors), ``order`` (ids by position), and how to get each
    id's position (``rank``); the primary name order is the ids themselves, a relevance order is the search's
    keys (:class:`~mzgraph.release.search.Found`), which sort as positions do."""

    def __init__(
        self, name: str, order: np.ndarray | None, rank: Callable[[], np.ndarray] | None, *, identity: bool = False
    ) -> None:
        self.name = name
        self._order = order
        self._rank = rank
        self.identity = identity

    def keys(self, ids: np.ndarray, found: Found | None) -> np.ndarray:
        """The positions of ``ids`` (ascending) in this order (for a relevance order, the search's keys)."""
        if self.identity:
            return ids.astype(np.int64)
        if self._rank is None:
            assert found is not None
            if len(ids) == len(found.ids):  # no filter beside the search: every employer it found
                return found.keys
            return found.keys[np.searchsorted(found.ids, ids)]
        return self._rank()[ids]

    def ids(self, keys: np.ndarray) -> np.ndarray:
        """The employers at positions ``keys``."""
        if self.identity:
            return keys
        if self._order is None:
            return Found.ids_of(keys)
        return self._order[keys]


class Slice:
    """A page being made: the ids it shows, the list's size, where it starts, and the neighbouring cursors."""

    def __init__(self, order: str, ids: list[int], total: int, position: int, size: int) -> None:
        self.order = order
        self.ids = ids
        self.total = total
        self.position = position
        self.size = size
        self.next: str | None = None
        self.prev: str | None = None
        self.last: str | None = None


def _key(where: Cursor) -> int:
    """The position of a cursor that starts a page after it (only the last page's cursor has none)."""
    assert where.key is not None
    return where.key


def window(keys: np.ndarray, where: Cursor | None, size: int, *, sorted_keys: bool) -> tuple[np.ndarray, int]:
    """The ``size`` keys of the page ``where`` selects among ``keys`` (ascending), and the position of the first."""
    if sorted_keys:  # the keys are the ids of a bitmap: already ascending
        if where is not None and where.before:
            end = len(keys) if where.key is None else int(np.searchsorted(keys, where.key, "left"))
            start = max(0, end - size)
        else:
            start = 0 if where is None else int(np.searchsorted(keys, _key(where), "right"))
            end = start + size
        return keys[start:end], start
    if where is None or not where.before:
        after = -1 if where is None else where.key
        candidates = keys[keys > after]
        if len(candidates) > size:
            candidates = np.partition(candidates, size - 1)[:size]
        candidates.sort()
        return candidates, len(keys) - int(np.count_nonzero(keys > after))
    candidates = keys if where.key is None else keys[keys < where.key]
    if len(candidates) > size:
        candidates = np.partition(candidates, len(candidates) - size)[-size:]
    candidates = np.sort(candidates)
    position = int(np.count_nonzero(keys < candidates[0])) if len(candidates) else 0
    return candidates, position


def as_array(members: AbstractBitMap) -> np.ndarray:
    return np.frombuffer(members.to_array(), dtype=np.uint32)


def sort_of(order: str) -> Sort:
    key, *rest = order.split(":")
    return Sort(key, bool(rest) and rest[-1] == "desc")  # type: ignore[arg-type]
