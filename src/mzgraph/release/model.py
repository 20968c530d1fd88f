"""What the release index answers with: plain, typed values, no HTTP and no SPARQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from mzgraph.release.errors import BadRequest
from mzgraph.release.text import Marked

SortKey = Literal["name", "recognised", "measures", "relevance"]
SORT_KEYS: tuple[SortKey, ...] = ("name", "recognised", "measures", "relevance")
FACETS = ("category", "partner", "province", "year", "ambassador")
"""The browse facets, in the order pages show them."""


@dataclass(frozen=True)
class Sort:
    """An order of the list: ``key`` ascending or descending; ties are broken by name, then IRI (always ascending).

    ``relevance`` (best match first) needs a search. Employers without a recognition date come last either way.
    """

    key: SortKey = "name"
    descending: bool = False

    @classmethod
    def parse(cls, text: str) -> Sort:
        """``name``, ``-name``, ``recognised``, ``-recognised``, ``measures``, ``-measures`` or ``relevance``."""
        key = text.removeprefix("-")
        if key not in SORT_KEYS or (key == "relevance" and text.startswith("-")):
            allowed = ", ".join(k for key in SORT_KEYS for k in ((key,) if key == "relevance" else (key, "-" + key)))
            raise BadRequest(f"unknown sort {text!r}; use one of {allowed}", detail={"sort": text})
        return cls(key, text.startswith("-"))

    def __str__(self) -> str:
        return ("-" if self.descending else "") + self.key


@dataclass(frozen=True)
class Filters:
    """Which employers to list. Empty means all.

    Categories AND-combine (an employer must use every one; a measure type also matches its narrower types);
    partners, provinces and years each OR-combine within the facet; facets AND-combine with each other.
    Values are IRIs (years are numbers); a value the release does not know matches nothing.
    """

    categories: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    ambassador: bool | None = None

    def selected(self, facet: str) -> frozenset[str]:
        """The chosen values of ``facet``, as facet values (strings)."""
        chosen: tuple[object, ...] = {
            "category": self.categories,
            "partner": self.partners,
            "province": self.provinces,
            "year": self.years,
            "ambassador": () if self.ambassador is None else ("yes" if self.ambassador else "no",),
        }[facet]
        return frozenset(str(value) for value in chosen)


@dataclass(frozen=True)
class Match:
    """A text of an employer that matched the search: what it is (``name``, ``measure``, ``statement``,
    ``partner``, ``quote``), the IRI of what it belongs to, its line in the source, and the text with the
    matches marked."""

    kind: str
    source: str
    line: int | None
    marked: Marked


@dataclass(frozen=True)
class Item:
    """One employer as lists show it."""

    id: int
    """Its position in name order (the release's primary language); stable within a release only."""
    iri: str
    name: str
    """Its label in the first of the asked languages that it has (else any label, else the IRI's last segment)."""
    labels: dict[str, str]
    """Language tag ("" for none) -> label."""
    type: str
    """The most specific employer class (an IRI), ``mz:Employer`` itself if it has no other."""
    recognised: str | None
    """The recognition date as the data gives it (``2011-11-28``, ``2010-12`` or ``2010``)."""
    recognised_key: str | None
    """The same as a sortable key (the lexical form: a year sorts before its months and days)."""
    year: int | None
    ambassador: bool
    ambassador_since: str | None
    measures: int
    groups: dict[str, int]
    """Measure group IRI -> number of its measures."""
    provinces: tuple[str, ...]
    matches: tuple[Match, ...] = ()
    score: float | None = None
    """The search relevance (BM25), when searching."""


@dataclass(frozen=True)
class Page:
    """One page of a list, with the cursors of its neighbours.

    ``next``/``prev`` are None at the ends; ``last`` is the cursor of the final page (None if this page is it).
    The first page is asked for with no cursor. ``position`` is the 0-based place of the first item in the list.
    """

    items: list[Item]
    total: int
    position: int
    sort: Sort
    size: int
    next: str | None = None
    prev: str | None = None
    last: str | None = None


@dataclass(frozen=True)
class FacetValue:
    value: str
    """An IRI, a year, or ``yes``/``no`` (ambassador)."""
    label: str
    count: int
    """How many employers of the current list have it."""
    selected: bool = False


@dataclass(frozen=True)
class Facet:
    name: str
    values: list[FacetValue]
    """The chosen values first, then by count (descending) and label; at most ``limit`` of them."""
    total_values: int
    """How many values have a count above zero (more than ``values`` when capped)."""


@dataclass(frozen=True)
class Facets:
    """Counts for the current list: its size, each facet, and its measures per measure group."""

    total: int
    facets: dict[str, Facet]
    group_measures: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    iri: str
    titles: dict[str, str]


@dataclass(frozen=True)
class Stats:
    """The release's statistics for the dataset pages (home counts, VoID/DCAT, the ontology overview)."""

    release: str
    modified: datetime
    built: datetime
    base: str
    organisations: int
    ambassadors: int
    measures: int
    partners: int
    events: int
    measures_per_group: dict[str, int]
    triples: int
    """Published quads: exactly what ``mzgraph.nq`` holds (personal data and mzgraph's own graphs left out)."""
    entities: int
    """Distinct subjects under ``{base}id/`` (the entity pages; the sitemap lists them)."""
    class_partitions: dict[str, int]
    """Class IRI -> its instances (``?i a ?class``), for VoID class partitions."""
    class_usage: dict[str, int]
    """Class IRI -> its instances, its subclasses' included, each counted once (the ontology page)."""
    property_usage: dict[str, int]
    """Property IRI -> triples using it."""
    coverage: dict[tuple[str, str, bool], int]
    """(class, property, inverse) of each shape rule -> instances of the class (subclasses' included) having it."""
    concept_usage: dict[str, int]
    """Concept IRI -> employers using it or a narrower concept (measures, passages, figures, partner relations)."""
    sources: list[Source]
    """The first source documents (by IRI), with titles; ``source_count`` says how many there are."""
    source_count: int
    licenses: list[str]
    examples: list[str]


@dataclass(frozen=True)
class Dump:
    """A dump file of the release: serve ``path`` as ``media_type`` (gzip-encoded when ``gzip``)."""

    name: str
    path: Path
    media_type: str
    gzip: bool
    size: int
    sha256: str

    @property
    def etag(self) -> str:
        """A strong ETag (quoted) from the file's SHA-256."""
        return f'"{self.sha256[:32]}"'


@dataclass(frozen=True)
class SitemapChunk:
    """One sitemap of at most :data:`~mzgraph.release.sitemap.CHUNK` entity pages."""

    number: int
    count: int
    modified: datetime
