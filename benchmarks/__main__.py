"""Run the benchmark: every system on the same generated graphs, one size after the other.

    python -m benchmarks --sizes 1000,10000,100000 --out benchmarks/results
    python -m benchmarks --quick --out /tmp/bench      # sizes 100 and 200, under two minutes
    python -m benchmarks --mix site --sizes 1000,10000   # every kind of page on the three backends (site_mix)
    python -m benchmarks entity-throughput --organisations 10000   # pages and /sparql under 8 clients (wrk)
    python -m benchmarks site-url URL --organisations 100000    # the site mix's routes of a running server

Results (JSON and PNG) are rewritten after each size, so a long run that is stopped keeps what it measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import psutil

from benchmarks import generate, report, site_mix
from benchmarks.measure import as_dict, first_page, latency, throughput, validate_mzgraph, validate_pyshacl
from benchmarks.peers import (
    STANDALONE,
    SYSTEMS,
    Running,
    start_mzgraph_remote,
    start_mzgraph_virtuoso,
    start_oxigraph,
    start_virtuoso,
)
from benchmarks.peers import (
    started as _started,
)
from benchmarks.workload import THROUGHPUT, query_mix
from mzgraph.bundled import rdf_files, shapes_dir


@dataclass(frozen=True)
class Plan:
    """How much of each measurement a run does."""

    sizes: list[int]
    reps: int
    query_budget_s: float
    timeout_s: float
    throughput_s: float
    clients: int
    start_budget_s: float
    rdflib_budget_s: float
    rdflib_max: int
    validate_max: int
    pyshacl_budget_s: float
    systems: tuple[str, ...] = tuple(SYSTEMS)
    mix_max: int = 100_000


def plan_from(args: argparse.Namespace) -> Plan:
    """The plan for ``--quick`` or a full run, with the sizes given."""
    if args.quick:
        sizes = args.sizes or [100, 200]
        # Size 200 runs the entity requests only, as a size above --mix-max does, so both paths are exercised.
        return Plan(
            sizes,
            reps=2,
            query_budget_s=0.3,
            timeout_s=10,
            throughput_s=0.5,
            clients=8,
            start_budget_s=60,
            rdflib_budget_s=60,
            rdflib_max=100,
            validate_max=100,
            pyshacl_budget_s=60,
            mix_max=100,
        )
    return Plan(
        args.sizes or [1000, 10000, 100000],
        reps=args.reps,
        query_budget_s=args.query_budget,
        timeout_s=args.timeout,
        throughput_s=args.throughput_seconds,
        clients=8,
        start_budget_s=args.start_budget,
        rdflib_budget_s=args.rdflib_budget,
        rdflib_max=args.rdflib_max,
        validate_max=args.validate_max,
        pyshacl_budget_s=args.pyshacl_budget,
        systems=tuple(args.systems or SYSTEMS),
        mix_max=args.mix_max,
    )


def progress(message: str) -> None:
    """One progress line on stderr, with the time."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def measure_system(system: Running, size: int, plan: Plan) -> dict[str, object]:
    """Latency of every query of the mix and throughput of the entity requests on one started system."""
    result: dict[str, object] = {
        "status": "ok",
        "load_s": system.load_s,
        "start_s": system.start_s,
        "load_peak_rss_mb": system.loaded.peak_rss_mb,
        "store_mb": system.loaded.store_mb,
    }
    entity_only = size > plan.mix_max
    if system.pages:
        # The first page waits for what the pages compute once per data release (labels, SHACL
        # conformance): a cost of starting, timed apart so it does not stand for every page.
        result["first_page_s"] = first_page(system, size, plan.start_budget_s)
        progress(f"  {system.name}: first entity page after {result['first_page_s']:.1f} s")
    latencies: dict[str, object] = {}
    for query in query_mix(size, entity_only=entity_only):
        if query.pages_only and not system.pages:
            continue
        measured = latency(system, query, reps=plan.reps, budget_s=plan.query_budget_s, timeout=plan.timeout_s)
        latencies[query.name] = as_dict(measured)
        shown = f"{measured.median_ms:.1f} ms" if measured.median_ms is not None else measured.error
        progress(f"  {system.name} {query.name}: {shown}")
    rates: dict[str, object] = {}
    for query in query_mix(size, entity_only=entity_only):
        if query.name in THROUGHPUT and (system.pages or not query.pages_only):
            rate = throughput(system, query, clients=plan.clients, seconds=plan.throughput_s, timeout=plan.timeout_s)
            rates[query.name] = as_dict(rate)
            progress(
                f"  {system.name} {query.name}: {rate.per_s:.1f}/s with {rate.clients} clients ({rate.errors} errors)"
            )
    system.sampler.sample()
    result["processes"] = system.sampler.breakdown()
    result.update(
        latency=latencies,
        throughput=rates,
        peak_rss_mb=round(system.sampler.peak_rss_mb, 1),
        peak_pss_mb=round(system.sampler.peak_pss_mb, 1),
    )
    return result


