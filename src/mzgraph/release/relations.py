"""The partner relations of every employer, kept once per release for the partner pages.

A partner body's page lists its employers a page at a time, each with the roles it gives the partner, the date,
the quote and its source line. Asking a store for those relations of one page of employers is a join over the
50 employers shown; Virtuoso spends about as long planning and answering it as the rest of the page takes. The
relations change only with the release, so the build reads them all once (one streamed SELECT) and a page reads
its employers' rows from SQLite, on every backend.

Each row holds one solution of :data:`RELATIONS`, its values written as N-Triples terms; the rows of a page are
read back as the triples they stand for (``mz:organisation``, ``mz:partner``, ``mz:partnerRole``, ``mz:date``,
``mz:quote``, ``mz:sourceLine`` of each relation), in one parse, so the page reads them as it reads any
description.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

import pyoxigraph as ox

from mzgraph.progress import Reporter
from mzgraph.release.queries import MZ, PROLOGUE
from mzgraph.store import Store
from mzgraph.store.base import StreamedRow

RELATIONS = (
    PROLOGUE
    + """SELECT ?partner ?org ?rel ?role ?date ?quote ?line WHERE {
  ?rel mz:partner ?partner ; mz:organisation ?org .
  OPTIONAL { ?rel mz:partnerRole ?role }
  OPTIONAL { ?rel mz:date ?date }
  OPTIONAL { ?rel mz:quote ?quote }
  OPTIONAL { ?rel mz:sourceLine ?line }
}"""
)
"""Every partner relation with its partner, employer, role, date, quote (one row per quote) and source line."""

_PROPERTIES = tuple(f"<{MZ}{name}>" for name in ("partnerRole", "date", "quote", "sourceLine"))
_ORGANISATION = f"<{MZ}organisation>"
_PARTNER = f"<{MZ}partner>"

SCHEMA = "CREATE TABLE relations(partner TEXT NOT NULL, org TEXT NOT NULL, rel TEXT NOT NULL, terms TEXT NOT NULL);"
INDEX = "CREATE INDEX relations_by_partner ON relations(partner, org);"
"""Made after the rows are in (faster than keeping it up to date row by row)."""

_PAGE = 500
"""Employers asked for in one statement (SQLite's limit on parameters is far above it)."""


def write_relations(db: sqlite3.Connection, store: Store, report: Reporter) -> int:
    """Read every partner relation of ``store`` into the ``relations`` table; the number of rows."""
    before = db.total_changes
    solutions = report.rows(store.stream_select(RELATIONS), "partner relations")
    db.executemany("INSERT INTO relations VALUES (?, ?, ?, ?)", _rows(solutions))
    db.execute(INDEX)
    return db.total_changes - before


def _rows(solutions: Iterator[StreamedRow]) -> Iterator[tuple[str, str, str, str]]:
    for partner, org, rel, *values in solutions:
        if not isinstance(partner, ox.NamedNode) or not isinstance(org, ox.NamedNode) or rel is None:
            continue
        terms = "\t".join(  # N-Triples escapes a tab in a literal, so a tab separates the terms
            "" if value is None else str(value) for value in values
        )
        yield partner.value, org.value, str(rel), terms


def read_relations(db: sqlite3.Connection, partner: str, organisations: Sequence[str]) -> list[ox.Triple]:
    """The triples of the relations of ``organisations`` with ``partner``, as :func:`write_relations` kept them."""
    lines: list[str] = []
    subject = str(ox.NamedNode(partner))
    for start in range(0, len(organisations), _PAGE):
        chosen = organisations[start : start + _PAGE]
        rows = db.execute(
            f"SELECT org, rel, terms FROM relations WHERE partner = ? AND org IN ({','.join('?' * len(chosen))})",
            (partner, *chosen),
        )
        for org, rel, terms in rows:
            lines.append(f"{rel} {_PARTNER} {subject} .\n{rel} {_ORGANISATION} {ox.NamedNode(org)} .\n")
            values = zip(_PROPERTIES, terms.split("\t"), strict=True)
            lines.extend(f"{rel} {p} {value} .\n" for p, value in values if value)
    return list(dict.fromkeys(quad.triple for quad in ox.parse("".join(lines), format=ox.RdfFormat.N_TRIPLES)))
