"""The per-suite table, as console text and as ``docs/conformance.md`` with every miss explained."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tools.conformance.known_misses import Cause, cause_of
from tools.conformance.runner import Run

#: What each backend name means, for the reader of the report.
BACKEND_NOTES: dict[str, str] = {
    "pyoxigraph": "pyoxigraph in-process, no HTTP: the engine alone, for reference",
    "embedded": "mzgraph's /sparql over HTTP, embedded store (pyoxigraph)",
    "remote": "mzgraph's /sparql over HTTP, remote store: a real `oxigraph serve` process",
    "command": "`mzgraph serve --data FILE` as a process of its own per dataset",
    "virtuoso": "mzgraph's /sparql over HTTP, remote store: Virtuoso 7.2 (Debian's), the data in a named graph"
    " (`--graph`), pushed as `mzgraph load` does",
}


def text_table(runs: Sequence[Run]) -> str:
    """The per-suite table for a terminal."""
    suites = list(runs[0].suite_counts())
    header = ["suite", "tests", *(run.backend for run in runs)]
    rows = [
        [suite, str(runs[0].suite_counts()[suite][1]), *(str(run.suite_counts()[suite][0]) for run in runs)]
        for suite in suites
    ]
    rows.append(["total", str(len(runs[0].outcomes)), *(str(run.passed) for run in runs)])
    rows.append(["protocol (read-only)", "", *(run.protocol_cell() for run in runs)])
    rows.append(["seconds", "", *(f"{run.seconds:.1f}" for run in runs)])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
        for row in [header, *rows]
    ]
    return "\n".join(lines)


def failures_text(run: Run, causes: Sequence[Cause]) -> str:
    """One line per failed test: its id, whether a cause explains it, and what differed."""
    lines = []
    for outcome in run.all_outcomes():
        if not outcome.passed:
            label = "known" if cause_of(outcome.id, causes, run.backend) else "NEW"
            lines.append(f"{run.backend}  {label:5}  {outcome.id}: {outcome.detail}")
    return "\n".join(lines)


def markdown(runs: Sequence[Run], causes: Sequence[Cause], versions: Mapping[str, str]) -> str:
    """``docs/conformance.md``: how the suites are run, the table, and each miss with its cause."""
    parts = [_INTRO.strip(), "", _markdown_table(runs), ""]
    parts += [
        f"- **{run.backend}**: {BACKEND_NOTES.get(run.backend, run.backend)}; {run.seconds:.1f} s" for run in runs
    ]
    parts += ["", "Versions: " + ", ".join(f"{name} {version}" for name, version in versions.items()), ""]
    parts += ["## The misses and why", ""]
    for cause in causes:
        failing = {run.backend: _failing(run, cause) for run in runs}
        tests = sorted({test for ids in failing.values() for test in ids})
        if not tests:
            continue
        names = {outcome.id: outcome.name for run in runs for outcome in run.all_outcomes()}
        parts += [f"### {cause.title}", "", cause.explanation, ""]
        for test in tests:
            where = [backend for backend, ids in failing.items() if test in ids]
            suffix = "" if len(where) == len(runs) else f" ({', '.join(where)} only)"
            parts.append(f"- `{test}`: {names[test]}{suffix}")
        parts.append("")
    parts += _remarks(runs)
    parts += [_METHOD.strip(), ""]
    return "\n".join(parts)


def _remarks(runs: Sequence[Run]) -> list[str]:
    """Tests that passed with a remark (a positive syntax test parsed but not answered), one line each."""
    remarks: dict[tuple[str, str], list[str]] = {}
    for run in runs:
        for outcome in run.outcomes:
            if outcome.passed and outcome.detail:
                remarks.setdefault((outcome.id, outcome.detail.partition(": ")[2]), []).append(run.backend)
    if not remarks:
        return []
    lines = [
        "## Passed, with a remark",
        "",
        "Positive syntax tests whose query the endpoint parsed but could not evaluate: the parser's verdict",
        "is what a syntax test judges, so they pass; what the endpoint answered is kept here.",
        "",
    ]
    lines += [f"- `{test}` ({', '.join(backends)}): {detail}" for (test, detail), backends in sorted(remarks.items())]
    return [*lines, ""]


def _markdown_table(runs: Sequence[Run]) -> str:
    header = "| suite | tests | " + " | ".join(run.backend for run in runs) + " |"
    lines = [header, "|---|---:|" + "---:|" * len(runs)]
    counts = [run.suite_counts() for run in runs]
    for suite, (_, total) in counts[0].items():
        lines.append(f"| {suite} | {total} | " + " | ".join(str(count[suite][0]) for count in counts) + " |")
    lines.append(
        f"| **total** | **{len(runs[0].outcomes)}** | " + " | ".join(f"**{run.passed}**" for run in runs) + " |"
    )
    lines.append("| numbers compared by value | | " + " | ".join(str(run.passed_by_value) for run in runs) + " |")
    lines.append("| protocol, read-only subset | | " + " | ".join(run.protocol_cell() for run in runs) + " |")
    return "\n".join(lines)


def _failing(run: Run, cause: Cause) -> set[str]:
    if not cause.applies_to(run.backend):
        return set()
    return {outcome.id for outcome in run.all_outcomes() if not outcome.passed and outcome.id in cause.tests}


_INTRO = """
# SPARQL 1.1 conformance

