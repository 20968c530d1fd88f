"""``/metrics``: the server's metrics in the Prometheus text format (see :mod:`mzgraph.web.metrics`)."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from mzgraph.web.metrics import Metrics
from mzgraph.web.state import StoreDep

router = APIRouter(tags=["operations"])


@router.get("/metrics", summary="Metrics in the Prometheus text format", response_class=Response)
async def metrics(request: Request, store: StoreDep) -> Response:
    """Requests, latencies, SPARQL queries by outcome, queries in progress, the release and its size."""
    found: Metrics = request.app.state.metrics

    def read() -> bytes:  # a remote store may ask its endpoint for the release: off the event loop
        found.set_release(store.release)
        return found.exposition()

    body = await anyio.to_thread.run_sync(read)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
