"""JSON-LD for partner sites: the published ``@context`` (v1) and framed, compacted entity documents.

An entity document is its description graph (see :mod:`mzgraph.entities.describe`) framed around the
entity (built directly by :mod:`mzgraph.entities.framed`, the document pyLD's framing gives): every
linked node that the graph describes is embedded where it is used (``@embed:
@always``), what points at the entity is nested under reverse keys (``partnerRelations``,
``employerRelations``, or ``@reverse``), and an employer's measures are indexed by their group. Framing
only rearranges: the document holds exactly the triples of the Turtle description (tests check it).

Nothing is ever fetched: the context is inlined while processing and the document loader refuses
every URL.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import pyoxigraph as ox
from pyld import jsonld

from mzgraph.entities.describe import Description
from mzgraph.entities.framed import Unsupported, framed_document

CONTEXT_VERSION = "v1"
CONTEXT_PATH = f"context/{CONTEXT_VERSION}.jsonld"
"""Where the context is published, relative to the canonical base (and the server root)."""

JsonObject = dict[str, Any]


@lru_cache(maxsize=1)
def context_text() -> str:
    """The published context document, as bundled with the package."""
    return resources.files("mzgraph.entities").joinpath("context", f"{CONTEXT_VERSION}.jsonld").read_text("utf-8")


def context() -> JsonObject:
    """The term definitions (the value of ``@context``), a fresh copy each call."""
    document: JsonObject = json.loads(context_text())
    return document["@context"]


def _refuse_loading(url: str, options: object = None) -> None:
    raise jsonld.JsonLdError(
        f"remote documents are never loaded ({url})", "jsonld.LoadDocumentError", code="loading document failed"
    )


_OPTIONS: JsonObject = {"documentLoader": _refuse_loading, "processingMode": "json-ld-1.1"}


def frame_for(description: Description) -> JsonObject:
    """The frame: the focus at the root, every linked node embedded, every inbound property reversed."""
    inbound = sorted({p.value for s, p in description.inbound(description.focus) if s != description.focus})
    frame: JsonObject = {"@context": context(), "@id": description.focus.value, "@embed": "@always"}
    if inbound:
        frame["@reverse"] = {predicate: {"@embed": "@always"} for predicate in inbound}
    return frame


def entity_document(description: Description, context_url: str) -> JsonObject:
    """The framed, compacted JSON-LD of a description; ``@context`` refers to ``context_url``.

    Built directly (:mod:`mzgraph.entities.framed`); a description that builder does not cover is framed
    with pyLD, which gives the same document.
    """
    return direct_document(description, context_url) or framed_with_pyld(description, context_url)


def direct_document(description: Description, context_url: str) -> JsonObject | None:
    """The document of :func:`entity_document` built directly, in about a millisecond; None for a description
    the builder does not cover (pyLD then frames it, which takes far longer)."""
    try:
        framed = framed_document(description.focus, description.triples, context_text())
    except Unsupported:
        return None
    return {"@context": context_url, **tidy(framed)}


def framed_with_pyld(description: Description, context_url: str) -> JsonObject:
    """The document of :func:`entity_document`, framed and compacted by pyLD (the reference implementation)."""
    expanded = expand_triples(description.triples)
    framed: JsonObject = jsonld.frame(expanded, frame_for(description), {**_OPTIONS, "omitGraph": True})
    framed.pop("@context", None)
    return {"@context": context_url, **tidy(framed)}


GROUP_ORDER = ("awareness", "dialogue", "tailored-solutions", "embedding")
_FIRST = ("@context", "id", "type", "label", "prefLabel")
_FIRST_SET = frozenset(_FIRST)


def tidy(node: Any) -> Any:
    """Reading order only (JSON-LD ignores it): ``id``, ``type`` and names first; measures by group, then order.

    In place (a document just built, whose nodes may be shared between the places they are embedded in), and a
    node already in order is left as it is: most are.
    """
    if isinstance(node, list):
        for item in node:
            if isinstance(item, dict | list):
                tidy(item)
        return node
    if not isinstance(node, dict):
        return node
    for value in node.values():
        if isinstance(value, dict | list):
            tidy(value)
    keys = list(node)
    ordered = [key for key in _FIRST if key in node] + [key for key in keys if key not in _FIRST_SET]
    if keys != ordered:
        moved = [(key, node.pop(key)) for key in ordered]
        node.update(moved)
    measures = node.get("measures")
    if isinstance(measures, dict):
        groups = sorted(measures, key=lambda g: (GROUP_ORDER.index(g) if g in GROUP_ORDER else len(GROUP_ORDER), g))
        node["measures"] = {
            g: sorted(measures[g], key=_order) if isinstance(measures[g], list) else measures[g] for g in groups
        }
    return node


def _order(item: Any) -> tuple[int, str]:
    if isinstance(item, dict):
        order = item.get("order")
        return (order if isinstance(order, int) else 0, str(item.get("id", "")))
    return (0, str(item))


def graph_document(triples: list[ox.Triple], context_url: str) -> JsonObject:
    """Triples compacted with the context as a flat ``@graph`` (for documents with no single root)."""
    compacted: JsonObject = jsonld.compact(expand_triples(triples), context(), _OPTIONS)
    compacted.pop("@context", None)
    graph = compacted.pop("@graph", None)
    nodes = graph if graph is not None else ([compacted] if compacted else [])
    return {"@context": context_url, "@graph": nodes}


def expand_triples(triples: list[ox.Triple]) -> list[JsonObject]:
    """Triples as expanded JSON-LD (integers and booleans as JSON numbers and booleans).

    The triples are sorted first, so the document does not depend on the order a store returns them in.
    """
    nquads = "".join(sorted(f"{t} .\n" for t in triples))
    expanded: list[JsonObject] = jsonld.from_rdf(nquads, {"format": "application/n-quads", "useNativeTypes": True})
    return expanded


def to_nquads(document: JsonObject, base: str) -> str:
    """The triples of a JSON-LD document that uses our context (inlined here), as N-Quads.

    ``base`` is the document's own URL: pyLD needs one to expand the measure-group index keys.
    """
    inlined = {**document, "@context": context()} if isinstance(document.get("@context"), str) else document
    nquads: str = jsonld.to_rdf(inlined, {**_OPTIONS, "format": "application/n-quads", "base": base})
    return nquads


def script_json(data: JsonObject) -> str:
    """JSON safe inside an HTML ``<script>`` element: ``<``, ``>``, ``&`` and line separators escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))  # compact: the C encoder, on every page
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        text = text.replace(raw, f"\\u{ord(raw):04x}")
    return text
