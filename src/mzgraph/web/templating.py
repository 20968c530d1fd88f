"""Rendering HTML pages: one Jinja2 environment (autoescaped, strict about undefined names) per app.

Templates translate with Jinja's i18n extension: ``_("...")`` and ``ngettext("...", "...", n)``, in the
reader's language (the page's ``lang``), from the catalogs of :mod:`mzgraph.web.i18n`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from mzgraph.entities.labels import SUPPORTED, local_name
from mzgraph.web import fragments
from mzgraph.web.i18n import translations
from mzgraph.web.urls import canonical_url, href, language_urls


@dataclass(frozen=True)
class Alternate:
    """Another representation of the page, for ``<link rel=alternate>`` and the format buttons."""

    label: str
    media_type: str
    url: str


def create_environment(base: str, root: str = "") -> Environment:
    """The template environment; ``base`` is the canonical base IRI that maps to this server's root, ``root`` the
    path prefix a reverse proxy publishes the server under (``/kg``, or empty), put in front of server paths."""
    env = Environment(
        loader=PackageLoader("mzgraph.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        auto_reload=False,  # templates are part of the release: no stat() of each template on every page
        extensions=["jinja2.ext.i18n"],
    )
    # Called directly, not through the extension's newstyle wrappers (two more context calls per message), with
    # the same meaning: the call fills the placeholders.
    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
    env.filters["href"] = lambda iri: href(iri, base, root)
    fragments.install(env, env.filters["href"], gettext)
    env.globals["root"] = root
    env.filters["local_name"] = lambda iri: local_name(str(iri))
    return env


@pass_context
def gettext(context: Context, message: str, **variables: object) -> str:
    """``message`` in the page's language, its ``%(name)s`` placeholders filled with ``variables`` (escaped)."""
    text = _message(context["lang"], message, context.eval_ctx.autoescape)
    return text % variables if variables else text


@pass_context
def ngettext(context: Context, singular: str, plural: str, num: int, **variables: object) -> str:
    """The form of a message for the count ``num``, in the page's language; ``%(num)s`` is the count."""
    text = translations(context["lang"]).ngettext(singular, plural, num)
    return (escape(text) if context.eval_ctx.autoescape else text) % {"num": num, **variables}


@cache
def _message(lang: str, message: str, autoescape: bool) -> str:
    """A translation as the page holds it: our messages are text, so escaped where the page escapes values (and
    then markup, which fills its placeholders with escaped values). Kept: a page asks for fifty of them."""
    text = translations(lang).gettext(message)
    return escape(text) if autoescape else text


def render(
    env: Environment,
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    lang: str,
    langs: Sequence[str],
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render ``template`` with the page frame's variables (language, links to this page).

    ``page_url`` is the page's canonical URL (``<link rel="canonical">``), ``language_urls`` the page in each
    language (``hreflang``); ``canonical`` is the IRI an entity page describes, shown on the page. Error pages
    are marked ``noindex``.
    """

    def path_with(**changes: str | None) -> str:
        params = {k: v for k, v in request.query_params.items() if k not in changes}
        params.update({k: v for k, v in changes.items() if v is not None})
        query = urlencode(params)
        return request.url.path + (f"?{query}" if query else "")

    frame: dict[str, Any] = {
        "lang": lang,
        "langs": langs,
        "path_with": path_with,
        "alternates": [],
        "canonical": None,
        "page_url": canonical_url(request, SUPPORTED),
        "language_urls": language_urls(request, SUPPORTED),
        "noindex": status_code >= 400,
        "crawl_space": any(key != "lang" for key in request.query_params),
        "schema_json": None,
        "crumbs": [],
        "kinds": [],
        "nav": None,
        "release": None,
        "title": "mzgraph",
    }
    frame.update(context)
    html = env.get_template(template).render(frame)
    return HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))


def render_fragment(env: Environment, template: str, context: Mapping[str, Any], *, langs: Sequence[str]) -> Markup:
    """``template`` rendered on its own, in the first of ``langs``, as markup for a page to hold: a part of a page
    that is the same for every reader of a language is rendered once per release, not on every request."""
    return Markup(env.get_template(template).render({**context, "lang": langs[0], "langs": langs}))


def static_files() -> StaticFiles:
    """The stylesheet and other static assets, to mount at ``/static``."""
    return StaticFiles(directory=Path(__file__).with_name("static"))
