"""The browse list: reading the request, asking the release index, and the view the three formats share.

Filters, search, sort, facet counts and the page all come from the release index (one bitmap intersection and
a page of rows), so any page of any list costs what the first does. Pages are reached by cursor (``?cursor=``);
an old ``?page=N`` link is answered with the page at the same place.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import Request

from mzgraph.entities.dataset import Group
from mzgraph.entities.labels import local_name
from mzgraph.entities.values import Link, format_date
from mzgraph.release import Facets, Filters, Item, Page, ReleaseIndex, Sort
from mzgraph.web.services import PageServices
from mzgraph.web.views.paging import CURSOR, Pager, pager

MAX_SIZE = 500
MAX_QUERY = 200
SORT_KEYS = ("name", "-name", "recognised", "-recognised", "measures", "-measures")
SEARCH_SORT = "relevance"
"""The default order of a search (best match first), offered besides :data:`SORT_KEYS` when searching."""
XSD = "http://www.w3.org/2001/XMLSchema#"
FACET_IRIS = ("category", "partner", "province")
"""The facets whose values are IRIs."""


class BadRequest(ValueError):
    """A browse parameter that cannot be used; the message says which and what is allowed."""


@dataclass(frozen=True)
class Query:
    """What the reader asked for: filters, search text, order, page (cursor, or an old page number) and size."""

    filters: Filters
    search: str
    sort: Sort
    cursor: str | None
    size: int
    page: int | None = None


@dataclass
class MatchView:
    """A text that matched the search, cut around the match: pieces of (text, is_match)."""

    kind: str
    source: str
    line: int | None
    pieces: list[tuple[str, bool]]


@dataclass
class ItemView:
    """One employer in the list."""

    link: Link
    kind: str
    recognised: str | None
    recognised_raw: str | None
    ambassador: str | None
    ambassador_raw: str | None
    measures: int
    groups: dict[str, int] = field(default_factory=dict)
    matches: list[MatchView] = field(default_factory=list)
    score: float | None = None


@dataclass
class BrowseResult:
    query: Query
    page: Page
    pager: Pager
    items: list[ItemView]
    facets: Facets
    groups: list[Group]


def parse(params: Mapping[str, str], get_list: Callable[[str], list[str]], default_size: int = 20) -> Query:
    """The reader's query from the request's parameters; :class:`BadRequest` for values that cannot be used."""
    search = params.get("q", "") or ""
    if len(search) > MAX_QUERY:
        raise BadRequest(f"the search text is longer than {MAX_QUERY} characters")
    try:
        categories, partners, provinces = (tuple(ox.NamedNode(v).value for v in get_list(name)) for name in FACET_IRIS)
    except ValueError as err:
        raise BadRequest(f"category, partner and province must be IRIs ({err})") from None
    try:
        years = tuple(int(v) for v in get_list("year"))
    except ValueError:
        raise BadRequest("year must be a whole number such as 2011") from None
    ambassador = {"yes": True, "no": False, "": None, None: None}.get(params.get("ambassador"), "bad")
    if ambassador == "bad":
        raise BadRequest("ambassador must be 'yes' or 'no'")
    searching = bool(search.split())
    sort = params.get("sort") or (SEARCH_SORT if searching else "name")
    allowed = (*SORT_KEYS, SEARCH_SORT) if searching else SORT_KEYS
    if sort not in allowed:
        raise BadRequest(f"sort must be one of {', '.join(allowed)}")
    size = _int(params.get("size"), default_size, "size")
    if not 1 <= size <= MAX_SIZE:
        raise BadRequest(f"size must be between 1 and {MAX_SIZE}")
    number = _int(params.get("page"), None, "page") if params.get("page") else None
    if number is not None and number < 1:
        raise BadRequest("page must be 1 or more (or follow the next and previous links, which carry a cursor)")
    filters = Filters(categories, partners, provinces, years, ambassador)  # type: ignore[arg-type]
    cursor = params.get(CURSOR) or None
    return Query(filters, search, Sort.parse(sort), cursor, size, None if cursor else number)


def _int(value: str | None, default: int | None, name: str) -> int:
    if value in (None, ""):
        assert default is not None
        return default
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number") from None


async def run(services: PageServices, request: Request, query: Query, langs: Sequence[str]) -> BrowseResult:
    """One page of the list, its facet counts and its pager, from the release index (off the event loop)."""
    index = await services.index()

    def ask() -> tuple[Page, Facets]:
        cursor = query.cursor
        if query.page is not None and query.page > 1:
            position = (query.page - 1) * query.size
            cursor = index.cursor_at(query.filters, query.search, query.sort, position, langs)
        page = index.browse(query.filters, query.search, query.sort, cursor, query.size, langs)
        return page, index.facets(query.filters, query.search, langs)

    page, facets = await asyncio.to_thread(ask)
    groups = await services.groups()
    term_labels = await services.term_labels()
    return BrowseResult(
        query=query,
        page=page,
        pager=pager(page, request.url.path, request.query_params.multi_items()),
        items=[item_view(item, langs, term_labels) for item in page.items],
        facets=facets,
        groups=groups,
    )


def kind_label(iri: str, langs: Sequence[str], term_labels: Mapping[str, Mapping[str, str]]) -> str:
    """An employer class as a heading word ("Municipality")."""
    by_lang = term_labels.get(iri, {})
    kind = next((by_lang[lang] for lang in langs if lang in by_lang), local_name(iri))
    return kind[:1].upper() + kind[1:]


def item_view(item: Item, langs: Sequence[str], term_labels: Mapping[str, Mapping[str, str]]) -> ItemView:
    """An employer of the index as lists show it: its kind named, its dates in words, its matches cut."""
    return ItemView(
        link=Link(item.iri, item.name),
        kind=kind_label(item.type, langs, term_labels),
        recognised=format_date(date_literal(item.recognised), langs[0]),
        recognised_raw=item.recognised,
        ambassador=format_date(date_literal(item.ambassador_since), langs[0]),
        ambassador_raw=item.ambassador_since,
        measures=item.measures,
        groups=dict(item.groups),
        matches=[MatchView(m.kind, m.source, m.line, m.marked.snippet()) for m in item.matches],
        score=item.score,
    )


def date_literal(text: str | None) -> ox.Literal | None:
    """A date as the data gives it (``2011-11-28``, ``2010-12``, ``2010``) as a literal of its precision."""
    if not text:
        return None
    kind = {10: "date", 7: "gYearMonth", 4: "gYear"}.get(len(text), "string")
    return ox.Literal(text, datatype=ox.NamedNode(XSD + kind))


def export_rows(index: ReleaseIndex, query: Query, langs: Sequence[str]) -> Iterator[Item]:
    """Every employer of the list, in order, read a few hundred at a time (flat memory at any size)."""
    return index.iter_all(query.filters, query.search, query.sort, langs)


def toggle_url(request: Request, name: str, value: str, *, single: bool = False) -> str:
    """The browse URL with ``name=value`` added, or removed if present; back to the first page."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", CURSOR)]
    present = (name, value) in items
    items = [(k, v) for k, v in items if not (k == name and (v == value or single))]
    if not present:
        items.append((name, value))
    query = urlencode(items)
    return request.url.path + (f"?{query}" if query else "")
