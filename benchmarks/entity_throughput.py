"""Entity pages and one-entity SPARQL queries under 8 clients, against Oxigraph server on the same store.

    python -m benchmarks entity-throughput --organisations 10000            # on-disk store (the default)
    python -m benchmarks entity-throughput --organisations 10000 --backend memory
    python -m benchmarks entity-throughput --organisations 200 --seconds 1  # a quick check that it runs

One graph is generated (``benchmarks/generate.py``) and loaded once with ``mzgraph load --store``; ``mzgraph
serve`` (its defaults: one web worker per core) and ``oxigraph serve-read-only`` then answer from that same
store directory (with ``--backend memory``, mzgraph parses the file into memory instead). ``wrk`` (Debian's)
sends the requests: 8 connections on 2 threads, every request for another entity, more entities than requests
(so no cache helps; the report says if a run asked for more). Both servers run side by side and take turns:
each request is timed in three rounds, the systems alternating, and each figure is the median of its rounds, so
a machine whose speed drifts (a shared virtual machine) drifts for both sides of a ratio. Measured:

- mzgraph: an organisation as HTML, as JSON-LD and as Turtle; ``/sparql`` with the one-entity CONSTRUCT
  ``CONSTRUCT WHERE { <e> ?p ?o }`` of an organisation, its recognition or its source;
- Oxigraph: the two-hop CONSTRUCT of the same organisations (the entity and what it points at, the peer of a
  page), and the same one-entity CONSTRUCT (the peer of ``/sparql``).

For each: requests per second, median and p95 latency under load, CPU time per request of the server's whole
process tree, and the ratio to its peer; and, with one connection, the median latency of the two one-entity
CONSTRUCTs, whose difference is the fixed cost of a ``/sparql`` request. Results: a table on stdout and
``benchmarks/results/entity-throughput-{N}-{backend}.json``. Run it on a quiet machine (the load average is
recorded with the figures).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

from benchmarks.generate import write_graph
from benchmarks.sparql_latency import wait_until_quiet
from mzgraph.config import DEFAULT_BASE_IRI
from tools.servers import free_port, oxigraph_binary, stop_process

RESULTS = Path(__file__).parent / "results"
ID = DEFAULT_BASE_IRI + "id/"
CLIENTS, THREADS = 8, 2
ROUNDS = 3
"""Each request is timed in this many turns, the systems alternating; the figures are the turns' medians."""
ONE_OX, ONE_MZ = "oxigraph one-entity CONSTRUCT", "/sparql one-entity CONSTRUCT"

