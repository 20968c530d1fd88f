"""``mzgraph validate``: which files, validate them, print the report; the exit code means conformance.

Exit codes: 0 the data conforms (warnings and infos allowed), 1 there are violations, 2 some input
cannot be read or used (each problem printed as ``file:line:column: message``, never a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO, TypeVar

from mzgraph import bundled
from mzgraph.errors import InputError
from mzgraph.progress import Reporter, reporter
from mzgraph.rdf.source_lines import file_prefixes
from mzgraph.validation import (
    UnreadableInput,
    ValidationReport,
    default_jobs,
    namespace_manager,
    read_shapes,
    read_sources,
    render_json,
    render_text,
    render_turtle,
    validate,
)

EXIT_CONFORMS, EXIT_VIOLATIONS, EXIT_UNREADABLE = 0, 1, 2
T = TypeVar("T")


def run_validate(args: argparse.Namespace) -> int:
    """Run ``mzgraph validate`` with parsed ``args``; print to stdout, problems to stderr."""
    data = [Path(p) for p in args.paths] or [bundled.data_dir()]
    ontology = [] if args.no_ontology else [bundled.ontology_dir()]
    shapes = [Path(p) for p in args.shapes or [bundled.shapes_dir()]]
    try:
        with reporter(sys.stderr, quiet=args.quiet) as progress:
            report = validate_files(
                data, shapes, ontology=ontology, lang=args.lang, jobs=args.jobs or default_jobs(), report=progress
            )
    except UnreadableInput as err:
        for error in err.errors:
            print(error, file=sys.stderr)
        return EXIT_UNREADABLE
    _print_report(report, args.format, colour=_wants_colour(args.color, sys.stdout), out=sys.stdout)
    return EXIT_CONFORMS if report.conforms else EXIT_VIOLATIONS


def validate_files(
    data: Sequence[Path],
    shapes: Sequence[Path],
    *,
    ontology: Sequence[Path] = (),
    lang: str = "en",
    jobs: int = 1,
    report: Reporter | None = None,
) -> ValidationReport:
    """Validate the files in ``data`` plus ``ontology`` against the shapes in ``shapes`` (files or folders).

    Raises :class:`UnreadableInput` naming every path that is missing or cannot be read, not just the first.
    """
    data_files, errors = input_files(data)
    ontology_files, ontology_errors = input_files(ontology)
    shape_files, shape_errors = input_files(shapes)
    errors += ontology_errors + shape_errors
    seen = {p.resolve() for p in data_files}
    sources = _collect(errors, read_sources, [*data_files, *(p for p in ontology_files if p.resolve() not in seen)])
    shapes_graph = _collect(errors, read_shapes, shape_files) if shape_files else None
    if errors or sources is None or shapes_graph is None:
        raise UnreadableInput(errors)
    return validate(sources, shapes_graph, lang=lang, jobs=jobs, report=report)


def _collect(errors: list[InputError], read: Callable[[list[Path]], T], paths: list[Path]) -> T | None:
    """``read(paths)``, or None with its errors added to ``errors``."""
    try:
        return read(paths)
    except UnreadableInput as err:
        errors += err.errors
        return None


def input_files(paths: Sequence[Path]) -> tuple[list[Path], list[InputError]]:
    """The RDF files named by ``paths`` (files, or folders searched for RDF files), and what is missing.

    In the bundled ``data/`` folder, ``data/private/`` (personal data) and ``data/sources/`` (the profile
    texts) are left out; name them explicitly to include them.
    """
    files: list[Path] = []
    errors: list[InputError] = []
    bundled_data = bundled.data_dir().resolve()
    for path in paths:
        excluded = (bundled_data / "private", bundled_data / "sources") if path.resolve() == bundled_data else ()
        if not path.exists():
            errors.append(InputError(str(path), "no such file or folder"))
        elif path.is_file():
            files.append(path)
        elif found := bundled.rdf_files(path, exclude=excluded):
            files += found
        else:
            suffixes = ", ".join(bundled.RDF_SUFFIXES)
            errors.append(InputError(str(path), f"no RDF files ({suffixes}) in this folder"))
    return files, errors


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
    """``auto``: colour on a terminal, unless ``NO_COLOR`` is set to anything but the empty string (no-color.org)."""
    if choice == "auto":
        return out.isatty() and not os.environ.get("NO_COLOR")
    return choice == "always"
