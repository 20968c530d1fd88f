"""Measures per group of any list of employers, from each employer's counts kept in the release index."""

from __future__ import annotations

from functools import cached_property

import numpy as np
from pyroaring import AbstractBitMap

from mzgraph.release.paging import as_array


class GroupMeasures:
    """``counts[g, e]``: how many measures employer ``e`` has in group ``groups[g]`` (a memory-mapped array)."""

    def __init__(self, groups: list[str], counts: np.ndarray) -> None:
        self.groups = groups
        self._counts = counts

    @cached_property
    def _totals(self) -> list[int]:
        return [int(n) for n in np.asarray(self._counts).sum(axis=1, dtype=np.int64)]

    def of(self, chosen: AbstractBitMap | None) -> dict[str, int]:
        """The measures per group of the employers ``chosen`` (None: all), groups with none left out. Added up
        over the fewer of them or of the others: a search that finds nearly every employer is counted by the few
        it does not find."""
        return {group: n for group, n in zip(self.groups, self._sums(chosen), strict=True) if n}

    def _sums(self, chosen: AbstractBitMap | None) -> list[int]:
        if chosen is None:
            return self._totals
        if not self.groups:
            return []
        employers = self._counts.shape[1]
        if 2 * len(chosen) <= employers:
            return [int(n) for n in self._counts[:, as_array(chosen)].sum(axis=1, dtype=np.int64)]
        left_out = self._counts[:, as_array(chosen.flip(0, employers))].sum(axis=1, dtype=np.int64)
        return [total - int(n) for total, n in zip(self._totals, left_out, strict=True)]
