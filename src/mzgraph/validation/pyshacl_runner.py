"""pySHACL as mzgraph runs it: one call on an rdflib graph, its report graph turned into result objects.

No inference (the ontology is part of the data graph, so ``rdfs:subClassOf`` and the code lists are
there), no copy of the data graph, SHACL-AF only when the shapes use SPARQL targets or rules. Results
come back unlocated; :mod:`mzgraph.validation` says in which file and on which line they are.

:func:`prepare_shapes` rewrites the shapes into an equivalent form pySHACL runs about twice as fast.
pySHACL validates a property shape nested under a node shape (``sh:property``) once per focus node,
building its constraint objects again each time; a property shape with targets of its own is validated
once for all its focus nodes. So each such property shape is copied, the copy given the node shape's
targets, and results from the copy are reported as from the original: the same results, sooner.

:func:`select_sparql_targets` takes the SHACL-AF SPARQL targets (``sh:target [ sh:select ... ]``) out of the
shapes and runs their queries on the Oxigraph store the data was read into; the nodes they select become
``sh:targetNode`` s of the shape. pySHACL would run each query with rdflib's SPARQL engine over the whole
rdflib graph, which took a third of its time; the focus nodes, and so the results, are the same.

pySHACL also writes a text description of every result it finds, those of nested shapes (``sh:or``
alternatives, qualified value shapes) included, which are then thrown away: at 1,000 organisations 5,000
descriptions for 93 results, a sixth of its time. mzgraph reads only the report graph, so while it runs
pySHACL, :func:`_no_text_report` has it write none.
"""

from __future__ import annotations

import threading
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import pyoxigraph as ox
import pyshacl
from pyshacl.constraints.constraint_component import ConstraintComponent
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDF, RDFS, SH, BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
from rdflib.term import Node

from mzgraph.errors import InputError
from mzgraph.rdf.rdflib_bridge import quiet_ill_typed_literals, to_rdflib
from mzgraph.validation.results import ResultPath, Severity, UnreadableInput, ValidationResult


@dataclass(frozen=True)
class PreparedShapes:
    """Shapes as written (for messages, fixes and reports) and as pySHACL runs them (see the module docs)."""

    shapes: Graph
    runnable: Graph = field(repr=False)
    copied_from: dict[Node, Node] = field(repr=False)
    """Each copied property shape -> the shape it was copied from."""


_EXPLICIT_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def prepare_shapes(shapes: Graph) -> PreparedShapes:
    """Give the property shapes of each targeted node shape those targets themselves (as copies)."""
    runnable = Graph()
    runnable += shapes
    copied_from: dict[Node, Node] = {}
    for node_shape in set(shapes.subjects(SH.property, None)):
        targets = [(p, o) for p in _EXPLICIT_TARGETS for o in shapes.objects(node_shape, p)]
        if not targets or not _may_hand_over(shapes, node_shape):
            continue
        for property_shape in shapes.objects(node_shape, SH.property):
            copy = BNode()
            copied_from[copy] = property_shape
            for predicate, value in shapes.predicate_objects(property_shape):
                runnable.add((copy, predicate, value))
            for predicate, value in targets:
                runnable.add((copy, predicate, value))
            runnable.remove((node_shape, SH.property, property_shape))
    return PreparedShapes(shapes, runnable, copied_from)


TargetNodes = Mapping[Node, Sequence[Node]]
"""Shape -> the nodes its SPARQL targets select."""


def select_sparql_targets(shapes: Graph, store: ox.Store) -> tuple[Graph, dict[Node, list[Node]]]:
    """Run the shapes' plain SPARQL targets on the union of ``store``'s graphs (see the module docs).

    Returns a copy of ``shapes`` without those targets, and shape -> the nodes they select (``?this``). A
    parameterised target type, or a query Oxigraph cannot run, stays in the shapes for pySHACL.
    """
    rest = Graph()
    rest += shapes
    selected: dict[Node, dict[Node, None]] = {}
    for shape, target in shapes.subject_objects(SH.target):
        selects = list(shapes.objects(target, SH.select))
        if len(selects) != 1 or not set(shapes.objects(target, RDF.type)) <= {SH.SPARQLTarget}:
            continue
        prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in declared_prefixes(shapes, target))
        try:
            solutions = store.query(f"{prefixes}\n{selects[0]}", use_default_graph_as_union=True)
        except (SyntaxError, ValueError, OSError):
            continue  # pySHACL reports it as it would have
        if not isinstance(solutions, ox.QuerySolutions) or ox.Variable("this") not in solutions.variables:
            continue
        nodes = selected.setdefault(shape, {})
        nodes.update((to_rdflib(row["this"]), None) for row in solutions if row["this"] is not None)
        rest.remove((shape, SH.target, target))
    return rest, {shape: list(nodes) for shape, nodes in selected.items()}


def with_target_nodes(shapes: Graph, targets: TargetNodes) -> Graph:
    """A copy of ``shapes`` in which each shape of ``targets`` has its nodes as ``sh:targetNode`` s."""
    copy = Graph()
    copy += shapes
    for shape, nodes in targets.items():
        copy.addN((shape, SH.targetNode, node, copy) for node in nodes)
    return copy


