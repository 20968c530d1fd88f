"""The OpenAPI page ``/docs``, served with the vendored Swagger UI: no CDN, it works offline.

FastAPI's own page starts Swagger UI with an inline script, which the Content-Security-Policy refuses; this one
starts it from ``/static/swagger-init.js``. Every address is under the proxy's path prefix, if there is one.

The page is made accessible from outside Swagger UI: its language, a canonical link, colours with enough
contrast (``/static/swagger-a11y.css``), and deep links off (in ``swagger-init.js``), so that an operation's
summary button holds no link inside it (nested controls that screen readers cannot reach).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import escape

from mzgraph.web.urls import canonical_url

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{root}/static/swagger-ui/swagger-ui.css">
<link rel="icon" href="{root}/static/favicon.svg" type="image/svg+xml">
<link rel="canonical" href="{canonical}">
<link rel="stylesheet" href="{root}/static/swagger-a11y.css">
</head>
<body>
<main id="swagger-ui" data-url="{root}{openapi}"></main>
<script src="{root}/static/swagger-ui/swagger-ui-bundle.js"></script>
<script src="{root}/static/swagger-init.js"></script>
</body>
</html>
"""


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI for ``/openapi.json``, from ``/static/swagger-ui/``."""
    root = escape(request.scope.get("root_path", "").rstrip("/"))
    page = _PAGE.format(
        title=escape(f"{request.app.title}: API"),
        root=root,
        openapi=escape(request.app.openapi_url),
        canonical=escape(canonical_url(request, ())),
    )
    return HTMLResponse(page)