# One Lua script for every run: entity i of n, in an order that is a permutation of 0..n-1 (7919 is prime),
# each wrk thread on its own stretch of it.
LUA = r"""
local n, stride, first = {n}, {stride}, {first}
local accept = "{accept}"
local kinds = {{"organisation", "recognition", "source"}}
local count = 0
local threads = 0
function setup(thread)
  thread:set("tid", threads + first)
  threads = threads + 1
end
function init(args)
  count = tid * stride + {shift}
end
local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local function organisation(i)
  return string.format("{id}organisation/synthetic-%07d", i)
end
local function entity(i)
  return "{id}" .. kinds[(i % 3) + 1] .. string.format("/synthetic-%07d", math.floor(i / 3) % {organisations})
end
function request()
  count = count + 1
  local i = (count * 7919) % n
  return wrk.format("GET", {path}, {{["Accept"] = accept}})
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {{"requests": %d, "errors": %d, "non2xx": %d, "seconds": %f, "p50_ms": %f, "p95_ms": %f}}\n',
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""
PAGE = 'string.format("/id/organisation/synthetic-%07d", i)'
"""An organisation page; ``i`` is any of the organisations."""
SPARQL = '"{endpoint}?query=" .. enc("{query}")'
ONE_ENTITY = 'CONSTRUCT WHERE { <" .. entity(i) .. "> ?p ?o }'
"""An organisation, a recognition or a source (three entities an organisation)."""
TWO_HOPS = (
    'CONSTRUCT { <" .. organisation(i) .. "> ?p ?o . ?o ?q ?r } '
    'WHERE { <" .. organisation(i) .. "> ?p ?o OPTIONAL { ?o ?q ?r } }'
)
"""An organisation and what it points at, with what those point at."""


@dataclass(frozen=True)
class Request:
    """One kind of request: who answers it, the Lua path expression, Accept, and how many entities exist."""

    name: str
    system: str
    path: str
    accept: str
    entities: int
    peer: str | None = None


@dataclass
class Measured:
    name: str
    requests: int
    errors: int
    per_s: float
    p50_ms: float
    p95_ms: float
    cpu_ms_per_request: float
    repeats: bool
    ratio: float | None = None


def requests_for(organisations: int) -> list[Request]:
    """The requests of one run, each with the number of distinct entities it draws from."""
    one = SPARQL.format(endpoint="/sparql", query=ONE_ENTITY)
    ox_one = SPARQL.format(endpoint="/query", query=ONE_ENTITY)
    two = SPARQL.format(endpoint="/query", query=TWO_HOPS)
    graph, n, three = "application/n-triples", organisations, organisations * 3
    pages_peer, sparql_peer = "oxigraph two-hop CONSTRUCT", "oxigraph one-entity CONSTRUCT"
    return [  # each peer just before what is compared with it
        Request(pages_peer, "oxigraph", two, graph, n),
        Request("page HTML", "mzgraph", PAGE, "text/html", n, pages_peer),
        Request("page JSON-LD", "mzgraph", PAGE, "application/ld+json", n, pages_peer),
        Request("page Turtle", "mzgraph", PAGE, "text/turtle", n, pages_peer),
        Request(sparql_peer, "oxigraph", ox_one, graph, three),
        Request("/sparql one-entity CONSTRUCT", "mzgraph", one, graph, three, sparql_peer),
    ]


def wrk(
    base_url: str,
    request: Request,
    organisations: int,
    seconds: float,
    workdir: Path,
    *,
    connections: int,
    first: int,
    shift: int = 0,
) -> dict[str, float]:
    """Run wrk for ``seconds``: its RESULT line as a dict (``shift`` moves where in the entities it starts)."""
    threads = min(THREADS, connections)
    script = workdir / "run.lua"
    stride = request.entities // 4  # threads 0-1 time, 2-3 take one client, 6-7 warm up: apart
    script.write_text(
        LUA.format(
            n=request.entities,
            stride=stride,
            first=first,
            accept=request.accept,
            id=ID,
            organisations=organisations,
            path=request.path,
            shift=shift,
        )
    )
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(seconds, 1):.0f}s", "--timeout", "30s"]
    done = subprocess.run([*command, "-s", str(script), base_url], capture_output=True, text=True, check=True)
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))  # type: ignore[no-any-return]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of ``pid`` and its descendants so far."""
    total = 0.0
    try:
        root = psutil.Process(pid)
        for process in [root, *root.children(recursive=True)]:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                continue
    except psutil.NoSuchProcess:
        pass
    return total


def measure(
    request: Request, base_url: str, pid: int, organisations: int, seconds: float, workdir: Path, shift: int = 0
) -> Measured:
    """A short warm-up on other entities, then the timed run with CPU accounting."""
    wrk(base_url, request, organisations, 1, workdir, connections=CLIENTS, first=6, shift=shift)
    before = cpu_seconds(pid)
    result = wrk(base_url, request, organisations, seconds, workdir, connections=CLIENTS, first=0, shift=shift)
    used = cpu_seconds(pid) - before
    count = int(result["requests"])
    per_thread = count / THREADS
    return Measured(
        request.name,
        count,
        int(result["errors"] + result["non2xx"]),
        count / result["seconds"],
        result["p50_ms"],
        result["p95_ms"],
        1000 * used / max(count, 1),
        repeats=per_thread > request.entities // 4,
    )


def combined(rounds: list[Measured]) -> Measured:
    """One request's rounds as one figure: the median of each measure, the sum of requests and errors."""
    return Measured(
        rounds[0].name,
        sum(m.requests for m in rounds),
        sum(m.errors for m in rounds),
        statistics.median(m.per_s for m in rounds),
        statistics.median(m.p50_ms for m in rounds),
        statistics.median(m.p95_ms for m in rounds),
        statistics.median(m.cpu_ms_per_request for m in rounds),
        repeats=any(m.repeats for m in rounds),
        ratio=statistics.median(m.ratio for m in rounds if m.ratio is not None)
        if rounds[0].ratio is not None
        else None,
    )


def single_median(request: Request, base_url: str, organisations: int, seconds: float, workdir: Path) -> float:
    """Median latency (ms) with one connection: the request's own cost, no queueing."""
    result = wrk(base_url, request, organisations, seconds, workdir, connections=1, first=3)
    return result["p50_ms"]


