"""What the operations layer costs per request: the access log (JSON lines), the request id, the metrics, the
security headers, HEAD and gzip, against the same app without them, in one run on the same data.

    python -m benchmarks.operations --requests 400          # the figures for docs/deployment.md
    python -m benchmarks.operations --requests 20           # a quick check that it runs

Each app is served by uvicorn on 127.0.0.1; requests are sent one at a time over one connection, and the medians
are compared per path. Log lines are written (JSON, at level info) to the null device, so formatting them is
counted but not the terminal.
"""

from __future__ import annotations

import argparse
import json
import logging
import logging.config
import os
import statistics
import time
from collections.abc import Callable

import httpx
from fastapi import FastAPI

from mzgraph.config import Settings
from mzgraph.web.app import create_app
from mzgraph.web.logs import logging_config
from mzgraph.web.middleware.access import AccessLog
from mzgraph.web.middleware.compression import Compression
from mzgraph.web.middleware.head import HeadAsGet
from mzgraph.web.middleware.headers import FixedHeaders
from tools.servers import AppRunner

PATHS = ("/healthz", "/organisations", "/id/organisation/gemeente-enschede", "/sparql?query=ASK%20%7B%7D")
OPERATIONS = (AccessLog, FixedHeaders, HeadAsGet, Compression)


def without_operations(app: FastAPI) -> FastAPI:
    """The peer: the same app with the operations middleware taken out (before its stack is built)."""
    app.user_middleware = [m for m in app.user_middleware if m.cls not in OPERATIONS]
    return app


def medians(url: str, requests: int) -> dict[str, float]:
    """Median milliseconds per path, after a warm-up of each."""
    found: dict[str, float] = {}
    with httpx.Client(base_url=url, timeout=60, headers={"Accept-Encoding": "gzip"}) as client:
        for path in PATHS:
            for _ in range(5):
                client.get(path).raise_for_status()
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                client.get(path).raise_for_status()
                times.append((time.perf_counter() - started) * 1000)
            found[path] = statistics.median(times)
    return found


def measure(requests: int) -> dict[str, dict[str, float]]:
    """Medians with and without the operations layer, and their ratio, per path."""
    logging.config.dictConfig(logging_config("info", "json"))
    for handler in logging.getLogger("mzgraph").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - lives as long as the run
    results: dict[str, dict[str, float]] = {}
    variants: dict[str, Callable[[FastAPI], FastAPI]] = {"with": lambda app: app, "without": without_operations}
    for name, prepare in variants.items():
        app = prepare(create_app(Settings()))
        try:
            with AppRunner() as runner, runner.serve(app) as url:
                results[name] = medians(url, requests)
        finally:
            app.state.store.close()
    results["ratio"] = {path: results["with"][path] / results["without"][path] for path in PATHS}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="timed requests per path and variant")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    results = measure(args.requests)
    print(json.dumps({"load_average": load, "requests": args.requests, **results}, indent=2))


if __name__ == "__main__":
    main()
