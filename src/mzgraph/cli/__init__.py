"""The ``mzgraph`` command: thin; parses flags and calls the functions that do the work."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from mzgraph import __version__

Command = Callable[[argparse.Namespace], int]


def _validate(args: argparse.Namespace) -> int:
    from mzgraph.cli.validate import run_validate

    return run_validate(args)


def _import(args: argparse.Namespace) -> int:
    from mzgraph.cli.importing import run_import

    return run_import(args)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mzgraph", description="Knowledge graph of Dutch carer-friendly employers.")
    parser.add_argument("--version", action="version", version=f"mzgraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    validate = sub.add_parser("validate", help="validate RDF data against the bundled SHACL shapes")
    validate.add_argument("paths", nargs="*", help="files or folders (default: the bundled data/)")
    validate.add_argument("--shapes", action="append", help="shapes file or folder (repeatable)")
    validate.add_argument("--format", choices=("text", "json", "turtle"), default="text")
    validate.add_argument("--no-ontology", action="store_true", help="do not add the bundled ontology")
    validate.add_argument("--lang", default="en", help="language of messages and fixes where shapes give several")
    validate.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour the text report")
    validate.add_argument("--jobs", type=int, default=0, help="processes for a large graph (default: one per CPU)")
    validate.add_argument("--quiet", action="store_true", help="no progress on the terminal")
    validate.set_defaults(func=_validate)

    imp = sub.add_parser("import", help="turn Werk&Mantelzorg profile texts into Turtle for data/organisations/")
    imp.add_argument("paths", nargs="+", help="profile texts (UTF-8 .txt, as in data/sources/)")
    imp.add_argument("--out", default=".", help="folder for the Turtle files (default: the current folder)")
    imp.add_argument("--private-out", help="folder for contact persons (default: OUT/private; never a published one)")
    imp.add_argument("--vocabulary", action="append", help="extra RDF with labels to match, e.g. new skos:altLabels")
    imp.add_argument("--format", choices=("text", "json"), default="text", help="report format")
    imp.add_argument("--dry-run", action="store_true", help="import and validate, but write nothing")
    imp.add_argument("--strict", action="store_true", help="write nothing on violations (default: a draft)")
    imp.add_argument("--quiet", action="store_true", help="no progress on the terminal")
    imp.set_defaults(func=_import)

    from mzgraph.cli import config, index, load, query, serve

    for command in (serve, load, index, query, config):
        command.add_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mzgraph`` console script."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    func: Command = args.func
    try:
        return func(args)
    except KeyboardInterrupt:
        return 130
