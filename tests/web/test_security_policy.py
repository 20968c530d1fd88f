"""The Content-Security-Policy in headless Chromium: the vendored YASGUI (``/query``) runs a query and Swagger UI
(``/docs``) shows the API with no violation reported, and the policy really is enforced (an inline script is
refused)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

pytestmark = pytest.mark.browser

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@dataclass
class Watched:
    page: Page
    console: list[str] = field(default_factory=list)

    def violations(self) -> list[str]:
        found: list[str] = self.page.evaluate("window.__violations")
        return found + [text for text in self.console if "Content Security Policy" in text]


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(LISTEN)
    found = Watched(page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            found.console.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.console.append(f"uncaught: {error}"))
    yield found
    context.close()


def test_the_query_page_runs_a_query_under_the_policy(watched: Watched, server: str) -> None:
    page = watched.page
    answer = page.goto(server + "/query")
    assert answer is not None and "script-src 'self'" in answer.headers["content-security-policy"]
    page.wait_for_selector(".CodeMirror")
    page.evaluate(
        "text => document.querySelector('.CodeMirror').CodeMirror.setValue(text)",
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 3",
    )
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr")
    assert page.locator(".yasr table.dataTable tbody tr").count() == 3
    assert watched.violations() == []
    assert [text for text in watched.console if "favicon" not in text] == []


def test_the_api_docs_show_the_operations_under_the_policy(watched: Watched, server: str) -> None:
    page = watched.page
    page.goto(server + "/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    assert page.locator(".swagger-ui .opblock").count() > 10
    page.locator(".opblock-summary", has_text="/healthz").first.click()  # an operation opens
    page.wait_for_selector(".opblock.is-open")
    assert watched.violations() == []


def test_an_inline_script_is_refused(watched: Watched, server: str) -> None:
    page = watched.page
    page.goto(server + "/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
        " document.body.append(s); }"
    )
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert any(v.startswith("script-src") for v in watched.violations())
