"""What a run measured, as a terminal table, JSON, Markdown and a PNG plot; and the issue's targets checked.

The query-mix median of a system is the median of its per-query medians over the SPARQL queries every
system is asked (saved queries, aggregation, multi-join, text search, one-entity CONSTRUCT). A query that
failed or passed the request timeout counts as the timeout (a lower bound, shown with ">=").

    python -m benchmarks.report benchmarks/results/full.json [more.json ...]   # Markdown for docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

from benchmarks import site_report
from benchmarks.peers import SYSTEMS

MZGRAPH = ("mzgraph-memory", "mzgraph-disk", "mzgraph-remote")
MEMORY_TARGET_SIZE = 100_000
"""The memory target (peak within 2x of the Oxigraph server) is the issue's at 100,000 organisations and up."""
PEERS = ("oxigraph", "rdflib-endpoint")


def _ok(size: dict[str, Any], name: str) -> dict[str, Any] | None:
    system = size["systems"].get(name)
    return system if system and system.get("status") == "ok" else None


def mix_median(size: dict[str, Any], name: str, timeout_s: float) -> tuple[float, bool] | None:
    """(median over the shared SPARQL queries in ms, whether it is a lower bound) for one system."""
    system = _ok(size, name)
    if system is None:
        return None
    values, bound = [], False
    for query, measured in system["latency"].items():
        if query.startswith("page-"):
            continue
        if measured["median_ms"] is None:
            values.append(timeout_s * 1000)
            bound = True
        else:
            values.append(measured["median_ms"])
    return statistics.median(values), bound


def _rate(size: dict[str, Any], name: str, query: str) -> float | None:
    system = _ok(size, name)
    if system is None or query not in system["throughput"]:
        return None
    return float(system["throughput"][query]["per_s"])


def _fmt(value: float | None, unit: str = "", bound: bool = False) -> str:
    if value is None:
        return "-"
    text = f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"
    return (">=" if bound else "") + text + unit


def summary_rows(results: dict[str, Any]) -> list[list[str]]:
    """One row per size and system: start, memory, mix median, ratios, throughput."""
    timeout = results["plan"]["timeout_s"]
    rows = []
    for size_key, size in results["sizes"].items():
        ox = mix_median(size, "oxigraph", timeout)
        rl = mix_median(size, "rdflib-endpoint", timeout)
        for name in SYSTEMS:
            system = size["systems"].get(name, {"status": "not run"})
            if system.get("status") != "ok":
                rows.append([size_key, name, system.get("status", "?")] + ["-"] * (len(SUMMARY_HEAD) - 3))
                continue
            mix, bound = mix_median(size, name, timeout) or (0.0, False)
            vs_ox = _fmt(mix / ox[0]) + "x" if ox else "-"
            vs_rl = (_fmt(rl[0] / mix, bound=rl[1]) + "x faster") if rl and name != "rdflib-endpoint" else "-"
            only = " (CONSTRUCT only)" if size.get("mix", "full") != "full" else ""
            rows.append(
                [
                    size_key,
                    name,
                    _fmt(system["load_s"] + system["start_s"], " s"),
                    _fmt(system["start_s"], " s"),
                    _fmt(system.get("load_peak_rss_mb"), " MB"),
                    _fmt(system.get("store_mb"), " MB"),
                    _fmt(system["peak_rss_mb"], " MB"),
                    _fmt(system["peak_pss_mb"], " MB"),
                    _fmt(mix, " ms", bound) + only,
                    vs_ox,
                    vs_rl,
                    _fmt(_rate(size, name, "entity-construct"), "/s"),
                    _fmt(_rate(size, name, "page-html"), "/s"),
                    _fmt(_rate(size, name, "page-jsonld"), "/s"),
                ]
            )
    return rows


SUMMARY_HEAD = [
    "orgs",
    "system",
    "load+start",
    "start",
    "load peak RSS",
    "store on disk",
    "peak RSS",
    "peak PSS",
    "mix median",
    "vs oxigraph",
    "vs rdflib-endpoint",
    "CONSTRUCT/s",
    "HTML page/s",
    "JSON-LD/s",
]


