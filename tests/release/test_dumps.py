"""The dumps and sitemap lists of a release: the published graph exactly, never personal data, every page listed."""

from __future__ import annotations

import gzip
import hashlib

import pyoxigraph as ox
import pytest

from mzgraph.release import BadRequest, ReleaseIndex
from mzgraph.release.sitemap import CHUNK
from mzgraph.store import Store

from .test_browse import ID

FORMATS = {"nq": ox.RdfFormat.N_QUADS, "ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}
CONTACT = ID + "contact/test-contact"
NAMED = ox.NamedNode("https://example.org/graph/extra")


@pytest.fixture(scope="module")
def published(store: Store) -> set[ox.Triple]:
    """The default graph less every triple touching the contact person (from the store, not the index)."""
    return {
        t
        for t in store.stream_construct("CONSTRUCT WHERE { ?s ?p ?o }")
        if CONTACT not in (t.subject.value, t.object.value)
    }


@pytest.mark.parametrize("name", list(FORMATS))
def test_each_dump_holds_the_published_graph(index: ReleaseIndex, published: set[ox.Triple], name: str) -> None:
    dump = index.dump(name)
    quads = list(ox.parse(path=dump.path, format=FORMATS[name]))
    default = {q.triple for q in quads if q.graph_name == ox.DefaultGraph()}
    assert default == published
    assert len(default) == len([q for q in quads if q.graph_name == ox.DefaultGraph()])  # no triple twice
    named = [q for q in quads if q.graph_name != ox.DefaultGraph()]
    if name == "nq":  # N-Quads also holds the named graphs; Turtle and JSON-LD hold the default graph
        assert [q.graph_name for q in named] == [NAMED]
        assert len(quads) == index.stats().triples
    else:
        assert named == []


@pytest.mark.parametrize("name", list(FORMATS))
def test_no_dump_holds_personal_data(index: ReleaseIndex, name: str) -> None:
    for compressed in (False, True):
        data = index.dump(name, gz=compressed).path.read_bytes()
        text = gzip.decompress(data) if compressed else data
        assert b"/id/contact/" not in text and b"contact@example.org" not in text and b"Test Contactpersoon" not in text
    person = ox.NamedNode("https://w3id.org/mzgraph/def/ContactPerson")
    typed = [q for q in ox.parse(path=index.dump(name).path, format=FORMATS[name]) if q.object == person]
    assert [q for q in typed if q.predicate.value.endswith("#type")] == []


@pytest.mark.parametrize("name", list(FORMATS))
def test_the_gzip_form_is_the_plain_dump_and_sizes_and_tags_are_the_files(index: ReleaseIndex, name: str) -> None:
    plain, packed = index.dump(name), index.dump(name, gz=True)
    assert gzip.decompress(packed.path.read_bytes()) == plain.path.read_bytes()
    for dump in (plain, packed):
        data = dump.path.read_bytes()
        assert dump.size == len(data) and dump.sha256 == hashlib.sha256(data).hexdigest()
        assert dump.etag == f'"{dump.sha256[:32]}"' and dump.name == f"mzgraph.{name}"
    assert plain.etag != packed.etag and packed.gzip and not plain.gzip
    assert {d.path for d in index.dumps()} >= {plain.path, packed.path}


def test_there_is_no_other_dump(index: ReleaseIndex) -> None:
    with pytest.raises(BadRequest, match=r"mzgraph\.jsonld, mzgraph\.nq, mzgraph\.ttl"):
        index.dump("xml")


def test_the_sitemaps_list_every_entity_page_once(index: ReleaseIndex, store: Store) -> None:
    chunks = index.sitemap_chunks()
    pages = [iri for chunk in chunks for iri in index.sitemap(chunk.number)]
    assert len(pages) == len(set(pages)) == index.stats().entities == sum(c.count for c in chunks)
    assert len(chunks) >= 2 and all(c.count == CHUNK for c in chunks[:-1]) and 0 < chunks[-1].count <= CHUNK
    assert all(chunk.modified == store.release.modified for chunk in chunks)
    subjects = {
        s.value
        for (s,) in store.stream_select(
            f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), '{ID}')) }}"
        )
        if s
    }
    assert set(pages) == subjects - {CONTACT}
    employers = {item.iri for item in index.iter_all()}
    assert employers <= set(pages)
    with pytest.raises(BadRequest):
        index.sitemap(len(chunks))
