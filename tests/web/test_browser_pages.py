"""The pages in headless Chromium (Debian's): every page type at desktop and phone width, and the interactions.

Screenshots go to the ``screenshots`` folder (``MZGRAPH_SCREENSHOTS``, see ``conftest.py``) for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "organisation": "/id/organisation/regio-twente",
    "partner": "/id/partner/jong-en-veer",
    "concept": "/id/measure-type/leave",
    "scheme": "/id/scheme/measure-type",
    "term": "/def/Employer",
    "ontology": "/def/",
    "browse": "/organisations",
    "measure": "/id/measure/gemeente-haarlem/tailored-4",
    "void": "/.well-known/void",
}
WIDTHS = {"desktop": 1280, "phone": 390}


def open_page(browser: Browser, url: str, width: int, locale: str = "en-GB") -> tuple[Page, list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.goto(url)
    return page, problems


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_renders_accessibly_without_overflow(
    server: str, browser: Browser, screenshots: Path, name: str, width: str
) -> None:
    page, problems = open_page(browser, server + PAGES[name], WIDTHS[width])
    page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").count() == 1
    for landmark in ("header", "main", "footer", "nav"):
        assert page.locator(landmark).count() >= 1, landmark
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"
    assets = page.eval_on_selector_all(
        "link[rel=stylesheet], script[src], img[src]", "els => els.map(e => e.href || e.src)"
    )
    assert all(url.startswith(server) for url in assets), "no CDN: every asset comes from this server"
    assert not problems, problems
    page.context.close()


def test_search_and_facets_in_the_browser(server: str, browser: Browser) -> None:
    page, problems = open_page(browser, server + "/organisations", 1280)
    page.fill("#q", "verlof")
    page.click("form[role=search] button")
    page.wait_for_url("**/organisations?*q=verlof*")
    assert page.locator(".result-item").count() == 3
    assert page.locator("mark").first.inner_text().lower() == "verlof"
    page.locator("details", has_text="Year recognised").locator("a", has_text="2015").click()
    page.wait_for_url("**year=2015**")
    assert page.locator(".result-item").count() == 1 and page.locator(".chip").count() == 2
    page.locator(".chip", has_text="2015").click()
    assert page.locator(".result-item").count() == 3
    assert not problems


def test_language_switch(server: str, browser: Browser) -> None:
    page, _ = open_page(browser, server + "/id/organisation/gemeente-emmen", 1280)
    assert page.locator("h1").inner_text() == "Municipality of Emmen"
    page.locator(".lang a", has_text="NL").click()
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("h1").inner_text() == "Gemeente Emmen"
    assert page.locator("#group-tailored-solutions").inner_text() == "Maatwerkoplossingen"


def test_browser_language_is_used(server: str, browser: Browser) -> None:
    page, _ = open_page(browser, server + "/", 1280, locale="nl-NL")
    assert page.locator("html").get_attribute("lang") == "nl"


def test_validate_form_on_the_ontology_page(server: str, browser: Browser, screenshots: Path) -> None:
    page, problems = open_page(browser, server + "/def/", 1280)
    data = "@prefix mz: <https://w3id.org/mzgraph/def/> .\n<https://w3id.org/mzgraph/id/organisation/x> a mz:Employer ."
    page.fill("#data", data)
    page.click("form[action='/validate'] button")
    page.wait_for_selector("h1:has-text('Validation report')", timeout=60_000)
    assert page.locator(".result.Violation").count() >= 1
    page.screenshot(path=str(screenshots / "validate-report.png"), full_page=True)
    assert not problems


def test_skip_link_reaches_the_content(server: str, browser: Browser) -> None:
    page, _ = open_page(browser, server + "/", 1280)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
