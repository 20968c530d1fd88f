"""Every IRI dereferences through a real server: formats by Accept (q-values) and extension, statuses, headers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pyoxigraph as ox
import pytest
from pyld import jsonld

from mzgraph.entities.jsonld import context

BASE = "https://w3id.org/mzgraph/"
RESOURCES = [
    "id/organisation/gemeente-enschede",
    "id/measure/gemeente-enschede/awareness-1",
    "id/recognition/gemeente-emmen",
    "id/ambassador-role/gemeente-emmen",
    "id/partner/jong-en-veer",
    "id/partner-relation/gemeente-emmen/vpb--co-signatory",
    "id/event/dag-van-de-mantelzorg",
    "id/measure-type/calamity-leave",
    "id/scheme/measure-type",
    "def/Employer",
    "def/recognitionDate",
    "def/",
]
RDF = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
EXTENSIONS = {
    "html": "text/html",
    "jsonld": "application/ld+json",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}


def triples(response: httpx.Response) -> set[ox.Triple]:
    """The triples of an RDF response, whatever its syntax (JSON-LD expanded with pyLD)."""
    media = response.headers["content-type"].split(";")[0]
    if media == "application/ld+json":
        document = response.json()
        document["@context"] = context()
        nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "base": str(response.url)})
        return {q.triple for q in ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS)}
    return {q.triple for q in ox.parse(response.content, format=RDF[media])}


def local(path: str) -> str:
    return "/" + path


@pytest.mark.parametrize("path", RESOURCES)
@pytest.mark.parametrize("media", ["text/html", "application/ld+json", *RDF])
def test_each_resource_in_each_format_by_accept(server: str, path: str, media: str) -> None:
    response = httpx.get(server + local(path), headers={"Accept": media})
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith(media)
    assert "Accept" in response.headers["vary"]
    if media == "text/html":
        assert "<h1" in response.text and '<html lang="' in response.text
    else:
        found = triples(response)
        assert any(t.subject.value == BASE + path or t.object.value == BASE + path for t in found)
        assert response.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_extensions_choose_the_format(server: str, extension: str) -> None:
    response = httpx.get(f"{server}/id/partner/mezzo.{extension}", headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(EXTENSIONS[extension])


def test_the_ontology_answers_at_def_and_def_index(server: str) -> None:
    by_accept = httpx.get(server + "/def/", headers={"Accept": "text/turtle"})
    by_name = httpx.get(server + "/def/index.ttl")
    assert triples(by_accept) == triples(by_name)
    assert len(triples(by_name)) > 300, "the whole vocabulary, not just the ontology node"
    html = httpx.get(server + "/def/", headers={"Accept": "text/html"}).text
    assert 'action="/validate"' in html, "the overview carries the validation form"


def test_all_formats_say_the_same(server: str) -> None:
    path = "/id/organisation/regio-twente"
    graphs = [triples(httpx.get(f"{server}{path}.{ext}")) for ext in ("ttl", "nt", "rdf", "jsonld")]
    assert graphs[0] and all(g == graphs[0] for g in graphs)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle;q=0.4, application/rdf+xml;q=0.9", "application/rdf+xml"),
        ("application/ld+json;q=0.5, text/html;q=0.1", "application/ld+json"),
        ("text/*;q=0.1, text/turtle", "text/turtle"),
        ("application/json", "application/ld+json"),
        ("text/plain", "application/n-triples"),
        ("*/*", "text/html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("application/xml", "application/rdf+xml"),
        ("text/xml", "application/rdf+xml"),
        ("text/turtle, */*", "text/turtle"),
    ],
)
def test_accept_q_values_are_honoured(server: str, accept: str, expected: str) -> None:
    response = httpx.get(server + "/id/organisation/gemeente-haarlem", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "application/sparql-results+xml"),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "application/rdf+xml"),
    ],
)
def test_application_xml_is_answered_alike_by_the_endpoint_and_the_entity_pages(
    server: str, query: str, expected: str
) -> None:
    headers = {"Accept": "application/xml"}
    answer = httpx.get(server + "/sparql", params={"query": query}, headers=headers)
    entity = httpx.get(server + "/id/organisation/gemeente-haarlem", headers=headers)
    assert answer.status_code == entity.status_code == 200
    assert answer.headers["content-type"] == f"{expected}; charset=utf-8"
    assert entity.headers["content-type"] == "application/rdf+xml; charset=utf-8"  # one charset rule for both


def test_alternates_and_canonical_links(server: str) -> None:
    response = httpx.get(server + "/id/organisation/gemeente-haarlem", headers={"Accept": "text/turtle"})
    link = response.headers["link"]
    for extension in ("html", "jsonld", "nt", "rdf"):
        assert f'<{server}/id/organisation/gemeente-haarlem.{extension}>; rel="alternate"' in link
    assert ".ttl>" not in link, "the current format is not an alternate"
    assert f'<{BASE}id/organisation/gemeente-haarlem>; rel="canonical"' in link
    assert response.headers["content-location"] == f"{server}/id/organisation/gemeente-haarlem.ttl"


def test_not_acceptable_lists_what_is_offered(server: str) -> None:
    response = httpx.get(server + "/id/organisation/gemeente-haarlem", headers={"Accept": "image/png"})
    assert response.status_code == 406
    body = response.json()
    assert body["error"] == "not_acceptable" and "text/turtle" in body["detail"]["offered"]


@pytest.mark.parametrize(
    "path", ["/id/organisation/nobody", "/def/NoSuchClass", "/id/partner/mezzo/extra", "/id/organisation/%3Cscript%3E"]
)
def test_unknown_iris_are_404_in_json_or_html(server: str, path: str) -> None:
    as_json = httpx.get(server + path, headers={"Accept": "application/ld+json"})
    assert as_json.status_code == 404
    assert as_json.json()["error"] == "not_found" and as_json.json()["message"]
    as_html = httpx.get(server + path, headers={"Accept": "text/html"})
    assert as_html.status_code == 404 and "<h1" in as_html.text
    assert "<script>" not in as_html.text


def test_etag_and_last_modified_give_304(server: str) -> None:
    url = server + "/id/partner/tandem"
    first = httpx.get(url, headers={"Accept": "text/turtle"})
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = httpx.get(url, headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    since = httpx.get(url, headers={"Accept": "text/turtle", "If-Modified-Since": modified})
    assert since.status_code == 304
    older = format_datetime(datetime.now(UTC) - timedelta(days=3650), usegmt=True)
    assert httpx.get(url, headers={"Accept": "text/turtle", "If-Modified-Since": older}).status_code == 200
    other = httpx.get(url, headers={"Accept": "application/ld+json", "If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag, "each representation has its own ETag"


def test_head_answers_without_a_body(server: str) -> None:
    response = httpx.head(server + "/id/partner/tandem.ttl")
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-type"].startswith("text/turtle")


def test_descriptions_include_what_points_at_the_resource(server: str) -> None:
    found = triples(httpx.get(server + "/id/partner/jong-en-veer.ttl"))
    relations = {t.subject.value for t in found if t.predicate.value == BASE + "def/partner"}
    assert relations == {
        BASE + "id/partner-relation/gemeente-enschede/jong-en-veer--advisor",
        BASE + "id/partner-relation/regio-twente/jong-en-veer--advisor",
    }
    organisations = {t.object.value for t in found if t.predicate.value == BASE + "def/organisation"}
    assert organisations == {BASE + "id/organisation/gemeente-enschede", BASE + "id/organisation/regio-twente"}
    page = httpx.get(server + "/id/partner/jong-en-veer", headers={"Accept": "text/html"}).text
    assert "Regio Twente" in page and "Recognition advisor" in page


def test_jsonld_document_uses_the_published_context(server: str) -> None:
    document = httpx.get(server + "/id/organisation/gemeente-enschede.jsonld").json()
    assert document["@context"] == BASE + "context/v1.jsonld"
    published = httpx.get(server + "/context/v1.jsonld")
    assert published.status_code == 200 and published.headers["content-type"].startswith("application/ld+json")
    assert published.headers["access-control-allow-origin"] == "*"
    assert json.loads(published.content)["@context"] == context()


def test_a_data_answer_exposes_the_same_headers_with_or_without_an_origin(server: str) -> None:
    path = server + "/id/organisation/gemeente-enschede.jsonld"
    plain = httpx.get(path)
    from_site = httpx.get(path, headers={"Origin": "https://partner.example"})

    def exposed(response: httpx.Response) -> set[str]:
        return {h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")}

    assert plain.headers["access-control-allow-origin"] == from_site.headers["access-control-allow-origin"] == "*"
    assert exposed(plain) == exposed(from_site) >= {"etag", "link", "x-request-id", "mzgraph-truncated"}
