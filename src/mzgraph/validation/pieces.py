"""A large graph validated in independent pieces, in parallel processes, with the results of one whole run.

pySHACL spends a fixed, sizeable time per focus node and shape in one Python thread, so a graph of
thousands of employers takes minutes. The employers do not depend on each other, though: the shapes
only look a bounded distance from a focus node (:mod:`mzgraph.validation.reach`). So the graph is cut:

1. The roots are the employers (instances of ``mz:Employer`` or a subclass). Each root claims what it
   reaches by forward links, and what links to it directly (its partner relations), without passing
   through another root or a hub (a node many subjects point at: partners, concepts, classes). A node
   claimed by one root belongs to that root's piece; hubs, nodes claimed twice and nodes no root reaches
   belong to the shared piece.
2. A piece holds the triples of its own nodes, of every node up to ``reach.depth`` forward steps from
   them, the triples ``?s p <own node>`` for each predicate the shapes follow backwards (with those
   subjects' own triples), and every ``rdfs:subClassOf`` triple.
3. Pieces are validated in worker processes; a result is kept only from the piece that owns its focus
   node. Each focus node sees in its piece all that its shapes can read in the whole graph, so the
   merged results are those of one run (``tests/validation/test_validation_pieces.py`` compares them).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDFS, Graph, URIRef
from rdflib.term import Node

from mzgraph.progress import Reporter
from mzgraph.rdf.namespaces import MZ
from mzgraph.rdf.oxigraph import Subject, Term, solutions, written
from mzgraph.rdf.rdflib_bridge import data_graph, to_ox
from mzgraph.validation.pyshacl_runner import TargetNodes, prepare_shapes, shacl_results, with_target_nodes
from mzgraph.validation.reach import Reach
from mzgraph.validation.results import ValidationResult

HUB_IN_DEGREE = 64
"""A node that this many distinct subjects point at is shared, not claimed (partners, concepts, classes)."""

_RDFS_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))


@dataclass(frozen=True)
class Pieces:
    """The pieces of a graph (their triples gathered on demand) and which piece owns which node; the last
    piece is shared."""

    builder: _PieceBuilder
    owner: dict[Term, int]
    count: int

    @property
    def shared(self) -> int:
        return self.count - 1

    def triples(self, piece: int) -> list[ox.Triple]:
        """The triples of one piece (a triple may come twice)."""
        return self.builder.triples(piece)

    def size(self, piece: int) -> int:
        """About how large a piece is (its own triples)."""
        return len(self.builder.own[piece])

    def owns(self, piece: int, node: Term) -> bool:
        return self.owner.get(node, self.shared) == piece


def cut_pieces(store: ox.Store, reach: Reach, *, pieces: int, root_class: URIRef = MZ.Employer) -> Pieces | None:
    """Cut the union of ``store``'s graphs into about ``pieces`` pieces plus a shared one (None: fewer than 2 roots)."""
    roots = _roots(store, root_class)
    if len(roots) < 2:
        return None
    claims = _claims(store, roots, _hubs(store))
    per_piece = -(-len(roots) // max(pieces, 1))
    owner = {node: root // per_piece for node, root in claims.items()}
    count = -(-len(roots) // per_piece) + 1  # the root groups, then the shared piece
    return Pieces(_PieceBuilder(store, reach, owner, shared=count - 1), owner, count)


def _roots(store: ox.Store, root_class: URIRef) -> list[Subject]:
    query = f"""SELECT DISTINCT ?root WHERE {{
        ?root a ?class . ?class <{RDFS.subClassOf}>* <{root_class}> }} ORDER BY ?root"""
    return [row["root"] for row in solutions(store.query(query, use_default_graph_as_union=True))]


def _hubs(store: ox.Store) -> set[Subject]:
    query = f"""SELECT ?hub WHERE {{ ?s ?p ?hub FILTER(!isLiteral(?hub)) }}
        GROUP BY ?hub HAVING (COUNT(DISTINCT ?s) >= {HUB_IN_DEGREE})"""
    return {row["hub"] for row in solutions(store.query(query, use_default_graph_as_union=True))}


def _claims(store: ox.Store, roots: Sequence[Subject], hubs: set[Subject]) -> dict[Term, int]:
    """Each node that exactly one root reaches (forward, or linking to the root), with that root's number."""
    root_set = set(roots)
    claims: dict[Term, int] = {}
    contested: set[Term] = set()
    stops = root_set | hubs
    for number, root in enumerate(roots):
        linking = {q.subject for q in store.quads_for_pattern(None, None, root, None)} - stops
        reached: set[Subject] = {root, *linking}
        frontier = list(reached)
        while frontier:
            for quad in store.quads_for_pattern(frontier.pop(), None, None, None):
                node = quad.object
                if not isinstance(node, ox.Literal) and node not in reached and node not in stops:
                    reached.add(node)
                    frontier.append(node)
        for node in reached:
            if claims.setdefault(node, number) != number:
                contested.add(node)
    for node in contested:
        del claims[node]
    return claims


class _PieceBuilder:
    """Collects each piece's triples: its own, ``reach.depth`` steps forward, one step back, the class tree."""

    def __init__(self, store: ox.Store, reach: Reach, owner: dict[Term, int], shared: int) -> None:
        self.store, self.reach, self.owner, self.shared = store, reach, owner, shared
        self.own: list[list[ox.Triple]] = [[] for _ in range(shared + 1)]  # a repeated triple is merged on parsing
        self.backward: list[set[Subject]] = [set() for _ in range(shared + 1)]
        self.context = [q.triple for q in store.quads_for_pattern(None, _RDFS_SUBCLASS, None, None)]
        self._cache: dict[Subject, list[ox.Triple]] = {}
        inverse = {ox.NamedNode(str(p)) for p in reach.inverse}
        own, owner_of = self.own, owner.get
        for quad in store.quads_for_pattern(None, None, None, None):  # one pass: route each triple to its pieces
            triple = quad.triple
            own[owner_of(triple.subject, shared)].append(triple)
            if triple.predicate in inverse:
                piece = owner_of(triple.object, shared)
                own[piece].append(triple)
                self.backward[piece].add(triple.subject)

    def triples(self, piece: int) -> list[ox.Triple]:
        triples = self.own[piece] + self.context
        for node in self.backward[piece]:
            triples += self._triples_of(node)
        seen: set[Subject] = set()
        frontier = self._foreign_objects(self.own[piece], piece, seen)
        for _ in range(self.reach.depth):
            reached: list[ox.Triple] = []
            for node in frontier:
                reached += self._triples_of(node)
            triples += reached
            frontier = self._foreign_objects(reached, piece, seen)
        return triples

    def _foreign_objects(self, triples: Iterable[ox.Triple], piece: int, seen: set[Subject]) -> list[Subject]:
        """Objects whose triples are not in the piece yet (the piece's own nodes' triples are)."""
        found = []
        for triple in triples:
            node = triple.object
            if not isinstance(node, ox.Literal) and node not in seen and self.owner.get(node, self.shared) != piece:
                seen.add(node)
                found.append(node)
        return found

    def _triples_of(self, node: Subject) -> list[ox.Triple]:
        found = self._cache.get(node)
        if found is None:
            found = self._cache[node] = [q.triple for q in self.store.quads_for_pattern(node, None, None, None)]
        return found


def validate_pieces(
    pieces: Pieces,
    shapes: Graph,
    targets: TargetNodes | None = None,
    *,
    lang: str,
    jobs: int,
    report: Reporter | None = None,
) -> list[ValidationResult]:
    """Validate every piece in ``jobs`` processes; keep each result from the piece that owns its focus node.

    ``targets`` are focus nodes selected beforehand on the whole graph (shape -> nodes, see
    :func:`mzgraph.validation.pyshacl_runner.select_sparql_targets`): each piece gets those it owns.
    """
    order = sorted(range(pieces.count), key=lambda i: -pieces.size(i))  # largest first
    owned: list[dict[Node, list[Node]]] = [{} for _ in range(pieces.count)]
    for shape, nodes in (targets or {}).items():
        for piece in owned:
            piece[shape] = []
        for node in nodes:
            owned[pieces.owner.get(to_ox(node), pieces.shared)][shape].append(node)
    # Forked workers gather their pieces' triples from the parent's store and pieces, inherited as they are;
    # where processes cannot be forked, each piece is sent as N-Triples.
    global _inherited
    fork = "fork" in multiprocessing.get_all_start_methods()
    tasks = [i if fork else written(ox.serialize(pieces.triples(i), format=ox.RdfFormat.N_TRIPLES)) for i in order]
    _inherited = pieces if fork else None
    try:
        with ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context("fork" if fork else None),
            initializer=_start_worker,
            initargs=(shapes, lang),
        ) as pool:
            outcomes = (report or Reporter()).items(
                pool.map(_validate_piece, tasks, [owned[i] for i in order]), "pieces validated", len(order)
            )
            return [
                result
                for piece, results in zip(order, outcomes, strict=True)
                for result in results
                if pieces.owns(piece, to_ox(result.focus))
            ]
    finally:
        _inherited = None


@dataclass
class _Worker:
    shapes: Graph
    lang: str


_worker: _Worker | None = None  # set in each worker process by _start_worker, never at import
_inherited: Pieces | None = None  # set by validate_pieces while its forked workers run


def _start_worker(shapes: Graph, lang: str) -> None:
    global _worker
    _worker = _Worker(shapes, lang)
    # A forked worker inherits the parent's objects (the whole store's Python side); without this, every
    # full garbage collection walks them all, and touching them copies their memory pages.
    gc.freeze()


def _validate_piece(piece: int | bytes, targets: TargetNodes) -> list[ValidationResult]:
    """Validate one piece: its number (in a forked worker) or its N-Triples."""
    assert _worker is not None, "a piece is validated in a worker started by validate_pieces"
    if isinstance(piece, bytes):
        data = data_graph(ox.parse(piece, format=ox.RdfFormat.N_TRIPLES))
    else:
        assert _inherited is not None, "a piece number is only sent to a forked worker"
        data = data_graph(_inherited.triples(piece))
    shapes = prepare_shapes(with_target_nodes(_worker.shapes, targets))
    return shacl_results(data, shapes, lang=_worker.lang)


def default_jobs() -> int:
    """Worker processes to use: the CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def pieces_for(jobs: int) -> int:
    """How many root groups to cut for ``jobs`` workers: a few per worker, so they finish together."""
    return max(jobs * 4, 2)
