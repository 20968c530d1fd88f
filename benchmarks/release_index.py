"""Per-call times of the release index (browse, facets, search, stats, members), and optionally its build.

    python -m benchmarks.generate -n 100000 --out /tmp/mz-100k.nt
    mzgraph load --store /tmp/mz-100k --data /tmp/mz-100k.nt          # builds /tmp/mz-100k/index too
    python -m benchmarks.release_index --index /tmp/mz-100k/index --out results/release-index-100k.json

Each call is timed ``--repeat`` times after one warm-up call (the figures are warm, as a server's are); the
search cache is cleared before every search call, so a search is timed as a first search, not a cached one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mzgraph.release import Filters, ReleaseIndex, Sort
from mzgraph.release.cursor import Cursor

ID = "https://w3id.org/mzgraph/id/"
SEARCHES = ["verlof", "mantelzorg", "calamiteitenverlof", "zorg", "zorg verlof", "xyzzyq", "hr"]
FILTERS = Filters(partners=(ID + "partner/mezzo", ID + "partner/tandem"), provinces=(ID + "place/overijssel",))


def timed(call: Callable[[], Any], repeat: int, before: Callable[[], None] = lambda: None) -> dict[str, float]:
    """Median and 95th percentile of ``repeat`` calls, in milliseconds (``before`` runs untimed before each)."""
    before()
    call()
    times = []
    for _ in range(repeat):
        before()
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"median_ms": statistics.median(times), "p95_ms": times[max(0, round(0.95 * len(times)) - 1)]}


def late(index: ReleaseIndex, order: str, position: int) -> str:
    """A cursor for the page after ``position`` in ``order`` (as a reader who paged that far holds)."""
    return Cursor(index.release, order, False, position).encode()


def measure(index: ReleaseIndex, repeat: int) -> dict[str, dict[str, float]]:
    clear = index._searcher._cache.clear
    far = index.count - 100
    last = Cursor(index.release, "recognised:desc", True, None).encode()
    calls: dict[str, Callable[[], Any]] = {
        "browse: first page": lambda: index.browse(size=20),
        "browse: late page (cursor)": lambda: index.browse(size=20, cursor=late(index, "name:nl:asc", far)),
        "browse: last page, -recognised": lambda: index.browse(sort=Sort.parse("-recognised"), size=20, cursor=last),
        "browse: filtered, first page, -measures": lambda: index.browse(FILTERS, sort=Sort.parse("-measures"), size=20),
        "browse: filtered, late page, -measures": lambda: index.browse(
            FILTERS, sort=Sort.parse("-measures"), size=20, cursor=late(index, "measures:desc", far)
        ),
        "facets: everything": lambda: index.facets(),
        "facets: filtered": lambda: index.facets(FILTERS),
        "stats": lambda: index.stats(),
        "members: a measure type, late page": lambda: index.members(
            "concept", ID + "measure-type/leave", cursor=late(index, "name:nl:asc", far)
        ),
        "export: 1,000 rows": lambda: sum(1 for _, _ in zip(range(1000), index.iter_all(FILTERS), strict=False)),
    }
    results = {name: timed(call, repeat) for name, call in calls.items()}
    for query in SEARCHES:
        results[f"search {query!r}: first page, relevance"] = timed(
            lambda q=query: index.browse(search=q, sort=Sort("relevance"), size=20), repeat, clear
        )  # type: ignore[misc]
        results[f"search {query!r}: filtered, by name, facets"] = timed(
            lambda q=query: (index.browse(FILTERS, search=q, size=20), index.facets(FILTERS, search=q)), repeat, clear
        )  # type: ignore[misc]
        results[f"search {query!r}: total"] = {"employers": index.browse(search=query, size=1).total}
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="a release index folder")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--out", type=Path, help="JSON file for the figures")
    args = parser.parse_args(argv)
    index = ReleaseIndex(args.index)
    results = {"organisations": index.count, "load_average": os.getloadavg(), "calls": measure(index, args.repeat)}
    for name, figures in results["calls"].items():  # type: ignore[union-attr]
        shown = ", ".join(f"{k} {v:,.2f}" if isinstance(v, float) else f"{k} {v:,}" for k, v in figures.items())
        print(f"{name:55s} {shown}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
