"""The pages through a real server: home, organisation, partner, concept, term, overview, browse, dataset."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from mzgraph.bundled import data_dir

BASE = "https://w3id.org/mzgraph/"
HTML = {"Accept": "text/html"}


def page(server: str, path: str, lang: str = "en") -> str:
    response = httpx.get(server + path, headers={**HTML, "Accept-Language": lang})
    assert response.status_code == 200, response.text[:500]
    return response.text


def schema_org(text: str) -> dict[str, object]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert match, "every page embeds schema.org JSON-LD"
    data: dict[str, object] = json.loads(match.group(1))
    return data


def test_home_shows_counts_groups_and_links(server: str) -> None:
    text = page(server, "/")
    for count, what in [(5, "recognised employers"), (2, "ambassadors"), (87, "measures"), (16, "partner bodies")]:
        assert re.search(rf'<span class="n">{count}</span><span class="what">{what}', text)
    for link in ("/organisations", "/query", "/download/mzgraph.ttl", "/.well-known/void", "/sparql"):
        assert f'href="{link}"' in text
    assert "<svg" in text and "Tailored solutions" in text
    assert schema_org(text)["@type"] == "Dataset"


def test_language_follows_accept_language_and_the_switch(server: str) -> None:
    dutch = page(server, "/", lang="nl-NL,nl;q=0.9,en;q=0.5")
    assert '<html lang="nl">' in dutch and "erkende werkgevers" in dutch and "Maatwerkoplossingen" in dutch
    english = page(server, "/?lang=en", lang="nl")
    assert '<html lang="en">' in english and "Tailored solutions" in english
    fallback = page(server, "/id/organisation/gemeente-enschede", lang="fr")
    assert "Municipality of Enschede" in fallback or "Gemeente Enschede" in fallback


def test_organisation_page_sections(server: str) -> None:
    text = page(server, "/id/organisation/gemeente-emmen")
    for section in ("facts", "measures", "passages", "recognition", "ambassador", "partners", "source", "quality"):
        assert f'id="{section}"' in text, section
    for group in ("awareness", "dialogue", "tailored-solutions", "embedding"):
        assert f'id="group-{group}"' in text
    assert "Ambassador since December 2010" in text, "the month, at the precision of the source"
    assert "Schouten &amp; Nelissen Research" in text and "Research agency" in text
    digest = hashlib.sha256((data_dir() / "sources" / "gemeente-emmen.txt").read_bytes()).hexdigest()
    assert "gemeente-emmen.txt" in text and digest in text
    assert re.search(r"line 2[0-9]", text), "each measure cites its line"
    assert "Conforms" in text, "SHACL conformance of this node and its parts"
    data = schema_org(text)
    assert data["@type"] == "GovernmentOrganization" and data["@id"] == BASE + "id/organisation/gemeente-emmen"


def test_figures_show_approximation_and_conflict(server: str) -> None:
    text = page(server, "/id/organisation/regio-twente")
    assert "628,000" in text and "625,000" in text
    assert "More than" in text, "the approximation marker"
    assert "The source also gives" in text, "the contradiction is made visible"
    dutch = page(server, "/id/organisation/regio-twente", lang="nl")
    assert "628.000" in dutch and "Ruim" in dutch


def test_truncated_measure_is_flagged(server: str) -> None:
    assert "cut off in the source" in page(server, "/id/organisation/gemeente-haarlem")


def test_partner_page_lists_employers_and_roles(server: str) -> None:
    text = page(server, "/id/partner/welzijngroep-sedna")
    assert "Works with 1 employers" in text or "Works with 1 employer" in text
    assert "Municipality of Emmen" in text and "Co-signatory" in text and "Referral point" in text
    assert schema_org(text)["@type"] == "Organization"


def test_concept_page_lists_organisations_offering_it(server: str) -> None:
    text = page(server, "/id/measure-type/leave")
    assert "Emergency leave" in text, "narrower concepts"
    for org in ("Municipality of Emmen", "Municipality of Haarlem", "Municipality of Enschede"):
        assert org in text
    assert "/organisations?category=" in text
    assert schema_org(text)["@type"] == "DefinedTerm"


def test_term_page_has_domain_range_usage_and_rules(server: str) -> None:
    text = page(server, "/def/recognition")
    assert "employer" in text and "recognition" in text
    assert '<span class="n">5</span><span class="what">triples use it as property' in text
    employer = page(server, "/def/Employer")
    assert '<span class="n">5</span><span class="what">Instances' in employer
    assert 'class="req must"' in employer


def test_ontology_overview_generated_from_ontology_and_shapes(server: str) -> None:
    text = page(server, "/def/")
    assert "mzgraph: carer-friendly employers" in text
    assert text.count('<article class="panel class-panel"') >= 15, "one panel per class"
    assert "5 / 5" in text, "live coverage: every employer has a recognition"
    assert 'name="data"' in text and 'action="/validate"' in text


def test_scheme_page_is_a_tree(server: str) -> None:
    text = page(server, "/id/scheme/measure-type")
    assert 'class="d1"' in text and "Emergency leave" in text


def test_measure_page_quotes_the_text_and_its_organisation(server: str) -> None:
    text = page(server, "/id/measure/gemeente-haarlem/tailored-1")
    assert '<blockquote class="quote panel"' in text and "Municipality of Haarlem" in text


def test_browse_search_facets_sort_and_pages(server: str) -> None:
    text = page(server, "/organisations?q=verlof&sort=-measures")
    assert "3 organisations" in text and "<mark>verlof</mark>" in text
    names = re.findall(r'<h3><a href="/id/organisation/([a-z-]+)">', text)
    assert names == ["gemeente-emmen", "gemeente-haarlem", "gemeente-enschede"]
    for facet in ("Measure type", "Partner", "Province", "Year recognised", "Ambassador"):
        assert f"<summary>{facet}</summary>" in text
    paged = page(server, "/organisations?size=2&page=2")
    assert 'aria-current="page">2<' in paged and len(re.findall(r'<li class="result-item">', paged)) == 2


def test_browse_as_json_and_csv(server: str) -> None:
    data = httpx.get(server + "/organisations.json?ambassador=yes").json()
    assert data["total"] == 2 and {i["name"] for i in data["items"]} == {
        "Municipality of Amersfoort",
        "Municipality of Emmen",
    }
    emmen = next(i for i in data["items"] if i["id"].endswith("emmen"))
    assert emmen["ambassadorSince"] == "2010-12" and emmen["measuresByGroup"]["tailored-solutions"] == 9
    assert {f["label"] for f in data["facets"]["province"]} == {"Drenthe", "Utrecht"}
    response = httpx.get(server + "/organisations.csv?year=2011&sort=name")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["name"] for r in rows] == ["Municipality of Amersfoort", "Municipality of Enschede"]
    assert rows[0]["awareness"].isdigit()


@pytest.mark.parametrize(
    "query",
    ["year=abc", "sort=evil", "ambassador=maybe", "page=0", "size=100000", "category=not%20an%20iri", "q=" + "x" * 300],
)
def test_browse_rejects_bad_parameters_with_a_message(server: str, query: str) -> None:
    response = httpx.get(f"{server}/organisations.json?{query}")
    assert response.status_code == 400
    assert response.json()["error"] == "bad_parameter" and response.json()["message"]


def test_dumps_parse_and_hold_the_published_graph(server: str) -> None:
    sizes = {}
    for extension, fmt in (
        ("ttl", ox.RdfFormat.TURTLE),
        ("nq", ox.RdfFormat.N_QUADS),
        ("jsonld", ox.RdfFormat.JSON_LD),
    ):
        response = httpx.get(f"{server}/download/mzgraph.{extension}")
        assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"
        sizes[extension] = len({q.triple for q in ox.parse(response.content, format=fmt)})
    assert sizes["ttl"] == sizes["nq"] == sizes["jsonld"] > 3000
    again = httpx.get(f"{server}/download/mzgraph.ttl", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 200, "another format's ETag does not match"


def test_dumps_leave_out_private_data_even_when_it_is_served(private_server: str) -> None:
    for extension in ("ttl", "nq", "jsonld"):
        text = httpx.get(f"{private_server}/download/mzgraph.{extension}").text
        assert "j.jansen@example.org" not in text and "/id/contact/" not in text
    void = httpx.get(private_server + "/.well-known/void").text
    assert "mz:ContactPerson" not in void


def test_void_describes_the_dataset(server: str) -> None:
    response = httpx.get(server + "/.well-known/void", headers={"Accept": "text/turtle"})
    graph = {q.triple for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}
    values = {(t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], t.object.value) for t in graph}
    # the data under its canonical base; the services where this client reaches them
    assert ("uriSpace", BASE) in values and ("sparqlEndpoint", server + "/sparql") in values
    assert {v for p, v in values if p == "dataDump"} == {
        server + "/download/mzgraph." + e for e in ("ttl", "nq", "jsonld")
    }
    assert ("license", "https://creativecommons.org/publicdomain/zero/1.0/") in values
    triples = next(int(v) for p, v in values if p == "triples")
    dump = httpx.get(server + "/download/mzgraph.ttl").content
    assert triples == len(list(ox.parse(dump, format=ox.RdfFormat.TURTLE)))
    assert sum(1 for p, _ in values if p == "source") == 5
    assert httpx.get(server + "/.well-known/void", headers=HTML).headers["content-type"].startswith("text/html")


BAD_TURTLE = b"""@prefix mz: <https://w3id.org/mzgraph/def/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/mzgraph/id/organisation/test> a mz:Municipality ; rdfs:label "Test"@nl ."""


