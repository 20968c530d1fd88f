"""Every dataset-wide page at about 5,000 employers, through a real server, against brute-force counts.

The graph is made here (the bundled graph and 5,000 generated employers, in seconds), served from memory with
its release index built at start-up; the expected figures are counted in Python over the same triples, with no
SPARQL aggregate. Before the release index, these pages answered 500 (row cap), 504 or took seconds at this size.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from benchmarks.generate import write_graph
from mzgraph.bundled import bundled_graph_files
from mzgraph.config import Settings
from mzgraph.rdf.reading import read_files
from tools.servers import AppRunner

ORGANISATIONS = 5_000
BASE = "https://w3id.org/mzgraph/"
MZ, ID = BASE + "def/", BASE + "id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
SCHEMA_LOCATION = "https://schema.org/location"


class Graph:
    """The served triples, and the figures the pages must show, counted by brute force in Python."""

    def __init__(self, files: list[Path]) -> None:
        out: dict[str, dict[str, list[ox.Term]]] = defaultdict(lambda: defaultdict(list))
        distinct = set()
        for quad in read_files(files):
            distinct.add(quad)
            out[quad.subject.value][quad.predicate.value].append(quad.object)
        self.quads = len(distinct)
        self.out = out
        employer_classes = {MZ + "Employer"}
        while True:
            more = {s for s, ps in out.items() for c in ps.get(SUBCLASS, []) if c.value in employer_classes}
            if more <= employer_classes:
                break
            employer_classes |= more
        self.employers = {s for s, ps in out.items() if any(t.value in employer_classes for t in ps.get(RDF_TYPE, []))}

    def values(self, subject: str, predicate: str) -> list[str]:
        return [t.value for t in self.out.get(subject, {}).get(predicate, [])]

    def facet(self, name: str) -> Counter[str]:
        """How many employers have each value of the facet ``name``."""
        found: dict[str, set[str]] = defaultdict(set)
        if name == "partner":
            for subject, properties in self.out.items():
                for partner in properties.get(MZ + "partner", []):
                    for org in self.values(subject, MZ + "organisation"):
                        if org in self.employers:
                            found[partner.value].add(org)
        for org in self.employers:
            if name == "province":
                for place in self.values(org, SCHEMA_LOCATION):
                    for province in self.values(place, MZ + "province"):
                        found[province].add(org)
            elif name == "year":
                for recognition in self.values(org, MZ + "recognition"):
                    for date in self.values(recognition, MZ + "recognitionDate"):
                        found[date[:4]].add(org)
            elif name == "ambassador":
                found["yes" if self.values(org, MZ + "ambassadorRole") else "no"].add(org)
        return Counter({value: len(orgs) for value, orgs in found.items()})


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    path = tmp_path_factory.mktemp("site-data") / "generated.nt"
    with path.open("w", encoding="utf-8") as out:
        write_graph(out, ORGANISATIONS, seed=5, with_shared=False)
    return [*bundled_graph_files(), path]


@pytest.fixture(scope="module")
def graph(files: list[Path]) -> Graph:
    return Graph(files)


@pytest.fixture(scope="module")
def site(files: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on those files (in memory), its release index built at start-up into a folder of the test's."""
    from mzgraph.web.app import create_app

    app = create_app(Settings(data_paths=files, index_path=tmp_path_factory.mktemp("site-index")))
    app.state.release_index.open()  # built before serving, as `mzgraph serve` does, not within the start-up wait
    with AppRunner() as runner, runner.serve(app) as url:
        yield url


def get(site: str, path: str, **headers: str) -> httpx.Response:
    response = httpx.get(site + path, headers={"Accept-Language": "en", **headers}, timeout=60)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:300]}"
    return response


