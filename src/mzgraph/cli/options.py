"""The flags ``mzgraph serve``, ``load`` and ``query`` share, and how they become :class:`Settings`.

Flags override ``MZGRAPH_*`` environment variables. Bad input (a file that does not parse, a query
with a syntax error, an unreachable store) is one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mzgraph.config import Settings
from mzgraph.errors import InputError

# flag destination -> Settings field
_SETTINGS_FLAGS = {
    "host": "host",
    "port": "port",
    "workers": "workers",
    "query_workers": "query_workers",
    "data": "data_paths",
    "store": "store_path",
    "sparql_endpoint": "sparql_endpoint",
    "graph": "data_graph",
    "user": "store_user",
    "password": "store_password",
    "base_iri": "base_iri",
    "timeout": "query_timeout",
    "max_rows": "max_rows",
    "include_private": "include_private",
    "private_data": "private_data",
    "index": "index_path",
}


def settings_from(args: argparse.Namespace, **fixed: Any) -> Settings:
    """Settings from the environment, overridden by the flags that were given (and by ``fixed``)."""
    overrides = {
        field: getattr(args, flag)
        for flag, field in _SETTINGS_FLAGS.items()
        if getattr(args, flag, None) not in (None, False, [])
    }
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


def data_options(parser: argparse.ArgumentParser) -> None:
    """``--data``, ``--base-iri``, ``--include-private``, ``--private-data``."""
    parser.add_argument(
        "--data", type=Path, action="append", help="RDF file or folder (repeatable; default: the bundled graph)"
    )
    parser.add_argument("--base-iri", help="serve IRIs under this base instead of https://w3id.org/mzgraph/")
    parser.add_argument(
        "--include-private",
        action="store_true",
        help="also load personal data (contacts), from data/private/ or --private-data",
    )
    parser.add_argument("--private-data", type=Path, help="folder or file of personal data for --include-private")


def backend_options(parser: argparse.ArgumentParser) -> None:
    """``--store`` or ``--sparql-endpoint``."""
    parser.add_argument("--store", type=Path, help="on-disk store folder (filled by `mzgraph load --store`)")
    parser.add_argument("--sparql-endpoint", help="query a remote SPARQL 1.1 endpoint instead")
    remote_options(parser)


def remote_options(parser: argparse.ArgumentParser) -> None:
    """``--graph``, ``--user``, ``--password``: the data's graph on a remote store, and the account to use."""
    parser.add_argument("--graph", help="remote store: the named graph holding the data (needed on Virtuoso)")
    parser.add_argument("--user", help="remote store: account name (or user:password@ in the endpoint URL)")
    parser.add_argument(
        "--password", help="remote store: that account's password (better: MZGRAPH_STORE_PASSWORD; never printed)"
    )


def index_options(parser: argparse.ArgumentParser, index_help: str) -> None:
    """``--index`` (where the release index is) and ``--quiet`` (no progress on the terminal)."""
    parser.add_argument("--index", type=Path, help=index_help)
    parser.add_argument("--quiet", action="store_true", help="no progress on the terminal")


def query_options(parser: argparse.ArgumentParser) -> None:
    """``--timeout``, ``--max-rows``, ``--query-workers``."""
    parser.add_argument("--timeout", type=float, help="seconds after which a query is stopped (default 10)")
    parser.add_argument("--max-rows", type=int, help="row cap of results (default 10000)")
    parser.add_argument("--query-workers", type=int, help="processes evaluating queries (default 2)")


def fail(command: str, err: Exception) -> int:
    """Say what was wrong on stderr, one line; exit code 2."""
    print(f"mzgraph {command}: {err}", file=sys.stderr)
    return 2