def query_rows(results: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Per size and query: each system's median (p95) in ms."""
    rows = []
    for size_key, size in results["sizes"].items():
        names: list[str] = []
        for system in size["systems"].values():
            for query in system.get("latency", {}):
                if query not in names:
                    names.append(query)
        for query in names:
            row = [size_key, query]
            for name in SYSTEMS:
                measured = (_ok(size, name) or {}).get("latency", {}).get(query)
                if measured is None:
                    row.append("-")
                elif measured["median_ms"] is None:
                    row.append("error")
                else:
                    row.append(f"{_fmt(measured['median_ms'])} ({_fmt(measured['p95_ms'])})")
            rows.append(row)
    return ["orgs", "query", *SYSTEMS], rows


def targets(results: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """The issue's targets: (what, the measured figure, met or not; None when not measured)."""
    timeout = results["plan"]["timeout_s"]
    found: list[tuple[str, str, bool | None]] = []
    for size_key, size in results["sizes"].items():
        ox = mix_median(size, "oxigraph", timeout)
        rl = mix_median(size, "rdflib-endpoint", timeout)
        for name in MZGRAPH:
            mine = mix_median(size, name, timeout)
            if mine and rl:
                ratio = rl[0] / mine[0]
                found.append(
                    (
                        f"{size_key}: {name} mix >=10x faster than rdflib-endpoint",
                        f"{_fmt(ratio, bound=rl[1])}x",
                        ratio >= 10,
                    )
                )
            if mine and ox:
                ratio = mine[0] / ox[0]
                found.append((f"{size_key}: {name} mix within 1.3x of oxigraph", f"{ratio:.2f}x", ratio <= 1.3))
            construct = _rate(size, "oxigraph", "entity-construct")
            for page in ("page-html", "page-jsonld"):
                rate = _rate(size, name, page)
                if rate is not None and construct:
                    found.append(
                        (
                            f"{size_key}: {name} {page} throughput >= 1/2 oxigraph CONSTRUCT",
                            f"{rate / construct:.2f}x",
                            rate / construct >= 0.5,
                        )
                    )
        validation = size.get("validate", {})
        mz, py = validation.get("mzgraph"), validation.get("pyshacl")
        if mz and py and mz["seconds"] and py["seconds"]:
            same = mz["conforms"] == py["conforms"] and mz["results"] == py["results"]
            ratio = py["seconds"] / mz["seconds"]
            found.append(
                (
                    f"{size_key}: mzgraph validate >=5x faster than one pySHACL run, same results",
                    f"{ratio:.1f}x ({mz['seconds']:.1f} s vs {py['seconds']:.1f} s; "
                    f"results {mz['results']} vs {py['results']})",
                    ratio >= 5 and same,
                )
            )
        elif mz and py and mz["seconds"] and py["seconds"] is None:
            budget = results["plan"]["pyshacl_budget_s"]
            found.append(
                (
                    f"{size_key}: mzgraph validate >=5x faster than one pySHACL run, same results",
                    f">={budget / mz['seconds']:.1f}x ({mz['seconds']:.1f} s; pySHACL {py['error']}; "
                    "results not compared)",
                    None,
                )
            )
    for size_key, size in results["sizes"].items():
        if int(size_key) < MEMORY_TARGET_SIZE:
            continue
        oxigraph = _ok(size, "oxigraph")
        for name in ("mzgraph-memory", "mzgraph-disk", "mzgraph-remote"):
            system = _ok(size, name)
            if system and oxigraph:
                for key, label in (("peak_pss_mb", "PSS"), ("peak_rss_mb", "RSS")):
                    ratio = system[key] / oxigraph["peak_rss_mb"]
                    found.append(
                        (f"{size_key}: {name} peak {label} within 2x of oxigraph's RSS", f"{ratio:.2f}x", ratio <= 2)
                    )
        disk = _ok(size, "mzgraph-disk")
        if disk:
            found.append(
                (
                    f"{size_key}: mzgraph-disk starts on its store without re-parsing",
                    f"{disk['start_s']:.1f} s after a {disk['load_s']:.1f} s load",
                    None,
                )
            )
    return found


def _text_table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in [head, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _markdown_table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _target_rows(results: dict[str, Any]) -> list[list[str]]:
    verdict = {True: "met", False: "MISSED", None: "see figure"}
    return [[what, figure, verdict[met]] for what, figure, met in targets(results)]


def table(results: dict[str, Any]) -> str:
    """The terminal report: summary, per-query medians and the targets (a site-mix run: its own tables)."""
    if results.get("mode") == "site":
        return site_report.table(results)
    head, rows = query_rows(results)
    return "\n\n".join(
        [
            f"mzgraph benchmark, {results['date']}, {results['mode']} run",
            _text_table(SUMMARY_HEAD, summary_rows(results)),
            "median (p95) latency in ms\n" + _text_table(head, rows),
            _text_table(["target", "measured", "verdict"], _target_rows(results)),
        ]
    )


def markdown(results: dict[str, Any]) -> str:
    """The same tables in Markdown."""
    if results.get("mode") == "site":
        return site_report.markdown(results)
    head, rows = query_rows(results)
    return "\n\n".join(
        [
            _markdown_table(SUMMARY_HEAD, summary_rows(results)),
            _markdown_table(head, rows),
            _markdown_table(["target", "measured", "verdict"], _target_rows(results)),
        ]
    )


def plot(results: dict[str, Any], path: Path) -> None:
    """Query-mix median latency and peak memory (PSS) against graph size, one line per system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    timeout = results["plan"]["timeout_s"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name in SYSTEMS:
        xs, lat, mem = [], [], []
        mem_xs = []
        for size_key, size in results["sizes"].items():
            mix = mix_median(size, name, timeout)
            if mix:
                mem_xs.append(int(size_key))
                mem.append(size["systems"][name]["peak_pss_mb"])
                if size.get("mix", "full") == "full":  # a CONSTRUCT-only size is not the same mix
                    xs.append(int(size_key))
                    lat.append(mix[0])
        if xs:
            left.plot(xs, lat, marker="o", label=name)
        if mem_xs:
            right.plot(mem_xs, mem, marker="o", label=name)
    for axis, label in ((left, "query-mix median latency (ms)"), (right, "peak memory, PSS of the tree (MB)")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("organisations")
        axis.set_ylabel(label)
        axis.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    fig.suptitle(f"mzgraph benchmark {results['date'][:10]} ({results['machine']['cpus']} CPUs)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(results: dict[str, Any], out: Path, name: str) -> list[Path]:
    """Write ``{name}.json`` and ``{name}.png`` into ``out``; their paths."""
    json_path, png_path = out / f"{name}.json", out / f"{name}.png"
    json_path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    (site_report.plot if results.get("mode") == "site" else plot)(results, png_path)
    return [json_path, png_path]


def merge(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Runs of the same plan as one (the first run's date, plan and machine).

    A later run's measured systems (status "ok") and validation replace the earlier ones at the same size, so
    one system can be measured again after a fix without running every peer again.
    """
    merged = dict(runs[0])
    sizes: dict[str, Any] = {}
    for run in runs:
        for key, size in run["sizes"].items():
            if key not in sizes:
                sizes[key] = json.loads(json.dumps(size))
                continue
            kept = sizes[key]
            kept["systems"].update(
                {name: system for name, system in size["systems"].items() if system.get("status") == "ok"}
            )
            if size.get("validate"):
                kept["validate"] = size["validate"]
    merged["sizes"] = dict(sorted(sizes.items(), key=lambda item: int(item[0])))
    merged["runs"] = [run["date"] for run in runs]
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report", description="Markdown tables of runs.")
    parser.add_argument("results", nargs="+", type=Path, help="JSON files written by python -m benchmarks")
    parser.add_argument("--write", metavar="NAME", help="also write the merged runs as NAME.json and NAME.png")
    args = parser.parse_args(argv)
    results = merge([json.loads(path.read_text(encoding="utf-8")) for path in args.results])
    if args.write:
        write(results, args.results[0].parent, args.write)
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
