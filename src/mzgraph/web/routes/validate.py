"""``POST /validate``: check an RDF document against the bundled shapes; the report as JSON, Turtle or HTML.

The body is Turtle, JSON-LD, N-Triples or RDF/XML (``Content-Type``), or the form on the ontology page. It
is size-limited, parsed by the one safe reader (no remote JSON-LD contexts; in RDF/XML only flat entities,
as Protégé writes them, expanded within a bound), and validated in the worker process so a large document
never stalls the web server.
"""

from __future__ import annotations

import json
import re
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import Response

from mzgraph.errors import InputError
from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.rdf.reading import FORMAT_BY_MEDIA_TYPE, parse_bytes
from mzgraph.rdf.source_lines import subject_lines
from mzgraph.validation.page_status import validate_document
from mzgraph.web.bodies import BodyTooLarge, read_body
from mzgraph.web.i18n import translations
from mzgraph.web.negotiation import HTML, JSON, TURTLE, negotiate
from mzgraph.web.responses import error, languages, page, services_of

router = APIRouter(tags=["validation"])

ACCEPTED = ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml")
FORM = "application/x-www-form-urlencoded"


@router.post("/validate", summary="Validate RDF against the shapes", response_class=Response)
async def validate(request: Request) -> Response:
    """Validate the posted document (with the bundled ontology unless ``?ontology=no``)."""
    services = services_of(request)
    limit = services.settings.max_body_bytes
    rep = negotiate(request.headers.get("accept"), (JSON, TURTLE, HTML))
    if rep is None:
        return error(
            request,
            406,
            "not_acceptable",
            "The report is offered as JSON, Turtle or HTML.",
            {"offered": [JSON.media_type, TURTLE.media_type, HTML.media_type]},
        )
    try:
        body = await read_body(request, limit)
    except BodyTooLarge:
        return error(
            request,
            413,
            "too_large",
            f"The document is larger than {limit} bytes; validate it with `mzgraph validate FILE` instead.",
            {"limit": limit},
        )
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    with_ontology = request.query_params.get("ontology", "yes") != "no"
    if media_type == FORM:
        fields = parse_qs(body.decode("utf-8", errors="replace"))
        body = fields.get("data", [""])[0].encode()
        media_type = fields.get("format", ["text/turtle"])[0]
        with_ontology = fields.get("with_data", ["no"])[0] == "yes"
    if media_type == "application/json":
        media_type = "application/ld+json"
    if media_type not in ACCEPTED:
        return error(
            request,
            415,
            "unsupported_media_type",
            "Send Turtle, JSON-LD, N-Triples or RDF/XML with a matching Content-Type.",
            {"accepted": list(ACCEPTED)},
        )
    if not body.strip():
        return error(request, 400, "empty_document", "The document is empty; paste or send RDF data.")
    try:
        quads = parse_bytes(body, FORMAT_BY_MEDIA_TYPE[media_type], source="document")
    except InputError as err:
        detail: dict[str, object] = {"line": err.line, "column": err.column}
        return error(request, 400, "unreadable_document", f"The document cannot be read: {err}", detail)
    nquads = "".join(f"{q} .\n" for q in quads).encode()
    langs = languages(request)
    report = await services.in_worker(partial(validate_document, nquads, with_ontology=with_ontology, lang=langs[0]))
    if rep is TURTLE:
        return Response(report["turtle"].encode(), media_type=TURTLE.content_type)
    data = json.loads(report["json"])
    with_lines(data["results"], body, media_type)
    if rep is JSON:
        return Response(json.dumps(data, ensure_ascii=False, indent=2).encode(), media_type=JSON.media_type)
    view = {"conforms": data["conforms"], "triples": len(quads), "results": [_result_view(r) for r in data["results"]]}
    title = translations(langs[0]).gettext("Validation report")
    return page(request, "validation.html", {"report": view, "title": title})


_DOCUMENT_NAMES = {
    "text/turtle": "document.ttl",
    "application/ld+json": "document.jsonld",
    "application/n-triples": "document.nt",
    "application/rdf+xml": "document.rdf",
}
"""A name with the right extension for each accepted media type, so the line index reads the right syntax."""


def with_lines(results: list[dict[str, object]], body: bytes, media_type: str) -> None:
    """Fill in the line of the posted document where each result's focus node (or its anchor) is a subject."""
    lines = subject_lines(
        Path(_DOCUMENT_NAMES[media_type]), body.decode("utf-8", errors="replace"), base_iri="urn:mzgraph:document"
    )
    for result in results:
        if result.get("file") == "request" and result.get("line") is None:
            result["line"] = lines.get(str(result.get("anchor") or result.get("focus")))


def compact(text: str) -> str:
    """``<IRI>`` written with the usual prefixes where one applies (``<...rdf-schema#label>`` -> ``rdfs:label``)."""

    def shorten(match: re.Match[str]) -> str:
        iri = match.group(1)
        for prefix, namespace in PREFIXES.items():
            local = iri.removeprefix(namespace)
            if local != iri and re.fullmatch(r"[A-Za-z_][\w.-]*", local):
                return f"{prefix}:{local}"
        return match.group(0)

    return re.sub(r"<([^<>\s]+)>", shorten, text)


def _result_view(result: dict[str, object]) -> dict[str, object]:
    focus = str(result.get("focus") or "")
    line = result.get("line")
    return {
        "severity": result.get("severity", "Violation"),
        "focus_link": None,
        "path": compact(str(result["path"])) if result.get("path") else None,
        "value": compact(str(result["value"])) if result.get("value") else None,
        "message": result.get("message"),
        "fix": result.get("fix"),
        "where": compact(f"<{focus}>") + (f" (line {line})" if line and result.get("file") == "request" else ""),
    }
