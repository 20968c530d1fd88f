"""The representations of a resource: which formats, chosen how (``Accept`` or extension), serialised how."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from mzgraph.rdf.formats import accept_quality, parse_accept
from mzgraph.rdf.namespaces import PREFIXES


@dataclass(frozen=True)
class Representation:
    """One format a resource is offered in."""

    extension: str
    media_type: str
    label: str
    rdf_format: ox.RdfFormat | None = None

    @property
    def content_type(self) -> str:
        charset = "" if self.media_type == "application/rdf+xml" else "; charset=utf-8"
        return self.media_type + charset


HTML = Representation("html", "text/html", "HTML")
JSON = Representation("json", "application/json", "JSON")
CSV = Representation("csv", "text/csv", "CSV")
JSONLD = Representation("jsonld", "application/ld+json", "JSON-LD")
TURTLE = Representation("ttl", "text/turtle", "Turtle", ox.RdfFormat.TURTLE)
NTRIPLES = Representation("nt", "application/n-triples", "N-Triples", ox.RdfFormat.N_TRIPLES)
RDFXML = Representation("rdf", "application/rdf+xml", "RDF/XML", ox.RdfFormat.RDF_XML)

ENTITY_FORMATS: tuple[Representation, ...] = (HTML, JSONLD, TURTLE, NTRIPLES, RDFXML)
"""What every resource is offered in, the first being the default for ``*/*``."""

DATA_FORMATS: tuple[Representation, ...] = (TURTLE, JSONLD, NTRIPLES, RDFXML, HTML)
"""Dataset descriptions prefer data over HTML for ``*/*``."""

ALIASES = {
    "application/json": "application/ld+json",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/xhtml+xml": "text/html",
}


def by_extension(extension: str, offered: Sequence[Representation] = ENTITY_FORMATS) -> Representation | None:
    """The representation for a file extension (``ttl``), if offered."""
    return next((r for r in offered if r.extension == extension), None)


def negotiate(header: str | None, offered: Sequence[Representation] = ENTITY_FORMATS) -> Representation | None:
    """The offered representation the client prefers most (q-values honoured), None if none is acceptable.

    A more specific media range wins over a wider one for the same type (``text/*;q=0`` does not
    cancel ``text/turtle``); ties go to the server's order.
    """
    ranges = parse_accept(header)

    def quality(rep: Representation) -> tuple[float, int]:
        aliases = [alias for alias, media_type in ALIASES.items() if media_type == rep.media_type]
        return accept_quality(rep.media_type, aliases, ranges)[0], -offered.index(rep)

    chosen = max(offered, key=quality)
    return chosen if quality(chosen)[0] > 0 else None


def serialise(triples: Sequence[ox.Triple], rep: Representation) -> bytes:
    """Triples in an RDF representation (Turtle with the usual prefixes)."""
    if rep.rdf_format is None:
        raise ValueError(f"{rep.label} is not an RDF syntax")
    prefixes = PREFIXES if rep.rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(triples, format=rep.rdf_format, prefixes=prefixes)


def json_bytes(data: object) -> bytes:
    """Pretty JSON, UTF-8, non-ASCII kept."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode()
