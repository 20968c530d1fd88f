"""``/healthz`` (the process answers) and ``/readyz`` (it can answer queries now), for load balancers and
orchestrators. Neither is cached; readiness failures are 503 with the reason in the one error shape and
``Retry-After``."""

from __future__ import annotations

import anyio
import anyio.to_thread
from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from mzgraph.sparql.errors import QueryError
from mzgraph.web.state import StoreDep

router = APIRouter(tags=["operations"])

PROBE = "ASK { }"
PROBE_TIMEOUT = 1.0
"""Seconds the store has to answer the probe query before the server reports itself not ready."""
_NO_STORE = {"Cache-Control": "no-store"}


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz() -> Response:
    """Always 200 while the process serves requests."""
    return JSONResponse({"status": "ok"}, headers=_NO_STORE)


@router.get("/readyz", summary="Readiness: the store answers a probe query and the query workers are up")
async def readyz(store: StoreDep) -> Response:
    """200 when the store answered a probe query within a second and its query workers are alive, else 503."""
    reason = await anyio.to_thread.run_sync(store.problem)
    if reason is None:
        reason = await _probe(store)
    if reason is not None:
        body = {"error": "not_ready", "message": f"not ready: {reason}", "detail": {"reason": reason}}
        return JSONResponse(body, status_code=503, headers={**_NO_STORE, "Retry-After": "5"})
    release = await anyio.to_thread.run_sync(lambda: store.release)
    return JSONResponse({"status": "ready", "release": release.tag}, headers=_NO_STORE)


async def _probe(store: StoreDep) -> str | None:
    """None if the store answered :data:`PROBE` in time, else why not."""
    try:
        with anyio.fail_after(PROBE_TIMEOUT):
            # abandon_on_cancel: a store that hangs keeps its thread, not this request
            await anyio.to_thread.run_sync(store.ask, PROBE, abandon_on_cancel=True)
    except TimeoutError:
        return f"the store did not answer a probe query within {PROBE_TIMEOUT:g} s"
    except QueryError as err:
        return f"the store did not answer a probe query: {err.message}"
    return None
