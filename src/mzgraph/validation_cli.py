"""``mzgraph validate``: which files, validate them, print the report; the exit code means conformance.

Exit codes: 0 the data conforms (warnings and infos allowed), 1 there are violations, 2 some input
cannot be read or used (each problem printed as ``file:line:column: message``, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from mzgraph import resources
from mzgraph.errors import InputError
from mzgraph.source_index import file_prefixes
from mzgraph.validation import UnreadableInput, ValidationReport, read_shapes, read_sources, validate
from mzgraph.validation_output import namespace_manager, render_json, render_text, render_turtle

EXIT_CONFORMS, EXIT_VIOLATIONS, EXIT_UNREADABLE = 0, 1, 2


def run_validate(args: argparse.Namespace) -> int:
    """Run ``mzgraph validate`` with parsed ``args``; print to stdout, problems to stderr."""
    try:
        data = input_files([Path(p) for p in args.paths]) if args.paths else bundled_data_files()
        ontology = [] if args.no_ontology else resources.rdf_files(resources.ontology_dir())
        shape_files = input_files([Path(p) for p in args.shapes or [resources.shapes_dir()]])
        report = validate_files(data, shape_files, ontology=ontology, lang=args.lang)
    except UnreadableInput as err:
        for error in err.errors:
            print(error, file=sys.stderr)
        return EXIT_UNREADABLE
    _print_report(report, args.format, colour=_wants_colour(args.color, sys.stdout), out=sys.stdout)
    return EXIT_CONFORMS if report.conforms else EXIT_VIOLATIONS


def validate_files(
    data: Sequence[Path], shapes: Sequence[Path], *, ontology: Sequence[Path] = (), lang: str = "en"
) -> ValidationReport:
    """Validate ``data`` plus ``ontology`` against the shapes in ``shapes``."""
    seen = {p.resolve() for p in data}
    sources = read_sources([*data, *(p for p in ontology if p.resolve() not in seen)])
    return validate(sources, read_shapes(shapes), lang=lang)


def bundled_data_files() -> list[Path]:
    """The bundled data: ``data/`` without ``data/private/`` (personal data) and ``data/sources/`` (texts)."""
    data_dir = resources.data_dir()
    return resources.rdf_files(data_dir, exclude=(resources.private_data_dir(), data_dir / "sources"))


def input_files(paths: Sequence[Path]) -> list[Path]:
    """The RDF files named by ``paths`` (files, or folders searched for RDF files)."""
    files: list[Path] = []
    errors: list[InputError] = []
    for path in paths:
        if not path.exists():
            errors.append(InputError(str(path), "no such file or folder"))
        elif path.is_dir() and not (found := resources.rdf_files(path)):
            suffixes = ", ".join(resources.RDF_SUFFIXES)
            errors.append(InputError(str(path), f"no RDF files ({suffixes}) in this folder"))
        else:
            files += [path] if path.is_file() else found
    if errors:
        raise UnreadableInput(errors)
    return files


def _print_report(report: ValidationReport, fmt: str, *, colour: bool, out: TextIO) -> None:
    if fmt == "json":
        out.write(render_json(report))
    elif fmt == "turtle":
        out.write(render_turtle(report))
    else:
        files = {r.file for r in report.results if r.file is not None}
        prefixes = [item for f in sorted(files) for item in file_prefixes(f).items()]
        out.write(render_text(report, namespace_manager(prefixes), colour=colour))


def _wants_colour(choice: str, out: TextIO) -> bool:
    if choice == "auto":
        return out.isatty()
    return choice == "always"
