"""``mzgraph serve``, ``mzgraph load`` and ``mzgraph query``: flags to :class:`Settings`, then the real work.

Flags override ``MZGRAPH_*`` environment variables. Bad input (a file that does not parse, a query
with a syntax error, an unreachable store) is one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from mzgraph.config import Settings
from mzgraph.errors import InputError, MzgraphError
from mzgraph.rdf import formats
from mzgraph.rdf.formats import Family
from mzgraph.sparql.errors import QueryError, QueryRejected

# flag destination -> Settings field
_SETTINGS_FLAGS = {
    "host": "host", "port": "port", "workers": "workers", "query_workers": "query_workers",
    "data": "data_paths", "store": "store_path", "sparql_endpoint": "sparql_endpoint", "base_iri": "base_iri",
    "timeout": "query_timeout", "max_rows": "max_rows", "include_private": "include_private",
    "private_data": "private_data",
}  # fmt: skip
TABLE_WIDTH = 60
"""Widest column of ``mzgraph query --format table``; longer values are cut with an ellipsis."""


def add_commands(sub: Any) -> None:
    """Add ``serve``, ``load`` and ``query`` to the ``mzgraph`` subcommands."""
    serve = sub.add_parser("serve", help="serve the graph: SPARQL endpoint (and pages) over HTTP")
    _data_options(serve)
    _backend_options(serve)
    serve.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8000)")
    serve.add_argument("--workers", type=int, help="web worker processes (default 1)")
    _query_options(serve)
    serve.set_defaults(func=run_serve)

    load = sub.add_parser("load", help="load RDF files into an on-disk store or a remote SPARQL store, once")
    _data_options(load)
    target = load.add_mutually_exclusive_group(required=True)
    target.add_argument("--store", type=Path, help="on-disk store folder to (re)build")
    target.add_argument("--sparql-endpoint", help="query endpoint of a remote store (e.g. http://host:7878/query)")
    load.add_argument("--graph-store", help="its Graph Store Protocol URL (default: Oxigraph's .../store)")
    load.add_argument("--replace", action="store_true", help="empty the remote graphs first")
    load.set_defaults(func=run_load)

    query = sub.add_parser("query", help="run a SPARQL query (a file, or - for stdin) and print the results")
    query.add_argument("file", help="query file, or - to read the query from stdin")
    query.add_argument(
        "--format", default="table", help="table (default), or json, xml, csv, tsv, ttl, nt, jsonld, rdfxml"
    )
    _data_options(query)
    _backend_options(query)
    _query_options(query)
    query.set_defaults(func=run_query)


def run_serve(args: argparse.Namespace) -> int:
    """Open the store, then serve the app with uvicorn until interrupted."""
    import uvicorn

    from mzgraph.web.app import create_app

    try:
        settings = settings_from(args)
        app = create_app(settings)
    except MzgraphError as err:
        return _fail("serve", err)
    release = app.state.store.release
    triples = f"{release.triples:,} triples" if release.triples is not None else settings.sparql_endpoint
    print(f"mzgraph: serving {triples} (release {release.tag}) at http://{settings.host}:{settings.port}/sparql",
          file=sys.stderr)  # fmt: skip
    if settings.workers == 1:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
        return 0
    # Several web processes each build their app from the environment; the data was checked above.
    app.state.store.close()
    os.environ.update(_environment(settings))
    uvicorn.run("mzgraph.web.app:create_app_from_environment", factory=True, host=settings.host,
                port=settings.port, workers=settings.workers, log_level="info")  # fmt: skip
    return 0


def run_load(args: argparse.Namespace) -> int:
    """Fill an on-disk store, or push the files to a remote store's Graph Store endpoint."""
    from mzgraph.store import data_files
    from mzgraph.store.loading import load_directory
    from mzgraph.store.remote import graph_store_url, push_files

    try:
        settings = settings_from(args, store=None, sparql_endpoint=None)
        files = data_files(settings)
        if args.store is not None:
            target = str(args.store)
            release = load_directory(args.store, files, settings.base_iri)
        else:
            target = args.graph_store or graph_store_url(args.sparql_endpoint)
            release = push_files(target, files, settings.base_iri, replace=args.replace)
    except MzgraphError as err:
        return _fail("load", err)
    print(f"mzgraph: loaded {release.triples:,} triples from {len(files)} files into {target} "
          f"(release {release.tag})", file=sys.stderr)  # fmt: skip
    return 0


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
        return _fail("query", err)
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


def settings_from(args: argparse.Namespace, **fixed: Any) -> Settings:
    """Settings from the environment, overridden by the flags that were given (and by ``fixed``)."""
    overrides = {field: getattr(args, flag) for flag, field in _SETTINGS_FLAGS.items()
                 if getattr(args, flag, None) not in (None, False, [])}  # fmt: skip
    if overrides.get("sparql_endpoint"):
        overrides["backend"] = "remote"
    for flag, value in fixed.items():
        overrides.pop(_SETTINGS_FLAGS.get(flag, flag), None)
        if value is not None:
            overrides[_SETTINGS_FLAGS.get(flag, flag)] = value
    try:
        return Settings(**overrides)
    except ValueError as err:
        raise InputError("settings", " ".join(str(err).split())) from None


def _data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, action="append", help="RDF file or folder (repeatable; default: "
                        "the bundled graph)")  # fmt: skip
    parser.add_argument("--base-iri", help="serve IRIs under this base instead of https://w3id.org/mzgraph/")
    parser.add_argument("--include-private", action="store_true", help="also load personal data (contacts), "
                        "from data/private/ or --private-data")  # fmt: skip
    parser.add_argument("--private-data", type=Path, help="folder or file of personal data for --include-private")


def _backend_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, help="on-disk store folder (filled by `mzgraph load --store`)")
    parser.add_argument("--sparql-endpoint", help="query a remote SPARQL 1.1 endpoint instead")


def _query_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=float, help="seconds after which a query is stopped (default 10)")
    parser.add_argument("--max-rows", type=int, help="row cap of results (default 10000)")
    parser.add_argument("--query-workers", type=int, help="processes evaluating queries (default 2)")


def _environment(settings: Settings) -> dict[str, str]:
    """``MZGRAPH_*`` variables reproducing ``settings`` in another process."""
    values = settings.model_dump(mode="json")
    return {f"MZGRAPH_{name.upper()}": value if isinstance(value, str) else json.dumps(value)
            for name, value in values.items() if value is not None}  # fmt: skip


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
                return f"{name}:{term.value[len(namespace):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value.replace("\n", " ") + (f"@{term.language}" if term.language else "")
    return str(term)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _fail(command: str, err: Exception) -> int:
    print(f"mzgraph {command}: {err}", file=sys.stderr)
    return 2