def test_validate_reports_as_json_turtle_and_html(server: str) -> None:
    headers = {"Content-Type": "text/turtle"}
    report = httpx.post(server + "/validate", content=BAD_TURTLE, headers=headers, timeout=60).json()
    assert report["conforms"] is False
    assert any(r["path"] == "<https://w3id.org/mzgraph/def/recognition>" for r in report["results"])
    organisation = "https://w3id.org/mzgraph/id/organisation/test"
    assert {r["line"] for r in report["results"] if r["focus"] == organisation} == {3}  # where it is a subject
    turtle = httpx.post(server + "/validate", content=BAD_TURTLE, headers={**headers, "Accept": "text/turtle"})
    assert "sh:conforms false" in turtle.text or "conforms> false" in turtle.text
    as_html = httpx.post(server + "/validate", content=BAD_TURTLE, headers={**headers, **HTML}, timeout=60)
    assert as_html.status_code == 200 and "does not conform" in as_html.text


def test_validate_the_form_post(server: str) -> None:
    form = {"data": BAD_TURTLE.decode(), "format": "text/turtle", "with_data": "yes"}
    response = httpx.post(server + "/validate", data=form, headers=HTML, timeout=60)
    assert response.status_code == 200 and "Validation report" in response.text
    assert "(line 3)" in response.text


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"@prefix : <x", "text/turtle", 400, "unreadable_document"),
        (
            b'{"@context": "https://example.org/c.jsonld", "@id": "https://e/x"}',
            "application/ld+json",
            400,
            "unreadable_document",
        ),
        (b"<a/>", "application/xml", 415, "unsupported_media_type"),
        (b"   ", "text/turtle", 400, "empty_document"),
        (b"#" * 2_100_000, "text/turtle", 413, "too_large"),
    ],
)
def test_validate_refuses_what_it_cannot_use(
    server: str, body: bytes, content_type: str, status: int, code: str
) -> None:
    response = httpx.post(server + "/validate", content=body, headers={"Content-Type": content_type})
    assert response.status_code == status and response.json()["error"] == code


