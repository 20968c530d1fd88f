"""An entity's JSON-LD document built directly from its description: no generic framing at request time.

The document is the one :func:`mzgraph.entities.jsonld.entity_document` made with pyLD (the shape pinned in
``docs/jsonld.md``): the description framed around the focus with ``@embed: @always`` and its inbound
properties reversed, compacted with the published v1 context. The framing is done here for the one frame the
service uses, the compaction by :mod:`mzgraph.entities.compaction`, both following the JSON-LD 1.1 algorithms
as pyLD implements them;
``tests/entities/test_framed.py`` checks that both give the same document, key order included, for every
resource of the bundled graph and for generated employers. A description this builder does not cover (blank
nodes, which framing renames or drops) raises :class:`Unsupported`, and the caller frames it with pyLD.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from mzgraph.entities.compaction import JsonObject, Memo, compactor
from mzgraph.rdf.namespaces import RDF_TYPE

_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
_XSD_INTEGER = _XSD + "integer"
_XSD_BOOLEAN = _XSD + "boolean"
_XSD_DOUBLE = _XSD + "double"


class Unsupported(Exception):
    """The description holds something this builder does not frame (a blank node)."""


# --- framing: the description as expanded JSON-LD nodes, embedded as pyLD's @always framing embeds them ---


def _value(term: ox.NamedNode | ox.Literal) -> JsonObject:
    if isinstance(term, ox.NamedNode):
        return {"@id": term.value}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    datatype = term.datatype.value
    value: Any = term.value
    if datatype == _XSD_BOOLEAN and value in ("true", "1", "false", "0"):
        return {"@value": value in ("true", "1")}
    if datatype == _XSD_INTEGER and value.lstrip("+-").isdigit() and value.lstrip("+-").isascii():
        return {"@value": int(value)}
    if datatype == _XSD_DOUBLE:
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is not None and number not in (float("inf"), float("-inf")) and number == number:
            return {"@value": number}
    if datatype == _XSD_STRING:
        return {"@value": value}
    return {"@value": value, "@type": datatype}


def _node_map(triples: Iterable[ox.Triple]) -> dict[str, JsonObject]:
    """Subjects as expanded nodes, their values in the order of the sorted N-Quads lines (as pyLD reads them)."""
    nodes: dict[str, JsonObject] = {}
    for triple in sorted(triples, key=str):
        subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, ox.NamedNode) or not isinstance(obj, ox.NamedNode | ox.Literal):
            raise Unsupported("blank nodes are framed by the generic processor")
        node = nodes.setdefault(subject.value, {"@id": subject.value})
        if predicate == RDF_TYPE.value and isinstance(obj, ox.NamedNode):
            node.setdefault("@type", []).append(obj.value)
        else:
            node.setdefault(predicate, []).append(_value(obj))
    return nodes


class _Framer:
    def __init__(self, nodes: dict[str, JsonObject]) -> None:
        self.nodes = nodes
        self.stack: list[str] = []
        self.leaves: dict[str, JsonObject] = {}

    def embed(self, iri: str) -> JsonObject:
        leaf = self.leaves.get(iri)
        if leaf is not None:
            return leaf
        self.stack.append(iri)
        node = self.nodes.get(iri, {"@id": iri})
        output: JsonObject = {"@id": iri}
        links = False
        for key in sorted(node):
            if key.startswith("@"):
                output[key] = node[key]
                continue
            values = output[key] = []
            for value in node[key]:
                target = value.get("@id")
                if target is None:
                    values.append(value)
                    continue
                links = True
                if target in self.stack:
                    values.append({"@id": target})
                else:
                    values.append(self.embed(target))
        self.stack.pop()
        if not links and len(output) > 1:  # it embeds nothing: the same wherever it is used
            self.leaves[iri] = output
        return output

    def reverse(self, output: JsonObject, focus: str, predicates: list[str]) -> None:
        """``@reverse``: each node pointing at the focus, embedded, in IRI order."""
        self.stack.append(focus)
        for predicate in predicates:
            for iri in sorted(self.nodes):
                node = self.nodes[iri]
                if not any(v.get("@id") == focus for v in node.get(predicate, ())):
                    continue
                output.setdefault("@reverse", {}).setdefault(predicate, []).append(self.embed(iri))
        self.stack.pop()


def framed_document(focus: ox.NamedNode, triples: Iterable[ox.Triple], context_text: str) -> JsonObject:
    """The framed, compacted document of ``focus`` (without ``@context``), keys in pyLD's order.

    ``context_text`` is the context document (``{"@context": {...}}``) to compact with.
    """
    nodes = _node_map(triples)
    inbound = sorted(
        {
            predicate
            for subject, node in nodes.items()
            if subject != focus.value
            for predicate, values in node.items()
            if not predicate.startswith("@") and any(v.get("@id") == focus.value for v in values)
        }
    )
    framer = _Framer(nodes)
    root = framer.embed(focus.value)
    if inbound:
        framer.reverse(root, focus.value, inbound)
    leaves: Memo = {id(leaf): None for leaf in framer.leaves.values()}
    return compactor(context_text).node(root, leaves)
