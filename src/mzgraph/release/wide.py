"""The release-wide parts of an opened release index: its statistics, dumps, sitemaps, hub descriptions and
partner relations."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from mzgraph.release.build import DUMPS
from mzgraph.release.errors import BadRequest
from mzgraph.release.hubs import read_hub
from mzgraph.release.model import Dump, SitemapChunk, Stats
from mzgraph.release.relations import read_relations
from mzgraph.release.sitemap import CHUNK
from mzgraph.release.statistics import decode as decode_stats


class ReleaseWide:
    """What :class:`~mzgraph.release.index.ReleaseIndex` answers about the whole release (a base class of it)."""

    directory: Path
    modified: datetime

    def _db(self) -> sqlite3.Connection:
        raise NotImplementedError

    @cached_property
    def _stats(self) -> Stats:
        (text,) = self._db().execute("SELECT json FROM stats").fetchone()
        return decode_stats(text)

    def stats(self) -> Stats:
        """The release's statistics (read once, then kept)."""
        return self._stats

    @cached_property
    def _dumps(self) -> dict[tuple[str, bool], Dump]:
        found = {}
        for name, media_type, file, gz, size, sha256 in self._db().execute("SELECT * FROM dumps"):
            found[(name.rsplit(".", 1)[-1], bool(gz))] = Dump(
                name, self.directory / DUMPS / file, media_type, bool(gz), size, sha256
            )
        return found

    def dump(self, format: str, gz: bool = False) -> Dump:
        """The dump ``mzgraph.{format}`` (``nq``, ``ttl`` or ``jsonld``), gzipped if ``gz``: a file to serve, with
        its size and ETag. Raises :class:`BadRequest` for another format."""
        found = self._dumps.get((format, gz))
        if found is None:
            offered = sorted({f"mzgraph.{name}" for name, _ in self._dumps})
            raise BadRequest(
                f"there is no dump mzgraph.{format}; there are {', '.join(offered)} (and each .gz)",
                detail={"offered": offered},
            )
        return found

    def dumps(self) -> list[Dump]:
        """Every dump file of the release."""
        return sorted(self._dumps.values(), key=lambda d: (d.name, d.gzip))

    @cached_property
    def _sitemap_size(self) -> int:
        (count,) = self._db().execute("SELECT COUNT(*) FROM sitemap").fetchone()
        return int(count)

    def sitemap_chunks(self) -> list[SitemapChunk]:
        """The sitemaps of the release: every entity page, at most :data:`~mzgraph.release.sitemap.CHUNK` each."""
        total = self._sitemap_size
        return [
            SitemapChunk(number, min(CHUNK, total - number * CHUNK), self.modified)
            for number in range(-(-total // CHUNK))
        ]

    def sitemap(self, number: int) -> list[str]:
        """The entity page IRIs of sitemap ``number`` (0-based); raises :class:`BadRequest` past the last."""
        if not 0 <= number < max(1, -(-self._sitemap_size // CHUNK)):
            raise BadRequest(f"there is no sitemap {number}", detail={"sitemaps": len(self.sitemap_chunks())})
        rows = self._db().execute(
            "SELECT iri FROM sitemap WHERE n > ? AND n <= ? ORDER BY n", (number * CHUNK, (number + 1) * CHUNK)
        )
        return [iri for (iri,) in rows]

    @cached_property
    def _hubs(self) -> frozenset[str]:
        return frozenset(iri for (iri,) in self._db().execute("SELECT iri FROM hubs"))

    def hub(self, iri: str) -> list[ox.Triple] | None:
        """The description of ``iri`` kept for this release if it is a hub (:mod:`mzgraph.release.hubs`), else
        None (a set lookup: most resources are not hubs)."""
        if iri not in self._hubs:
            return None
        (ntriples,) = self._db().execute("SELECT ntriples FROM hubs WHERE iri = ?", (iri,)).fetchone()
        return read_hub(ntriples)

    def partner_relations(self, partner: str, organisations: Sequence[str]) -> list[ox.Triple]:
        """The partner relations between ``partner`` and each of ``organisations`` (with their roles, dates,
        quotes and source lines) as triples, read from this release (:mod:`mzgraph.release.relations`)."""
        return read_relations(self._db(), partner, organisations)
