"""The release statistics and member lists, against the SPARQL aggregates the pages ran per request before."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from mzgraph.bundled import rdf_files, shapes_dir
from mzgraph.entities import ontology
from mzgraph.release import BadRequest, ReleaseIndex
from mzgraph.store import Store

from . import reference
from .conftest import count
from .test_browse import ID, PARTNER

MZ = "https://w3id.org/mzgraph/def/"
CONCEPTS = [
    ID + "measure-type/leave",
    ID + "measure-type/calamity-leave",
    ID + "measure-group/awareness",
    ID + "partner-role/referral-point",
    ID + "quantity-kind/employees",
]


def test_home_counts(index: ReleaseIndex, store: Store) -> None:
    stats = index.stats()
    expected = reference.read_counts(store.select(reference.counts_query()))
    found = {name: getattr(stats, name) for name in expected}
    assert found == expected
    rows = store.select(
        reference.prologue() + "SELECT ?group (COUNT(DISTINCT ?m) AS ?n) WHERE"
        " { ?m a mz:Measure ; mz:measureGroup ?group } GROUP BY ?group"
    )
    assert stats.measures_per_group == {r["group"].value: int(r["n"].value) for r in rows}


def test_void_counts(index: ReleaseIndex, store: Store) -> None:
    stats = index.stats()
    triples, entities, classes = reference.read_void_counts(
        store.select(reference.void_counts_query(stats.base + "id/"))
    )
    named = count(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert stats.triples == triples + named  # the published default graph, and the named graph beside it
    assert stats.entities == entities
    assert stats.class_partitions == classes
    assert stats.release == store.release.tag and stats.modified == store.release.modified


def test_ontology_usage_and_shape_coverage(index: ReleaseIndex, store: Store) -> None:
    stats = index.stats()
    classes = reference.read_term_counts(store.select(reference.class_counts_query(MZ)))
    assert {c: n for c, n in stats.class_usage.items() if c.startswith(MZ)} == classes
    properties = reference.read_term_counts(store.select(reference.property_counts_query(MZ)))
    assert {p: n for p, n in stats.property_usage.items() if p in properties} == {
        p: n for p, n in properties.items() if n
    }
    shapes = ox.Store()
    for path in rdf_files(shapes_dir()):
        shapes.load(path=path, format=ox.RdfFormat.TURTLE)
    solutions = shapes.query(ontology.shape_rules_query())
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    rules = ontology.read_rules([{n: s[n] for n in names if s[n] is not None} for s in solutions], {}, ("en",))  # type: ignore[misc]
    flat = [rule for found in rules.values() for rule in found]
    ontology.apply_coverage(rules, reference.read_coverage(store.select(reference.coverage_query(flat))))
    assert {(r.target, r.path.iri, r.inverse): r.having for r in flat} == stats.coverage
    assert any(stats.coverage.values())


def test_sources_licences_and_examples(index: ReleaseIndex, store: Store) -> None:
    stats = index.stats()
    rows = store.select(reference.sources_query())
    assert [s.iri for s in stats.sources] == sorted({r["source"].value for r in rows if "source" in r})
    assert stats.source_count == count(
        store, reference.prologue() + "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a mz:SourceDocument }"
    )
    assert stats.licenses == reference.licenses_of(rows)
    examples = store.select(reference.example_query())
    assert stats.examples == [r["org"].value for r in examples]


@pytest.mark.parametrize("iri", CONCEPTS)
def test_concept_members_and_counts(index: ReleaseIndex, store: Store, iri: str) -> None:
    expected = count(store, reference.concept_usage_query(ox.NamedNode(iri)))
    assert index.stats().concept_usage.get(iri, 0) == expected
    page = index.members("concept", iri, size=100)
    walked = list(page.items)
    while page.next:
        page = index.members("concept", iri, size=100, cursor=page.next)
        walked += page.items
    assert len(walked) == page.total == expected
    assert [i.id for i in walked] == sorted(i.id for i in walked)  # name order


@pytest.mark.parametrize("name", ["mezzo", "jong-en-veer", "tandem"])
def test_partner_members(index: ReleaseIndex, store: Store, name: str) -> None:
    expected = count(store, reference.employers_count_query(ox.NamedNode(PARTNER + name)))
    first = index.members("partner", PARTNER + name, size=10, langs=("en",))
    assert first.total == expected > 10
    last = index.members("partner", PARTNER + name, size=10, cursor=first.last, langs=("en",))
    assert last.position == expected - 10 and last.next is None


def test_unknown_members(index: ReleaseIndex) -> None:
    assert index.members("concept", ID + "measure-type/no-such-type").total == 0
    with pytest.raises(BadRequest, match="unknown kind"):
        index.members("organisation", ID + "measure-type/leave")  # type: ignore[arg-type]
