"""The release's statistics: the home page's counts, VoID/DCAT figures, the ontology page's usage and coverage.

Aggregates over the whole published graph, run once per release with a long deadline (the store counts; Python
reads a row per class, property or rule).
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox

from mzgraph.progress import Reporter
from mzgraph.release import queries
from mzgraph.release.model import Source, Stats
from mzgraph.release.organisations import Employers
from mzgraph.store import Release, Store

SOURCES = 100
"""Source documents named in the dataset description (a graph of many employers has as many profiles)."""
EXAMPLES = 3


def read_statistics(
    store: Store,
    release: Release,
    employers: Employers,
    *,
    base: str,
    triples: int,
    entities: int,
    shapes: Sequence[Path],
    built: datetime,
    report: Reporter,
) -> Stats:
    """The statistics of ``release`` (``triples`` and ``entities`` counted while writing the dumps and sitemap)."""
    (home,) = list(store.stream_select(queries.HOME_COUNTS)) or [(None, None, None, None)]
    with report.step("counting classes and properties"):
        partitions = _counts(store, queries.CLASS_PARTITIONS)
        partitions.pop(queries.CONTACT_PERSON, None)
        usage = _counts(store, queries.CLASS_USAGE)
        properties = _counts(store, queries.PROPERTY_USAGE)
        coverage = _coverage(store, _rules(shapes))
    titles: dict[str, dict[str, str]] = {}
    for source, title in store.stream_select(queries.sources_query(SOURCES)):
        if isinstance(source, ox.NamedNode):
            found = titles.setdefault(source.value, {})
            if isinstance(title, ox.Literal):
                found.setdefault(title.language or "", title.value)
    (source_count,) = next(iter(store.stream_select(queries.SOURCE_COUNT)), (None,))
    licenses = sorted(row[0].value for row in store.stream_select(queries.LICENSES) if isinstance(row[0], ox.NamedNode))
    concept_usage = {concept: len(members) for concept, members in employers.sets.get("concept", {}).items()}
    return Stats(
        release=release.tag,
        modified=release.modified,
        built=built,
        base=base,
        organisations=employers.count,
        ambassadors=_int(home[0]),
        measures=_int(home[1]),
        partners=_int(home[2]),
        events=_int(home[3]),
        measures_per_group=_counts(store, queries.MEASURES_PER_GROUP),
        triples=triples,
        entities=entities,
        class_partitions=partitions,
        class_usage=usage,
        property_usage=properties,
        coverage=coverage,
        concept_usage=concept_usage,
        sources=[Source(iri, titles[iri]) for iri in sorted(titles)],
        source_count=_int(source_count),
        licenses=licenses,
        examples=heapq.nsmallest(EXAMPLES, employers.iris),
    )


def _int(term: object) -> int:
    return int(term.value) if isinstance(term, ox.Literal) else 0


def _counts(store: Store, text: str) -> dict[str, int]:
    """``?key ?n`` rows as a mapping (IRI keys only)."""
    return {key.value: _int(n) for key, n in store.stream_select(text) if isinstance(key, ox.NamedNode)}


def _rules(shapes: Sequence[Path]) -> list[tuple[str, str, bool]]:
    """(class, property, inverse) of every property shape in the ``shapes`` files (bundled, trusted Turtle)."""
    if not shapes:
        return []
    graph = ox.Store()
    for path in shapes:
        graph.load(path=path, format=ox.RdfFormat.TURTLE)
    rules = set()
    for row in graph.query(queries.SHAPE_RULES):  # type: ignore[union-attr]
        target, path = row["target"], row["path"]
        if isinstance(target, ox.NamedNode) and isinstance(path, ox.NamedNode):
            rules.add((target.value, path.value, row["inverse"] is not None))
    return sorted(rules)


def _coverage(store: Store, rules: list[tuple[str, str, bool]]) -> dict[tuple[str, str, bool], int]:
    """Per rule (class, property, inverse), the instances of the class (subclasses' included) having the
    property: a query per class and direction, with the properties bound (index lookups, no EXISTS per pair)."""
    having = {rule: 0 for rule in rules}
    classes = sorted({cls for cls, _, _ in rules})
    if not classes:
        return having
    below: dict[str, set[str]] = {cls: {cls} for cls in classes}
    for sub, sup in store.stream_select(queries.subclasses_query(classes)):
        if isinstance(sub, ox.NamedNode) and isinstance(sup, ox.NamedNode):
            below[sup.value].add(sub.value)
    for cls in classes:
        for inverse in (False, True):
            properties = {path for c, path, inv in rules if c == cls and inv == inverse}
            if properties:
                text = queries.coverage_query(below[cls], properties, inverse=inverse)
                for path, n in store.stream_select(text):
                    if isinstance(path, ox.NamedNode):
                        having[(cls, path.value, inverse)] = _int(n)
    return having


def encode(stats: Stats) -> str:
    """``stats`` as JSON (kept in the index)."""
    body = asdict(stats)
    body["modified"] = stats.modified.isoformat()
    body["built"] = stats.built.isoformat()
    body["coverage"] = [[cls, path, inverse, n] for (cls, path, inverse), n in stats.coverage.items()]
    return json.dumps(body, ensure_ascii=False, sort_keys=True)


def decode(text: str) -> Stats:
    """The statistics :func:`encode` wrote."""
    body = json.loads(text)
    body["modified"] = datetime.fromisoformat(body["modified"])
    body["built"] = datetime.fromisoformat(body["built"])
    body["coverage"] = {(cls, path, bool(inverse)): n for cls, path, inverse, n in body["coverage"]}
    body["sources"] = [Source(**source) for source in body["sources"]]
    return Stats(**body)
