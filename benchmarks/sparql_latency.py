"""Median SPARQL latency of mzgraph against a raw ``oxigraph serve`` on the same data, in the same run.

    python -m benchmarks.sparql_latency                       # generated graph, 10,000 organisations
    python -m benchmarks.sparql_latency --bundled             # the bundled graph
    python -m benchmarks.sparql_latency -n 1000 --repeat 30

Two pairs, each on the same data: ``mzgraph serve --data`` against an in-memory ``oxigraph serve``
(loaded through its Graph Store endpoint), and ``mzgraph serve --store`` (filled by ``mzgraph load``)
against ``oxigraph serve --location`` (filled by ``oxigraph load``), both RocksDB. The mix: every saved query
(``queries/*.rq`` with its defaults) and the one-entity CONSTRUCT the organisation pages run. Each
query is asked of each system in turn, ``--repeat`` times after two warm-ups, over one keep-alive
connection; the table gives medians and mzgraph/oxigraph ratios (target: 1.3 or less). Results also go
to ``benchmarks/results/sparql-latency-*.json``. Not a test: run it on demand, on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pyoxigraph as ox

from benchmarks.generate import write_graph
from mzgraph.bundled import bundled_graph_files, queries_dir
from mzgraph.entities.describe import describe_query
from mzgraph.sparql.saved import load_saved_queries
from tools.servers import free_port, oxigraph_binary, stop_process

RESULTS = Path(__file__).parent / "results"
ACCEPT = {"SELECT": "application/sparql-results+json", "ASK": "application/sparql-results+json"}
GRAPH_ACCEPT = "text/turtle"


@dataclass(frozen=True)
class System:
    name: str
    url: str
    process: subprocess.Popen[bytes]


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    accept: str


def query_mix(entity: str) -> list[Query]:
    """The saved queries with their defaults, and the CONSTRUCT of one organisation's page."""
    mix = [Query(name, q.bind(), ACCEPT["SELECT"]) for name, q in sorted(load_saved_queries(queries_dir()).items())]
    mix.append(Query("entity-construct", describe_query(ox.NamedNode(entity)), GRAPH_ACCEPT))
    return mix


def prepare_data(workdir: Path, organisations: int, bundled: bool) -> tuple[Path, str]:
    """One N-Triples file with the graph, and an organisation IRI in it."""
    data = workdir / "graph.nt"
    with data.open("w", encoding="utf-8") as out:
        if bundled:
            for path in bundled_graph_files():
                out.write(ox.serialize(ox.parse(path=str(path)), format=ox.RdfFormat.N_QUADS).decode())
        else:
            write_graph(out, organisations)
    store = ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
    employer = "SELECT ?org WHERE { ?org <https://w3id.org/mzgraph/def/recognition> ?r } ORDER BY ?org LIMIT 1"
    found = store.query(employer)
    return data, next(iter(found))["org"].value  # type: ignore[call-overload,index]


@contextmanager
def running(name: str, command: list[str], url: str, log: Path) -> Iterator[System]:
    """Start ``command``; yield once it answers at ``url`` and has gone quiet (start-up work done)."""
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 1800
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start; see {log}")
            try:
                if httpx.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        wait_until_quiet(process.pid)
        yield System(name, url, process)
    finally:
        stop_process(process)


def wait_until_quiet(pid: int, *, budget: float = 1800) -> None:
    """Wait until the process tree of ``pid`` uses under 5 % CPU for two seconds (e.g. validation done)."""
    deadline = time.monotonic() + budget
    quiet = 0
    root = psutil.Process(pid)
    while quiet < 2 and time.monotonic() < deadline:
        tree = [root, *root.children(recursive=True)]
        for process in tree:
            process.cpu_percent(None)
        time.sleep(1)
        used = 0.0
        for process in tree:
            with suppress(psutil.NoSuchProcess):
                used += process.cpu_percent(None)
        quiet = quiet + 1 if used < 5 else 0


def measure(systems: list[System], mix: list[Query], repeat: int) -> dict[str, dict[str, object]]:
    """Median milliseconds per query and system, systems interleaved within each round."""
    results: dict[str, dict[str, object]] = {}
    with httpx.Client(timeout=300) as client:
        for query in mix:
            samples: dict[str, list[float]] = {s.name: [] for s in systems}
            rows: dict[str, int] = {}
            for round_ in range(repeat + 2):
                for system in systems:
                    started = time.perf_counter()
                    response = client.get(system.url, params={"query": query.text}, headers={"Accept": query.accept})
                    elapsed = (time.perf_counter() - started) * 1000
                    if response.status_code != 200:
                        raise RuntimeError(f"{system.name} {query.name}: HTTP {response.status_code} {response.text}")
                    if round_ == 0:
                        rows[system.name] = count_rows(response.content, query.accept)
                    else:
                        samples[system.name].append(elapsed)
            if len(set(rows.values())) != 1:
                raise RuntimeError(f"the systems disagree on {query.name}: {rows}")
            results[query.name] = {
                "rows": next(iter(rows.values())),
                "median_ms": {name: statistics.median(values[1:]) for name, values in samples.items()},
            }
    return results


