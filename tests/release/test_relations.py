"""Partner relations kept with the release index: a page of a partner's employers reads the same relations,
roles, dates, quotes and source lines as the store holds, on any page and for any partner."""

from __future__ import annotations

import pyoxigraph as ox

from mzgraph.release import ReleaseIndex
from mzgraph.store import EmbeddedStore

ID = "https://w3id.org/mzgraph/id/"
MZ = "https://w3id.org/mzgraph/def/"
KEPT = ("partner", "organisation", "partnerRole", "date", "quote", "sourceLine")


def relation_triples(store: EmbeddedStore, partner: str, organisations: list[str]) -> set[ox.Triple]:
    """The kept properties of every relation between ``partner`` and ``organisations``, read triple by triple."""
    found: set[ox.Triple] = set()
    chosen = set(organisations)
    kept = {ox.NamedNode(MZ + name) for name in KEPT}
    for rel, org in store.stream_select(
        f"SELECT ?rel ?org WHERE {{ ?rel <{MZ}partner> <{partner}> ; <{MZ}organisation> ?org }}"
    ):
        if isinstance(org, ox.NamedNode) and org.value in chosen:
            found.update(
                ox.Triple(rel, p, o)  # type: ignore[arg-type]
                for p, o in store.stream_select(f"SELECT ?p ?o WHERE {{ {rel} ?p ?o }}")
                if p in kept
            )
    return found


def test_a_page_of_employers_reads_the_relations_the_store_holds(store: EmbeddedStore, index: ReleaseIndex) -> None:
    for partner in (ID + "partner/mezzo", ID + "partner/vpb", ID + "partner/tandem"):
        members = index.members("partner", partner, None, 50, ("nl",))
        assert members.items, partner
        page = [item.iri for item in members.items]
        kept = index.partner_relations(partner, page)
        assert set(kept) == relation_triples(store, partner, page), partner
        assert len(kept) == len(set(kept)), "each triple once, though a relation has a row per quote"
        assert {t.object.value for t in kept if t.predicate.value == MZ + "organisation"} == set(page)


def test_a_later_page_and_a_long_list_of_employers(store: EmbeddedStore, index: ReleaseIndex) -> None:
    mezzo = ID + "partner/mezzo"
    first = index.members("partner", mezzo, None, 50, ("nl",))
    assert first.next
    later = [item.iri for item in index.members("partner", mezzo, first.next, 50, ("nl",)).items]
    assert set(index.partner_relations(mezzo, later)) == relation_triples(store, mezzo, later)
    query = f"SELECT DISTINCT ?org WHERE {{ ?rel <{MZ}organisation> ?org }}"  # with any partner
    everyone = [org.value for (org,) in store.stream_select(query) if isinstance(org, ox.NamedNode)]
    assert len(everyone) > 1_000  # more than one statement's worth of employers
    assert set(index.partner_relations(mezzo, everyone)) == relation_triples(store, mezzo, everyone)


def test_no_relations_for_an_employer_or_partner_without_any(index: ReleaseIndex) -> None:
    emmen = ID + "organisation/gemeente-emmen"
    assert index.partner_relations(ID + "partner/no-such-partner", [emmen]) == []
    assert index.partner_relations(ID + "partner/mezzo", []) == []
    assert index.partner_relations(ID + "partner/mezzo", [ID + "organisation/no-such-employer"]) == []
