"""Building responses for the page routers: the request's languages, errors in HTML or JSON, HTML pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from mzgraph.entities.jsonld import script_json
from mzgraph.entities.labels import SUPPORTED, preferred_languages
from mzgraph.errors import ErrorBody
from mzgraph.web.i18n import N_, translations
from mzgraph.web.negotiation import HTML, JSON, negotiate
from mzgraph.web.state import services_of
from mzgraph.web.templating import render

STATUS_TITLES = {
    400: N_("This request cannot be answered"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    406: N_("Not available in this format"),
    413: N_("Too large"),
    415: N_("Unsupported format"),
    500: N_("Something went wrong"),
    503: N_("Busy, try again in a moment"),
    504: N_("This took too long"),
}
"""The title of the HTML error page of each status (others have a plain "Error")."""


LANG_COOKIE = "mzgraph_lang"
"""Remembers the language the reader picked with the switch (``?lang=``), for the pages after."""


def languages(request: Request) -> tuple[str, ...]:
    """The reader's languages: ``?lang=``, else the language picked before, else ``Accept-Language``; the rest after."""
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if chosen in SUPPORTED:
        return (chosen, *(lang for lang in SUPPORTED if lang != chosen))
    return preferred_languages(request.headers.get("accept-language"))


def page(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An HTML page in the reader's language; ``context["schema"]`` becomes the embedded schema.org JSON-LD."""
    services = services_of(request)
    langs = languages(request)
    values = dict(context)
    schema = values.pop("schema", None)
    if schema is not None:
        values["schema_json"] = script_json(schema)
    response = render(
        services.env, request, template, values, lang=langs[0], langs=langs, status_code=status_code, headers=headers
    )
    response.headers["Vary"] = ", ".join(dict.fromkeys([*_vary(response), "Accept-Language", "Cookie"]))
    if request.query_params.get("lang") in SUPPORTED:
        response.set_cookie(LANG_COOKIE, langs[0], max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


def _vary(response: Response) -> list[str]:
    return [part.strip() for part in response.headers.get("vary", "").split(",") if part.strip()]


def error(
    request: Request,
    status_code: int,
    code: str,
    message: str,
    detail: dict[str, object] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    offered: Sequence[str] = (),
) -> Response:
    """The one error shape, as an HTML page for browsers and as JSON for everyone else."""
    body = ErrorBody(code, message, detail)
    if negotiate(request.headers.get("accept"), (JSON, HTML)) is HTML:
        gettext = translations(languages(request)[0]).gettext
        title = STATUS_TITLES.get(status_code, N_("Error"))
        context = {"error": body, "status": status_code, "title": gettext(title)}
        return page(request, "error.html", context, status_code=status_code, headers=headers)
    return JSONResponse(body.as_dict(), status_code=status_code, headers=dict(headers or {}))
