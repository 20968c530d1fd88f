"""A load run: N concurrent clients for a fixed time against ``mzgraph serve`` started here on 127.0.0.1.

The mix: pages (home, browse, organisation and partner pages in HTML and Turtle, VoID), the saved
queries' REST endpoints, and raw ``/sparql`` queries (a one-entity CONSTRUCT, a count, a search).
Reports throughput, latency percentiles and every error (any status >= 400 or a failed connection),
overall and per kind of request. Loopback only and bounded: at most 64 clients and 600 s.

    python -m benchmarks.load_run                   # 8 clients, 60 s, the bundled graph
    python -m benchmarks.load_run --clients 4 --duration 10 --json report.json
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tools.servers import free_port, stop_process

ROOT = Path(__file__).resolve().parent.parent
MAX_CLIENTS = 64
MAX_DURATION = 600.0
SEARCH = 'SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(CONTAINS(LCASE(STR(?l)), "gemeente")) } LIMIT 50'
PREFIX = "PREFIX mz: <https://w3id.org/mzgraph/def/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


@dataclass(frozen=True)
class Request:
    """One request of the mix: a kind (for the report) and how to send it."""

    kind: str
    method: str
    path: str
    data: dict[str, str] | None = None
    headers: dict[str, str] | None = None


@dataclass(frozen=True)
class Sample:
    kind: str
    status: int
    seconds: float
    error: str = ""


@contextmanager
def serve(args: argparse.Namespace) -> Iterator[str]:
    """``mzgraph serve`` on a free loopback port, for the duration of the block; yields its base URL."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "mzgraph.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--timeout",
        str(args.timeout),
    ]
    for path in args.data or ():
        command += ["--data", str(path)]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"mzgraph serve exited: {process.stderr.read() if process.stderr else ''}")
            try:
                if httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise SystemExit("mzgraph serve did not start within 120 s")
        yield url
    finally:
        stop_process(process)


def build_mix(url: str) -> list[Request]:
    """The requests of the mix, with entity paths and saved queries found on the server itself."""

    def select(query: str) -> list[str]:
        response = httpx.post(url + "/sparql", data={"query": PREFIX + query}, timeout=30)
        response.raise_for_status()
        return [next(iter(b.values()))["value"] for b in response.json()["results"]["bindings"]]

    def path_of(iri: str) -> str:
        return "/" + iri.split("/mzgraph/", 1)[1]

    organisations = [path_of(i) for i in select("SELECT ?o WHERE { ?o mz:recognition ?r } ORDER BY ?o LIMIT 20")]
    partners = [path_of(i) for i in select("SELECT ?p WHERE { ?p a mz:PartnerBody } ORDER BY ?p LIMIT 20")]
    saved = [q["name"] for q in _saved_queries(url)]
    saved = [name for name in saved if httpx.get(f"{url}/queries/{name}", timeout=30).status_code == 200]
    html = {"Accept": "text/html"}
    mix = [
        Request("page:home", "GET", "/", headers=html),
        Request("page:browse", "GET", "/organisations?sort=name", headers=html),
        Request("page:browse.json", "GET", "/organisations.json"),
        Request("page:void", "GET", "/.well-known/void", headers={"Accept": "text/turtle"}),
    ]
    mix += [Request("page:organisation", "GET", p, headers=html) for p in organisations]
    mix += [Request("page:organisation.ttl", "GET", p + ".ttl") for p in organisations]
    mix += [Request("page:partner", "GET", p, headers=html) for p in partners[:5]]
    mix += [Request("saved-query", "GET", f"/queries/{name}") for name in saved]
    mix += [
        Request(
            "sparql:construct-one",
            "POST",
            "/sparql",
            {"query": f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}"},
            {"Accept": "text/turtle"},
        )
        for iri in ("https://w3id.org/mzgraph" + p for p in organisations[:5])
    ]
    mix += [
        Request("sparql:count", "POST", "/sparql", {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}),
        Request(
            "sparql:search",
            "POST",
            "/sparql",
            {
                "query": PREFIX + "SELECT ?s ?l WHERE { ?s rdfs:label ?l "
                'FILTER(CONTAINS(LCASE(STR(?l)), "gemeente")) } LIMIT 50'
            },
        ),
    ]
    return mix