mzgraph's `/sparql` endpoint run against the W3C SPARQL 1.1 test suites named in issue 8: every
`QueryEvaluationTest` and `CSVResultFormatTest` of aggregates, bind, bindings, construct, exists,
functions, grouping, negation, project-expression, property-path, subquery, csv-tsv-res, json-res and
cast, and the positive and negative syntax tests of syntax-query and of those suites (338 tests).
This file is written by `python -m tools.conformance`; `tests/tools/test_conformance.py` runs the same
suites in CI on both backends and fails on any miss not explained below.
"""

_METHOD = """
## How the tests are run

- **Data**: each test's dataset (the `qt:data` files merged into the default graph, each
  `qt:graphData` file a named graph called by its IRI) is written as one N-Quads file, and mzgraph is
  started on it: `create_app(Settings(data_paths=[file]))` served by uvicorn on a free port of
  127.0.0.1 (embedded), or the same app with `backend="remote"` in front of an `oxigraph serve`
  process loaded with that file through Oxigraph's own Graph Store endpoint (remote). Tests sharing
  a dataset share one server start (88 datasets for 338 tests). The in-process app runs without its
  lifespan hooks, which only start the pages' SHACL validation of the data (a spawned process per
  start, ten times the run's cost) and close the store (the runner closes it); the CI test also runs
  three suites through `mzgraph serve --data FILE` as a process of its own, hooks included, and
  checks that every verdict is the same.
- **Queries** go as `POST application/x-www-form-urlencoded` to `/sparql`, with `BASE <w3.org IRI of
  the query file>` put in front so relative IRIs resolve as the suite intends (the protocol has no
  base-IRI parameter). The `Accept` header asks for the expected result's own format (XML, JSON,
  CSV, TSV, Turtle), so each of mzgraph's serialisers is under test.
- **Syntax tests** judge the parser: a negative query passes when it is refused with 400; a
  positive one when it is answered (200), or when it was parsed and then failed to evaluate
  (500 with mzgraph's error code `query_failed`); such passes are listed with their remark.
- **Comparison** is strict: literals match only with the same lexical form, datatype and language
  tag. Solutions are compared as multisets under one blank-node bijection, and as sequences when the
  outermost query has `ORDER BY`; CONSTRUCT graphs are compared after canonicalisation
  (isomorphism). One tolerance: the order of the variables (the columns of a CSV table) is not
  significant, only their names, since `SELECT *` leaves it open.
- **Protocol**: the W3C protocol manifest's requests are sent as written (method, query string,
  content type, body, character encoding) to `/sparql`, over the named graphs `data1.rdf`..`data3.rdf`
  of that suite, and the status class, result format and ASK answer are checked. The endpoint is
  read-only, so for each update test only the update request is sent and it must be refused with a
  4xx; the queries that would check the updated state do not apply.
- The row "numbers compared by value" repeats the comparison with numeric and boolean literals
  compared by value; it is a diagnosis (which misses are about lexical forms only), not the score.
"""
