"""The OpenAPI page ``/docs``, served with the vendored Swagger UI: no CDN, it works offline.

The page is made accessible from outside Swagger UI: its language, a canonical link, colours with enough
contrast (``/static/swagger-a11y.css``), and deep links off, so that an operation's summary button holds no
link inside it (nested controls that screen readers cannot reach).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from markupsafe import escape

from mzgraph.web.urls import canonical_url

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI for ``/openapi.json``, from ``/static/swagger-ui/``."""
    page = get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title}: API",
        swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url="/static/swagger-ui/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
        swagger_ui_parameters={"deepLinking": False},
    )
    head = (
        f'<link rel="canonical" href="{escape(canonical_url(request, ()))}">\n'
        '<link rel="stylesheet" href="/static/swagger-a11y.css">\n</head>'
    )
    text = bytes(page.body).decode().replace("<html>", '<html lang="en">', 1).replace("</head>", head, 1)
    return HTMLResponse(text)
