"""Latency, throughput and validation timings, against a started system.

Latency: per query one warm-up request, then repetitions until ``reps`` or the query's time budget is
spent (at least one timed sample; a warm-up slower than the budget is itself the sample). A request
that fails or passes ``timeout`` is recorded as an error, and the query's median is then missing.
Throughput: ``clients`` threads, each with its own HTTP connection, send requests for ``seconds``;
every request asks for a different entity.
"""

from __future__ import annotations

import itertools
import json
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.peers import BIN, Running
from benchmarks.workload import Query, query_mix


@dataclass
class Latency:
    """Timings of one query on one system, in milliseconds."""

    samples: int
    median_ms: float | None
    p95_ms: float | None
    error: str | None = None


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` percentile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def _timed(client: httpx.Client, query: Query, system: Running, i: int) -> float:
    started = time.perf_counter()
    answer = query.send(client, system.base_url, system.sparql_url, i)
    elapsed = time.perf_counter() - started
    if answer.status_code != 200:
        raise RuntimeError(f"HTTP {answer.status_code}: {answer.text[:200]}")
    if not answer.content:
        raise RuntimeError("empty answer")
    return elapsed * 1000


def latency(system: Running, query: Query, *, reps: int, budget_s: float, timeout: float) -> Latency:
    """Median and p95 latency of ``query`` on ``system``."""
    samples: list[float] = []
    with httpx.Client(timeout=timeout) as client:
        try:
            warm = _timed(client, query, system, 0)
            if warm / 1000 > budget_s / 3:
                samples.append(warm)
            else:
                deadline = time.perf_counter() + budget_s
                for i in range(1, reps + 1):
                    samples.append(_timed(client, query, system, i))
                    if time.perf_counter() > deadline:
                        break
        except (httpx.HTTPError, RuntimeError) as err:
            if not samples:
                return Latency(0, None, None, error=f"{type(err).__name__}: {err}"[:300])
    return Latency(len(samples), statistics.median(samples), percentile(samples, 0.95))


def first_page(system: Running, size: int, timeout: float) -> float:
    """Seconds until the first entity page (HTML) is answered after the start."""
    page = next(q for q in query_mix(size) if q.name == "page-html")
    with httpx.Client(timeout=timeout) as client:
        return _timed(client, page, system, 0) / 1000


@dataclass
class Throughput:
    """Requests answered per second under concurrent clients."""

    clients: int
    seconds: float
    completed: int
    errors: int
    per_s: float


def throughput(system: Running, query: Query, *, clients: int, seconds: float, timeout: float) -> Throughput:
    """Requests per second of ``query`` with ``clients`` concurrent clients for about ``seconds``."""
    counter = itertools.count(1000)
    lock = threading.Lock()
    done = [0, 0]  # completed, errors
    stop_at = time.perf_counter() + seconds

    def client_loop() -> None:
        # Each client sends at least one request, however late its thread gets to run on a busy machine.
        with httpx.Client(timeout=timeout) as client:
            while True:
                with lock:
                    i = next(counter)
                try:
                    ok = query.send(client, system.base_url, system.sparql_url, i).status_code == 200
                except Exception:  # any failed request is an error of the run, not of the harness
                    ok = False
                with lock:
                    done[0 if ok else 1] += 1
                if time.perf_counter() >= stop_at:
                    return

    started = time.perf_counter()
    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return Throughput(clients, round(elapsed, 3), done[0], done[1], done[0] / elapsed)


PYSHACL_ONCE = """
import json, sys, time
import pyshacl
from rdflib import Graph
from rdflib.namespace import SH
started = time.perf_counter()
data = Graph().parse(sys.argv[1], format="nt")
shapes = Graph()
for path in sys.argv[2:]:
    shapes.parse(path)
conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                       allow_warnings=True, allow_infos=True)
results = len(list(report.subjects(SH.resultSeverity, None)))
print(json.dumps({"conforms": bool(conforms), "results": results, "seconds": time.perf_counter() - started}))
"""


@dataclass
class Validation:
    """One validation run: its wall time, verdict and number of results (or why it has none)."""

    seconds: float | None
    conforms: bool | None
    results: int | None
    error: str | None = None


def validate_mzgraph(data: Path, budget: float) -> Validation:
    """``mzgraph validate`` on the file (JSON report; its exit code says conformance)."""
    run = _timed_json_run([str(BIN / "mzgraph"), "validate", "--format", "json", str(data)], budget)
    if isinstance(run, Validation):
        return run
    elapsed, report = run
    return Validation(elapsed, bool(report["conforms"]), sum(report["counts"].values()))


def validate_pyshacl(data: Path, shapes: list[Path], budget: float) -> Validation:
    """One plain pySHACL run over the whole file with the bundled shapes, in a fresh interpreter."""
    run = _timed_json_run([sys.executable, "-c", PYSHACL_ONCE, str(data), *map(str, shapes)], budget)
    if isinstance(run, Validation):
        return run
    elapsed, report = run
    return Validation(elapsed, report["conforms"], report["results"])


def _timed_json_run(command: list[str], budget: float) -> tuple[float, dict[str, Any]] | Validation:
    """Run ``command`` within ``budget`` seconds: its wall time and the JSON it printed, or a failed run."""
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, timeout=budget, check=False)
    except subprocess.TimeoutExpired:
        return Validation(None, None, None, error=f"out of budget ({budget:.0f} s)")
    elapsed = time.perf_counter() - started
    try:
        return elapsed, json.loads(done.stdout)
    except json.JSONDecodeError:
        return Validation(elapsed, None, None, error=done.stderr.decode(errors="replace")[-300:])


def as_dict(value: object) -> dict[str, object]:
    """A measurement as plain JSON-ready data."""
    return asdict(value)  # type: ignore[call-overload, no-any-return]
