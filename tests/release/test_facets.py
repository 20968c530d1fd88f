"""Facet counts of the release index for the current list, against SPARQL counts on the same store."""

from __future__ import annotations

import dataclasses

import pyoxigraph as ox
import pytest

from mzgraph.release import Filters, ReleaseIndex
from mzgraph.store import Store

from . import reference as browse
from .test_browse import FILTERS, PARTNER, _sparql_filters

PATHS = {
    "category": "?org mz:measure/mz:category/skos:broader* ?value",
    "partner": "?rel mz:organisation ?org ; mz:partner ?value",
    "province": "?org schema:location/mz:province ?value",
    "year": "?org mz:recognition/mz:recognitionDate ?date BIND(SUBSTR(STR(?date), 1, 4) AS ?value)",
    "ambassador": "?org mz:ambassadorRole ?role BIND('yes' AS ?value)",
}
CASES = ["none", "category", "partners", "years", "not ambassadors", "everything at once"]


def _sparql_counts(store: Store, filters: Filters, facet: str) -> dict[str, int]:
    patterns = browse.filter_patterns(_sparql_filters(filters))
    query = browse.prologue() + (
        f"SELECT ?value (COUNT(DISTINCT ?org) AS ?n) WHERE {{ {patterns} {PATHS[facet]} }} GROUP BY ?value"
    )
    return {row["value"].value: int(row["n"].value) for row in store.select(query) if "value" in row}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("facet", ["category", "partner", "province", "year", "ambassador"])
def test_each_facet_value_counts_what_sparql_counts(index: ReleaseIndex, store: Store, case: str, facet: str) -> None:
    filters = FILTERS[case]
    counted = index.facets(filters, limit=10_000)
    expected = _sparql_counts(store, filters, facet)
    shown = {v.value: v.count for v in counted.facets[facet].values if v.count}
    if facet == "ambassador":
        expected["no"] = counted.total - expected.get("yes", 0)
        expected = {value: n for value, n in expected.items() if n}
    assert shown == expected
    assert counted.facets[facet].total_values == len(expected)


@pytest.mark.parametrize("case", ["none", "everything at once", "not ambassadors"])
def test_measures_per_group_of_the_list(index: ReleaseIndex, store: Store, case: str) -> None:
    if case == "not ambassadors":  # most of the employers: counted by those left out
        assert 2 * index.facets(FILTERS[case]).total > index.count
    patterns = browse.filter_patterns(_sparql_filters(FILTERS[case]))
    rows = store.select(
        browse.prologue() + f"SELECT ?group (COUNT(DISTINCT ?m) AS ?n) WHERE {{ {patterns}"
        " ?org mz:measure ?m . ?m mz:measureGroup ?group } GROUP BY ?group"
    )
    assert index.facets(FILTERS[case]).group_measures == {r["group"].value: int(r["n"].value) for r in rows}


def test_a_facet_lists_the_chosen_values_first_then_the_most_frequent_up_to_the_limit(index: ReleaseIndex) -> None:
    chosen = Filters(partners=(PARTNER + "no-such-partner", PARTNER + "tandem"))
    partners = index.facets(chosen, limit=3).facets["partner"]
    assert [v.value for v in partners.values[:2]] == sorted(chosen.partners, key=lambda v: v != PARTNER + "tandem")
    assert partners.values[0].selected and partners.values[1].selected and partners.values[1].count == 0
    rest = partners.values[2:]
    assert len(rest) == 3 and not any(v.selected for v in rest)
    assert [v.count for v in rest] == sorted((v.count for v in rest), reverse=True)
    assert partners.total_values > 3
    everything = index.facets(chosen, limit=10_000).facets["partner"]
    assert [v.count for v in everything.values[2:5]] == [v.count for v in rest]


def test_facet_labels_follow_the_language(index: ReleaseIndex) -> None:
    dutch = {v.value: v.label for v in index.facets(langs=("nl",)).facets["category"].values}
    english = {v.value: v.label for v in index.facets(langs=("en",)).facets["category"].values}
    leave = "https://w3id.org/mzgraph/id/measure-type/leave"
    assert (dutch[leave], english[leave]) == ("Verlof", "Leave")


@pytest.mark.parametrize("search", ["verlof", "kwartiermaker", "zorg mantelzorg"])
def test_counts_with_a_search_agree_with_the_lists_they_lead_to(index: ReleaseIndex, search: str) -> None:
    counted = index.facets(search=search, limit=10_000)
    assert counted.total == index.browse(search=search, size=1).total
    for facet, field in (("partner", "partners"), ("province", "provinces"), ("category", "categories")):
        for value in counted.facets[facet].values[:4]:
            narrowed = dataclasses.replace(Filters(), **{field: (value.value,)})
            assert index.browse(narrowed, search=search, size=1).total == value.count, (facet, value.value)
    years = counted.facets["year"].values
    for value in years[:3]:
        assert index.browse(Filters(years=(int(value.value),)), search=search, size=1).total == value.count


def test_sparql_agrees_that_a_category_counts_its_narrower_ones(index: ReleaseIndex, store: Store) -> None:
    leave, calamity = (f"https://w3id.org/mzgraph/id/measure-type/{name}" for name in ("leave", "calamity-leave"))
    counts = {v.value: v.count for v in index.facets(limit=10_000).facets["category"].values}
    direct = store.select(
        browse.prologue() + "SELECT (COUNT(DISTINCT ?org) AS ?n) WHERE { ?org mz:measure/mz:category"
        f" {ox.NamedNode(leave)} }}"
    )
    assert counts[leave] > int(direct[0]["n"].value)  # employers with calamity leave only count for leave too
    assert counts[leave] >= counts[calamity]