ROUTES = [
    "/",
    "/organisations",
    "/organisations.json",
    "/organisations.csv",
    "/organisations?sort=-recognised",
    "/organisations?sort=-measures&ambassador=no",
    f"/organisations?partner={ID}partner/mezzo&partner={ID}partner/tandem&year=2015",
    f"/organisations?category={ID}measure-type/leave&sort=recognised",
    "/organisations?q=verlof",
    "/organisations?q=mantelzorg&sort=name",
    "/organisations.json?q=zorg%20verlof",
    "/organisations?page=100",
    "/.well-known/void",
    "/.well-known/void.ttl",
    "/.well-known/void.jsonld",
    "/def/",
    "/def/Employer",
    "/def/measure",
    "/id/measure-group/awareness",
    "/id/measure-type/leave",
    "/id/scheme/measure-type",
    "/id/partner/mezzo",
    "/id/organisation/gemeente-emmen",
]


@pytest.mark.parametrize("path", ROUTES)
def test_every_dataset_wide_page_answers(site: str, path: str) -> None:
    get(site, path, Accept="text/html" if "." not in path.rsplit("/", 1)[-1] else "*/*")


def test_the_list_counts_every_employer_and_the_home_page_says_so(site: str, graph: Graph) -> None:
    total = len(graph.employers)
    assert total > ORGANISATIONS
    assert get(site, "/organisations.json").json()["total"] == total
    assert re.search(rf'<span class="n">{total}</span><span class="what">recognised employers', get(site, "/").text)


def _walk(site: str, path: str) -> tuple[list[str], list[str]]:
    """The ids of the list by ``next`` from the first page, and by ``prev`` from the last (put back in order)."""
    forward: list[str] = []
    first = get(site, path).json()
    page = first
    while True:
        forward += [item["id"] for item in page["items"]]
        if page["next"] is None:
            break
        page = get(site, page["next"]).json()
    pages = []
    page = get(site, first["last"]).json() if first["last"] else first
    while True:
        pages.append([item["id"] for item in page["items"]])
        if page["prev"] is None:
            break
        page = get(site, page["prev"]).json()
    return forward, [iri for chunk in reversed(pages) for iri in chunk]


@pytest.mark.parametrize(
    "path",
    [
        "/organisations.json?size=500",
        "/organisations.json?size=333&sort=-recognised",
        f"/organisations.json?size=200&sort=measures&partner={ID}partner/mezzo",
        "/organisations.json?size=250&q=verlof",
    ],
)
def test_pages_walk_forward_and_back_to_the_same_list(site: str, path: str) -> None:
    forward, backward = _walk(site, path)
    total = get(site, path).json()["total"]
    assert len(forward) == len(set(forward)) == total > 0
    assert backward == forward


def test_pages_link_to_their_neighbours_never_to_every_page(site: str) -> None:
    response = get(site, "/organisations?size=20", Accept="text/html")
    links = response.headers["link"]
    assert 'rel="next"' in links and 'rel="last"' in links and 'rel="prev"' not in links
    assert len(re.findall(r'<a href="/organisations\?[^"]*cursor=', response.text)) <= 4, "a few links, not 250"
    later = get(site, re.search(r'<([^>]+)>; rel="next"', links).group(1).removeprefix(site), Accept="text/html")  # type: ignore[union-attr]
    assert 'rel="prev"' in later.headers["link"] and "21–40 of" in later.text


def test_an_old_page_number_shows_the_page_at_the_same_place(site: str) -> None:
    by_number = get(site, "/organisations.json?size=20&page=3&sort=-measures").json()
    page = get(site, "/organisations.json?size=20&sort=-measures").json()
    page = get(site, get(site, page["next"]).json()["next"]).json()
    assert by_number["position"] == page["position"] == 40
    assert [i["id"] for i in by_number["items"]] == [i["id"] for i in page["items"]]


@pytest.mark.parametrize(
    "query",
    ["cursor=not-a-cursor", "size=0", "size=5000", "sort=nonsense", "sort=relevance", "page=0", "year=twenty"],
)
def test_bad_paging_and_sorting_is_a_400_in_the_one_error_shape(site: str, query: str) -> None:
    response = httpx.get(f"{site}/organisations.json?{query}", timeout=60)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] in ("bad_parameter", "bad_cursor") and body["message"]


