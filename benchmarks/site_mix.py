"""The site mix: every kind of page a reader or a partner site asks for, on every mzgraph backend.

    python -m benchmarks --mix site --sizes 1000,10000 --out benchmarks/results

Each size's graph is generated, then served by mzgraph in memory (``serve --data``: the store loaded and the
release index built at start-up), on disk (``load --store``, which builds the index, then ``serve --store``)
in front of ``oxigraph serve`` (``serve --sparql-endpoint``, its index built from the endpoint at start-up) and,
when asked for (``--systems ...,mzgraph-virtuoso``), in front of Virtuoso (bulk loaded, then ``mzgraph index``).
The load and start times include building the release index. Every route is then asked ``reps`` times, one
client, warm (after one request that is not counted), each time with a query string of its own so no answer
comes from the pages' per-release cache: the median, p95 and errors of each route are reported, with the
issue's budget beside them. An organisation is asked as HTML, JSON-LD and Turtle, a different one each time. The
same search asked again is answered from the web worker's few recent searches (as when a reader pages through
it), so one route searches for a word not asked before each time.

    python -m benchmarks site-url http://127.0.0.1:8000 --organisations 100000 --out FILE

asks the same routes of a server already running (a store loaded and indexed by other means, such as
Virtuoso's bulk loader), after its first organisation page answers without waiting for the first validation.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from benchmarks import generate
from benchmarks.measure import percentile
from benchmarks.peers import (
    Running,
    start_mzgraph_disk,
    start_mzgraph_memory,
    start_mzgraph_remote,
    start_mzgraph_virtuoso,
    start_oxigraph,
    start_virtuoso,
)
from benchmarks.peers import started as _started
from benchmarks.workload import ID, entity_iri
from mzgraph.config import DEFAULT_BASE_IRI

BACKENDS = ("mzgraph-memory", "mzgraph-disk", "mzgraph-remote", "mzgraph-virtuoso")
DEFAULT_BACKENDS = BACKENDS[:3]
"""Virtuoso is measured when named: it needs Debian's virtuoso-opensource-7-bin."""
Send = Callable[[httpx.Client, str, int], httpx.Response]


@dataclass(frozen=True)
class Route:
    """One kind of request: ``send(client, base_url, i)`` asks its i-th instance; ``budget_ms`` is the issue's."""

    name: str
    budget_ms: float | None
    send: Send


def _get(path: str, accept: str = "text/html") -> Send:
    def send(client: httpx.Client, base: str, i: int) -> httpx.Response:
        joiner = "&" if "?" in path else "?"
        return client.get(f"{base}{path}{joiner}_bench={i}", headers={"Accept": accept, "Accept-Language": "en"})

    return send


def _later(path: str) -> Send:
    """A page far into the list: the first page's ``last`` link, found once, then asked."""
    found: dict[str, str] = {}

    def send(client: httpx.Client, base: str, i: int) -> httpx.Response:
        if base not in found:
            first = client.get(f"{base}/organisations.json{path}").json()
            found[base] = str(first["last"]).removeprefix("/organisations.json")
        return _get("/organisations" + found[base])(client, base, i)

    return send


def _entity(size: int, accept: str) -> Send:
    def send(client: httpx.Client, base: str, i: int) -> httpx.Response:
        path = entity_iri(size, i).removeprefix(DEFAULT_BASE_IRI)
        return client.get(f"{base}/{path}", headers={"Accept": accept})

    return send


def _head(path: str) -> Send:
    def send(client: httpx.Client, base: str, i: int) -> httpx.Response:
        return client.head(base + path)

    return send


FRESH_WORDS = [
    "werk",
    "medewerkers",
    "gemeente",
    "aandacht",
    "thema",
    "gesprek",
    "medewerker",
    "steunpunt",
    "leidinggevende",
    "mantelzorgers",
    "intranet",
    "informatie",
    "combinatie",
    "mogelijkheden",
    "bekend",
    "zorg",
    "bespreekbaar",
    "combineren",
    "resultaten",
    "relatie",
]
"""Common words of the generated profiles, each found in thousands of employers at 10,000: a search for one not
asked before is not in any web worker's cache of recent searches."""


