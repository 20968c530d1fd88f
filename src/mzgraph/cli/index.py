"""``mzgraph index``: build the release index of an on-disk or a remote store (lists, search, statistics, dumps).

The helpers here also serve ``mzgraph load``, which builds the index of what it loaded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mzgraph.cli.options import fail, quiet_option, remote_options, settings_from
from mzgraph.config import Settings
from mzgraph.errors import InputError, MzgraphError

if TYPE_CHECKING:
    from mzgraph.release import Built, Reporter
    from mzgraph.store import Store


def add_command(sub: Any) -> None:
    """Add ``index`` to the ``mzgraph`` subcommands."""
    index = sub.add_parser("index", help="build the release index of a store (lists, search, statistics, dumps)")
    source = index.add_mutually_exclusive_group(required=True)
    source.add_argument("--store", type=Path, help="on-disk store folder (the index goes into STORE/index)")
    source.add_argument("--sparql-endpoint", help="query endpoint of a remote store")
    remote_options(index)
    index.add_argument("--out", type=Path, help="folder for the index (required for a remote store)")
    index.add_argument("--base-iri", help="the base IRI the data was loaded with (default https://w3id.org/mzgraph/)")
    quiet_option(index)
    index.set_defaults(func=run_index)


def run_index(args: argparse.Namespace) -> int:
    """Build the release index of an on-disk or a remote store."""
    from mzgraph.release.serving import store_index

    try:
        if args.store is None and args.out is None:
            raise InputError(args.sparql_endpoint, "give --out FOLDER: where to write the index of a remote store")
        settings = settings_from(args, index=None)
        out = args.out or store_index(args.store)
        with reporter(args) as report, opened(settings) as store:
            done = build(store, out, settings, report)
    except MzgraphError as err:
        return fail("index", err)
    print_built(done, out)
    return 0


def opened(settings: Settings, **where: Any) -> Store:
    """The store ``settings`` (with ``where`` overriding) describe, for building an index: one query worker and
    a deadline long enough for counting a whole release."""
    from mzgraph.store import open_store

    fields: dict[str, Any] = {"query_workers": 1, "query_timeout": 3600.0, "data_paths": [], **where}
    if where.get("sparql_endpoint"):
        fields["backend"] = "remote"
    return open_store(settings.model_copy(update=fields))


def build(store: Store, out: Path, settings: Settings, report: Reporter) -> Built:
    """Build the index of ``store`` into ``out``."""
    from mzgraph.bundled import rdf_files, shapes_dir
    from mzgraph.entities.describe import describe_triples
    from mzgraph.rdf.namespaces import PREFIXES
    from mzgraph.release import build_index

    shapes = rdf_files(shapes_dir())
    return build_index(
        store,
        out,
        base_iri=settings.base_iri,
        prefixes=PREFIXES,
        shapes=shapes,
        describe=describe_triples,
        report=report,
    )


def print_built(done: Built, where: Path) -> None:
    """One line on stderr: what was built, how long it took, how big it is."""
    print(
        f"mzgraph: release index of {done.organisations:,} organisations, {done.triples:,} published triples and "
        f"{done.hubs:,} hub descriptions "
        f"built in {done.seconds:.1f} s, {done.bytes / 1e6:,.1f} MB, in {where} (release {done.release.tag})",
        file=sys.stderr,
    )


def reporter(args: argparse.Namespace) -> Reporter:
    """Progress on a terminal, nothing otherwise or with ``--quiet``."""
    from mzgraph.release import reporter as make

    return make(sys.stderr, quiet=getattr(args, "quiet", False))
