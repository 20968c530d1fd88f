"""``mzgraph load``: fill an on-disk store, or push the files to a remote store's Graph Store endpoint, once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mzgraph.cli.options import data_options, fail, settings_from
from mzgraph.errors import MzgraphError


def add_command(sub: Any) -> None:
    """Add ``load`` to the ``mzgraph`` subcommands."""
    load = sub.add_parser("load", help="load RDF files into an on-disk store or a remote SPARQL store, once")
    data_options(load)
    target = load.add_mutually_exclusive_group(required=True)
    target.add_argument("--store", type=Path, help="on-disk store folder to (re)build")
    target.add_argument("--sparql-endpoint", help="query endpoint of a remote store (e.g. http://host:7878/query)")
    load.add_argument("--graph-store", help="its Graph Store Protocol URL (default: Oxigraph's .../store)")
    load.add_argument("--replace", action="store_true", help="empty the remote graphs first")
    load.set_defaults(func=run_load)


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
        return fail("load", err)
    print(
        f"mzgraph: loaded {release.triples:,} triples from {len(files)} files into {target} (release {release.tag})",
        file=sys.stderr,
    )
    return 0