def _fresh_search() -> Send:
    """A search for a word not asked before in this run (up to ``len(FRESH_WORDS)`` requests)."""

    def send(client: httpx.Client, base: str, i: int) -> httpx.Response:
        return _get(f"/organisations?q={FRESH_WORDS[i % len(FRESH_WORDS)]}")(client, base, i)

    return send


FILTERED = f"?partner={ID}partner/mezzo&partner={ID}partner/tandem&province={ID}place/overijssel&sort=-measures"


def routes(size: int) -> list[Route]:
    """Every route kind of the site, with the issue's budget (server time, warm) where it sets one."""
    return [
        Route("home", 50, _get("/")),
        Route("browse first page", 100, _get("/organisations")),
        Route("browse last page (cursor)", 100, _later("?sort=-recognised")),
        Route("browse filtered", 100, _get("/organisations" + FILTERED)),
        Route("search 'verlof'", 100, _get("/organisations?q=verlof")),
        Route("search 'mantelzorg'", 100, _get("/organisations?q=mantelzorg")),
        Route("search, a new word each time", 100, _fresh_search()),
        Route("facets (JSON, filtered search)", 200, _get("/organisations.json" + FILTERED + "&q=zorg", "*/*")),
        Route("VoID (Turtle)", 50, _get("/.well-known/void", "text/turtle")),
        Route("ontology /def/", 50, _get("/def/")),
        Route("measure group", 50, _get("/id/measure-group/awareness")),
        Route("measure type", 50, _get("/id/measure-type/leave")),
        Route("partner", 50, _get("/id/partner/mezzo")),
        Route("organisation HTML", None, _entity(size, "text/html")),
        Route("organisation JSON-LD", None, _entity(size, "application/ld+json")),
        Route("organisation Turtle", None, _entity(size, "text/turtle")),
        Route("dump head (HEAD .nq)", None, _head("/download/mzgraph.nq")),
    ]


def measure_route(base_url: str, route: Route, *, reps: int, timeout: float) -> dict[str, Any]:
    """Median and p95 (ms) of ``reps`` requests after one warm-up, and how many failed (not 200, or no answer)."""
    samples: list[float] = []
    errors: list[str] = []
    with httpx.Client(timeout=timeout) as client:
        for i in range(reps + 1):
            started = time.perf_counter()
            try:
                answer = route.send(client, base_url, i)
                elapsed = (time.perf_counter() - started) * 1000
                if answer.status_code != 200:
                    errors.append(f"HTTP {answer.status_code}: {answer.text[:120]}")
                    continue
            except (httpx.HTTPError, ValueError, KeyError) as err:
                errors.append(f"{type(err).__name__}: {err}"[:160])
                continue
            if i:  # the first is the warm-up
                samples.append(elapsed)
    return {
        "samples": len(samples),
        "median_ms": round(statistics.median(samples), 2) if samples else None,
        "p95_ms": round(percentile(samples, 0.95), 2) if samples else None,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "budget_ms": route.budget_ms,
    }


def settle(base_url: str, size: int, *, timeout: float, budget: float = 300.0) -> float:
    """Seconds until an organisation page answers without waiting for the release's first validation (which
    the server starts at start-up, and a page waits for up to 8 s): a cost of starting, not of every page."""
    started = time.perf_counter()
    page = _entity(size, "text/html")
    with httpx.Client(timeout=timeout) as client:
        for i in range(10_000):
            asked = time.perf_counter()
            page(client, base_url, i)
            if time.perf_counter() - asked < 2.0 or time.perf_counter() - started > budget:
                break
    return round(time.perf_counter() - started, 1)