def count_rows(body: bytes, accept: str) -> int:
    """Solutions or triples in a response (to check that every system gives the same answer)."""
    if accept == GRAPH_ACCEPT:
        return len(list(ox.parse(body, format=ox.RdfFormat.TURTLE)))
    return len(json.loads(body)["results"]["bindings"])


PAIRS = (("mzgraph-memory", "oxigraph-memory"), ("mzgraph-store", "oxigraph-store"))
"""Each mzgraph set-up and the raw Oxigraph set-up it is compared with."""


def table(results: dict[str, dict[str, object]]) -> str:
    """The results as a text table: per pair, Oxigraph's median, mzgraph's, and their ratio."""
    header = f"{'query':38}" + "".join(f" {theirs:>16} {ours:>15} {'ratio':>6}" for ours, theirs in PAIRS)
    lines = [header, "-" * len(header)]
    ratios: dict[str, list[float]] = {ours: [] for ours, _ in PAIRS}
    for name, row in results.items():
        medians: dict[str, float] = row["median_ms"]  # type: ignore[assignment]
        line = f"{name:38}"
        for ours, theirs in PAIRS:
            ratios[ours].append(medians[ours] / medians[theirs])
            line += f" {medians[theirs]:16.2f} {medians[ours]:15.2f} {ratios[ours][-1]:6.2f}"
        lines.append(line)
    geo = "".join(f" {'':16} {'':15} {statistics.geometric_mean(ratios[ours]):6.2f}" for ours, _ in PAIRS)
    lines.append(f"{'geometric mean of the ratios':38}{geo}")
    return "\n".join(lines) + "\n(milliseconds, median; ratio = mzgraph / Oxigraph)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", "-n", type=int, default=10_000)
    parser.add_argument("--bundled", action="store_true", help="the bundled graph instead of a generated one")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    label = "bundled" if args.bundled else f"{args.organisations}"
    with tempfile.TemporaryDirectory(prefix="mzgraph-bench-") as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        data, entity = prepare_data(workdir, args.organisations, args.bundled)
        mzgraph = [sys.executable, "-m", "mzgraph.cli"]
        subprocess.run(
            [str(oxigraph_binary()), "load", "--location", str(workdir / "ox"), "--file", str(data)],
            check=True,
            capture_output=True,
        )
        subprocess.run([*mzgraph, "load", "--store", str(workdir / "mz"), "--data", str(data)], check=True)
        options = ["--max-rows", "10000000", "--timeout", "300"]
        oxigraph = [str(oxigraph_binary()), "serve"]
        systems = []
        for name, command, path in (
            ("oxigraph-memory", oxigraph, "/query"),
            ("mzgraph-memory", [*mzgraph, "serve", "--data", str(data), *options], "/sparql"),
            ("oxigraph-store", [*oxigraph, "--location", str(workdir / "ox")], "/query"),
            ("mzgraph-store", [*mzgraph, "serve", "--store", str(workdir / "mz"), *options], "/sparql"),
        ):
            port = free_port()
            bind = ["--bind", f"127.0.0.1:{port}"] if name.startswith("oxigraph") else ["--port", str(port)]
            url = f"http://127.0.0.1:{port}{path}"
            systems.append(stack.enter_context(running(name, [*command, *bind], url, workdir / f"{name}.log")))
            if name == "oxigraph-memory":  # loaded through its Graph Store endpoint
                with data.open("rb") as body:
                    headers = {"Content-Type": "application/n-triples"}
                    store_url = url.replace("/query", "/store?default")
                    httpx.post(store_url, content=body, headers=headers, timeout=1800).raise_for_status()
        size = data.stat().st_size
        results = measure(systems, query_mix(entity), args.repeat)
    print(f"\nSPARQL latency, graph: {label} ({size:,} bytes of N-Triples), median of {args.repeat} runs\n")
    print(table(results))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"sparql-latency-{label}.json"
    out.write_text(json.dumps({"graph": label, "repeat": args.repeat, "results": results}, indent=2) + "\n")
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
