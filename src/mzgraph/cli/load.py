"""``mzgraph load``: fill an on-disk store, or push the files to a remote store's Graph Store endpoint, once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mzgraph.cli.index import build, opened, print_built, reporter
from mzgraph.cli.options import data_options, fail, index_options, remote_options, settings_from
from mzgraph.errors import MzgraphError

if TYPE_CHECKING:
    from mzgraph.release import Built
    from mzgraph.store import Release


def add_command(sub: Any) -> None:
    """Add ``load`` to the ``mzgraph`` subcommands."""
    load = sub.add_parser("load", help="load RDF files into an on-disk store or a remote SPARQL store, once")
    data_options(load)
    target = load.add_mutually_exclusive_group(required=True)
    target.add_argument("--store", type=Path, help="on-disk store folder to (re)build")
    target.add_argument("--sparql-endpoint", help="query endpoint of a remote store (e.g. http://host:7878/query)")
    load.add_argument(
        "--graph-store",
        help="its Graph Store Protocol URL (default: Virtuoso's /sparql-graph-crud-auth, else Oxigraph's .../store)",
    )
    remote_options(load)
    load.add_argument("--replace", action="store_true", help="empty the remote graphs first")
    index_options(
        load,
        "also build the release index of a remote store into this folder (an on-disk store always gets one, in "
        "STORE/index)",
    )
    load.set_defaults(func=run_load)


def run_load(args: argparse.Namespace) -> int:
    """Fill an on-disk store, or push the files to a remote store's Graph Store endpoint; then build the index."""
    from mzgraph.release.serving import STORE_INDEX, store_index
    from mzgraph.store import data_files, private_files, store_credentials
    from mzgraph.store.loading import load_directory
    from mzgraph.store.pushing import graph_store_url, push_files
    from mzgraph.store.wire import without_credentials

    built: list[Built] = []
    try:
        settings = settings_from(args, store=None, sparql_endpoint=None, index=None)
        files, private = data_files(settings), private_files(settings)
        with reporter(args) as report:
            if args.store is not None:
                target = str(args.store)

                def index_it(folder: Path, release: Release) -> None:
                    with opened(settings, store_path=folder) as store:
                        built.append(build(store, store_index(folder), settings, report))

                release = load_directory(
                    args.store, files, settings.base_iri, private=private, prepare=index_it, report=report
                )
            else:
                credentials = store_credentials(settings)
                target = args.graph_store or graph_store_url(args.sparql_endpoint, credentials=credentials)
                release = push_files(
                    target,
                    files,
                    settings.base_iri,
                    replace=args.replace,
                    private=private,
                    data_graph=settings.data_graph,
                    credentials=credentials,
                )
                target = without_credentials(target)
                if args.index is not None:
                    with opened(settings, sparql_endpoint=args.sparql_endpoint) as store:
                        built.append(build(store, args.index, settings, report))
    except MzgraphError as err:
        return fail("load", err)
    print(
        f"mzgraph: loaded {release.triples:,} triples from {len(files)} files into {target} (release {release.tag})",
        file=sys.stderr,
    )
    for done in built:
        print_built(done, args.store / STORE_INDEX if args.store is not None else done.directory)
    return 0