@contextmanager
def server(command: list[str], url: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A server process in a session of its own, answering at ``url`` and idle, stopped after the block."""
    import httpx

    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 3600
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not start; see {log}")
            try:
                if httpx.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        wait_until_quiet(process.pid)  # start-up work (the pages' validation) done
        yield process
    finally:
        stop_process(process)


def run(
    organisations: int, backend: str, seconds: float, workdir: Path, store: Path | None = None
) -> dict[str, object]:
    """Generate, load (unless ``store`` holds the graph already), start both servers, measure them in turns."""
    mzgraph = [sys.executable, "-m", "mzgraph.cli"]
    data = workdir / "graph.nt"
    triples = None
    if store is None or backend == "memory":
        with data.open("w", encoding="utf-8") as out:
            triples = write_graph(out, organisations)
    if store is None:
        store = workdir / "store"
        subprocess.run([*mzgraph, "load", "--store", str(store), "--data", str(data), "--quiet"], check=True)
    requests = requests_for(organisations)
    ox_port, mz_port = free_port(), free_port()
    ox_command = [str(oxigraph_binary()), "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{ox_port}"]
    source = ["--store", str(store)] if backend == "disk" else ["--data", str(data)]
    mz_command = [*mzgraph, "serve", *source, "--host", "127.0.0.1", "--port", str(mz_port)]
    ox_url, mz_url = f"http://127.0.0.1:{ox_port}", f"http://127.0.0.1:{mz_port}"
    rounds: dict[str, list[Measured]] = {r.name: [] for r in requests}
    singles: dict[str, list[float]] = {ONE_OX: [], ONE_MZ: []}
    with (
        server(ox_command, ox_url + "/query", workdir / "oxigraph.log") as ox,
        server(mz_command, mz_url + "/sparql", workdir / "mzgraph.log") as mz,
    ):
        for round_ in range(ROUNDS):  # the systems take turns, so a machine that drifts in speed drifts for both
            shift = round_ * 997  # each round starts elsewhere among the entities
            for request in requests:
                url, pid = (ox_url, ox.pid) if request.system == "oxigraph" else (mz_url, mz.pid)
                taken = measure(request, url, pid, organisations, seconds / ROUNDS, workdir, shift)
                if request.peer is not None:
                    taken.ratio = taken.per_s / rounds[request.peer][-1].per_s
                rounds[request.name].append(taken)
            for name, url in ((ONE_OX, ox_url), (ONE_MZ, mz_url)):
                one = next(r for r in requests if r.name == name)
                singles[name].append(single_median(one, url, organisations, seconds / ROUNDS, workdir))
    measured = {name: combined(taken) for name, taken in rounds.items()}
    medians = {name: statistics.median(values) for name, values in singles.items()}
    return {
        "organisations": organisations,
        "triples": triples,
        "backend": backend,
        "seconds": seconds,
        "clients": CLIENTS,
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "measured": {name: asdict(m) for name, m in measured.items()},
        "single_client_median_ms": medians,
        "rounds": ROUNDS,
        "sparql_fixed_cost_ms": medians[ONE_MZ] - medians[ONE_OX],
    }


def table(results: dict[str, object]) -> str:
    """The results as text."""
    lines = [
        f"{results['organisations']:,} organisations ({results['triples'] or '?'} triples), {results['backend']}, "
        f"{results['clients']} clients, load average before {results['load_average_before']}",
        f"{'request':32} {'req/s':>8} {'median':>8} {'p95':>8} {'CPU/req':>8} {'ratio':>6} errors",
    ]
    for m in results["measured"].values():  # type: ignore[attr-defined]
        ratio = f"{m['ratio']:.2f}x" if m["ratio"] is not None else "-"
        repeats = " (entities repeated)" if m["repeats"] else ""
        lines.append(
            f"{m['name']:32} {m['per_s']:8.1f} {m['p50_ms']:6.2f}ms {m['p95_ms']:6.2f}ms "
            f"{m['cpu_ms_per_request']:6.2f}ms {ratio:>6} {m['errors']}{repeats}"
        )
    medians = results["single_client_median_ms"]
    lines.append(
        "one client, median: "
        + ", ".join(f"{name} {value:.2f} ms" for name, value in medians.items())  # type: ignore[attr-defined]
        + f"; /sparql fixed cost {results['sparql_fixed_cost_ms']:.2f} ms"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks entity-throughput", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--organisations", "-n", type=int, default=10_000)
    parser.add_argument("--backend", choices=("disk", "memory"), default="disk")
    parser.add_argument("--seconds", type=float, default=15.0, help="time per request, split over the rounds")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--store", type=Path, help="a store already filled by `mzgraph load` with this graph (seed 42): no reload"
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        parser.error("wrk is missing: install Debian's wrk (scripts/install-dev does)")
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="mzgraph-entities-") as tmp:
        results = run(args.organisations, args.backend, args.seconds, Path(tmp), args.store)
    results["load_average_before"] = [round(x, 2) for x in load_before]
    print(table(results))
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"entity-throughput-{args.organisations}-{args.backend}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
