"""SHACL conformance of the served graph, computed once per data release, and the results about one node.

:func:`validate_ntriples` is what a worker process runs: it takes the graph as N-Triples text and returns
plain data (the JSON shape of :func:`mzgraph.validation.report.result_json`), so it can be shipped
between processes and cached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from mzgraph.bundled import ontology_dir, rdf_files, shapes_dir

MAX_TRIPLES = 250_000
"""Larger graphs are not validated by the server (pySHACL would take minutes); run ``mzgraph validate``."""


@dataclass
class Conformance:
    """The outcome for one data release: results indexed by the IRI they concern."""

    conforms: bool
    triples: int
    results: list[dict[str, Any]]
    by_node: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for result in self.results:
            for key in ("focus", "anchor"):
                node = result.get(key)
                if isinstance(node, str) and not node.startswith("_:"):
                    self.by_node.setdefault(node, []).append(result)

    def about(self, iris: Iterable[str]) -> list[dict[str, Any]]:
        """The results whose focus node (or the named node a blank focus hangs from) is one of ``iris``."""
        seen: set[int] = set()
        found = []
        for iri in iris:
            for result in self.by_node.get(iri, []):
                if id(result) not in seen:
                    seen.add(id(result))
                    found.append(result)
        return found


def validate_ntriples(ntriples: bytes, lang: str = "en") -> dict[str, Any]:
    """Validate a whole graph against the bundled shapes; the report as plain data."""
    from mzgraph.validation import Sources, read_shapes, validate
    from mzgraph.validation.report import result_json

    sources = Sources()
    sources.add(Path("<store>"), ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    report = validate(sources, read_shapes(rdf_files(shapes_dir())), lang=lang)
    return {"conforms": report.conforms, "triples": report.triples, "results": [result_json(r) for r in report.results]}


def validate_document(nquads: bytes, *, with_ontology: bool, lang: str = "en") -> dict[str, str]:
    """Validate a submitted document (already parsed safely, passed as N-Quads), optionally with the bundled
    ontology; the report as JSON and as Turtle text."""
    from mzgraph.rdf.reading import read_files
    from mzgraph.validation import Sources, read_shapes, validate
    from mzgraph.validation.report import render_json, render_turtle

    sources = Sources()
    sources.add(Path("request"), ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    if with_ontology:
        sources.add(Path("ontology"), read_files(rdf_files(ontology_dir())))
    report = validate(sources, read_shapes(rdf_files(shapes_dir())), lang=lang)
    return {"json": render_json(report), "turtle": render_turtle(report)}


def from_report(data: dict[str, Any]) -> Conformance:
    """A :class:`Conformance` from the plain data of :func:`validate_ntriples`."""
    return Conformance(bool(data["conforms"]), int(data["triples"]), list(data["results"]))
