"""The browse list: reading the request, running the queries at once, and the view the three formats share."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import Request

from mzgraph.entities import browse
from mzgraph.entities.dataset import Group
from mzgraph.entities.labels import local_name, pick_text
from mzgraph.entities.values import Link, format_date, literal_int
from mzgraph.sparql.builders import Row
from mzgraph.web.services import PageServices

MAX_SIZE = 500
MAX_QUERY = 200
LIST_PARAMS = ("category", "partner", "province", "year")
SORT_KEYS = ("name", "-name", "recognised", "-recognised", "measures", "-measures")


class BadRequest(ValueError):
    """A browse parameter that cannot be used; the message says which and what is allowed."""


@dataclass
class Match:
    iri: str
    line: int | None
    before: str
    hit: str
    after: str


@dataclass
class Item:
    """One employer in the list."""

    link: Link
    kind: str
    recognised: str | None
    recognised_raw: str | None
    ambassador: str | None
    ambassador_raw: str | None
    measures: int
    groups: dict[str, int] = field(default_factory=dict)
    matches: list[Match] = field(default_factory=list)


@dataclass
class BrowseResult:
    filters: browse.Filters
    page: browse.Page
    total: int
    items: list[Item]
    facets: dict[str, list[browse.FacetValue]]
    group_counts: dict[str, int]
    groups: list[Group]


def parse(params: Mapping[str, Any], get_list: Any, default_size: int = 20) -> tuple[browse.Filters, browse.Page]:
    """Filters and page from query parameters; :class:`BadRequest` for values that cannot be used."""
    query = params.get("q", "") or ""
    if len(query) > MAX_QUERY:
        raise BadRequest(f"the search text is longer than {MAX_QUERY} characters")
    try:
        categories = tuple(ox.NamedNode(v) for v in get_list("category"))
        partners = tuple(ox.NamedNode(v) for v in get_list("partner"))
        provinces = tuple(ox.NamedNode(v) for v in get_list("province"))
    except ValueError as err:
        raise BadRequest(f"category, partner and province must be IRIs ({err})") from None
    try:
        years = tuple(int(v) for v in get_list("year"))
    except ValueError:
        raise BadRequest("year must be a whole number such as 2011") from None
    ambassador = {"yes": True, "no": False, "": None, None: None}.get(params.get("ambassador"), "bad")
    if ambassador == "bad":
        raise BadRequest("ambassador must be 'yes' or 'no'")
    sort = params.get("sort") or "name"
    if sort not in SORT_KEYS:
        raise BadRequest(f"sort must be one of {', '.join(SORT_KEYS)}")
    number = _int(params.get("page"), 1, "page")
    size = _int(params.get("size"), default_size, "size")
    if number < 1 or not 1 <= size <= MAX_SIZE:
        raise BadRequest(f"page must be 1 or more and size between 1 and {MAX_SIZE}")
    filters = browse.Filters(
        words=browse.Filters.search_words(query),
        categories=categories,
        partners=partners,
        provinces=provinces,
        years=years,
        ambassador=ambassador,  # type: ignore[arg-type]
    )
    return filters, browse.Page(sort=sort.lstrip("-"), descending=sort.startswith("-"), size=size, number=number)


def _int(value: str | None, default: int, name: str) -> int:
    if value in (None, ""):
        return default
    try:
        return int(value)  # type: ignore[arg-type]
    except ValueError:
        raise BadRequest(f"{name} must be a whole number") from None


async def run(services: PageServices, f: browse.Filters, page: browse.Page, langs: Sequence[str]) -> BrowseResult:
    """Run the list, count, facet and chart queries concurrently and assemble the result."""
    select = services.select
    items, counted, categories, partners, provinces, years, ambassadors, group_rows, groups = await asyncio.gather(
        list_items(services, f, page, langs),
        select(browse.count_query(f)),
        select(browse.facet_query(f, "category")),
        select(browse.facet_query(f, "partner")),
        select(browse.facet_query(f, "province")),
        select(browse.year_facet_query(f)),
        select(browse.ambassador_facet_query(f)),
        select(browse.group_counts_query(f)),
        services.groups(),
    )
    facets = {
        "category": _facet(categories, langs, f.categories),
        "partner": _facet(partners, langs, f.partners),
        "province": _facet(provinces, langs, f.provinces),
        "year": [
            browse.FacetValue(
                r["value"].value, r["value"].value, literal_int(r.get("n"), 0), int(r["value"].value) in f.years
            )
            for r in years
            if "value" in r
        ],
        "ambassador": [
            browse.FacetValue(
                "yes" if r["value"].value == "true" else "no",
                r["value"].value,
                literal_int(r.get("n"), 0),
                f.ambassador is (r["value"].value == "true"),
            )
            for r in sorted(ambassadors, key=lambda r: r["value"].value, reverse=True)
            if "value" in r
        ],
    }
    return BrowseResult(
        filters=f,
        page=page,
        total=literal_int(counted[0].get("n"), 0) if counted else 0,
        items=items,
        facets=facets,
        group_counts=group_counts(group_rows),
        groups=groups,
    )


async def list_items(services: PageServices, f: browse.Filters, page: browse.Page, langs: Sequence[str]) -> list[Item]:
    """One page of the list: each employer with its measures per group and, for a search, the matching texts."""
    listed = await services.select(browse.list_query(f, page, langs))
    orgs = [row["org"] for row in listed if isinstance(row.get("org"), ox.NamedNode)]
    per_org, matches, term_labels = await asyncio.gather(
        services.select(browse.per_organisation_groups_query(orgs)) if orgs else _none(),
        services.select(browse.matches_query(orgs, f.words)) if orgs and f.words else _none(),
        services.term_labels(),
    )
    items = [_item(row, langs, term_labels) for row in listed if isinstance(row.get("org"), ox.NamedNode)]
    by_iri = {item.link.iri: item for item in items}
    for row in per_org:
        if row["org"].value in by_iri:
            by_iri[row["org"].value].groups[row["group"].value] = literal_int(row.get("n"), 0)
    for row in matches:
        item = by_iri.get(row["org"].value)
        if item is not None and len(item.matches) < 2:
            item.matches.append(_match(row, f.words))
    return items


def group_counts(rows: Sequence[Row]) -> dict[str, int]:
    """Group IRI -> number of measures, from :func:`mzgraph.entities.browse.group_counts_query`."""
    return {row["group"].value: literal_int(row.get("n"), 0) for row in rows}


async def _none() -> list[Row]:
    return []


def _item(row: Row, langs: Sequence[str], term_labels: Mapping[str, Mapping[str, str]]) -> Item:
    kind = row.get("type")
    kind_label = ""
    if kind is not None:
        by_lang = term_labels.get(kind.value, {})
        kind_label = next((by_lang[lang] for lang in langs if lang in by_lang), local_name(kind.value))
    date, since = row.get("date"), row.get("since")
    return Item(
        link=Link(row["org"].value, row["name"].value if "name" in row else local_name(row["org"].value)),
        kind=kind_label[:1].upper() + kind_label[1:],
        recognised=format_date(date, langs[0]),
        recognised_raw=date.value if date is not None else None,
        ambassador=format_date(since, langs[0]),
        ambassador_raw=since.value if since is not None else None,
        measures=literal_int(row.get("measures"), 0),
    )


def _match(row: Row, words: Sequence[str], width: int = 70) -> Match:
    text = row["text"].value
    at = text.casefold().find(words[0]) if words else -1
    hit_len = len(words[0]) if words else 0
    if at < 0:
        return Match(row["measure"].value, _line(row), text[:width], "", "…" if len(text) > width else "")
    start, end = max(0, at - width), min(len(text), at + hit_len + width)
    return Match(
        row["measure"].value,
        _line(row),
        ("…" if start else "") + text[start:at],
        text[at : at + hit_len],
        text[at + hit_len : end] + ("…" if end < len(text) else ""),
    )


def _line(row: Row) -> int | None:
    return literal_int(row["line"], 0) if "line" in row else None


def _facet(rows: Sequence[Row], langs: Sequence[str], chosen: Sequence[ox.NamedNode]) -> list[browse.FacetValue]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row["value"].value, []).append(row)
    chosen_iris = {c.value for c in chosen}
    values = [
        browse.FacetValue(
            iri,
            pick_text((r.get("label") for r in g), langs) or local_name(iri),
            literal_int(g[0].get("n"), 0),
            iri in chosen_iris,
        )
        for iri, g in grouped.items()
    ]
    return sorted(values, key=lambda v: (not v.selected, -v.count, v.label.casefold()))


def toggle_url(request: Request, name: str, value: str, *, single: bool = False) -> str:
    """The browse URL with ``name=value`` added, or removed if present; back to page 1."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    present = (name, value) in items
    items = [(k, v) for k, v in items if not (k == name and (v == value or single))]
    if not present:
        items.append((name, value))
    query = urlencode(items)
    return request.url.path + (f"?{query}" if query else "")


def page_url(request: Request, number: int) -> str:
    """The same list, another page."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "page"] + [("page", str(number))]
    return request.url.path + "?" + urlencode(items)
