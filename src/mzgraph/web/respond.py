"""Building responses for the page routers: the request's languages, errors in HTML or JSON, HTML pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from mzgraph.entities.labels import SUPPORTED, preferred_languages
from mzgraph.errors import ErrorBody
from mzgraph.jsonld import script_json
from mzgraph.web.i18n import translator
from mzgraph.web.render import render
from mzgraph.web.represent import HTML, JSON, negotiate
from mzgraph.web.services import PageServices

STATUS_TITLES = (400, 404, 405, 406, 413, 415, 500, 503, 504)


def services_of(request: Request) -> PageServices:
    """The app's page services (made by ``create_app``)."""
    found: PageServices = request.app.state.page_services
    return found


def languages(request: Request) -> tuple[str, ...]:
    """The reader's languages: ``?lang=`` if given and supported, else ``Accept-Language``, then the rest."""
    chosen = request.query_params.get("lang")
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
    return render(services.env, request, template, values, lang=langs[0], langs=langs, status_code=status_code,
                  headers=headers)  # fmt: skip


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
        t = translator(languages(request)[0])
        context = {"error": body, "status": status_code, "title": t(f"status_{status_code}") if status_code in
                   STATUS_TITLES else t("status_other")}  # fmt: skip
        return page(request, "error.html", context, status_code=status_code, headers=headers)
    return JSONResponse(body.as_dict(), status_code=status_code, headers=dict(headers or {}))
