"""Hub descriptions kept with the release index: which resources are hubs, and that each kept description is
the one the pages read from the store."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox

from mzgraph.entities.describe import INBOUND_LIMIT, describe_triples, query_description
from mzgraph.release import ReleaseIndex
from mzgraph.release.hubs import HUB_LINKS, PARTS
from mzgraph.store import EmbeddedStore

ID = "https://w3id.org/mzgraph/id/"
MZ = "https://w3id.org/mzgraph/def/"


def pointing_counts(store: EmbeddedStore) -> Counter[str]:
    """How many triples point at each IRI by a property that is not a part property, counted one by one."""
    parts = {MZ + name for name in PARTS}
    counts: Counter[str] = Counter()
    for predicate, target in store.stream_select("SELECT ?p ?o WHERE { ?s ?p ?o }"):
        if isinstance(target, ox.NamedNode) and isinstance(predicate, ox.NamedNode) and predicate.value not in parts:
            counts[target.value] += 1
    return counts


def test_the_hubs_are_the_resources_more_than_the_limit_of_links_point_at(
    store: EmbeddedStore, index: ReleaseIndex
) -> None:
    counts = pointing_counts(store)
    hubs = {iri for iri, n in counts.items() if n > HUB_LINKS}
    assert {ID + "measure-group/awareness", ID + "partner/mezzo", ID + "measure-type/leave", MZ + "Measure"} <= hubs
    assert all(index.hub(iri) is not None for iri in hubs)
    below = [iri for iri, n in counts.items() if n <= HUB_LINKS]
    assert len(below) > 5_000  # employers, places, sources: each named by a few links
    assert all(index.hub(iri) is None for iri in below)
    assert index.hub(ID + "organisation/gemeente-emmen") is None
    assert index.hub(ID + "no-such-thing") is None


def test_a_kept_description_is_the_description_the_pages_read(store: EmbeddedStore, index: ReleaseIndex) -> None:
    counts = pointing_counts(store)
    hubs = sorted(iri for iri, n in counts.items() if n > HUB_LINKS)
    for iri in hubs:
        kept = index.hub(iri)
        assert kept is not None
        assert set(kept) == set(describe_triples(store, ox.NamedNode(iri))), iri
    awareness = ox.NamedNode(ID + "measure-group/awareness")
    kept = index.hub(awareness.value)
    assert kept is not None
    assert len({t for t in kept if t.object == awareness}) == INBOUND_LIMIT  # its first links, not its thousands


def test_a_remote_store_is_asked_what_the_embedded_one_reads(store: EmbeddedStore, index: ReleaseIndex) -> None:
    """The two-query description a remote store is asked for gives the kept hubs the same own statements and
    labels; it reads the first links in its own order, so only their number is compared."""
    for iri in (ID + "measure-group/awareness", ID + "partner/mezzo"):
        kept = index.hub(iri)
        assert kept is not None
        asked = query_description(store, ox.NamedNode(iri))
        node = ox.NamedNode(iri)
        assert {t for t in kept if t.subject == node} == {t for t in asked if t.subject == node}
        assert len([t for t in kept if t.object == node]) == len([t for t in asked if t.object == node])
