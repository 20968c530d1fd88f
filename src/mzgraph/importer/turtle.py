"""Deterministic Turtle: the same graph always gives the same bytes, with the curated files' prefixes.

rdflib's Turtle serialiser sorts subjects and predicates by IRI (never by insertion or hash order). Its
``topClasses`` put the members of some classes first: here the organisation, then its recognition,
and so on, in the order a reader of the curated files expects.
"""

from __future__ import annotations

from io import BytesIO

from rdflib import Graph, Namespace
from rdflib.plugins.serializers.turtle import TurtleSerializer

from mzgraph.importer.iris import ProfileIris
from mzgraph.rdf.namespaces import ID, MZ, PREFIXES

READING_ORDER = (
    MZ.Municipality,
    MZ.RegionalPublicBody,
    MZ.Employer,
    MZ.Recognition,
    MZ.AmbassadorRole,
    MZ.SourceDocument,
    MZ.PartnerRelation,
    MZ.Measure,
    MZ.ProfileStatement,
    MZ.Figure,
    MZ.ContactPerson,
)

_SHARED_PREFIXES = {
    "mt": "measure-type/",
    "mg": "measure-group/",
    "role": "partner-role/",
    "qk": "quantity-kind/",
    "approx": "approximation/",
    "sk": "statement-kind/",
    "partner": "partner/",
    "event": "event/",
    "place": "place/",
    "reg": "regulation/",
    "agr": "agreement/",
}


def bind_prefixes(graph: Graph, iris: ProfileIris) -> None:
    """Bind the prefixes the curated organisation files use (``this:``, ``m:``, ``st:`` ...)."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, Namespace(namespace))
    for prefix, path in _SHARED_PREFIXES.items():
        graph.bind(prefix, Namespace(ID[path]))
    own = {
        "this": "organisation/",
        "src": "source/",
        "person": "contact/",
        "m": f"measure/{iris.slug}/",
        "st": f"statement/{iris.slug}/",
        "fig": f"figure/{iris.slug}/",
        "rel": f"partner-relation/{iris.slug}/",
    }
    for prefix, path in own.items():
        graph.bind(prefix, Namespace(f"{iris.base}id/{path}"))


def to_turtle(graph: Graph, iris: ProfileIris, header: str) -> bytes:
    """``graph`` as UTF-8 Turtle, ``header`` as a comment block on top."""
    bind_prefixes(graph, iris)
    serializer = TurtleSerializer(graph)
    serializer.topClasses = list(READING_ORDER)
    body = BytesIO()
    serializer.serialize(body, encoding="utf-8")
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return comment.encode("utf-8") + b"\n" + body.getvalue()
