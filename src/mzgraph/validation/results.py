"""The outcome of a validation as objects: what is wrong, where, and how to fix it (no I/O, no pySHACL)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from rdflib import SH, BNode, Graph, URIRef
from rdflib.paths import Path as PropertyPath
from rdflib.term import Node

from mzgraph.errors import InputError, MzgraphError

ResultPath = URIRef | PropertyPath


class Severity(Enum):
    """SHACL severities, most severe first."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @classmethod
    def from_iri(cls, iri: Node | None) -> Severity:
        """The severity for ``sh:Violation``, ``sh:Warning`` or ``sh:Info`` (anything else counts as a violation)."""
        named: dict[Node | None, Severity] = {SH.Warning: cls.WARNING, SH.Info: cls.INFO}
        return named.get(iri, cls.VIOLATION)

    @property
    def iri(self) -> URIRef:
        return SH[self.value]


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, with where its focus node is defined."""

    severity: Severity
    focus: Node
    path: ResultPath | None
    value: Node | None
    message: str
    fix: str | None
    shape: Node
    """The source shape (often a blank property shape)."""
    named_shape: URIRef | None
    """The shape itself if it has an IRI, else the nearest named shape that holds it."""
    component: Node
    """The constraint component (an IRI such as ``sh:MinCountConstraintComponent``)."""
    file: Path | None = None
    line: int | None = None
    anchor: URIRef | None = None
    """For a blank-node focus: the named node it hangs from (``line`` is where the anchor is defined)."""
    anchor_path: ResultPath | None = None
    """The path from ``anchor`` to the blank-node focus."""

    def sort_key(self) -> tuple[str, int, str, bool, str, int, str, str]:
        """Order of the report: by file, line and focus node (named before blank), then severity."""
        named, blank = str(self.anchor or self.focus), isinstance(self.focus, BNode)
        order = list(Severity).index(self.severity)
        return (
            str(self.file or ""),
            self.line or 0,
            named,
            blank,
            str(self.focus),
            order,
            str(self.path),
            self.message,
        )


@dataclass
class ValidationReport:
    """The outcome of one validation: results sorted by file, line and focus node."""

    results: list[ValidationResult]
    files: list[Path]
    triples: int
    shapes: Graph = field(repr=False)

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings and infos are allowed)."""
        return all(r.severity is not Severity.VIOLATION for r in self.results)

    def counts(self) -> dict[Severity, int]:
        """Number of results per severity, every severity present."""
        counts = dict.fromkeys(Severity, 0)
        for result in self.results:
            counts[result.severity] += 1
        return counts


class UnreadableInput(MzgraphError):
    """One or more inputs cannot be read or used; each error names file:line:column where known."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = list(errors)