def run_size(size: int, plan: Plan, workdir: Path) -> dict[str, object]:
    """Every system and the validation timings at one graph size."""
    data = workdir / f"graph-{size}.nt"
    progress(f"size {size}: generating {data.name}")
    with data.open("w", encoding="utf-8") as out:
        triples = generate.write_graph(out, size)
    systems: dict[str, object] = {
        name: {"status": "not run", "detail": "not among --systems"} for name in SYSTEMS if name not in plan.systems
    }

    started = partial(_started, systems=systems, progress=progress, size=size)

    for name in ("mzgraph-memory", "mzgraph-disk"):
        if name not in plan.systems:
            continue
        with started(name, partial(STANDALONE[name], data, workdir, plan.start_budget_s)) as system:
            if system is not None:
                systems[name] = measure_system(system, size, plan)
    with started("oxigraph", partial(start_oxigraph, data, workdir, plan.start_budget_s)) as oxigraph:
        if oxigraph is not None:
            systems["oxigraph"] = measure_system(oxigraph, size, plan)
            if "mzgraph-remote" in plan.systems:
                remote = partial(start_mzgraph_remote, oxigraph, workdir, plan.start_budget_s)
                with started("mzgraph-remote", remote) as remote_system:
                    if remote_system is not None:
                        systems["mzgraph-remote"] = measure_system(remote_system, size, plan)
    if {"virtuoso", "mzgraph-virtuoso"} & set(plan.systems):
        with started("virtuoso", partial(start_virtuoso, data, workdir, plan.start_budget_s)) as virtuoso:
            if virtuoso is not None:
                systems["virtuoso"] = measure_system(virtuoso, size, plan)
                if "mzgraph-virtuoso" in plan.systems:
                    in_front = partial(start_mzgraph_virtuoso, virtuoso, workdir, plan.start_budget_s)
                    with started("mzgraph-virtuoso", in_front) as front:
                        if front is not None:
                            systems["mzgraph-virtuoso"] = measure_system(front, size, plan)
    if "rdflib-endpoint" not in plan.systems:
        pass
    elif size <= plan.rdflib_max:
        rdflib = partial(STANDALONE["rdflib-endpoint"], data, workdir, plan.rdflib_budget_s)
        with started("rdflib-endpoint", rdflib) as system:
            if system is not None:
                systems["rdflib-endpoint"] = measure_system(system, size, plan)
    else:
        systems["rdflib-endpoint"] = {
            "status": "out of budget",
            "detail": f"not started above {plan.rdflib_max} organisations",
        }
    validation: dict[str, object] = {}
    if size <= plan.validate_max:
        progress(f"size {size}: mzgraph validate")
        validation["mzgraph"] = as_dict(validate_mzgraph(data, plan.pyshacl_budget_s))
        progress(f"  {validation['mzgraph']}")
        progress(f"size {size}: one pySHACL run")
        validation["pyshacl"] = as_dict(validate_pyshacl(data, rdf_files(shapes_dir()), plan.pyshacl_budget_s))
        progress(f"  {validation['pyshacl']}")
    for path in workdir.glob("*-store"):
        shutil.rmtree(path, ignore_errors=True)
    data.unlink()
    mix = "entity requests only" if size > plan.mix_max else "full"
    return {"organisations": size, "triples": triples, "mix": mix, "systems": systems, "validate": validation}


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    import pyoxigraph
    import rdflib

    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
    }


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["site-url"]:
        return site_mix.main(argv[1:])
    if argv[:1] == ["entity-throughput"]:
        from benchmarks import entity_throughput

        return entity_throughput.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], help="e.g. 1000,10000,100000")
    parser.add_argument("--quick", action="store_true", help="sizes 100 and 200, few repetitions (CI)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--reps", type=int, default=15, help="timed repetitions per query (full run)")
    parser.add_argument("--query-budget", type=float, default=4.0, help="seconds per query and system")
    parser.add_argument("--throughput-seconds", type=float, default=4.0)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a request counts as failed")
    parser.add_argument("--start-budget", type=float, default=400.0, help="seconds to load and start a system")
    parser.add_argument("--rdflib-budget", type=float, default=120.0, help="seconds to start rdflib-endpoint")
    parser.add_argument("--rdflib-max", type=int, default=10000, help="largest size rdflib-endpoint is tried at")
    parser.add_argument("--validate-max", type=int, default=10000, help="largest size validation is timed at")
    parser.add_argument("--pyshacl-budget", type=float, default=600.0)
    parser.add_argument("--systems", type=lambda s: s.split(","), help=f"some of {','.join(SYSTEMS)}")
    parser.add_argument(
        "--mix-max",
        type=int,
        default=100_000,
        help="above this size only the entity requests are timed (whole-graph queries time out)",
    )
    parser.add_argument(
        "--mix",
        choices=("queries", "site"),
        default="queries",
        help="queries: SPARQL and entity pages against the peers; site: every kind of page on mzgraph's backends",
    )
    parser.add_argument("--name", help="file name of the results (default: quick, full or site)")
    args = parser.parse_args(argv)
    if args.mix == "site":
        return run_site(args)
    # A stopped run (kill, or Ctrl-C under nohup) still stops the systems it started, in the finally blocks.
    signal.signal(signal.SIGTERM, _interrupted)
    plan = plan_from(args)
    args.out.mkdir(parents=True, exist_ok=True)
    name = args.name or ("quick" if args.quick else "full")
    results: dict[str, object] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "plan": plan.__dict__,
        "machine": machine(),
        "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="mzgraph-bench-") as tmp:
        for size in plan.sizes:
            results["sizes"][str(size)] = run_size(size, plan, Path(tmp))  # type: ignore[index]
            paths = report.write(results, args.out, name)
            progress(f"size {size} done; wrote {', '.join(str(p) for p in paths)}")
    print(report.table(results))
    return 0


