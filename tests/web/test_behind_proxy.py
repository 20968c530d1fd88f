"""Behind a real nginx (the site file shipped in ``deploy/nginx/``, rendered as an operator would), terminating TLS
with a certificate made here and publishing two ``mzgraph serve`` processes under ``/kg``: every absolute URL the
service writes is ``https://127.0.0.1:PORT/kg/...``, and every link on the pages leads there and answers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
import pyoxigraph as ox
import pytest

from common import ROOT
from tools.nginx import Proxy, certificate, nginx, render_site
from tools.servers import free_port, mzgraph_server

SITE = ROOT / "deploy" / "nginx" / "mzgraph-tls.conf"
PREFIX = "/kg"
SD_ENDPOINT = ox.NamedNode("http://www.w3.org/ns/sparql-service-description#endpoint")
SERVED = {
    "http://rdfs.org/ns/void#sparqlEndpoint",
    "http://rdfs.org/ns/void#dataDump",
    "http://www.w3.org/ns/dcat#downloadURL",
    "http://www.w3.org/ns/dcat#endpointURL",
    "http://www.w3.org/ns/dcat#landingPage",
}

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Published:
    proxy: Proxy
    client: httpx.Client

    @property
    def url(self) -> str:
        """Where clients reach the service: https, the proxy's port, the prefix."""
        return self.proxy.url("https") + PREFIX


@pytest.fixture(scope="module")
def published() -> Iterator[Published]:
    options = ("--root-path", PREFIX, "--forwarded-allow-ips", "127.0.0.1")
    with mzgraph_server(*options) as first, mzgraph_server(*options) as second, certificate() as tls:
        port = free_port()
        upstreams = [first.removeprefix("http://"), second.removeprefix("http://")]
        site = render_site(SITE.read_text(), upstreams=upstreams, port=port, tls=tls, root_path=PREFIX)
        assert "@" not in re.sub(r"#.*", "", site)  # every placeholder filled
        with nginx(site, port=port) as proxy, httpx.Client(verify=tls.client_context(), timeout=60) as client:
            yield Published(proxy, client)


class Links(HTMLParser):
    """Every ``href``, ``src`` and ``action`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in ("href", "src", "action") and value]


def links_of(html: str, page: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return [urljoin(page, link) for link in parser.found]


def test_the_service_description_names_the_endpoint_as_the_client_reaches_it(published: Published) -> None:
    answer = published.client.get(published.url + "/sparql", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    endpoints = [t.object for t in ox.parse(answer.content, format=ox.RdfFormat.TURTLE) if t.predicate == SD_ENDPOINT]
    assert endpoints == [ox.NamedNode(published.url + "/sparql")]


def test_the_dataset_description_gives_the_services_addresses_as_the_client_reaches_them(published: Published) -> None:
    answer = published.client.get(published.url + "/.well-known/void.ttl")
    assert answer.status_code == 200
    served = [
        t.object.value for t in ox.parse(answer.content, format=ox.RdfFormat.TURTLE) if t.predicate.value in SERVED
    ]
    assert len(served) == 3 + 3 + 1 + 1 + 1  # the dumps twice, the endpoint twice, the landing page
    assert all(url.startswith(published.url + "/") for url in served), served
    for url in set(served):
        assert published.client.head(url).status_code == 200, url


@pytest.mark.parametrize(
    ("path", "accept"),
    [("/organisations", "text/html"), ("/id/organisation/gemeente-enschede", "text/turtle"), ("/.well-known/void", "")],
)
def test_link_headers_and_content_location_use_the_clients_address(
    published: Published, path: str, accept: str
) -> None:
    answer = published.client.get(published.url + path, headers={"Accept": accept} if accept else {})
    assert answer.status_code == 200
    alternates = re.findall(r'<([^>]*)>; rel="alternate"', answer.headers["link"])
    assert alternates
    assert all(url.startswith(published.url + "/") for url in alternates), alternates
    if "content-location" in answer.headers:
        assert answer.headers["content-location"].startswith(published.url + "/")
    assert published.client.get(alternates[0]).status_code == 200


def test_every_link_of_the_home_page_stays_under_the_prefix_and_answers(published: Published) -> None:
    page = published.url + "/"
    answer = published.client.get(page)
    assert answer.status_code == 200
    links = links_of(answer.text, page)
    ours = [link for link in links if urlsplit(link).netloc == urlsplit(published.url).netloc]
    assert len(ours) > 20
    assert all(link.startswith(published.url + "/") for link in ours), [
        link for link in ours if not link.startswith(published.url + "/")
    ]
    for link in sorted({link.split("#")[0] for link in ours}):
        assert published.client.get(link).status_code == 200, link


def test_the_query_page_sends_queries_to_the_endpoint_under_the_prefix(published: Published) -> None:
    page = published.url + "/query"
    answer = published.client.get(page)
    config = json.loads(re.search(r'id="query-config">(.*?)</script>', answer.text, re.S).group(1))  # type: ignore[union-attr]
    assert config["endpoint"] == published.url + "/sparql"
    links = links_of(answer.text, page)
    assert all(link.startswith(published.url + "/") for link in links if "127.0.0.1" in link), links
    found = published.client.post(config["endpoint"], data={"query": "ASK { ?s ?p ?o }"})
    assert found.status_code == 200 and found.json()["boolean"] is True


def test_the_api_docs_load_their_openapi_document_under_the_prefix(published: Published) -> None:
    answer = published.client.get(published.url + "/docs")
    url = re.search(r'data-url="([^"]+)"', answer.text).group(1)  # type: ignore[union-attr]
    assert url == PREFIX + "/openapi.json"
    document = published.client.get(urljoin(published.url + "/docs", url))
    assert document.status_code == 200
    assert document.json()["servers"] == [{"url": PREFIX}]


def test_both_nodes_answered_and_nginx_passed_its_request_id(published: Published) -> None:
    answers = [published.client.get(published.url + "/healthz") for _ in range(4)]
    assert all(a.status_code == 200 and re.fullmatch(r"[0-9a-f]{32}", a.headers["x-request-id"]) for a in answers)
    nodes = {line.rsplit(" ", 1)[1] for line in published.proxy.access_log if " /kg/healthz 200 " in line}
    assert len(nodes) == 2


def test_robots_and_the_sitemaps_name_the_pages_under_the_prefix(published: Published) -> None:
    robots = published.client.get(published.url + "/robots.txt").text
    assert f"Sitemap: {published.url}/sitemap.xml" in robots
    index = published.client.get(published.url + "/sitemap.xml").text
    sitemaps = re.findall(r"<loc>([^<]+)</loc>", index)
    assert sitemaps and all(url.startswith(published.url + "/") for url in sitemaps)
    pages = re.findall(r"<loc>([^<]+)</loc>", published.client.get(sitemaps[-1]).text)
    assert pages and all(url.startswith(published.url + "/") for url in pages)
    assert published.client.head(pages[0]).status_code == 200