def measure_system(
    system: Running, size: int, *, reps: int, timeout: float, progress: Callable[[str], None]
) -> dict[str, Any]:
    result: dict[str, Any] = {"status": "ok", "load_s": round(system.load_s, 1), "start_s": round(system.start_s, 1)}
    result["settle_s"] = settle(system.base_url, size, timeout=timeout)
    progress(f"  {system.name}: organisation pages answer without waiting after {result['settle_s']:.1f} s")
    measured = {}
    for route in routes(size):
        measured[route.name] = measure_route(system.base_url, route, reps=reps, timeout=timeout)
        found = measured[route.name]
        progress(
            f"  {system.name} {route.name}: {found['median_ms']} ms (p95 {found['p95_ms']}), {found['errors']} errors"
        )
    system.sampler.sample()
    result["routes"] = measured
    result["peak_pss_mb"] = round(system.sampler.peak_pss_mb, 1)
    return result


def run_size(
    size: int,
    workdir: Path,
    *,
    backends: tuple[str, ...],
    reps: int,
    timeout: float,
    start_budget: float,
    progress: Callable[[str], None],
    measured: Callable[[dict[str, Any]], None] = lambda _partial: None,
) -> dict[str, Any]:
    """The site mix on every backend at one graph size; ``measured`` is given the results so far after each
    backend, so a run stopped half way keeps what it measured."""
    data = workdir / f"graph-{size}.nt"
    progress(f"size {size}: generating {data.name}")
    with data.open("w", encoding="utf-8") as out:
        triples = generate.write_graph(out, size)
    systems: dict[str, Any] = {}

    started = partial(_started, systems=systems, progress=progress, size=size)

    def measure(name: str, system: Running | None, extra: dict[str, Any] | None = None) -> None:
        if system is not None:
            systems[name] = {
                **measure_system(system, size, reps=reps, timeout=timeout, progress=progress),
                **(extra or {}),
            }
            measured({"organisations": size, "triples": triples, "systems": systems})

    for name, start in (("mzgraph-memory", start_mzgraph_memory), ("mzgraph-disk", start_mzgraph_disk)):
        if name in backends:
            with started(name, partial(start, data, workdir, start_budget)) as system:
                measure(name, system)
    in_front = (
        ("mzgraph-remote", "oxigraph", start_oxigraph, start_mzgraph_remote),
        ("mzgraph-virtuoso", "virtuoso", start_virtuoso, start_mzgraph_virtuoso),
    )
    for name, store_name, start_store, start_front in in_front:
        if name not in backends:
            continue
        with started(store_name, partial(start_store, data, workdir, start_budget)) as store:
            if store is None:
                continue
            with started(name, partial(start_front, store, workdir, start_budget)) as system:
                measure(name, system, {f"{store_name}_load_s": round(store.load_s, 1)})
    data.unlink()
    return {"organisations": size, "triples": triples, "systems": systems}


def main(argv: list[str]) -> int:
    """``site-url``: the routes of the site mix against a server already running, serving a generated graph."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks site-url", description=main.__doc__)
    parser.add_argument("url", help="the server's base URL")
    parser.add_argument("--organisations", type=int, required=True, help="the size the graph was generated at")
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--out", type=Path, help="a JSON file for the figures")
    args = parser.parse_args(argv)
    base = args.url.rstrip("/")
    settled = settle(base, args.organisations, timeout=args.timeout)
    measured = {}
    for route in routes(args.organisations):
        found = measured[route.name] = measure_route(base, route, reps=args.reps, timeout=args.timeout)
        budget = f"budget {route.budget_ms}" if route.budget_ms else ""
        print(f"{route.name:32} {found['median_ms']} / {found['p95_ms']} ms, {found['errors']} errors {budget}")
    if args.out:
        result = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "organisations": args.organisations,
            "reps": args.reps,
            "settle_s": settled,
            "routes": measured,
        }
        args.out.write_text(json.dumps(result, indent=1) + "\n")
    return 1 if any(found["errors"] for found in measured.values()) else 0
