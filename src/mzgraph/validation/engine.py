"""SHACL validation of RDF files: results as objects (file:line, focus node, path, value, message, fix).

The flow, like pySHACL's own API but with locations: :func:`read_sources` reads the data files (and the
ontology, so ``rdfs:subClassOf`` and the SKOS schemes are there) through the one safe reader, one named
graph per file; :func:`read_shapes` reads the shapes; :func:`validate` runs pySHACL over the union, in one
run or, for a large graph, in independent pieces in parallel (:mod:`mzgraph.validation.pieces`), and
says for each result in which file and on which line its focus node is defined. Rendering the report
as text, JSON or Turtle is :mod:`mzgraph.validation.report`'s job.

Conventions the shapes follow (``docs/validation.md``): ``sh:message`` says what is wrong,
``sh:description`` on the same shape says how to fix it; both may come in several languages.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from rdflib import SH, BNode, Graph, URIRef
from rdflib.paths import SequencePath
from rdflib.term import Node

from mzgraph.errors import InputError
from mzgraph.progress import Reporter
from mzgraph.rdf.oxigraph import Term, solutions
from mzgraph.rdf.rdflib_bridge import data_graph, to_ox, to_rdflib_graph
from mzgraph.rdf.reading import format_for_path, load_file, read_file
from mzgraph.rdf.source_lines import SourceIndex
from mzgraph.validation.pieces import Pieces, cut_pieces, pieces_for, validate_pieces
from mzgraph.validation.pyshacl_runner import prepare_shapes, select_sparql_targets, shacl_results, with_target_nodes
from mzgraph.validation.reach import shapes_reach
from mzgraph.validation.results import ResultPath, Severity, UnreadableInput, ValidationReport, ValidationResult

__all__ = [
    "Severity",
    "Sources",
    "UnreadableInput",
    "ValidationReport",
    "ValidationResult",
    "read_shapes",
    "read_sources",
    "validate",
]

_T = TypeVar("_T", bound=Term)

MIN_TRIPLES_FOR_PIECES = 200_000
"""Below this, starting worker processes costs more than it saves."""


class Sources:
    """The files of one validation, each read into a named graph of its own, so results can be traced back."""

    def __init__(self) -> None:
        self.store = ox.Store()
        self.files: list[Path] = []
        self.index = SourceIndex()

    def load(self, path: Path) -> None:
        """Read the file at ``path``; raise :class:`InputError` (adding nothing) if it cannot be read.

        A format of triples is parsed by Oxigraph straight into the store (no Python object per triple); a
        dataset format (TriG, N-Quads, JSON-LD) through Python, to merge its named graphs into the file's.
        """
        if format_for_path(path).supports_datasets:
            self.add(path, read_file(path))
        else:
            load_file(self.store, path, to_graph=self._graph())
            self.files.append(path)

    def add(self, path: Path, quads: Iterable[ox.Quad]) -> None:
        """Add the quads read from ``path``; named graphs are merged, blank nodes kept apart per file."""
        number = len(self.files)
        graph = self._graph()

        def scoped(term: _T) -> _T | ox.BlankNode:
            return ox.BlankNode(f"f{number}_{term.value}") if isinstance(term, ox.BlankNode) else term

        self.store.extend(ox.Quad(scoped(q.subject), q.predicate, scoped(q.object), graph) for q in quads)
        self.files.append(path)

    def _graph(self) -> ox.NamedNode:
        """The named graph of the next file."""
        return ox.NamedNode(f"urn:mzgraph:file:{len(self.files)}")

    def triples(self) -> Iterator[ox.Quad]:
        """Every quad of every file (the union of the files is the data graph)."""
        return self.store.quads_for_pattern(None, None, None, None)

    def triple_count(self) -> int:
        """The number of distinct triples in the union of the files.

        Every quad, less those whose triple an earlier file (in any fixed order of the graph names) states too: a
        triple stated in k files is counted once. One query with an index lookup per quad; a DISTINCT over the whole
        union took seconds at a million triples, and comparing each file with all earlier ones grew with the square
        of the number of files.
        """
        (total,) = solutions(self.store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        repeated = """SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o }
            FILTER EXISTS { GRAPH ?h { ?s ?p ?o } FILTER (STR(?h) < STR(?g)) } }"""
        (again,) = solutions(self.store.query(repeated))
        return int(total["n"].value) - int(again["n"].value)

    def files_with(self, subject: Node | None, predicate: Node | None = None, obj: Node | None = None) -> list[Path]:
        """The files that state a triple matching the pattern, in reading order (none for a literal subject)."""
        s, p, o = (None if term is None else to_ox(term) for term in (subject, predicate, obj))
        if isinstance(s, ox.Literal) or not (p is None or isinstance(p, ox.NamedNode)):
            return []
        quads = self.store.quads_for_pattern(s, p, o, None)
        numbers = {int(q.graph_name.value.rsplit(":", 1)[1]) for q in quads if isinstance(q.graph_name, ox.NamedNode)}
        return [self.files[n] for n in sorted(numbers)]


def read_sources(paths: Sequence[Path]) -> Sources:
    """Read every file; raise :class:`UnreadableInput` listing all that cannot be read."""
    sources = Sources()
    errors: list[InputError] = []
    for path in paths:
        try:
            sources.load(path)
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
    if not any(next(iter(shapes.triples((None, marker, None))), None) for marker in _SHAPE_MARKERS):
        where = ", ".join(str(p) for p in paths) or "(no shapes files)"
        raise UnreadableInput([InputError(where, "no SHACL shapes with a target found")])
    return shapes


def validate(
    sources: Sources, shapes: Graph, *, lang: str = "en", jobs: int = 1, report: Reporter | None = None
) -> ValidationReport:
    """Validate the union of ``sources`` against ``shapes``, located; messages and fixes in ``lang`` where given.

    The shapes' SPARQL targets are run by Oxigraph on the store first (see :mod:`.pyshacl_runner`). With
    ``jobs`` > 1, a large graph whose shapes have a bounded reach is validated in pieces in that many processes.
    Either way the results are those of one plain pySHACL run over the union
    (``tests/validation/test_validation_pieces.py``). ``report`` shows the steps and the pieces done.
    """
    report = report or Reporter()
    with report.step("selecting the shapes' SPARQL targets"):
        runnable, targets = select_sparql_targets(shapes, sources.store)
    with report.step("cutting the graph into pieces"):
        pieces = _pieces(sources, shapes, jobs)
    if pieces is None:
        with report.step("validating the graph in one run"):
            prepared = prepare_shapes(with_target_nodes(runnable, targets))
            results = shacl_results(data_graph(sources.triples()), prepared, lang=lang)
    else:
        with report.step(f"validating {pieces.count} pieces in {jobs} processes"):
            results = validate_pieces(pieces, runnable, targets, lang=lang, jobs=jobs, report=report)
    located = sorted((locate(r, sources) for r in results), key=ValidationResult.sort_key)
    return ValidationReport(located, list(sources.files), sources.triple_count(), shapes)


def _pieces(sources: Sources, shapes: Graph, jobs: int) -> Pieces | None:
    if jobs < 2 or len(sources.store) < MIN_TRIPLES_FOR_PIECES:
        return None
    reach = shapes_reach(shapes)
    return None if reach is None else cut_pieces(sources.store, reach, pieces=pieces_for(jobs))


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
                if not isinstance(quad.subject, ox.BlankNode):
                    continue  # a quoted triple (RDF-star) names no node to anchor to
                parent = BNode(quad.subject.value)
                if parent not in seen:
                    seen.add(parent)
                    parents.append((parent, path))
        frontier = parents
    return None, None
