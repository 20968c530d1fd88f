"""The sitemap lists: every entity page (each subject IRI under ``{base}id/``), numbered, in chunks.

They are read from the N-Quads dump just written (its default-graph part), not from the store: the dump holds
exactly the published triples, and reading its lines is faster than a ``DISTINCT`` over every subject.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from mzgraph.release.dumps import default_graph_lines

CHUNK = 50_000
"""Pages per sitemap file: the sitemaps protocol's limit."""


def write_sitemap(db: sqlite3.Connection, nquads: Path, lines: int, *, base: str) -> int:
    """Store every entity page IRI of the first ``lines`` lines of ``nquads`` in ``db`` (table ``sitemap``, in
    IRI order); how many there are (VoID's ``void:entities``)."""
    db.execute("CREATE TABLE sitemap(n INTEGER PRIMARY KEY, iri TEXT NOT NULL)")
    # repeats are caught by a unique index of a temporary table, so the index's size is not kept in the file
    db.execute("CREATE TEMP TABLE seen(iri TEXT PRIMARY KEY) WITHOUT ROWID")
    found = ((iri,) for iri in _subjects(nquads, lines, base))
    db.executemany("INSERT OR IGNORE INTO temp.seen(iri) VALUES (?)", found)
    db.execute("INSERT INTO sitemap(iri) SELECT iri FROM temp.seen")
    db.execute("DROP TABLE temp.seen")
    (count,) = db.execute("SELECT COUNT(*) FROM sitemap").fetchone()
    return int(count)


def _subjects(nquads: Path, lines: int, base: str) -> Iterator[str]:
    """The subject IRIs under ``{base}id/`` of the first ``lines`` lines, each once per run of lines (the store
    writes a subject's triples together; the table's unique index catches the rest)."""
    prefix = b"<" + (base + "id/").encode()
    previous = b""
    for line in default_graph_lines(nquads, lines):
        if line.startswith(prefix):
            subject = line[1 : line.index(b">")]
            if subject != previous:
                previous = subject
                yield subject.decode()