def test_strings_from_data_are_escaped_everywhere(hostile_server: str) -> None:
    text = page(hostile_server, "/id/organisation/hostile", lang="nl")
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;img src=x onerror=alert(&#39;text&#39;)&gt;" in text
    assert 'href="javascript:' not in text.lower()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert script and json.loads(script.group(1))["name"].startswith("Gemeente </script>")
    english = page(hostile_server, "/id/organisation/hostile", lang="en")
    assert 'onmouseover="alert' not in english
    assert "Hostile &#34; onmouseover=&#34;alert(1)" in english
    partner = page(hostile_server, "/id/partner/hostile-partner")
    assert "<b>bold</b>" not in partner and 'href="javascript:' not in partner.lower()
    browse = page(hostile_server, "/organisations?q=%3Cscript%3E")
    assert "<script>" not in browse.split("<main", 1)[1]


def test_the_picked_language_is_remembered(server: str) -> None:
    with httpx.Client(base_url=server, headers={**HTML, "Accept-Language": "en"}) as client:
        assert '<html lang="nl">' in client.get("/?lang=nl").text
        assert '<html lang="nl">' in client.get("/organisations").text, "the cookie carries the choice"
        assert '<html lang="en">' in client.get("/organisations?lang=en").text


def test_the_list_by_accept(server: str) -> None:
    as_json = httpx.get(server + "/organisations?ambassador=no", headers={"Accept": "application/json"})
    assert as_json.headers["content-type"].startswith("application/json") and as_json.json()["total"] == 3
    assert "Accept" in as_json.headers["vary"]
    as_csv = httpx.get(server + "/organisations", headers={"Accept": "text/csv"})
    assert as_csv.text.startswith("id,name,type")
    assert httpx.get(server + "/organisations", headers={"Accept": "image/png"}).status_code == 406


def test_answers_are_kept_for_the_release(live_server: Any) -> None:
    services = live_server.app.state.page_services
    url = live_server.url + "/id/partner/tandem"
    first = httpx.get(url, headers={"Accept": "text/turtle"})
    kept = services.release_cache()["responses"]
    size = len(kept)
    again = httpx.get(url, headers={"Accept": "text/turtle"})
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert len(kept) == size, "the second answer came from the cache"
    assert httpx.get(url, headers={"Accept": "text/html"}).headers["content-type"].startswith("text/html")
    assert len(kept) == size + 1, "another representation is another answer"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/", "Dataset"),
        ("/organisations", "ItemList"),
        ("/id/organisation/regio-twente", "GovernmentOrganization"),
        ("/id/partner/tandem", "Organization"),
        ("/id/measure-type/leave", "DefinedTerm"),
        ("/id/scheme/measure-type", "DefinedTermSet"),
        ("/def/Employer", "DefinedTerm"),
        ("/def/", "DefinedTermSet"),
        ("/id/event/dag-van-de-mantelzorg", "Thing"),
        ("/.well-known/void", "Dataset"),
    ],
)
def test_every_page_embeds_schema_org(server: str, path: str, kind: str) -> None:
    assert schema_org(page(server, path))["@type"] == kind


def test_validate_json_ld_with_an_inline_context(server: str) -> None:
    document = {
        "@context": {"mz": "https://w3id.org/mzgraph/def/"},
        "@id": "https://w3id.org/mzgraph/id/organisation/x",
        "@type": "mz:Municipality",
    }
    response = httpx.post(
        server + "/validate", json=document, headers={"Content-Type": "application/ld+json"}, timeout=60
    )
    assert response.status_code == 200 and response.json()["conforms"] is False
