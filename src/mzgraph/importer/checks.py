"""The output checked against the shapes before it is written, with :mod:`mzgraph.validation`.

The Turtle about to be written is staged in a temporary folder and validated together with the
vocabulary (ontology, partners, events, places), so references to partner bodies and concepts resolve.
Only results about the staged files are kept, located at their line and reported under the names the
files will have.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from mzgraph.validation import ValidationReport, ValidationResult, read_shapes, read_sources, validate


@dataclass(frozen=True)
class OutputFile:
    """A file the import will write."""

    target: Path
    data: bytes


def validate_outputs(
    outputs: Sequence[OutputFile], context: Sequence[Path], shapes: Sequence[Path]
) -> ValidationReport:
    """Validate ``outputs`` (with ``context`` for what they refer to) against the shapes in ``shapes``."""
    with TemporaryDirectory(prefix="mzgraph-import-") as folder:
        staged: dict[Path, Path] = {}
        for number, output in enumerate(outputs):
            path = Path(folder) / f"{number}-{output.target.name}"
            path.write_bytes(output.data)
            staged[path] = output.target
        report = validate(read_sources([*staged, *context]), read_shapes(shapes))
    results = [_renamed(r, staged) for r in report.results if r.file in staged]
    return ValidationReport(results, [o.target for o in outputs], report.triples, report.shapes)


def _renamed(result: ValidationResult, staged: dict[Path, Path]) -> ValidationResult:
    assert result.file is not None
    return dataclasses.replace(result, file=staged[result.file])
