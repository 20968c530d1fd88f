"""Media types <-> serialisations, and content negotiation (``Accept`` with q-values, or a ``format`` name).

Two families: the *solutions* formats that answer SELECT and ASK (SPARQL Results JSON, XML, CSV, TSV)
and the *graph* formats that answer CONSTRUCT and DESCRIBE (Turtle, N-Triples, JSON-LD, RDF/XML).
Each format knows the pyoxigraph serialiser that writes it, so nothing here re-implements one.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox

T = TypeVar("T")


class Family(enum.Enum):
    """Which kind of answer a format serialises."""

    SOLUTIONS = "solutions"
    GRAPH = "graph"


@dataclass(frozen=True)
class Format:
    """One serialisation: its media type, the names a ``format`` parameter may use, its pyoxigraph format."""

    media_type: str
    family: Family
    oxigraph: ox.QueryResultsFormat | ox.RdfFormat
    names: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value (all of these formats are UTF-8 text)."""
        return f"{self.media_type}; charset=utf-8"

    @property
    def results(self) -> ox.QueryResultsFormat:
        """Its pyoxigraph results format; a graph format has none (a caller mixing the families is a bug)."""
        if not isinstance(self.oxigraph, ox.QueryResultsFormat):
            raise TypeError(f"{self.media_type} is an RDF graph format, not a query results format")
        return self.oxigraph

    @property
    def rdf(self) -> ox.RdfFormat:
        """Its pyoxigraph RDF format; a results format has none (a caller mixing the families is a bug)."""
        if not isinstance(self.oxigraph, ox.RdfFormat):
            raise TypeError(f"{self.media_type} is a query results format, not an RDF graph format")
        return self.oxigraph

    @property
    def iri(self) -> str:
        """The W3C ``formats`` IRI (``http://www.w3.org/ns/formats/...``) for service descriptions."""
        return self.oxigraph.iri


SPARQL_JSON = Format(
    "application/sparql-results+json",
    Family.SOLUTIONS,
    ox.QueryResultsFormat.JSON,
    ("json", "srj"),
    ("application/json",),
)
SPARQL_XML = Format(
    "application/sparql-results+xml",
    Family.SOLUTIONS,
    ox.QueryResultsFormat.XML,
    ("xml", "srx"),
    ("application/xml", "text/xml"),
)
CSV = Format("text/csv", Family.SOLUTIONS, ox.QueryResultsFormat.CSV, ("csv",))
TSV = Format("text/tab-separated-values", Family.SOLUTIONS, ox.QueryResultsFormat.TSV, ("tsv",))

TURTLE = Format(
    "text/turtle", Family.GRAPH, ox.RdfFormat.TURTLE, ("ttl", "turtle", "n3"), ("application/x-turtle", "text/n3")
)
N_TRIPLES = Format(
    "application/n-triples", Family.GRAPH, ox.RdfFormat.N_TRIPLES, ("nt", "ntriples", "n-triples"), ("text/plain",)
)
JSON_LD = Format(
    "application/ld+json", Family.GRAPH, ox.RdfFormat.JSON_LD, ("jsonld", "json-ld", "json"), ("application/json",)
)
RDF_XML = Format(
    "application/rdf+xml",
    Family.GRAPH,
    ox.RdfFormat.RDF_XML,
    ("rdfxml", "rdf", "rdf+xml", "xml", "owl"),
    ("application/xml", "text/xml"),
)

FORMATS: dict[Family, tuple[Format, ...]] = {
    Family.SOLUTIONS: (SPARQL_JSON, SPARQL_XML, CSV, TSV),
    Family.GRAPH: (TURTLE, N_TRIPLES, JSON_LD, RDF_XML),
}
"""The formats of each family, the default first."""


class NotAcceptable(ValueError):
    """No format of the family matches what the client asked for."""

    def __init__(self, family: Family, asked: str) -> None:
        self.family = family
        self.asked = asked
        self.supported = [f.media_type for f in FORMATS[family]]
        super().__init__(f"cannot answer with {asked}; supported: {', '.join(self.supported)}")


def negotiate(family: Family, accept: str | None = None, format_name: str | None = None) -> Format:
    """The format to answer with: the ``format`` parameter if given, else the best match for ``Accept``."""
    candidates = FORMATS[family]
    if format_name:
        wanted = format_name.strip().lower()
        for fmt in candidates:
            if wanted in fmt.names or wanted == fmt.media_type or wanted in fmt.aliases:
                return fmt
        raise NotAcceptable(family, f"format={format_name}")
    if not accept or not accept.strip():
        return candidates[0]
    chosen = choose(candidates, accept, lambda fmt: (fmt.media_type, fmt.aliases))
    if chosen is None:
        raise NotAcceptable(family, f"Accept: {accept}")
    return chosen


def choose(offered: Sequence[T], accept: str | None, media: Callable[[T], tuple[str, Collection[str]]]) -> T | None:
    """The offer the client prefers most by ``Accept`` (q-values honoured), None if none is acceptable.

    ``media(offer)`` gives its media type and the other names it answers to. The ranking is the q-value, then how
    specific the range that gave it is (``text/turtle`` before ``*/*``), then the server's order. The one
    negotiation of mzgraph: ``/sparql``, the entity pages, the dumps and ``/validate`` all use it.
    """
    ranges = parse_accept(accept)
    best: tuple[float, int, int] | None = None
    chosen: T | None = None
    for position, offer in enumerate(offered):
        media_type, aliases = media(offer)
        quality, specificity = accept_quality(media_type, aliases, ranges)
        if quality <= 0:
            continue
        rank = (quality, specificity, -position)
        if best is None or rank > best:
            best, chosen = rank, offer
    return chosen


def parse_accept(accept: str | None) -> list[tuple[str, float]]:
    """``Accept`` as (media range, q) pairs (none or empty means ``*/*``); a malformed q counts as 0."""
    ranges: list[tuple[str, float]] = []
    for part in (accept or "*/*").split(","):
        media_range, *params = (piece.strip() for piece in part.split(";"))
        if not media_range:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media_range.lower(), quality))
    return ranges


def accept_quality(media_type: str, aliases: Collection[str], ranges: Iterable[tuple[str, float]]) -> tuple[float, int]:
    """The q-value ``Accept`` gives ``media_type`` and how specific the range that gave it is.

    The most specific matching range decides (exact 3, an alias 2, ``type/*`` 1, ``*/*`` 0), so
    ``text/*;q=0`` does not cancel ``text/turtle``; no matching range gives ``(0.0, -1)``.
    """
    found: tuple[int, float] | None = None
    main_type = media_type.split("/", 1)[0]
    for media_range, quality in ranges:
        if media_range == media_type:
            specificity = 3
        elif media_range in aliases:
            specificity = 2
        elif media_range == f"{main_type}/*":
            specificity = 1
        elif media_range == "*/*":
            specificity = 0
        else:
            continue
        if found is None or specificity > found[0] or (specificity == found[0] and quality > found[1]):
            found = (specificity, quality)
    if found is None:
        return 0.0, -1
    return found[1], found[0]
