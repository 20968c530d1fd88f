"""The description of one resource: a CONSTRUCT builder and an index over its triples.

One description graph per resource drives every representation (HTML, JSON-LD, Turtle, N-Triples,
RDF/XML), so they always say the same. It holds:

- what the resource states (``<this> ?p ?o``);
- the parts it owns, followed along :data:`PART_OF` (an employer's recognition, ambassador role,
  measures, statements, figures, agreements, and the partner relations that point at it);
- for a partner body, the partner relations naming it, each in full (at most :data:`INBOUND_LIMIT`);
- what points at it (``?s ?p <this>``, ``rdf:type`` excepted and at most :data:`INBOUND_LIMIT`);
- the labels of everything it links to, so a reader sees names rather than IRIs. Objects of
  ``mz:measureGroup`` are not labelled: the JSON-LD indexes measures by their group IRI.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox

from mzgraph.entities.labels import local_name, pick_literal
from mzgraph.rdf.namespaces import EMPLOYER_PARTS, PREFIXES, RDF_TYPE
from mzgraph.rdf.oxigraph import Term as AnyTerm
from mzgraph.sparql.builders import Term, prologue, term
from mzgraph.sparql.errors import TooManyRows
from mzgraph.store.base import Store

PART_OF = "|".join(f"mz:{name}" for name in EMPLOYER_PARTS) + "|^mz:organisation"
"""Property path from a resource to the parts described with it (an employer has a bounded number of each)."""

LABEL_PROPERTIES = ("rdfs:label", "skos:prefLabel", "dcterms:title", "schema:name", "mz:text")
"""Properties copied from linked resources so they can be named."""

INBOUND_LIMIT = 100
"""Links pointing at a resource that its description holds. A hub (a measure group, a partner, a type that
thousands of employers use) has more: its description holds the first ones in the store's order, read without
looking at the rest, and its page lists every employer from the release index, page by page."""

INBOUND_WINDOW = 4
"""Pointing triples read per inbound link wanted (``rdf:type`` ones are read too and left out)."""

DESCRIPTION_ROWS = 200_000
"""Row cap of one description read with SPARQL (its inbound links and relations are capped in the query)."""

READ_BUDGET = 20_000
"""Triples a description read in process may touch before it is left to the store's SPARQL (with its deadline)."""

PARTS_NAMED = 1_000
"""Parts of a resource named in the query for its description (an employer has dozens); beyond, the path."""

LOOP_READ_BUDGET = 2_000
"""Triples a description read may touch on an event loop (an organisation's are a few hundred); a larger one is
read in a thread."""

_LABEL_IRIS = tuple(
    ox.NamedNode(iri)
    for iri in (
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "http://purl.org/dc/terms/title",
        "https://schema.org/name",
        "https://w3id.org/mzgraph/def/text",
    )
)


