"""The representations of a resource: which formats, chosen how (``Accept`` or extension), serialised how."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from mzgraph.rdf import formats
from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.rdf.oxigraph import written


@dataclass(frozen=True)
class Representation:
    """One format a resource is offered in: an RDF syntax of the format registry (:mod:`mzgraph.rdf.formats`), or
    HTML, JSON or CSV."""

    extension: str
    media_type: str
    label: str
    rdf_format: ox.RdfFormat | None = None
    aliases: tuple[str, ...] = ()

    @classmethod
    def of(cls, fmt: formats.Format, extension: str, label: str) -> Representation:
        """The representation of a registry format: its media type, aliases and serializer."""
        return cls(extension, fmt.media_type, label, fmt.rdf, fmt.aliases)

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value (every representation is UTF-8 text)."""
        return self.media_type + "; charset=utf-8"


HTML = Representation("html", "text/html", "HTML", aliases=("application/xhtml+xml",))
JSON = Representation("json", "application/json", "JSON")
CSV = Representation("csv", "text/csv", "CSV")
JSONLD = Representation.of(formats.JSON_LD, "jsonld", "JSON-LD")
TURTLE = Representation.of(formats.TURTLE, "ttl", "Turtle")
NTRIPLES = Representation.of(formats.N_TRIPLES, "nt", "N-Triples")
RDFXML = Representation.of(formats.RDF_XML, "rdf", "RDF/XML")

ENTITY_FORMATS: tuple[Representation, ...] = (HTML, JSONLD, TURTLE, NTRIPLES, RDFXML)
"""What every resource is offered in, the first being the default for ``*/*``."""

DATA_FORMATS: tuple[Representation, ...] = (TURTLE, JSONLD, NTRIPLES, RDFXML, HTML)
"""Dataset descriptions prefer data over HTML for ``*/*``."""


def by_extension(extension: str, offered: Sequence[Representation] = ENTITY_FORMATS) -> Representation | None:
    """The representation for a file extension (``ttl``), if offered."""
    return next((r for r in offered if r.extension == extension), None)


def negotiate(header: str | None, offered: Sequence[Representation] = ENTITY_FORMATS) -> Representation | None:
    """The offered representation the client prefers most, None if none is acceptable (:func:`formats.choose`)."""
    return formats.choose(offered, header, lambda rep: (rep.media_type, rep.aliases))


def serialise(triples: Sequence[ox.Triple], rep: Representation) -> bytes:
    """Triples in an RDF representation (Turtle with the usual prefixes)."""
    if rep.rdf_format is None:
        raise ValueError(f"{rep.label} is not an RDF syntax")
    prefixes = PREFIXES if rep.rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return written(ox.serialize(triples, format=rep.rdf_format, prefixes=prefixes))


def json_bytes(data: object) -> bytes:
    """Pretty JSON, UTF-8, non-ASCII kept."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode()