def declared_prefixes(shapes: Graph, holder: Node) -> Iterable[tuple[str, str]]:
    """The prefixes a SPARQL-based constraint or target may use, as pySHACL collects them: its
    ``sh:prefixes`` declarations and those of every ``owl:Ontology`` in the shapes."""
    sources = set(shapes.objects(holder, SH.prefixes))
    if not sources:
        return
    sources |= set(shapes.subjects(RDF.type, OWL.Ontology))
    for source in sources:
        for declaration in shapes.objects(source, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                yield str(prefix), str(namespace)


def _may_hand_over(shapes: Graph, node_shape: Node) -> bool:
    """True if the node shape's targets are all its focus nodes ever are (so its properties can take them over)."""
    return (
        shapes.value(node_shape, SH.path) is None
        and next(iter(shapes.subjects(None, node_shape)), None) is None  # not used by another shape
        and not shapes.value(node_shape, SH.deactivated)
        and not any((node_shape, RDF.type, c) in shapes for c in (RDFS.Class, OWL.Class))  # no implicit targets
    )


def shacl_results(data: Graph, shapes: Graph | PreparedShapes, *, lang: str = "en") -> list[ValidationResult]:
    """Validate ``data``: every result, messages and fixes in ``lang`` where given.

    Plain shapes are run as they are; :class:`PreparedShapes` faster, with the same results.
    """
    prepared = shapes if isinstance(shapes, PreparedShapes) else PreparedShapes(shapes, shapes, {})
    with quiet_ill_typed_literals():  # pySHACL copies the ill-typed values it reports: no traceback each time
        report = run_pyshacl(data, prepared.runnable)
        results = results_from_report(report, prepared.shapes, lang=lang, copied_from=prepared.copied_from)
    return results


def _has(graph: Graph, pattern: tuple[Node | None, Node | None, Node | None]) -> bool:
    return next(iter(graph.triples(pattern)), None) is not None


def run_pyshacl(data: Graph, shapes: Graph) -> Graph:
    """pySHACL's report graph for ``data``: no inference (the ontology is in the data), no copy of the data."""
    advanced = _has(shapes, (None, SH.target, None)) or _has(shapes, (None, SH.rule, None))
    try:
        with _no_text_report():
            _, report, _ = pyshacl.validate(
                data,
                shacl_graph=shapes,
                inference="none",
                advanced=advanced,
                inplace=True,
                allow_warnings=True,
                allow_infos=True,
            )
    except ReportableRuntimeError as err:
        raise UnreadableInput([InputError("shapes", f"the shapes cannot be used: {err.message}")]) from None
    return report


_text_report_lock = threading.Lock()
_text_report_off = [0]  # how many pySHACL runs in this process have the text descriptions off
_described: list[Callable[..., object]] = []  # pySHACL's own method while it is replaced


@contextmanager
def _no_text_report() -> Iterator[None]:
    """While pySHACL runs: no text description per result (see the module docs); the report graph is unchanged."""
    component = ConstraintComponent
    with _text_report_lock:
        if _text_report_off[0] == 0:
            _described.append(component.make_v_result_description)
            component.make_v_result_description = _no_description  # type: ignore[method-assign]  # a deliberate swap
        _text_report_off[0] += 1
    try:
        yield
    finally:
        with _text_report_lock:
            _text_report_off[0] -= 1
            if _text_report_off[0] == 0:
                component.make_v_result_description = _described.pop()  # type: ignore[method-assign]  # swapped back


def _no_description(*_args: object, **_kwargs: object) -> str:
    return ""


def results_from_report(
    report: Graph, shapes: Graph, *, lang: str = "en", copied_from: dict[Node, Node] | None = None
) -> list[ValidationResult]:
    """The results of a SHACL validation report graph as objects (not yet located in files).

    ``copied_from`` maps shapes the report names to the shapes of ``shapes`` they stand for.
    """
    copied_from = copied_from or {}
    results = []
    for node in report.objects(None, SH.result):
        shape = _required(report, node, SH.sourceShape)
        shape = copied_from.get(shape, shape)
        path = report.value(node, SH.resultPath)
        messages = list(report.objects(node, SH.resultMessage))
        results.append(
            ValidationResult(
                severity=Severity.from_iri(report.value(node, SH.resultSeverity)),
                focus=_required(report, node, SH.focusNode),
                path=None if path is None else shacl_path(report, path),
                value=report.value(node, SH.value),
                message=pick_language(messages, lang) or "(no message)",
                fix=pick_language(list(shapes.objects(shape, SH.description)), lang),
                shape=shape,
                named_shape=named_shape(shapes, shape),
                component=_required(report, node, SH.sourceConstraintComponent),
            )
        )
    return results


def _required(report: Graph, result: Node, predicate: URIRef) -> Node:
    """The value a SHACL validation result must have (``sh:focusNode``, ``sh:sourceShape``, ...)."""
    value = report.value(result, predicate)
    if value is None:
        raise ValueError(f"a SHACL validation result without {predicate}")
    return value


_PATH_MODIFIERS: tuple[tuple[URIRef, typing.Literal["*", "+", "?"]], ...] = (
    (SH.zeroOrMorePath, "*"),
    (SH.oneOrMorePath, "+"),
    (SH.zeroOrOnePath, "?"),
)


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
    for predicate, modifier in _PATH_MODIFIERS:
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
