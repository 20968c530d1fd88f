"""The sitemap lists: every entity page (each subject IRI under ``{base}id/``), numbered, in chunks.

They are read from the N-Quads dump just written (its default-graph part), not from the store: the dump holds
exactly the published triples, and reading its lines is faster than a ``DISTINCT`` over every subject.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

CHUNK = 50_000
"""Pages per sitemap file: the sitemaps protocol's limit."""


def write_sitemap(db: sqlite3.Connection, nquads: Path, lines: int, *, base: str) -> int:
    """Store every entity page IRI of the first ``lines`` lines of ``nquads`` in ``db`` (table ``sitemap``, in
    the order first met); how many there are (VoID's ``void:entities``)."""
    db.execute("CREATE TABLE sitemap(n INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE)")
    db.executemany("INSERT OR IGNORE INTO sitemap(iri) VALUES (?)", ((iri,) for iri in _subjects(nquads, lines, base)))
    (count,) = db.execute("SELECT COUNT(*) FROM sitemap").fetchone()
    return int(count)


def _subjects(nquads: Path, lines: int, base: str) -> Iterator[str]:
    """The subject IRIs under ``{base}id/`` of the first ``lines`` lines, each once per run of lines (the store
    writes a subject's triples together; the table's unique index catches the rest)."""
    prefix = b"<" + (base + "id/").encode()
    previous = b""
    with nquads.open("rb") as data:
        for _, line in zip(range(lines), data, strict=False):
            if line.startswith(prefix):
                subject = line[1 : line.index(b">")]
                if subject != previous:
                    previous = subject
                    yield subject.decode()
