"""What crawlers read, through a real server: robots.txt, the sitemaps, canonical links and rel=nofollow.

The sitemaps are checked against the sitemaps protocol's schemas (``tests/fixtures/crawlers``) and against the
graph itself (every subject under ``{base}id/``), on the bundled graph and with 50,500 generated places (more than
50,000 entity pages, so more than one sitemap file). ``robots.txt`` is read with the matching rules of RFC 9309
(longest match wins, ``*`` and ``$``), as the large crawlers read it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from lxml import etree, html

from common import FIXTURES, LiveServer
from mzgraph.bundled import bundled_graph_files
from mzgraph.config import DEFAULT_BASE_IRI
from mzgraph.rdf.reading import read_files
from tools.nginx import certificate, nginx, render_site
from tools.servers import free_port, mzgraph_server

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
LIMIT = 50_000
"""URLs per sitemap file, the protocol's limit."""
ID = DEFAULT_BASE_IRI + "id/"
SUBJECTS = f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), '{ID}')) }}"
PAGES = {
    "home": "/",
    "browse": "/organisations",
    "organisation": "/id/organisation/regio-twente",
    "partner": "/id/partner/jong-en-veer",
    "concept": "/id/measure-type/leave",
    "group": "/id/measure-group/awareness",
    "scheme": "/id/scheme/measure-type",
    "ontology": "/def/",
    "term": "/def/Employer",
    "void": "/.well-known/void",
    "query": "/query",
    "docs": "/docs",
}
HTML = {"Accept": "text/html"}


def get(url: str, **options: Any) -> httpx.Response:
    """``httpx.get`` with time for a page of a busy machine."""
    return httpx.get(url, timeout=60, **options)


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(FIXTURES / "crawlers" / f"{name}.xsd")))


def valid(document: bytes, name: str) -> etree._Element:
    """``document`` parsed, after checking it against the protocol's schema ``name`` (sitemap or siteindex)."""
    tree = etree.fromstring(document)
    checker = schema(name)
    assert checker.validate(tree), checker.error_log
    return tree


def robots_allows(robots: str, path: str) -> bool:
    """Whether ``robots`` (one group, for ``*``) lets a crawler fetch ``path``: RFC 9309 section 2.2.2."""
    best: tuple[int, bool] = (-1, True)
    for line in robots.splitlines():
        field, _, value = line.partition(":")
        rule, value = field.strip().lower(), value.strip()
        if rule not in ("allow", "disallow") or not value:
            continue
        pattern = re.escape(value).replace(r"\*", ".*")
        pattern = pattern[:-2] + "$" if pattern.endswith(r"\$") else pattern
        if re.match(pattern, path) and (len(value), rule == "allow") > best:
            best = (len(value), rule == "allow")
    return best[1]


def sitemap_urls(base: str, headers: dict[str, str] | None = None) -> tuple[list[str], list[datetime]]:
    """Every URL the sitemaps of the server at ``base`` list (schemas checked), and every lastmod found."""
    index = get(base + "/sitemap.xml", headers=headers)
    assert index.status_code == 200 and index.headers["content-type"].startswith("application/xml")
    tree = valid(index.content, "siteindex")
    urls: list[str] = []
    dates = [datetime.fromisoformat(d) for d in tree.xpath("//s:lastmod/text()", namespaces=NS)]
    for loc in tree.xpath("//s:sitemap/s:loc/text()", namespaces=NS):
        part = get(str(loc).replace(_origin(str(loc)), base), headers=headers)
        assert part.status_code == 200, loc
        found = valid(part.content, "sitemap")
        listed = found.xpath("//s:url/s:loc/text()", namespaces=NS)
        assert 0 < len(listed) <= LIMIT
        urls += [str(u) for u in listed]
        dates += [datetime.fromisoformat(d) for d in found.xpath("//s:lastmod/text()", namespaces=NS)]
    return urls, dates


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def entity_subjects(server: LiveServer) -> set[str]:
    """Every subject under ``{base}id/``, asked of the server's own SPARQL endpoint."""
    answer = get(server.sparql, params={"query": SUBJECTS}, headers={"Accept": "text/csv"}).raise_for_status()
    return set(answer.text.split("\r\n")[1:]) - {""}


