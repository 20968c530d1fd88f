"""The site mix's results as a terminal table, Markdown and a PNG plot (see :mod:`benchmarks.site_mix`).

python -m benchmarks.report benchmarks/results/site.json      # Markdown for docs/benchmarks.md
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.site_mix import BACKENDS

SHORT = {
    "mzgraph-memory": "memory",
    "mzgraph-disk": "disk",
    "mzgraph-remote": "remote (Oxigraph server)",
    "mzgraph-virtuoso": "remote (Virtuoso)",
}


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def _size(organisations: int) -> str:
    return f"{organisations // 1000}k" if organisations >= 1000 and organisations % 1000 == 0 else str(organisations)


def _systems(results: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (size_key, name, size["systems"][name])
        for size_key, size in results["sizes"].items()
        for name in BACKENDS
        if size["systems"].get(name, {}).get("status") == "ok"
    ]


def start_rows(results: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Per size and backend: load and start time (both include building the release index) and peak memory."""
    head = ["organisations", "backend", "load (s)", "start (s)", "first validation (s)", "peak PSS (MB)", "errors"]
    rows = []
    for size_key, name, system in _systems(results):
        load = system["load_s"] + system.get("oxigraph_load_s", 0) + system.get("virtuoso_load_s", 0)
        errors = sum(route["errors"] for route in system["routes"].values())
        rows.append(
            [
                f"{int(size_key):,}",
                SHORT[name],
                f"{load:.1f}",
                f"{system['start_s']:.1f}",
                f"{system.get('settle_s', 0):.1f}",
                f"{system['peak_pss_mb']:.0f}" if system.get("peak_pss_mb") is not None else "-",
                str(errors),
            ]
        )
    return head, rows


def route_rows(results: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Per route: median / p95 in ms for each size and backend, errors, and the budget."""
    columns = [(size_key, name) for size_key, name, _ in _systems(results)]
    head = ["route", *(f"{_size(int(k))} {SHORT[n]}" for k, n in columns), "budget (ms)"]
    names: list[str] = []
    for _, _, system in _systems(results):
        names += [route for route in system["routes"] if route not in names]
    rows = []
    for route in names:
        cells, budget = [], None
        for size_key, name in columns:
            found = results["sizes"][size_key]["systems"][name]["routes"].get(route)
            if found is None:
                cells.append("-")
                continue
            budget = found["budget_ms"]
            text = f"{_ms(found['median_ms'])} / {_ms(found['p95_ms'])}"
            if found["errors"]:
                text += f" ({found['errors']} errors)"
            cells.append(text)
        rows.append([route, *cells, f"{budget:.0f}" if budget else "-"])
    return head, rows


def _text(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in [head, *rows])


def _markdown(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def table(results: dict[str, Any]) -> str:
    return "\n\n".join(
        [
            f"mzgraph site mix, {results['date']}",
            _text(*start_rows(results)),
            "median / p95 in ms, one client, warm\n" + _text(*route_rows(results)),
        ]
    )


def markdown(results: dict[str, Any]) -> str:
    return "\n\n".join([_markdown(*start_rows(results)), _markdown(*route_rows(results))])


def plot(results: dict[str, Any], path: Path) -> None:
    """Each route's median per backend, at the largest size measured (a bar per backend and route)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    measured = _systems(results)
    if not measured:
        return
    largest = max(int(size_key) for size_key, _, _ in measured)
    chosen = [(name, system) for size_key, name, system in measured if int(size_key) == largest]
    names = list(chosen[0][1]["routes"])
    fig, axis = plt.subplots(figsize=(11, 5))
    width = 0.8 / len(chosen)
    for n, (name, system) in enumerate(chosen):
        values = [system["routes"].get(route, {}).get("median_ms") or 0 for route in names]
        axis.barh([i + n * width for i in range(len(names))], values, height=width, label=SHORT[name])
    axis.set_yticks([i + width * (len(chosen) - 1) / 2 for i in range(len(names))], names, fontsize=8)
    axis.invert_yaxis()
    axis.set_xscale("log")
    axis.set_xlabel("median (ms), one client, warm")
    axis.legend(fontsize=8)
    axis.grid(True, axis="x", which="both", alpha=0.3)
    fig.suptitle(f"mzgraph site mix at {largest:,} organisations, {results['date'][:10]}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