def _saved_queries(url: str) -> list[dict[str, object]]:
    body = httpx.get(url + "/queries", headers={"Accept": "application/json"}, timeout=30).json()
    found: list[dict[str, object]] = body if isinstance(body, list) else body.get("queries", [])
    return found


def client(url: str, mix: list[Request], until: float, seed: int, record: Callable[[Sample], None]) -> None:
    """One client: requests from the mix in random order, one at a time, until ``until``."""
    rng = random.Random(seed)
    with httpx.Client(base_url=url, timeout=60) as http:
        while time.monotonic() < until:
            request = rng.choice(mix)
            started = time.monotonic()
            error = ""
            try:
                response = http.request(request.method, request.path, data=request.data, headers=request.headers)
                response.read()
                status = response.status_code
                if status >= 400:
                    error = f"{request.path}: {response.text[:200]}"
            except httpx.HTTPError as err:
                status, error = 0, f"{request.path}: {err!r}"
            record(Sample(request.kind, status, time.monotonic() - started, error))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def report(samples: list[Sample], seconds: float, clients: int) -> dict[str, object]:
    """Throughput, percentiles and errors, overall and per kind."""
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)

    def summary(group: list[Sample]) -> dict[str, object]:
        latencies = [s.seconds for s in group]
        errors = Counter(s.status for s in group if s.status == 0 or s.status >= 400)
        return {
            "requests": len(group),
            "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
            "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
            "max_ms": round(max(latencies, default=0) * 1000, 1),
            "errors": dict(errors),
        }

    return {
        "clients": clients,
        "seconds": round(seconds, 1),
        "throughput_per_s": round(len(samples) / seconds, 1),
        "overall": summary(samples),
        "kinds": {kind: summary(group) for kind, group in sorted(by_kind.items())},
        "error_examples": sorted({s.error for s in samples if s.error})[:10],
    }


def print_report(result: dict[str, object]) -> None:
    overall = result["overall"]
    assert isinstance(overall, dict)
    print(
        f"{result['clients']} clients, {result['seconds']} s: {overall['requests']} requests, "
        f"{result['throughput_per_s']}/s; p50 {overall['p50_ms']} ms, p95 {overall['p95_ms']} ms, "
        f"p99 {overall['p99_ms']} ms; errors {overall['errors'] or 0}"
    )
    print(f"\n{'kind':24} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  errors")
    kinds = result["kinds"]
    assert isinstance(kinds, dict)
    for kind, row in kinds.items():
        print(
            f"{kind:24} {row['requests']:>8} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8}  "
            f"{row['errors'] or '-'}"
        )
    for example in result["error_examples"]:  # type: ignore[attr-defined]
        print(f"error: {example}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help=f"concurrent clients (1-{MAX_CLIENTS}; default 8)")
    parser.add_argument("--duration", type=float, default=60.0, help=f"seconds (at most {MAX_DURATION:.0f})")
    parser.add_argument("--timeout", type=float, default=10.0, help="the server's query deadline (default 10)")
    parser.add_argument("--data", type=Path, action="append", help="RDF to serve (default: the bundled graph)")
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS or not 0 < args.duration <= MAX_DURATION:
        parser.error(f"--clients must be 1..{MAX_CLIENTS} and --duration 0..{MAX_DURATION:.0f}")
    samples: list[Sample] = []
    lock = threading.Lock()

    def record(sample: Sample) -> None:
        with lock:
            samples.append(sample)

    with serve(args) as url:
        mix = build_mix(url)
        print(
            f"mzgraph serve at {url}; {len(mix)} requests in the mix; {args.clients} clients for {args.duration:.0f} s",
            file=sys.stderr,
        )
        started = time.monotonic()
        until = started + args.duration
        threads = [
            threading.Thread(target=client, args=(url, mix, until, seed, record)) for seed in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result = report(samples, time.monotonic() - started, args.clients)
    print_report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    overall = result["overall"]
    return 1 if isinstance(overall, dict) and overall["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