def test_robots_opens_entity_pages_vocabulary_and_dumps_and_closes_query_strings_and_services(
    live_server: LiveServer,
) -> None:
    answer = get(live_server.url + "/robots.txt")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    robots = answer.text
    for path in ("/id/organisation/gemeente-emmen", "/def/Employer", "/def/", "/download/mzgraph.nq.gz"):
        assert robots_allows(robots, path), path
    for path in ("/id/organisation/gemeente-emmen?lang=nl", "/organisations?lang=en"):
        assert robots_allows(robots, path), path  # each language of a page is a page
    closed = (
        "/organisations?category=x",
        "/organisations?lang=nl&sort=-name",
        "/organisations?cursor=abc",
        "/id/partner/mezzo?lang=nl&x=1",
        "/def/Employer?sort=x",
        "/download/mzgraph.nq?x",
        "/sparql",
        "/sparql?query=ASK{}",
        "/query",
        "/queries/organisations-by-measure-type",
        "/docs",
    )
    for path in closed:
        assert not robots_allows(robots, path), path


def test_robots_names_the_sitemap_at_the_address_the_client_used(live_server: LiveServer) -> None:
    robots = get(live_server.url + "/robots.txt").text
    assert f"Sitemap: {live_server.url}/sitemap.xml" in robots.splitlines()
    elsewhere = get(live_server.url + "/robots.txt", headers={"Host": "data.example.org:8443"}).text
    assert "Sitemap: http://data.example.org:8443/sitemap.xml" in elsewhere.splitlines()


def test_the_sitemaps_list_every_entity_page_and_the_site_pages_once(live_server: LiveServer) -> None:
    urls, dates = sitemap_urls(live_server.url)
    assert len(urls) == len(set(urls))
    pages = {url.removeprefix(live_server.url) for url in urls}
    entities = {iri.removeprefix(DEFAULT_BASE_IRI.rstrip("/")) for iri in entity_subjects(live_server)}
    assert {p for p in pages if p.startswith("/id/")} == entities
    assert {"/", "/organisations", "/def/", "/.well-known/void"} <= pages
    assert len(set(dates)) == 1 and dates[0].tzinfo is not None  # one release, one date
    for path in ["/", "/organisations", "/def/", *sorted(entities)[::40]]:
        page = get(live_server.url + path, headers=HTML)
        assert page.status_code == 200, path


def test_the_sitemaps_use_the_address_the_client_used(live_server: LiveServer) -> None:
    host = {"Host": "data.example.org"}
    urls, _ = sitemap_urls(live_server.url, host)
    assert urls and all(url.startswith("http://data.example.org/") for url in urls)
    assert get(live_server.url + "/sitemap.xml").text.count(live_server.url) >= 2  # not a cached copy


