"""The w3id redirects of ``deploy/w3id/.htaccess``, run by a real Apache httpd on 127.0.0.1 and followed to a real
mzgraph server: each IRI kind, each ``Accept``, lands on the representation asked for."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from common import ROOT, LiveServer
from tools.servers import apache_server

HTACCESS = ROOT / "deploy" / "w3id" / ".htaccess"
PLACEHOLDER = "E=MZGRAPH_SITE:https://mzgraph.example.org]"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CASES = [
    # (path under the w3id prefix, Accept, status, where it goes on the site, the media type served there)
    ("id/organisation/gemeente-emmen", BROWSER, 303, "/id/organisation/gemeente-emmen", "text/html"),
    (
        "id/organisation/gemeente-emmen",
        "application/ld+json",
        303,
        "/id/organisation/gemeente-emmen.jsonld",
        "application/ld+json",
    ),
    ("id/organisation/gemeente-emmen", "text/turtle", 303, "/id/organisation/gemeente-emmen.ttl", "text/turtle"),
    (
        "id/organisation/gemeente-emmen",
        "application/n-triples",
        303,
        "/id/organisation/gemeente-emmen.nt",
        "application/n-triples",
    ),
    (
        "id/organisation/gemeente-emmen",
        "application/rdf+xml",
        303,
        "/id/organisation/gemeente-emmen.rdf",
        "application/rdf+xml",
    ),
    (
        "id/partner/mezzo",
        "application/ld+json;q=1, text/turtle;q=0.5",
        303,
        "/id/partner/mezzo.jsonld",
        "application/ld+json",
    ),
    ("id/partner/mezzo", "*/*", 303, "/id/partner/mezzo", None),
    ("id/partner/mezzo.ttl", BROWSER, 302, "/id/partner/mezzo.ttl", "text/turtle"),
    ("def/Employer", BROWSER, 303, "/def/Employer", "text/html"),
    ("def/Employer", "application/ld+json", 303, "/def/Employer.jsonld", "application/ld+json"),
    ("def/Employer", "text/turtle", 303, "/def/Employer.ttl", "text/turtle"),
    ("def/Employer", "application/n-triples", 303, "/def/Employer.nt", "application/n-triples"),
    ("def/Employer", "application/rdf+xml", 303, "/def/Employer.rdf", "application/rdf+xml"),
    ("def/", BROWSER, 303, "/def/", "text/html"),
    ("def/", "text/turtle", 303, "/def/index.ttl", "text/turtle"),
    ("def/", "application/ld+json", 303, "/def/index.jsonld", "application/ld+json"),
    ("def/", "application/n-triples", 303, "/def/index.nt", "application/n-triples"),
    ("def/", "application/rdf+xml", 303, "/def/index.rdf", "application/rdf+xml"),
    ("def", "text/turtle", 303, "/def/index.ttl", "text/turtle"),
    ("context/v1.jsonld", "application/ld+json", 302, "/context/v1.jsonld", "application/ld+json"),
    ("context/v1.jsonld", BROWSER, 302, "/context/v1.jsonld", "application/ld+json"),
    ("context/v1.jsonld", "*/*", 302, "/context/v1.jsonld", "application/ld+json"),
    ("", BROWSER, 302, "/", "text/html"),
]


@pytest.fixture(scope="module")
def w3id(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The w3id prefix ``/mzgraph/`` on Apache, redirecting to the live server (the one line a move changes)."""
    htdocs = tmp_path_factory.mktemp("w3id")
    text = HTACCESS.read_text("utf-8")
    assert text.count(PLACEHOLDER) == 1
    (htdocs / "mzgraph").mkdir()
    (htdocs / "mzgraph" / ".htaccess").write_text(text.replace(PLACEHOLDER, f"E=MZGRAPH_SITE:{live_server.url}]"))
    with apache_server(htdocs) as url:
        yield url + "/mzgraph/"


@pytest.mark.parametrize(("path", "accept", "status", "target", "served"), CASES)
def test_each_iri_redirects_to_the_representation_asked_for(
    w3id: str, live_server: LiveServer, path: str, accept: str, status: int, target: str, served: str | None
) -> None:
    headers = {"Accept": accept}
    redirect = httpx.get(w3id + path, headers=headers, timeout=60)
    assert redirect.status_code == status, redirect.text
    assert redirect.headers["location"] == live_server.url + target
    assert redirect.headers["access-control-allow-origin"] == "*"
    assert "Accept" in redirect.headers["vary"]
    landed = httpx.get(w3id + path, headers=headers, follow_redirects=True, timeout=60)
    assert landed.status_code == 200
    if served is not None:
        assert landed.headers["content-type"].split(";")[0] == served


def test_the_site_is_named_once_and_is_an_https_url() -> None:
    """The README's one change: the line that names the site, an absolute https URL without a trailing slash."""
    lines = [line for line in HTACCESS.read_text("utf-8").splitlines() if "MZGRAPH_SITE:" in line]
    assert lines == [f"RewriteRule ^ - [{PLACEHOLDER}"]
    readme = (HTACCESS.parent / "README.md").read_text("utf-8")
    assert "MZGRAPH_SITE" in readme and "--base-iri" in readme and "https://w3id.org/mzgraph/" in readme
