"""``mzgraph query``: run one query (a file, or stdin) against the configured store and print the answer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from mzgraph.cli.options import backend_options, data_options, fail, query_options, settings_from
from mzgraph.errors import InputError
from mzgraph.rdf import formats
from mzgraph.rdf.formats import Family
from mzgraph.sparql.errors import QueryError, QueryRejected

TABLE_WIDTH = 60
"""Widest column of ``mzgraph query --format table``; longer values are cut with an ellipsis."""


def add_command(sub: Any) -> None:
    """Add ``query`` to the ``mzgraph`` subcommands."""
    query = sub.add_parser("query", help="run a SPARQL query (a file, or - for stdin) and print the results")
    query.add_argument("file", help="query file, or - to read the query from stdin")
    query.add_argument(
        "--format", default="table", help="table (default), or json, xml, csv, tsv, ttl, nt, jsonld, rdfxml"
    )
    data_options(query)
    backend_options(query)
    query_options(query)
    query.set_defaults(func=run_query)


def run_query(args: argparse.Namespace) -> int:
    """Run one query against the configured store and print the answer."""
    from mzgraph.rdf.namespaces import PREFIXES
    from mzgraph.store import open_store

    try:
        text = sys.stdin.read() if args.file == "-" else _read_text(Path(args.file))
        settings = settings_from(args, query_workers=1)
        with open_store(settings) as store:
            request = store.prepare(text)
            if args.format == "table":
                table_format = formats.TSV if request.form.family is Family.SOLUTIONS else formats.TURTLE
                result = store.run(request, table_format)
                output = render_table(result.body, request.form.family, PREFIXES)
            else:
                result = store.run(request, formats.negotiate(request.form.family, format_name=args.format))
                output = result.body
    except (QueryRejected, InputError, formats.NotAcceptable) as err:
        return fail("query", err)
    except QueryError as err:
        print(f"mzgraph query: {err}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(output)
    sys.stdout.flush()
    if result.truncated:
        print(f"mzgraph query: only the first {result.max_rows} rows are shown (--max-rows)", file=sys.stderr)
    return 0


def render_table(body: bytes, family: Family, prefixes: dict[str, str]) -> bytes:
    """TSV solutions as an aligned text table (IRIs shortened with ``prefixes``); graphs pass through."""
    if family is not Family.SOLUTIONS:
        return body
    parsed = ox.parse_query_results(body, ox.QueryResultsFormat.TSV)
    if isinstance(parsed, ox.QueryBoolean):
        return f"{'yes' if parsed else 'no'}\n".encode()
    names = [variable.value for variable in parsed.variables]
    rows = [[_short(solution[name], prefixes) for name in names] for solution in parsed]
    widths = [min(max([len(name), *(len(row[i]) for row in rows)]), TABLE_WIDTH) for i, name in enumerate(names)]
    lines = ["  ".join(name.ljust(w) for name, w in zip(names, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_cut(cell, w).ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return ("\n".join(line.rstrip() for line in lines) + "\n").encode()


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(str(path), f"cannot read the query: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "the query file is not UTF-8") from None


def _short(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None, prefixes: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for name, namespace in prefixes.items():
            if term.value.startswith(namespace) and len(term.value) > len(namespace):
                return f"{name}:{term.value[len(namespace) :]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value.replace("\n", " ") + (f"@{term.language}" if term.language else "")
    return str(term)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