def run_site(args: argparse.Namespace) -> int:
    """The site mix (:mod:`benchmarks.site_mix`) at each size, results rewritten after each."""
    signal.signal(signal.SIGTERM, _interrupted)
    sizes = args.sizes or ([200] if args.quick else [1000, 10000])
    reps = 3 if args.quick else args.reps
    backends = (
        site_mix.DEFAULT_BACKENDS if not args.systems else tuple(n for n in site_mix.BACKENDS if n in args.systems)
    )
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mode": "site",
        "plan": {"sizes": sizes, "reps": reps, "backends": backends, "timeout_s": args.timeout},
        "machine": machine(),
        "load_average": os.getloadavg()[0],
        "sizes": {},
    }

    def keep(size: int, so_far: dict[str, object]) -> None:
        results["sizes"][str(size)] = so_far  # type: ignore[index]
        report.write(results, args.out, args.name or "site")

    with tempfile.TemporaryDirectory(prefix="mzgraph-site-") as tmp:
        for size in sizes:
            measured = site_mix.run_size(
                size,
                Path(tmp),
                backends=backends,
                reps=reps,
                timeout=args.timeout,
                start_budget=args.start_budget,
                progress=progress,
                measured=partial(keep, size),
            )
            results["sizes"][str(size)] = measured  # type: ignore[index]
            results["load_average_after"] = os.getloadavg()[0]
            for path in Path(tmp).glob("*-store"):
                shutil.rmtree(path, ignore_errors=True)
            paths = report.write(results, args.out, args.name or "site")
            progress(f"size {size} done; wrote {', '.join(str(p) for p in paths)}")
    print(report.table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
