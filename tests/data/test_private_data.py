"""Private contact data is unreachable unless explicitly configured; tested both ways, with invented people.

By default: not in ``/sparql`` (any form, any position), not as a page or a description, not in the
organisation pages, the search, the dumps or the VoID counts, not through ``mzgraph query``. With
``include_private`` (``--include-private``): ``/sparql`` and the contact pages show it; the dumps and VoID
still leave it out (``test_pages_http.py::test_dumps_leave_out_private_data_even_when_it_is_served``
checks the dumps' text too).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable

import httpx
import pyoxigraph as ox
import pytest

from common import PRIVATE_FIXTURES, LiveServer

EMAIL = "j.jansen@example.org"
CONTACT = "/id/contact/jan-jansen"
ORGANISATION = "/id/organisation/gemeente-emmen"
PRIVATE_CLASS = "https://w3id.org/mzgraph/def/ContactPerson"
PREFIX = "PREFIX mz: <https://w3id.org/mzgraph/def/>\nPREFIX schema: <https://schema.org/>\n"
QUERIES = {
    "contacts": PREFIX + "SELECT ?c WHERE { ?c a mz:ContactPerson }",
    "email-anywhere": PREFIX + f'SELECT ?s ?p WHERE {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "{EMAIL}")) }}',
    "emails": PREFIX + "SELECT ?e WHERE { ?s schema:email ?e }",
    "in-any-graph": PREFIX
    + "SELECT ?c WHERE { { ?c a mz:ContactPerson } UNION { GRAPH ?g { ?c a mz:ContactPerson } } }",
    "describe": f"DESCRIBE <https://w3id.org/mzgraph{CONTACT}>",
}
RUN = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def private(start_server: Callable[..., LiveServer]) -> LiveServer:
    return start_server(include_private=True, private_data=PRIVATE_FIXTURES)


def _rows(server: LiveServer, query: str) -> int:
    response = httpx.post(
        server.sparql,
        data={"query": query},
        headers={"Accept": "application/n-triples, application/sparql-results+json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    if response.headers["content-type"].startswith("application/n-triples"):
        return len(response.text.splitlines())
    return len(response.json()["results"]["bindings"])


def _void_triples(server: LiveServer) -> int:
    void = httpx.get(server.url + "/.well-known/void", headers={"Accept": "application/n-triples"}, timeout=30)
    counts = [
        int(t.object.value)
        for t in ox.parse(void.content, format=ox.RdfFormat.N_TRIPLES)
        if t.predicate.value == "http://rdfs.org/ns/void#triples"
    ]
    return max(counts)


@pytest.mark.parametrize("name", list(QUERIES))
def test_sparql_finds_no_contact_data_by_default_and_finds_it_when_configured(
    name: str, live_server: LiveServer, private: LiveServer
) -> None:
    assert _rows(live_server, QUERIES[name]) == 0
    assert _rows(private, QUERIES[name]) > 0


def test_contact_pages_are_404_by_default_and_served_when_configured(
    live_server: LiveServer, private: LiveServer
) -> None:
    for suffix in ("", ".ttl", ".jsonld"):
        response = httpx.get(live_server.url + CONTACT + suffix, timeout=30)
        assert response.status_code == 404 and EMAIL not in response.text
        assert httpx.get(private.url + CONTACT + suffix, timeout=30).status_code == 200
    assert EMAIL in httpx.get(private.url + CONTACT + ".ttl", timeout=30).text


def test_organisation_pages_and_search_never_show_contacts_by_default(live_server: LiveServer) -> None:
    for path in (ORGANISATION, ORGANISATION + ".ttl", ORGANISATION + ".jsonld"):
        text = httpx.get(live_server.url + path, timeout=30).text
        assert EMAIL not in text and "/id/contact/" not in text and "Jansen" not in text, path
    found = httpx.get(live_server.url + "/organisations.json", params={"q": "Jansen"}, timeout=30).json()
    assert found["total"] == 0 and found["items"] == []  # the search echoes its words, but finds no contact


def test_dumps_and_void_counts_hold_the_same_public_graph_either_way(
    live_server: LiveServer, private: LiveServer
) -> None:
    for server in (live_server, private):
        dump = httpx.get(server.url + "/download/mzgraph.nq", timeout=60)
        quads = list(ox.parse(dump.content, format=ox.RdfFormat.N_QUADS))
        assert not [q for q in quads if "/id/contact/" in str(q) or EMAIL in str(q)]
        assert not [q for q in quads if q.object == ox.NamedNode(PRIVATE_CLASS) and q.predicate.value.endswith("type")]
        assert _void_triples(server) == len(quads)
    assert _void_triples(live_server) == _void_triples(private)


def test_mzgraph_query_needs_include_private(mzgraph: RUN) -> None:
    query = QUERIES["contacts"]
    default = mzgraph("query", "-", "--format", "csv", input=query)
    assert default.returncode == 0 and default.stdout.strip() == "c", default.stderr
    private = ["--include-private", "--private-data", str(PRIVATE_FIXTURES)]
    configured = mzgraph("query", "-", "--format", "csv", *private, input=query)
    assert configured.returncode == 0, configured.stderr
    assert re.search(r"/id/contact/jan-jansen\r?$", configured.stdout, re.M)
