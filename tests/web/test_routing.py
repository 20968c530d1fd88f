"""Direct routes: endpoints called with the request and their path parameters, and still in the API document."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

from mzgraph.web.routing import DirectRoute
from tools.servers import AppRunner


def test_a_direct_route_gets_the_request_and_its_path_parameters() -> None:
    router = APIRouter(route_class=DirectRoute)

    @router.get("/items/{kind}/{rest:path}", summary="An item")
    async def item(request: Request, kind: str, rest: str) -> Response:
        return PlainTextResponse(f"{request.method} {kind} {rest} {request.query_params.get('q')}")

    app = FastAPI()
    app.include_router(router)
    with AppRunner() as runner, runner.serve(app) as url:
        answer = httpx.get(url + "/items/a/b/c.ttl?q=x%20y")
        assert (answer.status_code, answer.text) == (200, "GET a b/c.ttl x y")
        described = httpx.get(url + "/openapi.json").json()
        assert described["paths"]["/items/{kind}/{rest}"]["get"]["summary"] == "An item"


def test_an_endpoint_asking_for_more_than_the_request_is_refused_when_declared() -> None:
    router = APIRouter(route_class=DirectRoute)

    async def with_query(request: Request, page: int = 1) -> Response:
        return PlainTextResponse(str(page))

    with pytest.raises(TypeError, match=r"with_query must take exactly \['request'\]"):
        router.add_api_route("/list", with_query)
