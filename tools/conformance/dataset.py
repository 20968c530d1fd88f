"""A test's dataset as one N-Quads file, the form in which every backend is handed the data.

The default graph is the RDF merge of the ``qt:data`` files; each ``qt:graphData`` file becomes a
named graph called by its IRI. Files are read with their suite IRI as base, through the project's
one safe reader, and blank nodes are renamed per file so that two files never share one.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

from mzgraph.rdf.reading import read_file
from tools.conformance.manifest import Dataset, SourceFile


def dataset_quads(dataset: Dataset) -> list[ox.Quad]:
    """All quads of ``dataset``: the default graph's, then each named graph's."""
    quads: list[ox.Quad] = []
    for source in dataset.default:
        quads.extend(_graph_quads(source, ox.DefaultGraph()))
    for source in dataset.named:
        quads.extend(_graph_quads(source, ox.NamedNode(source.iri)))
    return quads


def write_dataset(dataset: Dataset, folder: Path) -> Path:
    """Write ``dataset`` as N-Quads into ``folder`` (once per distinct dataset) and return the file."""
    key = "\n".join(source.iri for source in (*dataset.default, *dataset.named)) + f"\n{len(dataset.default)}"
    target = folder / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.nq"
    if not target.exists():
        target.write_bytes(ox.serialize(dataset_quads(dataset), format=ox.RdfFormat.N_QUADS) or b"")
    return target


def _graph_quads(source: SourceFile, graph: ox.DefaultGraph | ox.NamedNode) -> list[ox.Quad]:
    fresh: dict[str, ox.BlankNode] = {}

    def rename(term: ox.Term) -> ox.Term:
        if isinstance(term, ox.BlankNode):
            return fresh.setdefault(term.value, ox.BlankNode())
        return term

    return [
        ox.Quad(rename(quad.subject), quad.predicate, rename(quad.object), graph)
        for quad in read_file(source.path, base_iri=source.iri)
    ]