def describe_query(iri: ox.NamedNode, inbound_limit: int = INBOUND_LIMIT) -> str:
    """CONSTRUCT the description of ``iri`` (see the module docstring).

    What points at the resource, and the partner relations in which it is the partner (described in full),
    are capped at ``inbound_limit`` each, taken in the store's order (see :data:`INBOUND_LIMIT`).
    """
    this, limit = term(iri), int(inbound_limit)
    # a FILTER, not VALUES: with VALUES Oxigraph joined every label triple of the graph (510 ms at 10k employers)
    labels = ", ".join(LABEL_PROPERTIES)
    # no ORDER BY: sorting a hub's links costs what reading all of them costs; a store reads them in its own order
    inbound = f"SELECT ?s ?q WHERE {{ ?s ?q {this} . FILTER(?q != rdf:type) }} LIMIT {limit}"
    relations = f"SELECT ?rel WHERE {{ ?rel mz:partner {this} }} LIMIT {limit}"
    return (
        prologue()
        + f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ {this} ?p ?o . BIND({this} AS ?s) }}
  UNION {{ {this} ({PART_OF})+ ?s . ?s ?p ?o . }}
  UNION {{ {{ {inbound} }} BIND(?q AS ?p) BIND({this} AS ?o) }}
  UNION {{ {{ {relations} }} BIND(?rel AS ?s) ?s ?p ?o . }}
  UNION {{
    {{ {this} ?q ?s . }}
    UNION {{ {this} ({PART_OF})+ ?part . ?part ?q ?s . }}
    UNION {{ {{ {inbound} }} }}
    UNION {{ {{ {relations} }} ?rel ?q ?s . }}
    FILTER(isIRI(?s) && ?q != rdf:type && ?q != mz:measureGroup)
    ?s ?p ?o .
    FILTER(?p IN ({labels}))
  }}
}}"""
    )


def inbound_query(iri: ox.NamedNode, inbound_limit: int = INBOUND_LIMIT) -> str:
    """SELECT the first ``inbound_limit`` links pointing at ``iri`` (``?s ?q``), ``rdf:type`` aside, in the store's
    order."""
    return (
        prologue() + f"SELECT ?s ?q WHERE {{ ?s ?q {term(iri)} . FILTER(?q != rdf:type) }} LIMIT {int(inbound_limit)}"
    )


def parts_query(nodes: Sequence[ox.NamedNode]) -> str:
    """SELECT the parts ``?s`` one step of :data:`PART_OF` away from ``nodes``, as plain triple patterns: Virtuoso
    evaluates the path ``(...)+`` by a scan that grows with the graph (see :func:`query_parts`)."""
    steps = [f"{{ ?x mz:{name} ?s }}" for name in EMPLOYER_PARTS] + ["{ ?s mz:organisation ?x }"]
    values = " ".join(term(node) for node in nodes)
    return prologue() + f"SELECT DISTINCT ?s WHERE {{ VALUES ?x {{ {values} }} {' UNION '.join(steps)} }}"


def query_parts(store: Store, iri: ox.NamedNode) -> list[ox.NamedNode] | None:
    """The parts of ``iri`` (``iri (PART_OF)+ ?part``), a step of the path a query; None when one is a blank node
    (a later query cannot name it) or there are more than :data:`PARTS_NAMED`: the path is then left to the
    store."""
    parts: dict[ox.NamedNode, None] = {}
    frontier = [iri]
    while frontier:
        try:
            found = [row.get("s") for row in store.select(parts_query(frontier), max_rows=PARTS_NAMED)]
        except TooManyRows:
            return None
        if not all(isinstance(part, ox.NamedNode) for part in found):
            return None
        frontier = [part for part in found if part not in parts and part != iri]  # type: ignore[misc]
        parts.update(dict.fromkeys(frontier))
        if len(parts) > PARTS_NAMED:
            return None
    return list(parts)


def around_query(
    iri: ox.NamedNode, inbound: Sequence[tuple[AnyTerm, ox.NamedNode]], parts: Sequence[ox.NamedNode] | None = None
) -> str:
    """CONSTRUCT the rest of the description of ``iri`` given the links pointing at it (:func:`inbound_query`):
    what it states, its parts, the partner relations among those links in full, and the labels of everything
    linked. Triple patterns and ``VALUES`` only (the ``parts`` named, from :func:`query_parts`; a path where they
    are not given): no subquery with a ``LIMIT`` for the store to plan around (Virtuoso ran :func:`describe_query`
    for a partner that 10,000 employers name for minutes)."""
    this = term(iri)
    relations = " ".join(
        term(s) for s in dict.fromkeys(s for s, q in inbound if q == _PARTNER and isinstance(s, ox.NamedNode))
    )
    pointing = " ".join(
        term(s) for s in dict.fromkeys(s for s, q in inbound if q != _MEASURE_GROUP and isinstance(s, ox.NamedNode))
    )
    labels = f"?s ?p ?o . FILTER(?p IN ({', '.join(LABEL_PROPERTIES)}))"
    described = [f"{{ {this} ?p ?o . BIND({this} AS ?s) }}"]
    linked = [f"{{ {this} ?q ?s . }}"]
    if parts is None:
        described.append(f"{{ {this} ({PART_OF})+ ?s . ?s ?p ?o . }}")
        linked.append(f"{{ {this} ({PART_OF})+ ?part . ?part ?q ?s . }}")
    elif parts:
        named = " ".join(term(part) for part in parts)
        described.append(f"{{ VALUES ?s {{ {named} }} ?s ?p ?o . }}")
        linked.append(f"{{ VALUES ?part {{ {named} }} ?part ?q ?s . }}")
    if relations:
        described.append(f"{{ VALUES ?s {{ {relations} }} ?s ?p ?o . }}")
        linked.append(f"{{ VALUES ?rel {{ {relations} }} ?rel ?q ?s . }}")
    # the filter stays outside the branches, as in describe_query: Virtuoso lost matches of the path branch with
    # the filter inside it
    described.append(
        "{\n    " + "\n    UNION ".join(linked) + "\n    FILTER(isIRI(?s) && ?q != rdf:type && ?q != mz:measureGroup)\n"
        f"    {labels}\n  }}"
    )
    if pointing:  # already without rdf:type and mz:measureGroup links, and IRIs only
        described.append(f"{{ VALUES ?s {{ {pointing} }} {labels} }}")
    return prologue() + "CONSTRUCT { ?s ?p ?o } WHERE {\n  " + "\n  UNION ".join(described) + "\n}"


def describe_triples(
    store: Store, iri: ox.NamedNode, labels: MutableMapping[Term, list[ox.Triple]] | None = None
) -> list[ox.Triple]:
    """The triples of :func:`describe_query` for ``iri``: read in process where the store allows it and the
    resource is small (:func:`read_description`), else asked with SPARQL (:func:`query_description`)."""
    found = read_description(store, iri, labels=labels)
    if found is not None:
        return found
    return query_description(store, iri)


def query_description(store: Store, iri: ox.NamedNode, inbound_limit: int = INBOUND_LIMIT) -> list[ox.Triple]:
    """The description of ``iri`` in a few queries under the store's deadline: the links pointing at it
    (:func:`inbound_query`), its parts a step at a time (:func:`query_parts`; an employer's are two steps
    deep), then the rest (:func:`around_query`). As in the read in process, the partner relations described in
    full are those among the first links."""
    rows = store.select(inbound_query(iri, inbound_limit), max_rows=inbound_limit + 1)
    links = [(row["s"], row["q"]) for row in rows if isinstance(row.get("q"), ox.NamedNode)]
    parts = query_parts(store, iri)
    around = store.construct(around_query(iri, links, parts), max_rows=DESCRIPTION_ROWS)  # type: ignore[arg-type]
    pointing = [ox.Triple(s, q, iri) for s, q in links if isinstance(s, ox.NamedNode | ox.BlankNode)]  # type: ignore[arg-type]
    return around + pointing


_MZ = PREFIXES["mz"]
_PART_PROPERTIES = frozenset(ox.NamedNode(_MZ + name) for name in EMPLOYER_PARTS)
_ORGANISATION = ox.NamedNode(_MZ + "organisation")
_PARTNER = ox.NamedNode(_MZ + "partner")
_MEASURE_GROUP = ox.NamedNode(_MZ + "measureGroup")


class _OverBudget(Exception):
    pass


Node = ox.NamedNode | ox.BlankNode
"""A resource whose triples can be read (a literal has none; a quoted triple names no resource)."""


class _Reads:
    """Pattern reads from a store, counted against a budget."""

    def __init__(self, store: Store, budget: int) -> None:
        self.store = store
        self.left = budget
        self._out: dict[Node, list[ox.Triple]] = {}

    def __call__(
        self, s: Node | None, p: ox.NamedNode | None, o: AnyTerm | None, limit: int | None = None
    ) -> list[ox.Triple]:
        """The matching triples; with ``limit``, at most ``limit + 1`` of them (more says there are more)."""
        found = self.store.match(s, p, o, self.left if limit is None else min(limit, self.left))
        if found is None:
            raise _OverBudget  # the store has no pattern reads
        self.left -= len(found)
        if self.left < 0:
            raise _OverBudget
        return found

    def out(self, node: Node) -> list[ox.Triple]:
        if node not in self._out:
            self._out[node] = self(node, None, None)
        return self._out[node]


LABELS_KEPT = 50_000
"""Resources whose label triples a ``labels`` mapping keeps (the partners, places and concepts pages link to)."""


def read_description(
    store: Store,
    iri: ox.NamedNode,
    inbound_limit: int = INBOUND_LIMIT,
    budget: int = READ_BUDGET,
    labels: MutableMapping[Term, list[ox.Triple]] | None = None,
) -> list[ox.Triple] | None:
    """The triples :func:`describe_query` gives, read as triple patterns in this process (no SPARQL).

    A hub's inbound links are cut at ``inbound_limit`` (the first in the store's order). None when the store has
    no pattern reads (a remote store), when what points at the resource is mostly ``rdf:type``, or when the
    reads pass ``budget`` triples: such resources are left to the CONSTRUCT and its deadline. ``labels`` keeps the label
    triples of linked resources between calls (valid for one release of the data).
    """
    labels = {} if labels is None else labels
    reads = _Reads(store, budget)
    try:
        triples = list(reads.out(iri))
        parts: dict[Node, None] = {}
        frontier: list[Node] = [iri]
        while frontier:
            node = frontier.pop()
            found: list[AnyTerm] = [t.object for t in reads.out(node) if t.predicate in _PART_PROPERTIES]
            found += [t.subject for t in reads(None, _ORGANISATION, node)]
            for part in found:
                if isinstance(part, ox.NamedNode | ox.BlankNode) and part not in parts:
                    parts[part] = None
                    frontier.append(part)
        window = INBOUND_WINDOW * inbound_limit
        pointing = reads(None, None, iri, limit=window)
        inbound = [t for t in pointing if t.predicate != RDF_TYPE][:inbound_limit]
        if len(pointing) > window and len(inbound) < inbound_limit:
            return None  # mostly rdf:type (a class with many instances): the CONSTRUCT picks the other links
        relations = [t.subject for t in inbound if t.predicate == _PARTNER]
        linked: dict[AnyTerm, None] = {t.subject: None for t in inbound if t.predicate != _MEASURE_GROUP}
        for resource in [iri, *parts, *relations]:
            if not isinstance(resource, ox.NamedNode | ox.BlankNode):
                continue  # a quoted triple (RDF-star) names no resource to read
            outgoing = reads.out(resource)
            if resource is not iri:
                triples += outgoing
            for t in outgoing:
                if t.predicate != RDF_TYPE and t.predicate != _MEASURE_GROUP:
                    linked[t.object] = None
        triples += inbound
        for target in linked:
            if not isinstance(target, ox.NamedNode):
                continue
            label_triples = labels.get(target)
            if label_triples is None:
                label_triples = [t for t in reads.out(target) if t.predicate in _LABEL_SET]
                if len(labels) < LABELS_KEPT:
                    labels[target] = label_triples
            triples += label_triples
    except _OverBudget:
        return None
    return triples


_LABEL_SET = frozenset(_LABEL_IRIS)


@dataclass
class Description:
    """The triples describing ``focus``, indexed both ways."""

    focus: ox.NamedNode
    triples: list[ox.Triple]

    def __post_init__(self) -> None:
        self.triples = list(dict.fromkeys(self.triples))

    @cached_property
    def _indexes(
        self,
    ) -> tuple[dict[AnyTerm, dict[ox.NamedNode, list[Term]]], dict[AnyTerm, list[tuple[Term, ox.NamedNode]]]]:
        """The triples indexed both ways, built when first asked for (the data formats never need it)."""
        out: dict[AnyTerm, dict[ox.NamedNode, list[Term]]] = defaultdict(lambda: defaultdict(list))
        inbound: dict[AnyTerm, list[tuple[Term, ox.NamedNode]]] = defaultdict(list)
        for t in self.triples:  # a quoted triple (RDF-star) is a key, never a node the accessors give
            subject, predicate, obj = t.subject, t.predicate, t.object
            objects, subjects = out[subject][predicate], inbound[obj]
            if not isinstance(obj, ox.Triple):
                objects.append(obj)
            if not isinstance(subject, ox.Triple):
                subjects.append((subject, predicate))
        return out, inbound

    @cached_property
    def _out(self) -> dict[AnyTerm, dict[ox.NamedNode, list[Term]]]:
        """Subject -> predicate -> objects (kept as an attribute: the accessors read it hundreds of times)."""
        return self._indexes[0]

    @cached_property
    def _in(self) -> dict[AnyTerm, list[tuple[Term, ox.NamedNode]]]:
        """Object -> (subject, predicate) of the triples pointing at it."""
        return self._indexes[1]

    @property
    def found(self) -> bool:
        """Whether the graph says anything about the focus (as subject or object)."""
        if "_indexes" in self.__dict__:
            return self.focus in self._out or self.focus in self._in
        focus = self.focus
        return any(t.subject == focus or t.object == focus for t in self.triples)

    def objects(self, subject: Term, predicate: ox.NamedNode) -> list[Term]:
        """The objects of ``subject predicate ?o`` in the graph's order."""
        return list(self._out.get(subject, {}).get(predicate, []))

    def value(self, subject: Term, predicate: ox.NamedNode) -> Term | None:
        """One object of ``subject predicate ?o`` (the first), or None."""
        found = self._out.get(subject, {}).get(predicate)
        return found[0] if found else None

    def subjects(self, predicate: ox.NamedNode, obj: Term) -> list[Term]:
        """The subjects of ``?s predicate obj``."""
        return [s for s, p in self._in.get(obj, []) if p == predicate]

    def properties(self, subject: Term) -> dict[ox.NamedNode, list[Term]]:
        """Every predicate of ``subject`` with its objects."""
        return {p: list(o) for p, o in self._out.get(subject, {}).items()}

    def inbound(self, obj: Term) -> list[tuple[Term, ox.NamedNode]]:
        """``(subject, predicate)`` of every triple pointing at ``obj``."""
        return list(self._in.get(obj, []))

    def types(self, subject: Term) -> list[ox.NamedNode]:
        """The ``rdf:type`` IRIs of ``subject``."""
        return [t for t in self.objects(subject, RDF_TYPE) if isinstance(t, ox.NamedNode)]

    def text(self, subject: Term, predicate: ox.NamedNode, langs: Sequence[str]) -> str | None:
        """The literal of ``subject predicate`` in the best language, as a string."""
        literal = pick_literal(_literals(self.objects(subject, predicate)), langs)
        return None if literal is None else literal.value

    def texts(self, subject: Term, predicate: ox.NamedNode) -> list[str]:
        """Every literal of ``subject predicate`` (all languages), as strings."""
        return [lit.value for lit in _literals(self.objects(subject, predicate))]

    def label(self, node: Term, langs: Sequence[str]) -> str:
        """A human name for ``node``: its label in the best language, else its IRI's last segment."""
        for predicate in _LABEL_IRIS:
            found = self.text(node, predicate, langs)
            if found:
                return found
        return local_name(node.value) if isinstance(node, ox.NamedNode) else str(node.value)

    def ntriples(self) -> str:
        """The graph as N-Triples text."""
        return "".join(f"{t} .\n" for t in self.triples)


def _literals(terms: Iterable[Term]) -> list[ox.Literal]:
    return [t for t in terms if isinstance(t, ox.Literal)]
