"""WCAG 2.1 AA: axe-core (npm, ``node_modules``) run in Debian's Chromium over every kind of page, in English and
Dutch, finds no serious or critical violation.

The vendored YASGUI (the query page, with and without results) and Swagger UI (``/docs``, with an operation
open) are checked like every other page: what they lack is added from outside (``static/query.js``,
``static/query.css``, ``static/swagger-a11y.css``), never left out of the check.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
"""The axe rules of WCAG 2.0 and 2.1, levels A and AA."""
BLOCKING = ("serious", "critical")
PAGES = {
    "home": "/",
    "browse": "/organisations",
    "search": "/organisations?q=verlof",
    "organisation": "/id/organisation/regio-twente",
    "partner": "/id/partner/jong-en-veer",
    "measure-type": "/id/measure-type/leave",
    "measure-group": "/id/measure-group/awareness",
    "measure": "/id/measure/gemeente-haarlem/tailored-4",
    "scheme": "/id/scheme/measure-type",
    "ontology": "/def/",
    "term": "/def/Employer",
    "void": "/.well-known/void",
    "query": "/query",
    "query-results": "/query",
    "api-docs": "/docs",
    "validation": "/",
    "error": "/id/organisation/nobody",
}
LOCALES = {"en": "en-GB", "nl": "nl-NL"}
INVALID = "@prefix mz: <https://w3id.org/mzgraph/def/> . <https://example.org/x> a mz:Employer ."


def run_query(page: Page) -> None:
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr .dataTable", timeout=20_000)


def open_operation(page: Page) -> None:
    page.wait_for_selector(".opblock-summary-control")
    page.click(".opblock-summary-control >> nth=0")
    page.click("button.try-out__btn")
    page.wait_for_selector(".opblock-body .parameters-container")


def post_for_validation(page: Page) -> None:
    """Send a non-conforming document to ``/validate`` from a form, as a person would."""
    page.evaluate(
        """(data) => {
            const form = Object.assign(document.createElement("form"), {method: "post", action: "/validate"});
            for (const [name, value] of Object.entries({data: data, format: "text/turtle"})) {
                form.append(Object.assign(document.createElement("input"), {type: "hidden", name, value}));
            }
            document.body.append(form);
            form.submit();
        }""",
        INVALID,
    )
    page.wait_for_url("**/validate")
    page.wait_for_selector("main h1")


STATES: dict[str, Callable[[Page], None]] = {
    "query-results": run_query,
    "api-docs": open_operation,
    "validation": post_for_validation,
}
"""Pages reached by doing something on the page opened first."""


@pytest.fixture(scope="module")
def axe_source(node_modules: Path) -> str:
    return (node_modules / "axe-core" / "axe.min.js").read_text("utf-8")


def violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 AA violations on the page as it is now."""
    page.add_script_tag(content=axe_source)
    result: dict[str, Any] = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_AA
    )
    found: list[dict[str, Any]] = result["violations"]
    return found


def describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for violation in found:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:8])
        more = len(violation["nodes"]) - 8
        lines.append(
            f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}): {targets}"
            + (f" and {more} more" if more > 0 else "")
        )
    return "\n".join(lines)


PHONE = ("home", "browse", "organisation", "query-results")
"""Pages checked at a phone's width too (the layout folds: facets, the examples beside the editor)."""


@pytest.mark.parametrize(
    ("name", "lang", "width"),
    [(name, lang, 1280) for name in PAGES for lang in LOCALES] + [(name, "nl", 390) for name in PHONE],
)
def test_no_serious_or_critical_wcag_violations(
    server: str, browser: Browser, axe_source: str, screenshots: Path, name: str, lang: str, width: int
) -> None:
    # bypass_csp: axe is put into the page from outside; the site's own policy is not what is tested here
    context = browser.new_context(locale=LOCALES[lang], bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        path = PAGES[name]
        page.goto(server + path + ("&" if "?" in path else "?") + f"lang={lang}")
        page.wait_for_load_state("networkidle")
        if name in STATES:
            STATES[name](page)
        if name not in ("api-docs",):
            assert page.locator("html").get_attribute("lang") == lang
        found = [v for v in violations(page, axe_source) if v["impact"] in BLOCKING]
        if found:
            page.screenshot(path=str(screenshots / f"axe-{name}-{lang}-{width}.png"), full_page=True)
        assert not found, f"{name} ({lang}, {width} px):\n{describe(found)}"
    finally:
        context.close()


def test_axe_finds_what_it_should(browser: Browser, axe_source: str) -> None:
    """The check can fail: a page with an unlabelled field and grey-on-white text has serious violations."""
    page = browser.new_page()
    page.set_content(
        '<html lang="en"><body><main><input type="text"><p style="color:#aaa">faint</p></main></body></html>'
    )
    found = {v["id"] for v in violations(page, axe_source) if v["impact"] in BLOCKING}
    assert {"label", "color-contrast"} <= found
    page.close()


def test_the_query_pages_own_new_tab_button_and_editor_work_from_the_keyboard(server: str, browser: Browser) -> None:
    """The "+" moved out of YASGUI's tab list still adds a tab, and the keyboard reaches the editor's scroll area."""
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    try:
        page.goto(server + "/query?lang=nl")
        page.wait_for_selector(".yasgui .tabsList [role=tab]")
        assert page.locator(".yasgui .tabsList .addTab").is_hidden()
        ours = page.locator(".yasgui .mzgraph-add-tab")
        assert ours.get_attribute("aria-label") == "Nieuw tabblad"
        ours.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("document.querySelectorAll('.yasgui .tabsList [role=tab]').length === 2")
        assert page.locator(".yasgui .mzgraph-add-tab").count() == 1
        scroller = page.locator(".yasgui .CodeMirror-scroll >> visible=true")  # the new tab's editor
        assert scroller.first.get_attribute("tabindex") == "0"
        textarea = page.locator(".yasgui .CodeMirror textarea >> visible=true").first
        assert textarea.get_attribute("aria-label") == "SPARQL-query"
    finally:
        context.close()
