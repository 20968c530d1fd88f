"""How far from a focus node a set of SHACL shapes can look: what a piece of the data graph must hold.

Validating a focus node with pySHACL reads the node's own triples, the triples of the nodes its paths
lead to, and sometimes one step backwards (``[ sh:inversePath p ]``). When that neighbourhood is bounded,
a large graph can be validated in independent pieces with exactly the results of one run over the whole
graph (see :mod:`mzgraph.validation.pieces`). :func:`shapes_reach` works the bound out from the shapes:

- ``depth``: the triples of every node up to ``depth`` forward steps from the focus node are needed;
- ``inverse``: the predicates followed one step backwards (inverse paths, ``sh:targetObjectsOf``): the
  triples ``?s p <focus>`` and the subject's own triples (for ``sh:class`` on it) are needed;
- ``rdfs:subClassOf`` triples are always needed (targets and ``sh:class`` follow them) and are in every piece.

SPARQL-based targets (``sh:target [ sh:select ... ]``) are bounded like SPARQL constraints: a node is
selected by what lies forward of it. Anything this analysis does not understand makes the reach unbounded
(``None``): rules, custom constraint components, parameterised target types, ``*``/``+`` paths (other than
``rdfs:subClassOf*``), inverse steps inside longer paths, nested shapes on inverse values, recursive shapes,
and SPARQL whose patterns do not all start from ``$this``. Then validation runs over the whole graph at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import RDF, RDFS, SH, Graph, URIRef, Variable
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
from rdflib.paths import Path as PropertyPath
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node


@dataclass(frozen=True)
class Reach:
    """The neighbourhood of a focus node that validating it can read."""

    depth: int
    inverse: frozenset[URIRef]


class Unbounded(Exception):
    """The shapes can look further than this analysis can bound."""


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
_REFUSED = (SH.rule, SH.js, SH.expression, SH.qualifiedValueShapesDisjoint)
# Constraints whose check reads nothing beyond the value node itself (or the focus node's own triples).
_VALUE_LOCAL = {
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH.nodeKind,
    SH["in"],
    SH.hasValue,
    SH.pattern,
    SH.flags,
    SH.minLength,
    SH.maxLength,
    SH.languageIn,
    SH.uniqueLang,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.equals,
    SH.disjoint,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.closed,
    SH.ignoredProperties,
}
_ANNOTATIONS = {
    RDF.type,
    SH.path,
    SH.message,
    SH.description,
    SH.name,
    SH.severity,
    SH.deactivated,
    SH.order,
    SH.group,
    SH.defaultValue,
    RDFS.label,
    RDFS.comment,
    *_TARGETS,
}
_SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)


def shapes_reach(shapes: Graph) -> Reach | None:
    """The reach of ``shapes``, or None when it cannot be bounded."""
    if any(next(iter(shapes.triples((None, p, None))), None) for p in _REFUSED):
        return None
    if next(iter(shapes.subjects(RDF.type, SH.ConstraintComponent)), None) is not None:
        return None
    analysis = _Analysis(shapes)
    targeted = {s for p in _TARGETS for s in shapes.subjects(p, None)}
    try:
        depth = max((analysis.node_shape(s, frozenset()) for s in targeted), default=0)
        for target in shapes.objects(None, SH.target):
            depth = max(depth, sparql_depth(shapes, target, 0))  # a SPARQL target: its query must hang from ?this
    except Unbounded:
        return None
    inverse = analysis.inverse | {URIRef(str(p)) for p in shapes.objects(None, SH.targetObjectsOf)}
    return Reach(depth, frozenset(inverse))


class _Analysis:
    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.inverse: set[URIRef] = set()

    def node_shape(self, shape: Node, seen: frozenset[Node]) -> int:
        """How far from its focus node ``shape`` reads (its own constraints and nested shapes)."""
        if shape in seen:
            raise Unbounded(f"recursive shape {shape}")
        seen = seen | {shape}
        if (self.shapes.value(shape, SH.path)) is not None:
            return self.property_shape(shape, seen)
        depth = 0
        for predicate, value in self.shapes.predicate_objects(shape):
            depth = max(depth, self.constraint(predicate, value, 0, seen))
        return depth

    def property_shape(self, shape: Node, seen: frozenset[Node]) -> int:
        """How far a property shape reads: to the end of its path, and further for nested shapes."""
        path = self.shapes.value(shape, SH.path)
        if (step := _single_inverse_step(self.shapes, path)) is not None:
            for predicate, _ in self.shapes.predicate_objects(shape):
                if str(predicate).startswith(str(SH)) and predicate not in _VALUE_LOCAL | {SH["class"]} | _ANNOTATIONS:
                    raise Unbounded(f"{predicate} on the values of an inverse path")
            self.inverse.add(step)
            return 0
        length = path_length(self.shapes, path)
        depth = max(length - 1, 0)
        for predicate, value in self.shapes.predicate_objects(shape):
            depth = max(depth, self.constraint(predicate, value, length, seen))
        return depth

    def constraint(self, predicate: Node, value: Node, length: int, seen: frozenset[Node]) -> int:
        """How far one constraint reads, for value nodes ``length`` steps from the focus node."""
        outside_shacl = not str(predicate).startswith(str(SH))  # rdfs:label, skos:note, ...: not constraints
        if outside_shacl or predicate in _ANNOTATIONS or predicate in _VALUE_LOCAL:
            return max(length - 1, 0)
        if predicate == SH["class"]:
            return length  # the value's rdf:type triples
        if predicate in (SH.node, SH["not"], SH.qualifiedValueShape):
            return length + self.node_shape(value, seen)
        if predicate == SH.property:
            return length + self.node_shape(value, seen)
        if predicate in _SHAPE_LISTS:
            return length + max((self.node_shape(m, seen) for m in self.shapes.items(value)), default=0)
        if predicate == SH.sparql:
            return sparql_depth(self.shapes, value, length)
        raise Unbounded(f"unknown constraint parameter {predicate}")


def _single_inverse_step(shapes: Graph, path: Node | None) -> URIRef | None:
    if path is None or isinstance(path, URIRef):
        return None
    target = shapes.value(path, SH.inversePath)
    return target if isinstance(target, URIRef) else None


def path_length(shapes: Graph, path: Node | None) -> int:
    """The most forward steps a SHACL path takes; ``rdfs:subClassOf*`` counts none (it is in every piece)."""
    if isinstance(path, URIRef):
        return 1
    if path is None:
        raise Unbounded("a property shape without a path")
    if shapes.value(path, RDF.first) is not None:
        return sum(path_length(shapes, step) for step in shapes.items(path))
    if (alternatives := shapes.value(path, SH.alternativePath)) is not None:
        return max(path_length(shapes, step) for step in shapes.items(alternatives))
    if (optional := shapes.value(path, SH.zeroOrOnePath)) is not None:
        return path_length(shapes, optional)
    for repeated in (SH.zeroOrMorePath, SH.oneOrMorePath):
        if shapes.value(path, repeated) == RDFS.subClassOf:
            return 0
    raise Unbounded(f"path {path} is repeated or inverse")


def sparql_depth(shapes: Graph, constraint: Node, path_steps: int) -> int:
    """How far a SPARQL constraint reads: every triple pattern must hang, forward, from ``$this``."""
    select = shapes.value(constraint, SH.select)
    if select is None:
        raise Unbounded(f"SPARQL constraint or target {constraint} without sh:select")
    step = "<urn:mzgraph:path-step>"
    text = re.sub(r"\$PATH\b", "/".join([step] * path_steps) if path_steps else "<urn:no-path>", str(select))
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in _declared_prefixes(shapes, constraint))
    try:
        algebra = translateQuery(parseQuery(prefixes + text)).algebra
    except Exception as err:  # rdflib raises several kinds; any means the query cannot be analysed
        raise Unbounded(f"SPARQL constraint {constraint} cannot be parsed: {err}") from None
    patterns = list(_triple_patterns(algebra))
    distance: dict[Node, int] = {Variable("this"): 0}
    changed = True
    while changed:
        changed = False
        for subject, predicate, obj in patterns:
            if subject in distance and isinstance(obj, Variable):
                reached = distance[subject] + _sparql_path_length(predicate)
                if reached > distance.get(obj, -1):
                    if reached > 64:
                        raise Unbounded("SPARQL patterns form a cycle")
                    distance[obj], changed = reached, True
    depth = 0
    for subject, predicate, _ in patterns:
        if subject not in distance:
            raise Unbounded(f"a pattern of {constraint} does not start from $this")
        depth = max(depth, distance[subject] + max(_sparql_path_length(predicate) - 1, 0))
    return depth


def _declared_prefixes(shapes: Graph, constraint: Node) -> Iterator[tuple[str, str]]:
    for holder in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                yield str(prefix), str(namespace)


_REFUSED_ALGEBRA = {"Graph", "ServiceGraphPattern", "GraphGraphPattern", "ToMultiSet", "values"}


def _triple_patterns(part: object) -> Iterator[tuple[Node, Node, Node]]:
    """Every triple pattern anywhere in a query's algebra, FILTER (NOT) EXISTS included."""
    if isinstance(part, dict):
        if (name := getattr(part, "name", None)) in _REFUSED_ALGEBRA:
            raise Unbounded(f"SPARQL {name} cannot be bounded")
        for key, value in part.items():
            if key == "triples":
                for row in value:
                    items = list(row)
                    for i in range(0, len(items) - 2, 3):
                        yield items[i], items[i + 1], items[i + 2]
            elif not key.startswith("_"):
                yield from _triple_patterns(value)
    elif isinstance(part, list | tuple):
        for item in part:
            yield from _triple_patterns(item)


def _sparql_path_length(predicate: object) -> int:
    if isinstance(predicate, URIRef | Variable):
        return 1
    if isinstance(predicate, SequencePath):
        return sum(_sparql_path_length(p) for p in predicate.args)
    if isinstance(predicate, AlternativePath):
        return max(_sparql_path_length(p) for p in predicate.args)
    if isinstance(predicate, MulPath):
        if predicate.path == RDFS.subClassOf and predicate.mod in ("*", "+"):
            return 0
        if predicate.mod == "?":
            return _sparql_path_length(predicate.path)
    if isinstance(predicate, InvPath | PropertyPath):
        raise Unbounded(f"SPARQL path {predicate} goes backwards or repeats")
    raise Unbounded(f"SPARQL predicate {predicate!r} cannot be bounded")
