"""The systems compared: each started as its own process group on 127.0.0.1, timed and watched for memory.

A peer is started from a generated N-Triples file. Its load time (a separate loading step, if the system
has one), the peak memory of that step, the size of the store it wrote, and its start time (until it
answers a query) are measured; a sampler thread keeps the peak memory of its whole process tree from
the moment it is spawned, so a store parsed at start-up is counted. Memory is reported twice: the sum of
RSS (what `ps` shows, but it counts pages that forked workers share with their parent once per process)
and the sum of PSS (shared pages divided among the processes sharing them: the real footprint of the tree).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil

from tools.servers import free_port, stop_process

BIN = Path(sys.executable).parent
ASK = "ASK { ?s ?p ?o }"


class OutOfBudget(Exception):
    """A system did not load or start within its time budget."""


class MemorySampler:
    """Peak RSS and PSS (MB) of process trees, sampled in a background thread.

    PSS walks every mapped page of every process (``smaps_rollup``), which costs CPU on a large store.
    """

    def __init__(self, roots: list[int], interval: float = 0.25) -> None:
        self.roots = roots
        self.interval = interval
        self.peak_rss_mb = 0.0
        self.peak_pss_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> MemorySampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def sample(self) -> None:
        """Take one sample now."""
        rss = pss = 0
        for proc in self._processes():
            try:
                info = proc.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        self.peak_rss_mb = max(self.peak_rss_mb, rss / 2**20)
        self.peak_pss_mb = max(self.peak_pss_mb, pss / 2**20)

    def breakdown(self) -> list[dict[str, object]]:
        """Each process of the trees now: pid, command (shortened), RSS and PSS in MB."""
        found: list[dict[str, object]] = []
        for proc in self._processes():
            try:
                info = proc.memory_full_info()
                executable, *args = proc.cmdline() or [""]
                command = " ".join([Path(executable).name, *args])[-120:]  # the program, not where it is installed
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            found.append(
                {
                    "pid": proc.pid,
                    "command": command,
                    "rss_mb": round(info.rss / 2**20, 1),
                    "pss_mb": round(getattr(info, "pss", info.rss) / 2**20, 1),
                }
            )
        return found

    def _processes(self) -> list[psutil.Process]:
        """Every process of the watched trees that still exists: each root and its descendants."""
        procs: list[psutil.Process] = []
        for root in self.roots:
            try:
                parent = psutil.Process(root)
                procs += [parent, *parent.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
        return procs

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)


@dataclass(frozen=True)
class Loaded:
    """What a separate loading step took: wall time, peak memory, and the store it wrote."""

    seconds: float = 0.0
    peak_rss_mb: float | None = None
    store_mb: float | None = None


@dataclass
class Running:
    """A started system: where to send queries, and how it started."""

    name: str
    base_url: str
    sparql_url: str
    procs: list[subprocess.Popen[bytes]]
    loaded: Loaded
    start_s: float
    pages: bool
    sampler: MemorySampler

    @property
    def load_s(self) -> float:
        return self.loaded.seconds

    def stop(self) -> None:
        """Stop the sampler and every process group this system started."""
        self.sampler.stop()
        for proc in self.procs:
            stop_process(proc)


def _spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _run_step(args: list[str], log: Path, budget: float, store: Path) -> Loaded:
    """Run a loading command to its end: its wall time, peak memory and store size, or OutOfBudget.

    The peak is the kernel's own account of the process (``wait4``'s ``ru_maxrss``), exact however short the load.
    """
    started = time.perf_counter()
    proc = _spawn(args, log)
    deadline = started + budget
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            break
        if time.perf_counter() > deadline:
            stop_process(proc)
            raise OutOfBudget(f"{args[0]} did not finish in {budget:.0f} s")
        time.sleep(0.05)
    if proc.returncode != 0:
        said = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"{' '.join(args)} failed with {proc.returncode}; its log ends:\n{said}")
    return Loaded(time.perf_counter() - started, round(usage.ru_maxrss / 1024, 1), _megabytes(store))


def _megabytes(folder: Path) -> float:
    """The size of the files under ``folder`` (a store on disk), in MB."""
    return round(sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 2**20, 1)


def wait_ready(proc: subprocess.Popen[bytes], sparql_url: str, budget: float, log: Path) -> float:
    """Seconds until the endpoint answers an ASK query; OutOfBudget after ``budget`` seconds."""
    started = time.perf_counter()
    deadline = started + budget
    with httpx.Client(timeout=5) as client:
        while time.perf_counter() < deadline:
            if proc.poll() is not None:
                said = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}; its log ends:\n{said}")
            try:
                answer = client.get(
                    sparql_url, params={"query": ASK}, headers={"Accept": "application/sparql-results+json"}
                )
                if answer.status_code == 200 and "true" in answer.text:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
    stop_process(proc)
    raise OutOfBudget(f"not answering after {budget:.0f} s")


def _serve(
    name: str,
    args: list[str],
    port: int,
    path: str,
    workdir: Path,
    budget: float,
    *,
    loaded: Loaded | None = None,
    pages: bool = True,
) -> Running:
    """Spawn a server, watch its memory from now on, and wait until it answers."""
    log = workdir / f"{name}.log"
    proc = _spawn(args, log)
    sampler = MemorySampler([proc.pid]).start()
    url = f"http://127.0.0.1:{port}{path}"
    try:
        start_s = wait_ready(proc, url, budget, log)
    except BaseException:
        sampler.stop()
        stop_process(proc)
        raise
    return Running(name, f"http://127.0.0.1:{port}", url, [proc], loaded or Loaded(), start_s, pages, sampler)


def _mzgraph_args(port: int) -> list[str]:
    # No row cap and a long deadline, so mzgraph does the same work as the peers (which have neither).
    return [
        str(BIN / "mzgraph"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--max-rows",
        "100000000",
        "--timeout",
        "600",
    ]


def start_mzgraph_memory(data: Path, workdir: Path, budget: float) -> Running:
    """mzgraph serve on the embedded in-memory store: the file is parsed and its release index built at start (into
    a fresh folder, so an index cached by an earlier run is not reused)."""
    port = free_port()
    cache = workdir / "mzgraph-memory-index"
    shutil.rmtree(cache, ignore_errors=True)
    args = [*_mzgraph_args(port), "--data", str(data), "--index", str(cache)]
    return _serve("mzgraph-memory", args, port, "/sparql", workdir, budget)


def start_mzgraph_disk(data: Path, workdir: Path, budget: float) -> Running:
    """mzgraph load --store once, then mzgraph serve --store (opened, not re-parsed)."""
    store = workdir / "mzgraph-store"
    shutil.rmtree(store, ignore_errors=True)
    log = workdir / "mzgraph-disk.log"
    loaded = _run_step([str(BIN / "mzgraph"), "load", "--store", str(store), "--data", str(data)], log, budget, store)
    port = free_port()
    return _serve(
        "mzgraph-disk", [*_mzgraph_args(port), "--store", str(store)], port, "/sparql", workdir, budget, loaded=loaded
    )


def start_oxigraph(data: Path, workdir: Path, budget: float) -> Running:
    """oxigraph load into a fresh directory, then oxigraph serve on it."""
    location = workdir / "oxigraph-store"
    shutil.rmtree(location, ignore_errors=True)
    log = workdir / "oxigraph.log"
    loaded = _run_step(
        [str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(data)], log, budget, location
    )
    port = free_port()
    args = [str(BIN / "oxigraph"), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    return _serve("oxigraph", args, port, "/query", workdir, budget, loaded=loaded, pages=False)


def start_mzgraph_remote(oxigraph: Running, workdir: Path, budget: float) -> Running:
    """mzgraph serve in front of an already running oxigraph serve (its memory counted apart)."""
    port = free_port()
    args = [*_mzgraph_args(port), "--sparql-endpoint", oxigraph.sparql_url]
    return _serve("mzgraph-remote", args, port, "/sparql", workdir, budget)


VIRTUOSO_GRAPH = "https://w3id.org/mzgraph/graph/data"
"""The named graph the data is loaded into on Virtuoso (its default graph is the union of all its graphs)."""


def start_virtuoso(data: Path, workdir: Path, budget: float) -> Running:
    """Virtuoso 7 (tools/virtuoso.py: loopback ports, generated ini, 400 MB of cache), loaded by its own bulk
    loader (``ld_dir``, ``rdf_loader_run``) into the data's graph, as docs/deployment.md advises for a large graph:
    its Graph Store endpoint, which ``mzgraph load --sparql-endpoint`` uses (and the tests), hung on loads of
    10 M triples here. Queries go to its own ``/sparql`` with ``default-graph-uri`` set to the data's graph, as
    mzgraph sends them."""
    from tools.virtuoso import Virtuoso

    folder = workdir / "virtuoso-store"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    started = time.perf_counter()
    server = Virtuoso(folder, buffers=50_000, dirs_allowed=[data.parent]).start(timeout=budget)
    start_s = time.perf_counter() - started
    sampler = MemorySampler([server.pid]).start()
    try:
        loading = time.perf_counter()
        server.isql(f"ld_dir('{data.parent}', '{data.name}', '{VIRTUOSO_GRAPH}');\nrdf_loader_run();\ncheckpoint;")
        seconds = time.perf_counter() - loading
        answer = server.sparql(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{VIRTUOSO_GRAPH}> {{ ?s ?p ?o }} }}")
        if int(answer.json()["results"]["bindings"][0]["n"]["value"]) == 0:
            raise RuntimeError(f"Virtuoso's bulk loader loaded nothing from {data.name}")
        loaded = Loaded(seconds, None, _megabytes(folder))
    except BaseException:
        sampler.stop()
        server.stop(keep_directory=True)
        raise
    assert server.process is not None
    url = f"{server.sparql_url}?default-graph-uri={VIRTUOSO_GRAPH}"
    return Running("virtuoso", server.url, url, [server.process], loaded, start_s, False, sampler)


def start_mzgraph_virtuoso(virtuoso: Running, workdir: Path, budget: float) -> Running:
    """``mzgraph index`` from an already running Virtuoso into a fresh folder (its time is the load's), then
    mzgraph serve in front of it with ``--graph`` and ``--index`` (its memory counted apart): the load recorded a
    release, whose index a cache folder would keep from an earlier run."""
    endpoint = virtuoso.sparql_url.split("?", 1)[0]
    index = workdir / "mzgraph-virtuoso-index"
    shutil.rmtree(index, ignore_errors=True)
    dataset = ["--sparql-endpoint", endpoint, "--graph", VIRTUOSO_GRAPH]
    step = [str(BIN / "mzgraph"), "index", *dataset, "--out", str(index)]
    loaded = _run_step(step, workdir / "mzgraph-virtuoso-index.log", budget, index)
    port = free_port()
    args = [*_mzgraph_args(port), *dataset, "--index", str(index)]
    return _serve("mzgraph-virtuoso", args, port, "/sparql", workdir, budget, loaded=loaded)


def start_rdflib_endpoint(data: Path, workdir: Path, budget: float) -> Running:
    """rdflib-endpoint serve (rdflib's in-memory graph behind FastAPI): the file is parsed at start."""
    port = free_port()
    args = [str(BIN / "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port", str(port), str(data)]
    return _serve("rdflib-endpoint", args, port, "/", workdir, budget, pages=False)


STANDALONE: dict[str, Callable[[Path, Path, float], Running]] = {
    "mzgraph-memory": start_mzgraph_memory,
    "mzgraph-disk": start_mzgraph_disk,
    "rdflib-endpoint": start_rdflib_endpoint,
}
"""Systems started on their own; oxigraph and mzgraph-remote, virtuoso and mzgraph-virtuoso are started together
(see __main__)."""

SYSTEMS = [
    "mzgraph-memory",
    "mzgraph-disk",
    "mzgraph-remote",
    "oxigraph",
    "mzgraph-virtuoso",
    "virtuoso",
    "rdflib-endpoint",
]


@contextlib.contextmanager
def started(
    name: str, start: Callable[[], Running], systems: dict[str, Any], progress: Callable[[str], None], size: int
) -> Iterator[Running | None]:
    """A system started for one size of a run, stopped when the block ends; None when it ran out of its start
    budget or failed to load or start, recorded as such in ``systems`` so the others are still measured."""
    progress(f"size {size}: starting {name}")
    try:
        system = start()
    except OutOfBudget as err:
        systems[name] = {"status": "out of budget", "detail": str(err)}
        progress(f"  {name}: out of budget ({err})")
        yield None
        return
    except RuntimeError as err:
        systems[name] = {"status": "failed", "detail": str(err)}
        progress(f"  {name}: failed: {err}")
        yield None
        return
    progress(f"  {name}: loaded in {system.load_s:.1f} s, answering after {system.start_s:.1f} s")
    try:
        yield system
    finally:
        system.stop()
