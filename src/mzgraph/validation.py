"""SHACL validation of RDF files: results as objects (file:line, focus node, path, value, message, fix).

The flow, like pySHACL's own API but with locations: :func:`read_sources` reads the data files (and
the ontology, so ``rdfs:subClassOf`` and the SKOS schemes are there) through the one safe reader,
:func:`read_shapes` reads the shapes, and :func:`validate` runs pySHACL and turns its report graph into
:class:`ValidationResult` objects that say where each focus node is defined. Rendering them as text,
JSON or Turtle is :mod:`mzgraph.validation_output`'s job.

Conventions the shapes follow (see ``docs/validation.md``): ``sh:message`` says what is wrong,
``sh:description`` on the same shape says how to fix it; both may come in several languages.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDF, SH, BNode, Graph, Literal, URIRef
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
from rdflib.paths import Path as PropertyPath
from rdflib.term import Node

from mzgraph.errors import InputError, MzgraphError
from mzgraph.rdf_io import read_file
from mzgraph.rdflib_bridge import quiet_ill_typed_literals, to_ox, to_rdflib_graph
from mzgraph.source_index import SourceIndex

ResultPath = URIRef | PropertyPath


class Severity(Enum):
    """SHACL severities, most severe first."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @classmethod
    def from_iri(cls, iri: Node | None) -> Severity:
        """The severity for ``sh:Violation``, ``sh:Warning`` or ``sh:Info`` (anything else counts as a violation)."""
        return {SH.Warning: cls.WARNING, SH.Info: cls.INFO}.get(iri, cls.VIOLATION)  # type: ignore[call-overload]

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
    component: URIRef
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
    """One or more input files cannot be read or used; each error names file:line:column."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = list(errors)


class Sources:
    """The files of one validation, each read into a named graph of its own, so results can be traced back."""

    def __init__(self) -> None:
        self.store = ox.Store()
        self.files: list[Path] = []
        self.index = SourceIndex()

    def add(self, path: Path, quads: Iterable[ox.Quad]) -> None:
        """Add the quads read from ``path``; named graphs are merged, blank nodes kept apart per file."""
        number = len(self.files)
        graph = ox.NamedNode(f"urn:mzgraph:file:{number}")

        def scoped(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.BlankNode | ox.Literal:
            return ox.BlankNode(f"f{number}_{term.value}") if isinstance(term, ox.BlankNode) else term

        self.store.extend(ox.Quad(scoped(q.subject), q.predicate, scoped(q.object), graph) for q in quads)
        self.files.append(path)

    def triples(self) -> Iterator[ox.Quad]:
        """Every quad of every file (the union of the files is the data graph)."""
        return self.store.quads_for_pattern(None, None, None, None)

    def files_with(self, subject: Node | None, predicate: Node | None = None, obj: Node | None = None) -> list[Path]:
        """The files that state a triple matching the pattern, in reading order."""
        pattern = [None if term is None else to_ox(term) for term in (subject, predicate, obj)]
        numbers = {int(q.graph_name.value.rsplit(":", 1)[1]) for q in self.store.quads_for_pattern(*pattern, None)}
        return [self.files[n] for n in sorted(numbers)]


def read_sources(paths: Sequence[Path]) -> Sources:
    """Read every file; raise :class:`UnreadableInput` listing all that cannot be read."""
    sources = Sources()
    errors: list[InputError] = []
    for path in paths:
        try:
            sources.add(path, read_file(path))
        except InputError as err:
            errors.append(err)
    if errors:
        raise UnreadableInput(errors)
    return sources


_SHAPE_MARKERS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def read_shapes(paths: Sequence[Path]) -> Graph:
    """Read the shapes files into one rdflib graph; refuse an empty set of shapes."""
    sources = read_sources(paths)
    shapes = to_rdflib_graph(sources.triples())
    if not any(_has(shapes, (None, marker, None)) for marker in _SHAPE_MARKERS):
        where = ", ".join(str(p) for p in paths) or "(no shapes files)"
        raise UnreadableInput([InputError(where, "no SHACL shapes with a target found")])
    return shapes


def _has(graph: Graph, pattern: tuple[Node | None, Node | None, Node | None]) -> bool:
    return next(iter(graph.triples(pattern)), None) is not None


def validate(sources: Sources, shapes: Graph, *, lang: str = "en") -> ValidationReport:
    """Validate the union of ``sources`` against ``shapes``; messages and fixes in ``lang`` where given."""
    with quiet_ill_typed_literals():  # pySHACL copies the ill-typed values it reports: no traceback each time
        data = to_rdflib_graph(sources.triples())
        report = run_pyshacl(data, shapes)
        results = [locate(r, sources) for r in results_from_report(report, shapes, lang=lang)]
    return ValidationReport(sorted(results, key=ValidationResult.sort_key), list(sources.files), len(data), shapes)


def run_pyshacl(data: Graph, shapes: Graph) -> Graph:
    """pySHACL's report graph for ``data``: no inference (the ontology is in the data), no copy of the data."""
    advanced = _has(shapes, (None, SH.target, None)) or _has(shapes, (None, SH.rule, None))
    try:
        _, report, _ = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", advanced=advanced, inplace=True,
            allow_warnings=True, allow_infos=True,
        )  # fmt: skip
    except ReportableRuntimeError as err:
        raise UnreadableInput([InputError("shapes", f"the shapes cannot be used: {err.message}")]) from None
    return report


