"""An entity's description read as triple patterns in process is the description the CONSTRUCT gives."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from benchmarks.generate import write_graph
from mzgraph.bundled import bundled_graph_files
from mzgraph.entities.describe import (
    DESCRIPTION_ROWS,
    INBOUND_LIMIT,
    PARTS_NAMED,
    around_query,
    describe_query,
    query_description,
    query_parts,
    read_description,
)
from mzgraph.entities.organisation import read_sources, source_rows, sources_query
from mzgraph.rdf.namespaces import PREFIXES, RDF_TYPE
from mzgraph.store import EmbeddedStore, QueryPolicy

ID = "https://w3id.org/mzgraph/id/"
POLICY = QueryPolicy(timeout=60.0, max_rows=1_000_000)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """The bundled graph and 300 generated employers (which share its partners, places and concepts)."""
    generated = tmp_path_factory.mktemp("graph") / "generated.nt"
    with generated.open("w", encoding="utf-8") as out:
        write_graph(out, 300, seed=11, with_shared=False)
    files: list[Path] = [*bundled_graph_files(), generated]
    with EmbeddedStore.from_files(
        files, base_iri="https://w3id.org/mzgraph/", policy=POLICY, workers=2, prefixes=PREFIXES
    ) as opened:
        yield opened


def constructed(store: EmbeddedStore, iri: ox.NamedNode) -> set[ox.Triple]:
    return set(store.construct(describe_query(iri), max_rows=DESCRIPTION_ROWS))


def subjects(store: EmbeddedStore) -> list[ox.NamedNode]:
    rows = store.select("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) } ORDER BY ?s", max_rows=100_000)
    return [row["s"] for row in rows]  # type: ignore[misc]


def pointing(triples: Iterable[ox.Triple], iri: ox.NamedNode) -> set[ox.Triple]:
    """The links of a description that point at ``iri`` (``rdf:type`` aside)."""
    return {t for t in triples if t.object == iri and t.predicate.value != RDF_TYPE.value}


@pytest.mark.slow
def test_every_resource_read_in_process_has_the_triples_of_the_construct(store: EmbeddedStore) -> None:
    every = subjects(store)
    assert len(every) > 3_000
    hubs, left = [], []
    for iri in every:
        read = read_description(store, iri)
        if read is None:
            left.append(iri.value)
            continue
        if len(pointing(read, iri)) < INBOUND_LIMIT:
            assert set(read) == constructed(store, iri), iri.value
            continue
        # a hub: the same statements of its own, and as many links pointing at it, each a real one
        hubs.append(iri.value)
        built = constructed(store, iri)
        assert {t for t in read if t.subject == iri} == {t for t in built if t.subject == iri}, iri.value
        # the CONSTRUCT may add a few: the partner relations it describes in full are picked apart from the links
        assert len(pointing(read, iri)) == INBOUND_LIMIT <= len(pointing(built, iri)) <= 2 * INBOUND_LIMIT
        assert all(store.match(t.subject, t.predicate, t.object, 1) for t in pointing(read, iri))
    # hubs are what hundreds of employers or measures point at; only classes of many instances are left over
    assert ID + "partner/werk-en-mantelzorg" in hubs and ID + "measure-group/awareness" in hubs
    assert all(iri.startswith("https://w3id.org/mzgraph/def/") for iri in left), left


def test_a_hub_holds_its_first_links_in_process_and_in_the_construct(store: EmbeddedStore) -> None:
    hub = ox.NamedNode(ID + "partner/werk-en-mantelzorg")
    read = read_description(store, hub, inbound_limit=10)
    assert read is not None and len(pointing(read, hub)) == 10
    built = set(store.construct(describe_query(hub, inbound_limit=10), max_rows=DESCRIPTION_ROWS))
    assert 10 <= len(pointing(built, hub)) <= 20
    assert {t for t in read if t.subject == hub} == {t for t in built if t.subject == hub}


@pytest.mark.slow
def test_the_two_queries_a_remote_store_is_asked_give_the_read_description(store: EmbeddedStore) -> None:
    """What a store without pattern reads is asked (the links pointing at a resource, then the rest) describes
    every resource as the read in process does; for a hub, its own statements and as many links."""
    hubs = 0
    for iri in subjects(store):
        read = read_description(store, iri)
        if read is None:
            continue
        asked = query_description(store, iri)
        if len(pointing(read, iri)) < INBOUND_LIMIT:
            assert set(asked) == set(read), iri.value
        else:
            hubs += 1
            assert {t for t in asked if t.subject == iri} == {t for t in read if t.subject == iri}, iri.value
            assert len(pointing(asked, iri)) == INBOUND_LIMIT
    assert hubs >= 2


def test_the_query_after_the_links_holds_no_subquery() -> None:
    """Stores plan a subquery with a LIMIT badly; the second query names the relations it describes instead."""
    hub = ox.NamedNode(ID + "partner/mezzo")
    relation = ox.NamedNode(ID + "partner-relation/x")
    text = around_query(hub, [(relation, ox.NamedNode("https://w3id.org/mzgraph/def/partner"))])
    assert "SELECT" not in text and "LIMIT" not in text and f"VALUES ?rel {{ <{relation.value}> }}" in text
    assert "VALUES" not in around_query(hub, [])


def test_a_read_past_its_budget_is_left_to_the_construct(store: EmbeddedStore) -> None:
    org = ox.NamedNode(ID + "organisation/gemeente-emmen")
    assert read_description(store, org, budget=50) is None
    assert read_description(store, org) is not None


def test_labels_kept_between_reads_give_the_same_triples(store: EmbeddedStore) -> None:
    labels: dict[object, list[ox.Triple]] = {}
    for index in range(0, 40):
        org = ox.NamedNode(f"{ID}organisation/synthetic-{index:07d}")
        read = read_description(store, org, labels=labels)  # type: ignore[arg-type]
        assert read is not None and set(read) == constructed(store, org)
    assert labels  # the partners, places and concepts several employers link to


def test_an_employers_sources_read_in_process_are_those_the_query_selects(store: EmbeddedStore) -> None:
    for slug in ("gemeente-emmen", "regio-twente", "synthetic-0000007"):
        org = ox.NamedNode(ID + "organisation/" + slug)
        rows = source_rows(store, org)
        assert rows is not None
        assert read_sources(rows, ["nl", "en"]) == read_sources(store.select(sources_query(org)), ["nl", "en"])
        assert read_sources(rows, ["nl"])[0].sha256


def test_a_resource_with_more_parts_than_are_named_is_described_with_the_path(tmp_path: Path) -> None:
    """More parts than :data:`PARTS_NAMED` in one step: the parts are left to the path, and all are described."""
    mz = "https://w3id.org/mzgraph/def/"
    org = ox.NamedNode(ID + "organisation/many-parts")
    measures = [ox.NamedNode(f"{ID}measure/many-parts/{i}") for i in range(PARTS_NAMED + 5)]
    triples = [ox.Triple(org, ox.NamedNode(mz + "measure"), m) for m in measures]
    triples += [ox.Triple(m, ox.NamedNode(mz + "text"), ox.Literal(f"measure {i}")) for i, m in enumerate(measures)]
    data = tmp_path / "many-parts.nt"
    data.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    with EmbeddedStore.from_files(
        [data], base_iri="https://w3id.org/mzgraph/", policy=POLICY, workers=1, prefixes=PREFIXES
    ) as store:
        assert query_parts(store, org) is None
        described = set(query_description(store, org))
    assert {t.subject for t in described if t.predicate.value == mz + "text"} == set(measures)