def test_sitemaps_answer_conditional_requests_and_refuse_numbers_past_the_last(live_server: LiveServer) -> None:
    first = get(live_server.url + "/sitemap-1.xml")
    assert first.status_code == 200 and first.headers["etag"]
    again = get(live_server.url + "/sitemap-1.xml", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert httpx.head(live_server.url + "/sitemap.xml").status_code == 200
    for number in ("2", "0", "99999999"):
        missing = get(live_server.url + f"/sitemap-{number}.xml", headers={"Accept": "application/json"})
        assert missing.status_code == 404, number
        assert missing.json()["error"] == "not_found" and "/sitemap.xml" in missing.json()["message"]


@dataclass(frozen=True)
class LargeSite:
    server: LiveServer
    subjects: set[str]
    """Every subject IRI under ``{base}id/``, read from the loaded files."""


PLACES = 50_500
"""Generated places, each an entity page of its own: with the bundled graph's, more than 50,000 pages."""


@pytest.fixture(scope="module")
def large(start_server: Callable[..., LiveServer], tmp_path_factory: pytest.TempPathFactory) -> LargeSite:
    """The bundled graph and 50,500 generated places (a label and a type each): more than 50,000 entity pages,
    made and served in seconds (the sitemaps list subjects, whatever they describe)."""
    folder = tmp_path_factory.mktemp("crawlers")
    generated = folder / "places.nt"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    kind = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/Place>"
    with generated.open("w", encoding="utf-8") as out:
        for n in range(PLACES):
            out.write(f'<{ID}place/generated-{n}> {label} "Plaats {n}"@nl .\n<{ID}place/generated-{n}> {kind} .\n')
    files = [*bundled_graph_files(), generated]
    subjects = {str(q.subject.value) for q in read_files(files) if str(q.subject.value).startswith(ID)}
    return LargeSite(start_server(data_paths=files, index_path=folder / "index"), subjects)


def test_more_than_50000_entity_pages_are_split_into_sitemaps_of_at_most_50000(large: LargeSite) -> None:
    url = large.server.url
    index = valid(get(url + "/sitemap.xml").content, "siteindex")
    locs = index.xpath("//s:sitemap/s:loc/text()", namespaces=NS)
    assert len(locs) >= 3  # the site's pages and at least two files of entity pages
    urls, _ = sitemap_urls(url)
    entity_pages = [page.removeprefix(url) for page in urls if page.startswith(url + "/id/")]
    assert len(large.subjects) > LIMIT
    assert len(entity_pages) == len(set(entity_pages)) == len(large.subjects)
    assert set(entity_pages) == {iri.removeprefix(DEFAULT_BASE_IRI.rstrip("/")) for iri in large.subjects}
    first = valid(get(url + "/sitemap-1.xml").content, "sitemap")
    assert len(first.xpath("//s:url", namespaces=NS)) == LIMIT


def canonical_of(document: str) -> list[str]:
    return [str(link) for link in html.fromstring(document).xpath("//head/link[@rel='canonical']/@href")]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_names_its_canonical_url_without_crawl_parameters(live_server: LiveServer, name: str) -> None:
    path = PAGES[name]
    noisy = path + "?sort=-name&category=x&cursor=abc&page=3&q=verlof&size=5"
    page = get(live_server.url + noisy, headers=HTML)
    assert page.status_code in (200, 400), page.status_code
    assert canonical_of(page.text) == [live_server.url + path]
    dutch = get(live_server.url + path + "?lang=nl&sort=name", headers=HTML)
    in_dutch = "" if name == "docs" else "?lang=nl"  # the API docs are in English only
    assert canonical_of(dutch.text) == [live_server.url + path + in_dutch]
    tree = html.fromstring(dutch.text)
    hreflang = {str(link.get("hreflang")): str(link.get("href")) for link in tree.xpath("//head/link[@hreflang]")}
    if name != "docs":
        assert hreflang == {
            "en": live_server.url + path + "?lang=en",
            "nl": live_server.url + path + "?lang=nl",
            "x-default": live_server.url + path,
        }
    elsewhere = get(live_server.url + path, headers={**HTML, "Host": "mz.example.org"})
    assert canonical_of(elsewhere.text) == ["http://mz.example.org" + path]


def test_error_and_validation_pages_have_a_canonical_url_and_error_pages_are_not_indexed(
    live_server: LiveServer,
) -> None:
    missing = get(live_server.url + "/id/organisation/nobody?lang=nl&sort=x", headers=HTML)
    assert missing.status_code == 404
    assert canonical_of(missing.text) == [live_server.url + "/id/organisation/nobody?lang=nl"]
    assert html.fromstring(missing.text).xpath("//meta[@name='robots']/@content") == ["noindex"]
    report = httpx.post(
        live_server.url + "/validate",
        timeout=60,
        content=b"<https://example.org/x> a <https://w3id.org/mzgraph/def/Employer> .",
        headers={**HTML, "Content-Type": "text/turtle"},
    )
    assert report.status_code == 200
    assert canonical_of(report.text) == [live_server.url + "/validate"]
    ok = get(live_server.url + "/organisations", headers=HTML)
    assert not html.fromstring(ok.text).xpath("//meta[@name='robots']")


def test_facet_sort_and_filter_links_are_nofollow(live_server: LiveServer) -> None:
    browse = html.fromstring(get(live_server.url + "/organisations?ambassador=yes", headers=HTML).text)
    facet_links = browse.xpath("//aside[contains(@class, 'facets')]//a")
    assert facet_links and all("nofollow" in str(a.get("rel", "")).split() for a in facet_links)
    chips = browse.xpath("//*[contains(@class, 'chips')]//a")
    assert chips and all("nofollow" in str(a.get("rel", "")).split() for a in chips)
    crawl_links = [a for a in browse.xpath("//a[@href]") if "?" in str(a.get("href")) and not _lang_only(a)]
    assert crawl_links and all("nofollow" in str(a.get("rel", "")).split() for a in crawl_links)
    for path in ("/id/measure-type/leave", "/"):
        tree = html.fromstring(get(live_server.url + path, headers=HTML).text)
        filtered = [a for a in tree.xpath("//a[@href]") if str(a.get("href")).startswith("/organisations?")]
        assert filtered and all("nofollow" in str(a.get("rel", "")).split() for a in filtered), path


@pytest.mark.parametrize("path", [*PAGES.values(), "/organisations?ambassador=yes&q=verlof&sort=-name"])
def test_every_link_into_a_query_string_is_nofollow_on_every_page(live_server: LiveServer, path: str) -> None:
    tree = html.fromstring(get(live_server.url + path, headers=HTML).text)
    crawl_links = [a for a in tree.xpath("//a[@href]") if "?" in str(a.get("href")) and not _lang_only(a)]
    followed = [str(a.get("href")) for a in crawl_links if "nofollow" not in str(a.get("rel", "")).split()]
    assert not followed, followed[:10]
    languages = [a for a in tree.xpath("//nav[contains(@class, 'lang')]//a") if _lang_only(a)]
    assert path == "/docs" or len(languages) == 2 or "?" in path  # the language versions stay followable


def _lang_only(anchor: html.HtmlElement) -> bool:
    """A link to this page in another language (``?lang=xx`` alone), which crawlers may follow."""
    return re.fullmatch(r"[^?]*\?lang=[a-z]{2}", str(anchor.get("href"))) is not None


def test_robots_and_sitemap_paths_are_not_in_the_api_description(live_server: LiveServer) -> None:
    paths = get(live_server.url + "/openapi.json").json()["paths"]
    assert not [p for p in paths if "sitemap" in p or "robots" in p]


def test_the_xsd_fixtures_reject_what_the_protocol_rejects() -> None:
    too_short = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>x</loc></url></urlset>'
    assert not schema("sitemap").validate(etree.fromstring(too_short))
    wrong_ns = b'<urlset xmlns="http://example.org/"><url><loc>http://example.org/a</loc></url></urlset>'
    assert not schema("sitemap").validate(etree.fromstring(wrong_ns))


NGINX_SITE = """\
upstream nodes {
@UPSTREAMS@
}
server {
    listen 127.0.0.1:@PORT@ ssl;
    ssl_certificate @CERT@;
    ssl_certificate_key @KEY@;
    location / {
        proxy_pass http://nodes;
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
}
"""


@pytest.mark.slow
def test_behind_a_tls_proxy_robots_sitemaps_and_canonical_links_name_the_public_address() -> None:
    with mzgraph_server() as node, certificate() as tls:
        port = free_port()
        site = render_site(NGINX_SITE, upstreams=[node.removeprefix("http://")], port=port, tls=tls)
        with nginx(site, port=port) as proxy, httpx.Client(verify=tls.client_context(), timeout=60) as client:
            public = proxy.url("https")
            robots = client.get(public + "/robots.txt").text
            assert f"Sitemap: {public}/sitemap.xml" in robots.splitlines()
            index = valid(client.get(public + "/sitemap.xml").content, "siteindex")
            locs = [str(loc) for loc in index.xpath("//s:sitemap/s:loc/text()", namespaces=NS)]
            assert locs and all(loc.startswith(public + "/sitemap-") for loc in locs)
            pages = valid(client.get(locs[-1]).content, "sitemap")
            urls = [str(url) for url in pages.xpath("//s:url/s:loc/text()", namespaces=NS)]
            assert urls and all(url.startswith(public + "/id/") for url in urls)
            page = client.get(public + "/id/partner/mezzo?lang=nl&sort=x", headers=HTML)
            assert canonical_of(page.text) == [public + "/id/partner/mezzo?lang=nl"]


def test_a_remote_store_gets_valid_sitemaps_whether_or_not_it_has_a_release_index(remote_server: str) -> None:
    urls, _ = sitemap_urls(remote_server)
    assert {remote_server + "/", remote_server + "/organisations"} <= set(urls)
    first = get(remote_server + "/sitemap-1.xml", headers={"Accept": "application/json"})
    has_entities = any(url.startswith(remote_server + "/id/") for url in urls)
    assert first.status_code == (200 if has_entities else 404)
