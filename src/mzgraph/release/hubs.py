"""The descriptions of hubs, written once per release: the few resources that thousands of links point at.

A measure group, a measure type, a partner body, a place or a class is named by the measures, relations or
employers of every organisation. Its page shows the description :mod:`mzgraph.entities.describe` gives (what it
states and its first links), and finding those first links, and the partner relations among them, is what a
request to a remote store pays for on every visit, in a query whose cost grows with the hub (Virtuoso planned one
of them around every relation of a partner named by 10,000 employers). So the release index keeps each hub's
description, as the page services would read it, and a request for a hub reads it from there on every backend.

A hub is a resource that more than :data:`HUB_LINKS` triples point at, by any property but the ones that tie an
employer to its own parts (each part is pointed at once). How a resource is described is the caller's: the build
is given the describer the pages use, so this package need not know what a page shows.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from mzgraph.progress import Reporter
from mzgraph.rdf.namespaces import EMPLOYER_PARTS
from mzgraph.release.dumps import default_graph_lines
from mzgraph.release.queries import MZ
from mzgraph.store import Store

Describer = Callable[[Store, ox.NamedNode], list[ox.Triple]]
"""The description of one resource, read from a store (the pages' own, given by the web layer and the CLI)."""

HUB_LINKS = 100
"""Links pointing at a resource beyond which it is a hub (as many as a description holds: it then holds only the
first ones)."""

PARTS = (*EMPLOYER_PARTS, "organisation")
"""The properties (in ``mz:``) from an employer to its parts, and from a partner relation to its employer: what
they point at is pointed at once, or by one employer's relations, so they are left out of the count."""

SCHEMA = "CREATE TABLE hubs(iri TEXT PRIMARY KEY, ntriples BLOB NOT NULL);"


def find_hubs(nquads: Path, lines: int, links: int = HUB_LINKS) -> list[ox.NamedNode]:
    """Every IRI more than ``links`` of the first ``lines`` lines of the N-Quads dump point at (the part
    properties aside), in IRI order.

    The dump just written holds exactly the published triples, one per line
    (:func:`~mzgraph.release.dumps.default_graph_lines`; the sitemap is read from it the same way). An aggregate
    asked of a remote store is not trusted here: Virtuoso once answered this ``GROUP BY ... HAVING`` with 61 of
    its 97 groups and no mark that the answer was cut.
    """
    parts = {f"<{MZ}{name}>".encode() for name in PARTS}
    counts: Counter[bytes] = Counter()
    for line in default_graph_lines(nquads, lines):
        if line.startswith(b"<<"):  # a quoted triple as subject: the published data has none
            continue
        _, predicate, rest = line.split(b" ", 2)
        if rest.startswith(b"<") and not rest.startswith(b"<<") and predicate not in parts:
            counts[rest[1 : rest.index(b">")]] += 1
    return [ox.NamedNode(iri.decode()) for iri, n in sorted(counts.items()) if n > links]


def write_hubs(
    db: sqlite3.Connection, store: Store, nquads: Path, lines: int, describe: Describer, report: Reporter
) -> int:
    """Describe every hub (:func:`find_hubs` in the dump) with ``describe`` into the ``hubs`` table; how many."""
    hubs = find_hubs(nquads, lines)
    for hub in report.items(hubs, "hub descriptions", len(hubs)):
        triples = ox.serialize(describe(store, hub), format=ox.RdfFormat.N_TRIPLES)
        db.execute("INSERT INTO hubs VALUES (?, ?)", (hub.value, triples))
    return len(hubs)


def read_hub(ntriples: bytes) -> list[ox.Triple]:
    """The triples of a description written by :func:`write_hubs`."""
    return [quad.triple for quad in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)]