def results_from_report(report: Graph, shapes: Graph, *, lang: str = "en") -> list[ValidationResult]:
    """The results of a SHACL validation report graph as objects (not yet located in files)."""
    results = []
    for node in report.objects(None, SH.result):
        shape = report.value(node, SH.sourceShape)
        path = report.value(node, SH.resultPath)
        messages = list(report.objects(node, SH.resultMessage))
        results.append(
            ValidationResult(
                severity=Severity.from_iri(report.value(node, SH.resultSeverity)),
                focus=report.value(node, SH.focusNode),
                path=None if path is None else shacl_path(report, path),
                value=report.value(node, SH.value),
                message=pick_language(messages, lang) or "(no message)",
                fix=pick_language(list(shapes.objects(shape, SH.description)), lang),
                shape=shape,
                named_shape=named_shape(shapes, shape),
                component=report.value(node, SH.sourceConstraintComponent),
            )
        )
    return results


def shacl_path(graph: Graph, node: Node) -> ResultPath:
    """A SHACL property path (an IRI or a blank-node structure in ``graph``) as an rdflib path."""
    if isinstance(node, URIRef):
        return node
    if (graph.value(node, RDF.first)) is not None:
        return SequencePath(*(shacl_path(graph, n) for n in graph.items(node)))
    if (target := graph.value(node, SH.inversePath)) is not None:
        return InvPath(shacl_path(graph, target))
    if (target := graph.value(node, SH.alternativePath)) is not None:
        return AlternativePath(*(shacl_path(graph, n) for n in graph.items(target)))
    for predicate, modifier in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        if (target := graph.value(node, predicate)) is not None:
            return MulPath(shacl_path(graph, target), modifier)
    raise ValueError(f"not a SHACL property path: {node!r}")


def pick_language(literals: Sequence[Node], lang: str) -> str | None:
    """The text in ``lang``, else one without a language tag, else English, else any."""
    texts = [t for t in literals if isinstance(t, Literal)]
    for wanted in (lang, None, "en"):
        for text in texts:
            if text.language == wanted:
                return str(text)
    return str(texts[0]) if texts else None


_SHAPE_LINKS = (SH.property, SH.node, SH.qualifiedValueShape, SH["not"])
_SHAPE_LIST_LINKS = (SH["or"], SH["and"], SH.xone)


def named_shape(shapes: Graph, shape: Node, _seen: frozenset[Node] = frozenset()) -> URIRef | None:
    """``shape`` if it has an IRI, else the nearest named shape it is part of."""
    if isinstance(shape, URIRef):
        return shape
    if shape in _seen:
        return None
    parents = [s for link in _SHAPE_LINKS for s in shapes.subjects(link, shape)]
    lists = [n for n in shapes.subjects(RDF.first, shape)]
    while lists:  # climb from a list cell to the shape holding the list
        cell = lists.pop()
        parents += [s for link in _SHAPE_LIST_LINKS for s in shapes.subjects(link, cell)]
        lists += list(shapes.subjects(RDF.rest, cell))
    for parent in parents:
        if (found := named_shape(shapes, parent, _seen | {shape})) is not None:
            return found
    return None


def locate(result: ValidationResult, sources: Sources) -> ValidationResult:
    """``result`` with the file and line where its focus node is defined.

    The file is the one that states the offending triple if there is one (a simple path with a value),
    else the first file where the focus node is a subject, else the first that mentions it. A blank
    focus node is located by the named node it hangs from.
    """
    focus = result.focus
    anchor, anchor_path = named_ancestor(sources, focus) if isinstance(focus, BNode) else (None, None)
    files: list[Path] = []
    if isinstance(result.path, URIRef) and result.value is not None:
        files = sources.files_with(focus, result.path, result.value)
    files = files or sources.files_with(focus) or sources.files_with(None, None, focus)
    if not files:
        return replace(result, anchor=anchor, anchor_path=anchor_path)
    named = anchor if anchor is not None else focus
    line = sources.index.line(files[0], str(named)) if isinstance(named, URIRef) else None
    return replace(result, file=files[0], line=line, anchor=anchor, anchor_path=anchor_path)


def named_ancestor(sources: Sources, node: BNode, max_depth: int = 8) -> tuple[URIRef | None, ResultPath | None]:
    """The nearest IRI from which the blank ``node`` is reached, and the path from it (a few steps up)."""
    frontier: list[tuple[Node, list[URIRef]]] = [(node, [])]
    seen: set[Node] = {node}
    for _ in range(max_depth):
        parents: list[tuple[Node, list[URIRef]]] = []
        for child, steps in frontier:
            for quad in sources.store.quads_for_pattern(None, None, to_ox(child), None):
                path = [URIRef(quad.predicate.value), *steps]
                if isinstance(quad.subject, ox.NamedNode):
                    return URIRef(quad.subject.value), path[0] if len(path) == 1 else SequencePath(*path)
                parent = BNode(quad.subject.value)
                if parent not in seen:
                    seen.add(parent)
                    parents.append((parent, path))
        frontier = parents
    return None, None
