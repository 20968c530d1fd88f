"""``mzgraph import``: profile texts -> Turtle files, validated before they are written.

Exit codes, as for ``validate``: 0 everything imported, conforms and was written; 1 the output has
violations, such as a category the importer guessed (``mz:needsReview``): the files are written as a
draft, on which ``validate`` fails until a person has decided (with ``--strict`` nothing is written);
2 an input cannot be used (nothing written; each problem printed as ``file:line: message``). The import
time is in the report, not in the Turtle, so that importing the same text again gives the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from mzgraph import bundled
from mzgraph.config import Settings
from mzgraph.errors import InputError
from mzgraph.importer.checks import OutputFile, validate_outputs
from mzgraph.importer.output import check_private_folder, write_all
from mzgraph.importer.pipeline import ProfileImport, import_profile
from mzgraph.importer.report import Summary, render_json, render_text, summarise
from mzgraph.importer.vocabulary import Vocabulary, default_vocabulary_files
from mzgraph.progress import Reporter, reporter
from mzgraph.validation import UnreadableInput, ValidationReport, namespace_manager
from mzgraph.validation import render_text as render_validation

EXIT_WRITTEN, EXIT_VIOLATIONS, EXIT_UNUSABLE = 0, 1, 2


def run_import(args: argparse.Namespace) -> int:
    """Run ``mzgraph import`` with parsed ``args``; the report to stdout, input problems to stderr."""
    out = Path(args.out)
    private = Path(args.private_out) if args.private_out else out / "private"
    imported_at = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        vocabulary_files = [*default_vocabulary_files(), *(Path(p) for p in args.vocabulary or ())]
        vocabulary = Vocabulary.load(vocabulary_files)
        with reporter(sys.stderr, quiet=args.quiet) as progress:
            results = import_all([Path(p) for p in args.paths], vocabulary, Settings().base_iri, report=progress)
        files = {r.slug: planned_files(r, out, private) for r in results}
        if any(r.private_turtle for r in results):
            check_private_folder(private, out)
        shapes = bundled.rdf_files(bundled.shapes_dir())
        report = validate_outputs([f for fs in files.values() for f in fs], vocabulary_files, shapes)
        written = not args.dry_run and (report.conforms or not args.strict)
        if written:
            write_all([f for fs in files.values() for f in fs])
    except UnreadableInput as err:
        return _unusable(err.errors)
    except InputError as err:
        return _unusable([err])
    summaries = [_summary(r, files[r.slug], vocabulary, report) for r in results]
    _print(summaries, report, results, args.format, imported_at=imported_at, written=written)
    return EXIT_WRITTEN if report.conforms else EXIT_VIOLATIONS


def import_all(
    paths: Sequence[Path], vocabulary: Vocabulary, base: str, report: Reporter | None = None
) -> list[ProfileImport]:
    """Import every path; :class:`UnreadableInput` lists every one that cannot be used."""
    results: list[ProfileImport] = []
    errors: list[InputError] = []
    for path in (report or Reporter()).items(paths, "profile texts imported", len(paths)):
        try:
            result = import_profile(path, vocabulary, base)
        except InputError as err:
            errors.append(err)
            continue
        if any(r.slug == result.slug for r in results):
            errors.append(InputError(str(path), f"a second profile of {result.profile.name} in this run"))
        results.append(result)
    if errors:
        raise UnreadableInput(errors)
    return results


def planned_files(result: ProfileImport, out: Path, private: Path) -> list[OutputFile]:
    """The Turtle file for ``out`` and, if the profile names contact persons, the one for ``private``."""
    files = [OutputFile(out / f"{result.slug}.ttl", result.turtle)]
    if result.private_turtle is not None:
        files.append(OutputFile(private / f"{result.slug}-contacts.ttl", result.private_turtle))
    return files


def _summary(
    result: ProfileImport, files: list[OutputFile], vocabulary: Vocabulary, report: ValidationReport
) -> Summary:
    targets = [f.target for f in files]
    return summarise(result, vocabulary, targets, [r for r in report.results if r.file in targets])


def _print(
    summaries: list[Summary],
    report: ValidationReport,
    results: list[ProfileImport],
    fmt: str,
    *,
    imported_at: str,
    written: bool,
) -> None:
    draft = not report.conforms
    if fmt == "json":
        sys.stdout.write(render_json(summaries, imported_at=imported_at, written=written, draft=draft))
        return
    if report.results:
        prefixes = [(p, str(n)) for r in results for p, n in r.public.namespaces()]
        sys.stdout.write(render_validation(report, namespace_manager(prefixes)) + "\n")
    sys.stdout.write(render_text(summaries, imported_at=imported_at, written=written, draft=draft))


def _unusable(errors: Sequence[InputError]) -> int:
    for error in errors:
        print(error, file=sys.stderr)
    print("mzgraph import: nothing written.", file=sys.stderr)
    return EXIT_UNUSABLE
