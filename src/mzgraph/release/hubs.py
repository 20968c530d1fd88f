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
from collections.abc import Callable

import pyoxigraph as ox

from mzgraph.progress import Reporter
from mzgraph.rdf.namespaces import EMPLOYER_PARTS
from mzgraph.release.queries import MZ
from mzgraph.store import Store

Describer = Callable[[Store, ox.NamedNode], list[ox.Triple]]
"""The description of one resource, read from a store (the pages' own, given by the web layer and the CLI)."""

HUB_LINKS = 100
"""Links pointing at a resource beyond which it is a hub (as many as a description holds: it then holds only the
first ones)."""

PARTS = tuple(f"<{MZ}{name}>" for name in (*EMPLOYER_PARTS, "organisation"))
"""The properties from an employer to its parts (and from a partner relation to its employer): what they point at
is pointed at once, or by one employer's relations, so they are left out of the count."""

SCHEMA = "CREATE TABLE hubs(iri TEXT PRIMARY KEY, ntriples BLOB NOT NULL);"


def hubs_query(links: int = HUB_LINKS) -> str:
    """SELECT every IRI more than ``links`` triples point at (the part properties aside), once per release."""
    return (
        f"SELECT ?hub WHERE {{ ?s ?p ?hub . FILTER(isIRI(?hub) && ?p NOT IN ({', '.join(PARTS)})) }}"
        f" GROUP BY ?hub HAVING (COUNT(*) > {int(links)})"
    )


def write_hubs(db: sqlite3.Connection, store: Store, describe: Describer, report: Reporter) -> int:
    """Describe every hub of ``store`` with ``describe`` into the ``hubs`` table; the number of hubs."""
    hubs = [hub for (hub,) in store.stream_select(hubs_query()) if isinstance(hub, ox.NamedNode)]
    for hub in report.items(hubs, "hub descriptions", len(hubs)):
        triples = ox.serialize(describe(store, hub), format=ox.RdfFormat.N_TRIPLES)
        db.execute("INSERT INTO hubs VALUES (?, ?)", (hub.value, triples))
    return len(hubs)


def read_hub(ntriples: bytes) -> list[ox.Triple]:
    """The triples of a description written by :func:`write_hubs`."""
    return [quad.triple for quad in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)]
