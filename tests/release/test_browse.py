"""Browsing the release index: every filter, every sort both ways, pages by cursor, against SPARQL on the same store."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
import pytest

from mzgraph.release import Filters, Item, ReleaseIndex, Sort
from mzgraph.store import Store

from . import reference as browse
from .conftest import ORGANISATIONS, count

ID = "https://w3id.org/mzgraph/id/"
MT = ID + "measure-type/"
PARTNER = ID + "partner/"
PLACE = ID + "place/"
EMPLOYER_ROWS = """PREFIX mz: <https://w3id.org/mzgraph/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?org ?name ?date ?measures WHERE {
  { SELECT DISTINCT ?org WHERE { ?t rdfs:subClassOf* mz:Employer . ?org a ?t } }
  OPTIONAL { ?org rdfs:label ?name FILTER(LANG(?name) = "nl") }
  OPTIONAL { ?org mz:recognition/mz:recognitionDate ?date }
  { SELECT ?org (COUNT(DISTINCT ?m) AS ?measures) WHERE {
      { SELECT DISTINCT ?org WHERE { ?t rdfs:subClassOf* mz:Employer . ?org a ?t } } OPTIONAL { ?org mz:measure ?m }
  } GROUP BY ?org }
}"""

FILTERS = {
    "none": Filters(),
    "category": Filters(categories=(MT + "leave",)),
    "two categories": Filters(categories=(MT + "leave", MT + "intranet")),
    "partners": Filters(partners=(PARTNER + "mezzo", PARTNER + "jong-en-veer")),
    "provinces": Filters(provinces=(PLACE + "overijssel", PLACE + "drenthe")),
    "years": Filters(years=(2012, 2019, 2020)),
    "ambassadors": Filters(ambassador=True),
    "not ambassadors": Filters(ambassador=False),
    "everything at once": Filters(
        categories=(MT + "leave",),
        partners=(PARTNER + "mezzo", PARTNER + "tandem"),
        provinces=(PLACE + "overijssel",),
        years=(2010, 2015, 2020),
        ambassador=False,
    ),
    "unknown value": Filters(partners=(PARTNER + "no-such-partner",)),
}


def _sparql_filters(f: Filters) -> browse.Filters:
    return browse.Filters(
        categories=tuple(ox.NamedNode(c) for c in f.categories),
        partners=tuple(ox.NamedNode(p) for p in f.partners),
        provinces=tuple(ox.NamedNode(p) for p in f.provinces),
        years=f.years,
        ambassador=f.ambassador,
    )


def _all_pages(index: ReleaseIndex, size: int, **ask: object) -> list[Item]:
    """Every item of a list, walking the ``next`` cursors from the first page."""
    page = index.browse(size=size, **ask)  # type: ignore[arg-type]
    items = list(page.items)
    while page.next:
        page = index.browse(size=size, cursor=page.next, **ask)  # type: ignore[arg-type]
        assert page.position == len(items)
        items += page.items
    assert len(items) == page.total
    return items


@pytest.fixture(scope="module")
def employers(store: Store) -> dict[str, tuple[str, str | None, int]]:
    """IRI -> (Dutch name, recognition date, number of measures), from SPARQL."""
    found: dict[str, tuple[str, str | None, int]] = {}
    for row in store.select(EMPLOYER_ROWS):
        name = row["name"].value if "name" in row else row["org"].value.rsplit("/", 1)[-1]
        found[row["org"].value] = (name, row["date"].value if "date" in row else None, int(row["measures"].value))
    return found


def _expected(employers: dict[str, tuple[str, str | None, int]], iris: set[str], sort: Sort) -> list[str]:
    """The order the index promises: the key (missing last, either way), then name, then IRI, both ascending."""
    by_name = sorted(iris, key=lambda iri: (employers[iri][0].casefold(), iri))
    if sort.key == "name":
        if not sort.descending:
            return by_name
        return sorted(sorted(iris), key=lambda iri: employers[iri][0].casefold(), reverse=True)
    column = 1 if sort.key == "recognised" else 2
    known = [iri for iri in by_name if employers[iri][column] is not None]
    unknown = [iri for iri in by_name if employers[iri][column] is None]
    return sorted(known, key=lambda iri: employers[iri][column], reverse=sort.descending) + unknown  # type: ignore[arg-type,return-value]


@pytest.mark.parametrize("name", list(FILTERS))
def test_the_total_of_every_filter_is_what_sparql_counts(index: ReleaseIndex, store: Store, name: str) -> None:
    filters = FILTERS[name]
    expected = count(store, browse.count_query(_sparql_filters(filters)))
    page = index.browse(filters, size=5)
    assert page.total == expected
    assert len(page.items) == min(5, expected)
    assert index.facets(filters).total == expected
    if name == "none":
        assert expected == ORGANISATIONS + 5 + 3  # the generated, the bundled five and the three written by hand


@pytest.mark.parametrize("sort", ["name", "-name", "recognised", "-recognised", "measures", "-measures"])
def test_every_sort_pages_through_a_filtered_list_in_order_both_ways(
    index: ReleaseIndex, store: Store, employers: dict[str, tuple[str, str | None, int]], sort: str
) -> None:
    filters = FILTERS["provinces"]
    members = {
        row["org"].value
        for row in store.select(
            browse.prologue() + f"SELECT DISTINCT ?org WHERE {{ {browse.filter_patterns(_sparql_filters(filters))} }}"
        )
    }
    order = Sort.parse(sort)
    forward = _all_pages(index, 97, filters=filters, sort=order)
    assert [item.iri for item in forward] == _expected(employers, members, order)
    page = index.browse(filters, sort=order, size=97, cursor=index.browse(filters, sort=order, size=97).last)
    backward = list(page.items)
    while page.prev:
        page = index.browse(filters, sort=order, size=97, cursor=page.prev)
        backward = page.items + backward
    assert [item.iri for item in backward][-len(forward) :] == [item.iri for item in forward]
    assert page.position == 0


@pytest.mark.parametrize("sort", ["name", "-recognised", "measures"])
def test_first_middle_and_last_pages_of_the_whole_list(
    index: ReleaseIndex, employers: dict[str, tuple[str, str | None, int]], sort: str
) -> None:
    order = Sort.parse(sort)
    expected = _expected(employers, set(employers), order)
    first = index.browse(sort=order, size=100)
    assert [i.iri for i in first.items] == expected[:100] and first.prev is None and first.position == 0
    page = first
    for _ in range(20):
        page = index.browse(sort=order, size=100, cursor=page.next)
    assert page.position == 2000 and [i.iri for i in page.items] == expected[2000:2100]
    before = index.browse(sort=order, size=100, cursor=page.prev)
    assert [i.iri for i in before.items] == expected[1900:2000] and before.position == 1900
    last = index.browse(sort=order, size=100, cursor=page.last)
    assert [i.iri for i in last.items] == expected[-100:]
    assert last.next is None and last.last is None and last.position == len(expected) - 100
    assert first.total == page.total == last.total == len(expected)


def test_the_name_order_follows_the_language_asked_for(index: ReleaseIndex, store: Store) -> None:
    english = {
        row["org"].value: row["name"].value
        for row in store.select(
            "SELECT ?org ?name WHERE { ?org a <https://w3id.org/mzgraph/def/Municipality> ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?name FILTER(LANG(?name) = 'en') }"
        )
    }
    items = _all_pages(index, 500, filters=FILTERS["ambassadors"], langs=("en", "nl"))
    named = [item for item in items if item.iri in english]
    assert [item.name for item in named] == [english[item.iri] for item in named]
    keys = [(item.name.casefold(), item.iri) for item in items]
    assert keys == sorted(keys)


def test_an_item_carries_what_the_list_shows(index: ReleaseIndex) -> None:
    listed = _all_pages(index, 1000, filters=Filters(years=(2019,)))
    (item,) = [i for i in listed if i.iri.endswith("/zorgbedrijf-ecru")]
    assert item.name == "Zorgbedrijf Écru" and item.labels == {"nl": "Zorgbedrijf Écru", "en": "Care company Ecru"}
    assert item.type == "https://w3id.org/mzgraph/def/Employer"
    assert (item.recognised, item.year, item.ambassador, item.measures) == ("2019", 2019, False, 2)
    assert item.groups == {ID + "measure-group/tailored-solutions": 1, ID + "measure-group/awareness": 1}
    assert item.provinces == (PLACE + "drenthe",)


@pytest.mark.parametrize("sort", ["recognised", "-recognised"])
def test_an_employer_without_a_recognition_comes_last_either_way(index: ReleaseIndex, sort: str) -> None:
    last = index.browse(sort=Sort.parse(sort), size=1, cursor=index.browse(sort=Sort.parse(sort), size=1).last)
    assert [item.iri for item in last.items] == [ID + "organisation/stichting-zonder-erkenning"]
    assert last.items[0].recognised is None and last.items[0].year is None


@pytest.mark.parametrize("case", ["category", "everything at once"])
def test_the_export_streams_the_same_rows_as_the_pages(index: ReleaseIndex, case: str) -> None:
    streamed: Callable[[], list[str]] = lambda: [  # noqa: E731
        i.iri for i in index.iter_all(FILTERS[case], sort=Sort.parse("-measures"))
    ]
    paged = [i.iri for i in _all_pages(index, 333, filters=FILTERS[case], sort=Sort.parse("-measures"))]
    assert streamed() == paged
    everything = index.iter_all()
    assert iter(everything) is everything  # a generator: rows are read as they are taken
    assert sum(1 for _ in everything) == index.browse(size=1).total


@pytest.mark.parametrize(
    ("case", "sort", "search"),
    [
        ("none", "name", None),
        ("none", "-recognised", None),
        ("provinces", "measures", None),
        ("none", "relevance", "zorg"),
    ],
)
def test_the_cursor_at_a_row_gives_the_page_that_starts_there(
    index: ReleaseIndex, case: str, sort: str, search: str | None
) -> None:
    filters, order = FILTERS[case], Sort.parse(sort)
    listed = [i.iri for i in index.iter_all(filters, search, order)]
    assert index.cursor_at(filters, search, order, 0) is None, "row 0 is the first page, which has no cursor"
    for row in (1, 40, len(listed) - 7):
        page = index.browse(filters, search, order, index.cursor_at(filters, search, order, row), size=20)
        assert page.position == row and [i.iri for i in page.items] == listed[row : row + 20]
    past = index.browse(filters, search, order, index.cursor_at(filters, search, order, len(listed) + 100), size=20)
    assert past.items == [] and past.total == len(listed) and past.next is None