def test_a_cursor_of_another_order_is_refused(site: str) -> None:
    by_name = get(site, "/organisations.json").json()
    response = httpx.get(site + by_name["next"].replace("cursor=", "sort=-measures&cursor="), timeout=60)
    assert response.status_code == 400 and response.json()["error"] == "bad_cursor"


@pytest.mark.parametrize("facet", ["partner", "province", "year", "ambassador"])
def test_facet_counts_match_a_brute_force_count(site: str, graph: Graph, facet: str) -> None:
    shown = {v["value"]: v["count"] for v in get(site, "/organisations.json").json()["facets"][facet]}
    expected = graph.facet(facet)
    assert shown and all(expected[value] == count for value, count in shown.items())
    assert len(shown) == min(len(expected), 50)


def test_facet_counts_of_a_filtered_list(site: str, graph: Graph) -> None:
    mezzo = f"{ID}partner/mezzo"
    data = get(site, f"/organisations.json?partner={mezzo}").json()
    assert data["total"] == graph.facet("partner")[mezzo]
    ambassadors = {v["value"]: v["count"] for v in data["facets"]["ambassador"]}
    assert sum(ambassadors.values()) == data["total"]


@pytest.mark.parametrize("form", ["csv", "json"])
@pytest.mark.parametrize("query", ["", "&ambassador=yes", "&q=verlof&sort=-recognised"])
def test_a_stream_export_holds_every_row_of_the_list(site: str, form: str, query: str) -> None:
    total = get(site, f"/organisations.json?size=1{query}").json()["total"]
    response = get(site, f"/organisations.{form}?_stream=1{query}")
    if form == "csv":
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert "content-length" not in response.headers, "streamed"
    else:
        body = response.json()
        rows = body["items"]
        assert body["total"] == total
    assert len(rows) == total > 0
    assert len({row["id"] for row in rows}) == total
    one_page = get(site, f"/organisations.{form}?size=20{query}")
    assert len(one_page.content) < len(response.content) / 10, "without _stream: one page"


def test_search_finds_compound_parts_ranks_and_shows_the_match(site: str) -> None:
    data = get(site, "/organisations.json?q=verlof&size=100").json()
    assert data["total"] > 0 and data["sort"] == "relevance"
    scores = [item["score"] for item in data["items"]]
    assert scores == sorted(scores, reverse=True)
    matches = [m for item in data["items"] for m in item["matches"]]
    assert matches and all(word.casefold() == "verlof" for m in matches for word in m["marked"])
    inside = get(site, "/organisations.json?q=RGverl").json()  # a part from the middle of a word
    shown = [m for item in inside["items"] for m in item["matches"]]
    assert shown and all(m["marked"] == ["rgverl"] and "zorgverlof" in m["text"] for m in shown)

    def employers(query: str) -> set[str]:
        return {item["id"] for item in get(site, f"/organisations.json?_stream=1&q={query}").json()["items"]}

    compound = employers("zorgverlof")
    assert compound and compound <= employers("verlof") and compound <= employers("zorg")
    page = get(site, "/organisations?q=verlof", Accept="text/html").text
    assert "<mark>verlof</mark>" in page.casefold()


@pytest.mark.parametrize(
    ("one", "other"), [("verlof", "VERLOF"), ("creeren", "CREËREN"), ("coordinator", "coördinator")]
)
def test_search_folds_case_and_accents(site: str, one: str, other: str) -> None:
    first = get(site, f"/organisations.json?q={one}&size=5").json()
    second = get(site, f"/organisations.json?q={other}&size=5").json()
    assert first["total"] == second["total"] > 0
    assert [i["id"] for i in first["items"]] == [i["id"] for i in second["items"]]


