"""``python -m tools.conformance``: run the W3C SPARQL 1.1 suites, print the table, write the report.

Exit code 0 when every failure is a known miss and every known miss still fails, 1 otherwise,
2 on bad arguments.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from tools.conformance.backends import ALL_BACKENDS, BACKENDS, run_backend
from tools.conformance.known_misses import agreement, read_known_misses
from tools.conformance.manifest import ALL_SUITES, read_suites
from tools.conformance.protocol import read_protocol_manifest
from tools.conformance.report import failures_text, markdown, text_table

DEFAULT_SUITES = Path("tests/conformance/sparql11")
DEFAULT_KNOWN_MISSES = Path("tests/conformance/known-misses.toml")
DEFAULT_OUTPUT = Path("docs/conformance.md")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suites on each chosen backend; print the table; write the Markdown report."""
    args = _parser().parse_args(argv)
    if not (args.suites / "aggregates" / "manifest.ttl").exists():
        print(
            f"error: {args.suites} holds no W3C suites (expected {args.suites}/aggregates/manifest.ttl)",
            file=sys.stderr,
        )
        return 2
    cases = read_suites(args.suites, args.suite or ALL_SUITES)
    protocol = read_protocol_manifest(args.suites / "protocol" / "manifest.ttl") if not args.suite else None
    causes = read_known_misses(args.known_misses)
    with tempfile.TemporaryDirectory(prefix="mzgraph-conformance-") as workdir:
        runs = [run_backend(backend, cases, protocol, Path(workdir)) for backend in args.backend or BACKENDS]
    print(text_table(runs))
    ok = True
    for run in runs:
        found = agreement(run.all_outcomes(), causes, run.backend)
        ok = ok and found.ok
        if args.verbose:
            print(failures_text(run, causes))
        for outcome in found.unexplained:
            print(f"{run.backend}: unexplained miss {outcome.id}: {outcome.detail}", file=sys.stderr)
        for test in found.fixed:
            print(f"{run.backend}: {test} passes now; remove it from {args.known_misses}", file=sys.stderr)
    if args.output is not None and not args.suite:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(markdown(runs, causes, _versions()), encoding="utf-8")
        print(f"wrote {args.output}")
    return 0 if ok else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tools.conformance", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backend", action="append", choices=ALL_BACKENDS, help=f"repeatable (default: {', '.join(BACKENDS)})"
    )
    parser.add_argument(
        "--suite",
        action="append",
        choices=ALL_SUITES,
        help="only this suite (repeatable; no protocol tests, no report)",
    )
    parser.add_argument("--suites", type=Path, default=DEFAULT_SUITES, help="folder of the W3C suites")
    parser.add_argument("--known-misses", type=Path, default=DEFAULT_KNOWN_MISSES)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="Markdown report to write")
    parser.add_argument("--no-output", dest="output", action="store_const", const=None, help="write no report")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every failure with what differed")
    return parser


def _versions() -> dict[str, str]:
    versions = {}
    for name in ("mzgraph", "pyoxigraph", "oxigraph"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


if __name__ == "__main__":
    sys.exit(main())
