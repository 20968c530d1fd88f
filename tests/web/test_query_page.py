"""The query page in headless Chromium (Debian's, driven by Playwright) against a real server.

The page must work with no internet access: every request it makes is recorded and must go to the test
server. Screenshots of each run go to the ``screenshots`` folder (``MZGRAPH_SCREENSHOTS``, see ``conftest.py``)
for a person to look at.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from mzgraph.bundled import queries_dir
from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.sparql.saved import load_saved_queries

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
QUERIES = load_saved_queries(queries_dir())
HAARLEM = "/id/organisation/gemeente-haarlem"


@dataclass
class Visit:
    """A page of a fresh browser context, with what it logged and every URL it asked for."""

    page: Page
    host: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        # The browser asks for /favicon.ico by itself; that is not the page's doing.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.errors.append(f"{message.text} at {message.location}")

    def elsewhere(self) -> list[str]:
        """Requests to any host but the test server."""
        return [url for url in self.requests if urlsplit(url).hostname != self.host]

    def editor(self) -> str:
        return str(self.page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()"))

    def set_editor(self, text: str) -> None:
        self.page.evaluate("text => document.querySelector('.CodeMirror').CodeMirror.setValue(text)", text)

    def run(self) -> None:
        self.page.click(".yasqe_queryButton")

    def choose_example(self, name: str) -> None:
        if not self.page.eval_on_selector("#examples", "list => list.open"):
            self.page.click("#examples summary")
        self.page.click(f"button[data-example='{name}']")


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def open_page(browser: Browser, server: str, path: str = "/query", viewport: str = "desktop") -> Visit:
    context = browser.new_context(viewport=VIEWPORTS[viewport], accept_downloads=True)  # type: ignore[arg-type]
    page = context.new_page()
    visit = Visit(page, str(urlsplit(server).hostname))
    page.on("console", visit.on_console)
    page.on("pageerror", lambda error: visit.errors.append(f"uncaught: {error}"))
    page.on("request", lambda request: visit.requests.append(request.url))
    page.goto(server + path)
    page.wait_for_selector(".CodeMirror")
    return visit


@pytest.fixture
def visit(browser: Browser, server: str) -> Iterator[Visit]:
    opened = open_page(browser, server)
    yield opened
    opened.page.context.close()


@pytest.mark.browser
def test_the_page_loads_offline_with_prefixes_and_the_examples(visit: Visit) -> None:
    visit.page.wait_for_load_state("networkidle")
    text = visit.editor()
    for name, iri in PREFIXES.items():
        assert f"PREFIX {name}: <{iri}>" in text
    titles = visit.page.eval_on_selector_all("button[data-example]", "buttons => buttons.map(b => b.textContent)")
    assert titles == [query.title for query in QUERIES.values()]
    assert any(url.endswith("/static/yasgui/yasgui.min.js") for url in visit.requests)
    assert visit.elsewhere() == []
    assert visit.errors == []


@pytest.mark.browser
def test_an_example_runs_into_a_table_that_links_to_entity_pages(
    browser: Browser, server: str, screenshots: Path, viewport: str
) -> None:
    visit = open_page(browser, server, viewport=viewport)
    try:
        visit.choose_example("employers-with-measure-type")
        assert visit.editor() == QUERIES["employers-with-measure-type"].bind()
        visit.run()
        visit.page.wait_for_selector(".yasr table.dataTable tbody tr")
        links = visit.page.eval_on_selector_all(
            ".yasr a.entity-link", "links => links.map(a => a.getAttribute('href'))"
        )
        assert links == [HAARLEM]
        assert "Emergency leave" in visit.page.inner_text(".yasr table.dataTable tbody")
        visit.page.screenshot(path=str(screenshots / f"query-{viewport}.png"), full_page=True)
        # The cell shows the start of a long IRI (the rest is cut off with an ellipsis): click there.
        visit.page.click(f".yasr a[href='{HAARLEM}']", position={"x": 20, "y": 5})
        visit.page.wait_for_url(f"**{HAARLEM}")
        assert "Haarlem" in visit.page.inner_text("h1")
        assert visit.elsewhere() == []
        assert visit.errors == []
    finally:
        visit.page.context.close()


@pytest.mark.browser
def test_an_example_named_in_the_address_is_loaded(browser: Browser, server: str) -> None:
    visit = open_page(browser, server, "/query?example=ambassadors-by-year")
    try:
        assert visit.editor() == QUERIES["ambassadors-by-year"].text
        pressed = visit.page.get_attribute("button[data-example='ambassadors-by-year']", "aria-pressed")
        assert pressed == "true"
    finally:
        visit.page.context.close()


@pytest.mark.browser
def test_a_syntax_error_is_shown_next_to_the_query_with_its_line(visit: Visit, screenshots: Path) -> None:
    visit.set_editor("SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?p\n}")
    visit.run()
    box = visit.page.wait_for_selector(".query-error:not([hidden])")
    assert box is not None
    message = box.inner_text()
    assert "line 4" in message and "column" in message
    assert visit.page.evaluate(
        "document.querySelector('.query-error').previousElementSibling.classList.contains('CodeMirror')"
    )
    assert visit.page.query_selector(".query-error-line") is not None
    visit.page.screenshot(path=str(screenshots / "query-syntax-error.png"))
    visit.set_editor("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    visit.run()
    visit.page.wait_for_selector(".yasr table.dataTable tbody tr")
    assert visit.page.is_hidden(".query-error")
    assert visit.page.query_selector(".query-error-line") is None


def visible_downloads(visit: Visit) -> list[str]:
    return visit.page.eval_on_selector_all("#downloads a:not([hidden])", "links => links.map(a => a.textContent)")


@pytest.mark.browser
def test_downloads_offer_the_formats_of_the_query_type(visit: Visit, server: str) -> None:
    visit.set_editor(QUERIES["ambassadors-by-year"].text)
    assert visible_downloads(visit) == ["JSON", "XML", "CSV", "TSV"]
    with visit.page.expect_download() as download:
        visit.page.click("#downloads a[data-format='csv']")
    table = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert {row["employer"] for row in table} == {
        "https://w3id.org/mzgraph/id/organisation/gemeente-amersfoort",
        "https://w3id.org/mzgraph/id/organisation/gemeente-emmen",
    }

    visit.set_editor(
        "CONSTRUCT { ?s ?p ?o } WHERE { BIND(<https://w3id.org/mzgraph/id/partner/tandem> AS ?s) ?s ?p ?o }"
    )
    assert visible_downloads(visit) == ["Turtle", "N-Triples", "JSON-LD", "RDF/XML"]
    turtle = visit.page.get_attribute("#downloads a[data-format='ttl']", "href")
    response = httpx.get(str(turtle))  # the endpoint's address, as this client reaches it
    assert response.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    assert ox.Literal("Tandem", language="nl") in {t.object for t in triples}
    assert visit.elsewhere() == []


def test_without_javascript_a_plain_form_posts_to_the_endpoint(server: str) -> None:
    page = httpx.get(f"{server}/query", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert f'<form class="panel" method="post" action="{server}/sparql">' in page.text
    assert "PREFIX mz: &lt;https://w3id.org/mzgraph/def/&gt;" in page.text
    for query in QUERIES.values():
        assert f'href="/queries/{query.name}"' in page.text


@pytest.mark.browser
def test_the_openapi_page_renders_the_saved_queries_offline(browser: Browser, server: str, screenshots: Path) -> None:
    context = browser.new_context(viewport=VIEWPORTS["desktop"])  # type: ignore[arg-type]
    page = context.new_page()
    requested: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(server + "/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=30_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert any(path.startswith("/queries/employers-with-measure-type") for path in paths)
        assert "/sparql" in paths
        elsewhere = [url for url in requested if urlsplit(url).hostname != urlsplit(server).hostname]
        assert elsewhere == [], "the OpenAPI page must not fetch anything from outside"
        assert errors == []
        page.screenshot(path=str(screenshots / "api-docs.png"), full_page=False)
    finally:
        context.close()
