"""Median SPARQL latency of mzgraph against a raw ``oxigraph serve`` on the same data, in the same run.

    python -m benchmarks.sparql_latency                       # generated graph, 10,000 organisations
    python -m benchmarks.sparql_latency --bundled             # the bundled graph
    python -m benchmarks.sparql_latency -n 1000 --repeat 30

Systems: ``oxigraph serve`` (RocksDB, loaded with ``oxigraph load``), ``mzgraph serve --data`` (in
memory) and ``mzgraph serve --store`` (RocksDB, filled by ``mzgraph load``). The mix: every saved query
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
from mzgraph.conformance.servers import free_port, oxigraph_binary
from mzgraph.entities.describe import describe_query
from mzgraph.resources import bundled_graph_files, queries_dir
from mzgraph.saved_queries import load_saved_queries

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
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
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
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
            sizes: dict[str, int] = {}
            for round_ in range(repeat + 2):
                for system in systems:
                    started = time.perf_counter()
                    response = client.get(system.url, params={"query": query.text}, headers={"Accept": query.accept})
                    elapsed = (time.perf_counter() - started) * 1000
                    if response.status_code != 200:
                        raise RuntimeError(f"{system.name} {query.name}: HTTP {response.status_code} {response.text}")
                    sizes[system.name] = len(response.content)
                    if round_ >= 2:
                        samples[system.name].append(elapsed)
            results[query.name] = {
                "median_ms": {name: statistics.median(values) for name, values in samples.items()},
                "bytes": sizes,
            }
    return results


def table(results: dict[str, dict[str, object]], systems: list[System]) -> str:
    """The results as a text table with ratios to the first system."""
    base, others = systems[0].name, [s.name for s in systems[1:]]
    header = f"{'query':42} {base + ' ms':>14}" + "".join(f" {n + ' ms':>18} {'ratio':>6}" for n in others)
    lines = [header, "-" * len(header)]
    ratios: dict[str, list[float]] = {n: [] for n in others}
    for name, row in results.items():
        medians: dict[str, float] = row["median_ms"]  # type: ignore[assignment]
        line = f"{name:42} {medians[base]:14.2f}"
        for other in others:
            ratio = medians[other] / medians[base]
            ratios[other].append(ratio)
            line += f" {medians[other]:18.2f} {ratio:6.2f}"
        lines.append(line)
    geo = {n: statistics.geometric_mean(r) for n, r in ratios.items()}
    lines.append(f"{'geometric mean of the ratios':42} {'':14}" + "".join(f" {'':18} {geo[n]:6.2f}" for n in others))
    return "\n".join(lines)


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
        subprocess.run([str(oxigraph_binary()), "load", "--location", str(workdir / "ox"), "--file", str(data)],
                       check=True, capture_output=True)  # fmt: skip
        subprocess.run([*mzgraph, "load", "--store", str(workdir / "mz"), "--data", str(data)], check=True)
        options = ["--max-rows", "10000000", "--timeout", "300"]
        systems = []
        for name, command, path in (
            ("oxigraph", [str(oxigraph_binary()), "serve", "--location", str(workdir / "ox")], "/query"),
            ("mzgraph-memory", [*mzgraph, "serve", "--data", str(data), *options], "/sparql"),
            ("mzgraph-store", [*mzgraph, "serve", "--store", str(workdir / "mz"), *options], "/sparql"),
        ):
            port = free_port()
            bind = ["--bind", f"127.0.0.1:{port}"] if name == "oxigraph" else ["--port", str(port)]
            url = f"http://127.0.0.1:{port}{path}"
            systems.append(stack.enter_context(running(name, [*command, *bind], url, workdir / f"{name}.log")))
        size = data.stat().st_size
        results = measure(systems, query_mix(entity), args.repeat)
    print(f"\nSPARQL latency, graph: {label} ({size:,} bytes of N-Triples), median of {args.repeat} runs\n")
    print(table(results, systems))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"sparql-latency-{label}.json"
    out.write_text(json.dumps({"graph": label, "repeat": args.repeat, "results": results}, indent=2) + "\n")
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