def test_dumps_have_length_etag_and_ranges(site: str, graph: Graph) -> None:
    head = httpx.head(site + "/download/mzgraph.nq", timeout=60)
    assert head.status_code == 200 and int(head.headers["content-length"]) > 10_000_000
    assert head.headers["etag"] and head.headers["accept-ranges"] == "bytes"
    part = httpx.get(site + "/download/mzgraph.nq", headers={"Range": "bytes=100-199"}, timeout=60)
    assert part.status_code == 206 and len(part.content) == 100
    assert part.headers["content-range"] == f"bytes 100-199/{head.headers['content-length']}"
    beyond = httpx.get(site + "/download/mzgraph.nq", headers={"Range": "bytes=999999999999-"}, timeout=60)
    assert beyond.status_code == 416
    again = httpx.get(site + "/download/mzgraph.nq", headers={"If-None-Match": head.headers["etag"]}, timeout=60)
    assert again.status_code == 304
    packed = get(site, "/download/mzgraph.nq.gz")
    assert packed.headers["content-type"] == "application/gzip"
    quads = set(ox.parse(gzip.decompress(packed.content), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == graph.quads


def test_void_counts_what_the_dump_holds(site: str, graph: Graph) -> None:
    void = ox.parse(get(site, "/.well-known/void.nt").content, format=ox.RdfFormat.N_TRIPLES)
    figures = {
        q.predicate.value.rsplit("#", 1)[-1]: q.object.value for q in void if q.subject.value.endswith("#mzgraph")
    }
    assert int(figures["triples"]) == graph.quads


def _walk_html(site: str, path: str) -> list[str]:
    """The organisation links of a member list, page by page along its ``next`` links."""
    found: list[str] = []
    while path:
        text = get(site, path, Accept="text/html").text
        main = text.split('<main id="main"', 1)[1]
        found += re.findall(r'<h3[^>]*><a href="(/id/organisation/[^"]+)"', main)
        more = re.search(r'<a href="([^"]+)" rel="next nofollow">', main)
        path = more.group(1).replace("&amp;", "&") if more else ""
    return found


@pytest.mark.parametrize("path", ["/id/partner/mezzo", "/id/measure-type/leave"])
def test_long_member_lists_are_paged(site: str, graph: Graph, path: str) -> None:
    walked = _walk_html(site, path)
    assert len(walked) == len(set(walked)) > 50
    headline = re.search(r"(?:Works with|Used by) (\d+)", get(site, path, Accept="text/html").text)
    assert headline and int(headline.group(1)) == len(walked)
    if "/partner/" in path:
        assert len(walked) == graph.facet("partner")[ID + path.removeprefix("/id/")]


def test_a_measure_group_page_reaches_its_last_employers(site: str) -> None:
    first = get(site, "/id/measure-group/awareness", Accept="text/html")
    last = re.search(r'<a href="([^"]+)" rel="last nofollow">', first.text)
    assert last, "a group used by thousands of employers is paged"
    end = get(site, last.group(1).replace("&amp;", "&"), Accept="text/html").text
    used_by = int(re.search(r"Used by (\d+)", first.text).group(1))  # type: ignore[union-attr]
    assert used_by > 1000 and f"of {used_by}</span>" in end and 'rel="next' not in end


def test_the_ontology_page_counts_instances(site: str, graph: Graph) -> None:
    text = get(site, "/def/Employer", Accept="text/html").text
    assert f'<span class="n">{len(graph.employers)}</span><span class="what">Instances' in text
    overview = get(site, "/def/", Accept="text/html").text
    assert f"{len(graph.employers)} / {len(graph.employers)}" in overview, "every employer has a recognition"


def test_a_second_request_is_answered_the_same(site: str) -> None:
    first = get(site, "/organisations.json?q=zorg&partner=" + ID + "partner/tandem")
    again = get(site, "/organisations.json?q=zorg&partner=" + ID + "partner/tandem")
    assert json.loads(first.content) == json.loads(again.content)


@pytest.mark.parametrize("path", ["/id/measure-type/leave?cursor=garbage", "/id/partner/mezzo?cursor=garbage"])
def test_a_bad_cursor_on_a_member_list_is_a_400(site: str, path: str) -> None:
    response = httpx.get(site + path, headers={"Accept": "text/html"}, timeout=60)
    assert response.status_code == 400 and "start again from the first page" in response.text
