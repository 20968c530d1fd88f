"""Terms and graphs between pyoxigraph (how mzgraph reads RDF) and rdflib (what pySHACL validates).

Blank node labels are kept both ways, so a node named in a pySHACL result can be found again in the
Oxigraph store it came from. A simple literal is typed ``xsd:string`` in Oxigraph and untyped in rdflib
(RDF 1.1 says they are the same term); it is converted to rdflib's untyped form, as rdflib's own
parsers would produce it. An ill-typed literal (``"2010-13-01"^^xsd:date``) is data for SHACL to report,
so rdflib's warning with a traceback about it is kept quiet.

:func:`data_graph` fills a new graph for pySHACL about a third faster than ``Graph.add`` does, by writing
rdflib's in-memory store's indexes directly (``Graph.add`` spent most of its time announcing each triple to
no listeners and naming the graph again); it checks that the store is the one it knows, else adds as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from mzgraph.rdf.oxigraph import Term

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_rdflib(term: Term) -> Node:
    """The rdflib term for a pyoxigraph term (a quoted triple has none: TypeError)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))
    raise TypeError(f"no rdflib equivalent for {term!r}")


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term for an rdflib term (the inverse of :func:`to_rdflib`)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = str(term.datatype) if term.datatype else _XSD_STRING
        return ox.Literal(str(term), datatype=ox.NamedNode(datatype))
    raise TypeError(f"no pyoxigraph equivalent for {term!r}")


def _cached_converter() -> Callable[[Term], Node]:
    """:func:`to_rdflib` with one cache per call site: the same IRIs and literals recur thousands of times."""
    cache: dict[Term, Node] = {}

    def term(t: Term) -> Node:
        node = cache.get(t)
        if node is None:
            node = cache[t] = to_rdflib(t)
        return node

    return term


def to_rdflib_graph(triples: Iterable[ox.Quad | ox.Triple], graph: Graph | None = None) -> Graph:
    """Add the triples (named graphs merged) to ``graph`` (a new one by default) and return it."""
    graph = Graph() if graph is None else graph
    term = _cached_converter()

    add = graph.add
    with quiet_ill_typed_literals():
        for triple in triples:
            add((term(triple.subject), term(triple.predicate), term(triple.object)))
    return graph


_MEMORY_INDEXES = (
    "_Memory__spo",
    "_Memory__pos",
    "_Memory__osp",
    "_Memory__contextTriples",
    "_Memory__defaultContexts",
)


def data_graph(triples: Iterable[ox.Quad | ox.Triple]) -> Graph:
    """A new rdflib graph (default in-memory store) with the triples, named graphs merged, built quickly.

    The store ends up exactly as ``Graph.add`` leaves it: the three indexes, and the triples of this graph and
    of the default one (each triple's contexts are the store's default ones, which the first triple set, so
    none is stored per triple); ``tests/validation/test_validation_pieces.py`` compares the two.
    """
    graph = Graph()
    store = graph.store
    iterator = iter(triples)
    first = next(iterator, None)
    if type(store) is not Memory or not all(hasattr(store, name) for name in _MEMORY_INDEXES) or first is None:
        return to_rdflib_graph([first, *iterator] if first is not None else [], graph)
    to_rdflib_graph([first], graph)  # the first triple the ordinary way: the store learns the graph's context
    spo, pos, osp, context_triples, default_contexts = (getattr(store, name) for name in _MEMORY_INDEXES)
    context = next(key for key in context_triples if key is not None)
    if default_contexts != {context: False, None: False}:
        return to_rdflib_graph(iterator, graph)
    in_default, in_graph = context_triples[None], context_triples[context]
    term = _cached_converter()

    with quiet_ill_typed_literals():
        for triple in iterator:
            s, p, o = term(triple.subject), term(triple.predicate), term(triple.object)
            objects = spo.setdefault(s, {}).setdefault(p, {})
            if o in objects:
                continue
            objects[o] = 1
            pos.setdefault(p, {}).setdefault(o, {})[s] = 1
            osp.setdefault(o, {}).setdefault(s, {})[p] = 1
            key = (s, p, o)
            in_default.add(key)
            in_graph.add(key)
    return graph


@contextmanager
def quiet_ill_typed_literals() -> Iterator[None]:
    """Silence rdflib's logged traceback for literals whose lexical form does not fit their datatype."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
