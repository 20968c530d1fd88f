"""The browse list as data: one page as JSON or CSV, or every row of the list streamed (``?_stream=1``).

A page's JSON carries the total, the position and the neighbouring pages' URLs; a stream carries every
employer of the filtered list, read from the release index a few hundred at a time and written as it is read,
so memory stays flat whatever the size (the ``_stream`` convention is Datasette's).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from mzgraph.entities.dataset import Group
from mzgraph.entities.labels import local_name
from mzgraph.release import Facets, Item
from mzgraph.web.views.browse import BrowseResult, ItemView

STREAM = "_stream"
"""The query parameter asking for every row instead of one page."""
CHUNK = 200
"""Rows written per chunk of a streamed answer."""


def list_json(result: BrowseResult) -> dict[str, Any]:
    """The documented JSON of one page of the list."""
    keys = _group_keys(result.groups)
    pager = result.pager
    return {
        "total": pager.total,
        "position": pager.position,
        "size": result.query.size,
        "sort": str(result.page.sort),
        "search": result.query.search or None,
        "first": pager.first,
        "prev": pager.prev,
        "next": pager.next,
        "last": pager.last,
        "items": [_item_json(item, keys) for item in result.items],
        "facets": facets_json(result.facets),
        "measuresByGroup": {keys.get(g, local_name(g)): n for g, n in result.facets.group_measures.items()},
    }


def facets_json(facets: Facets) -> dict[str, Any]:
    """Each facet's values with their counts for the current list, and how many values it has in all."""
    return {
        name: [{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in facet.values]
        for name, facet in facets.facets.items()
    }


def _item_json(item: ItemView, keys: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": item.link.iri,
        "name": item.link.label,
        "type": item.kind,
        "recognised": item.recognised_raw,
        "ambassadorSince": item.ambassador_raw,
        "measures": item.measures,
        "measuresByGroup": {keys.get(g, local_name(g)): n for g, n in item.groups.items()},
    }
    if item.score is not None:
        body["score"] = round(item.score, 4)
        body["matches"] = [
            {
                "kind": m.kind,
                "source": m.source,
                "line": m.line,
                "text": "".join(text for text, _ in m.pieces),
                "marked": [text for text, hit in m.pieces if hit],
            }
            for m in item.matches
        ]
    return body


def _group_keys(groups: Sequence[Group]) -> dict[str, str]:
    return {g.iri: g.key for g in groups}


def csv_header(groups: Sequence[Group]) -> list[str]:
    return ["id", "name", "type", "recognised", "ambassador_since", "measures", *(g.key for g in groups)]


def csv_row(item: ItemView | Item, kind: str, groups: Sequence[Group]) -> list[object]:
    """One employer as a CSV row (cells a spreadsheet would run as a formula are quoted with a leading ')."""
    if isinstance(item, ItemView):
        iri, name, recognised, since = item.link.iri, item.link.label, item.recognised_raw, item.ambassador_raw
    else:
        iri, name, recognised, since = item.iri, item.name, item.recognised, item.ambassador_since
    cells = [
        iri,
        name,
        kind,
        recognised or "",
        since or "",
        item.measures,
        *(item.groups.get(g.iri, 0) for g in groups),
    ]
    return [_cell(c) for c in cells]


def list_csv(result: BrowseResult) -> bytes:
    """One page of the list as CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_header(result.groups))
    for item in result.items:
        writer.writerow(csv_row(item, item.kind, result.groups))
    return out.getvalue().encode()


def stream_csv(items: Iterable[Item], groups: Sequence[Group], kinds: dict[str, str]) -> Iterator[bytes]:
    """Every employer of ``items`` as CSV, a chunk of rows at a time."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_header(groups))
    for n, item in enumerate(items, 1):
        writer.writerow(csv_row(item, kinds.get(item.type, local_name(item.type)), groups))
        if n % CHUNK == 0:
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode()


def stream_json(
    items: Iterable[Item], total: int, sort: str, groups: Sequence[Group], kinds: dict[str, str]
) -> Iterator[bytes]:
    """Every employer of ``items`` as one JSON document ``{"total": n, "sort": ..., "items": [...]}``, written
    a chunk of rows at a time."""
    keys = _group_keys(groups)
    yield json.dumps({"total": total, "sort": sort}, ensure_ascii=False)[:-1].encode() + b', "items": [\n'
    chunk: list[str] = []
    first = True
    for item in items:
        body = {
            "id": item.iri,
            "name": item.name,
            "type": kinds.get(item.type, local_name(item.type)),
            "recognised": item.recognised,
            "ambassadorSince": item.ambassador_since,
            "measures": item.measures,
            "measuresByGroup": {keys.get(g, local_name(g)): n for g, n in item.groups.items()},
        }
        chunk.append(json.dumps(body, ensure_ascii=False))
        if len(chunk) == CHUNK:
            yield (("" if first else ",\n") + ",\n".join(chunk)).encode()
            chunk, first = [], False
    if chunk:
        yield (("" if first else ",\n") + ",\n".join(chunk)).encode()
    yield b"\n]}\n"


def _cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
