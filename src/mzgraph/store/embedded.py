"""The embedded backend: pyoxigraph in memory (loaded from files) or on disk (opened read-only).

Queries are evaluated in a :class:`~mzgraph.store.pool.WorkerPool`. In memory, the store is loaded
once in this process and the workers share it copy-on-write; on disk, each worker opens the store
read-only, so several servers can share one directory (while nothing writes to it).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from mzgraph.errors import InputError
from mzgraph.rdf import formats
from mzgraph.rdf.formats import Family, Format
from mzgraph.sparql.errors import QueryError, QueryFailed
from mzgraph.sparql.guard import parser_error
from mzgraph.store.base import QueryPolicy, QueryRequest, QueryResult, Release, Store
from mzgraph.store.loading import new_release, read_into, read_release
from mzgraph.store.pool import WorkerPool, return_freed_memory
from mzgraph.store.results import CapReached, LineCap, graph_from_ntriples, solutions_from_tsv


@dataclass(frozen=True)
class _Job:
    """What a worker needs to answer one query (picklable)."""

    text: str
    family: Family
    media_type: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    max_rows: int


class EmbeddedStore(Store):
    """pyoxigraph behind a pool of worker processes."""

    def __init__(
        self,
        opener: Callable[[], ox.Store],
        release: Release,
        policy: QueryPolicy,
        *,
        workers: int,
        prefixes: Mapping[str, str],
    ) -> None:
        super().__init__(policy)
        self._release = release
        self._loaded: ox.Store | None = None
        handler = functools.partial(_handle, opener=functools.cache(opener), prefixes=dict(prefixes))
        self._pool = WorkerPool(handler, workers)

    @classmethod
    def from_files(
        cls, files: Sequence[Path], *, base_iri: str, policy: QueryPolicy, workers: int, prefixes: Mapping[str, str]
    ) -> EmbeddedStore:
        """An in-memory store holding ``files``."""
        store = ox.Store()
        tag = read_into(store, files, base_iri)
        release = new_release(tag, len(store))
        return_freed_memory()  # what loading left over, before the workers inherit it
        opened = cls(_returning(store), release, policy, workers=workers, prefixes=prefixes)
        # The workers share the store copy-on-write, and this process keeps it: freeing it here would write to
        # its pages (the allocator's bookkeeping), and every page written is copied, since the workers still
        # share the original (11 M triples: a peak of 6.2 GB for the process tree, 3.8 GB without).
        opened._loaded = store
        return opened

    @classmethod
    def open_directory(
        cls, directory: Path, *, policy: QueryPolicy, workers: int, prefixes: Mapping[str, str]
    ) -> EmbeddedStore:
        """The on-disk store in ``directory`` (made by ``mzgraph load --store``), opened read-only."""
        if not (directory / "CURRENT").is_file():
            raise InputError(str(directory), "no store here; fill one first with `mzgraph load --store DIR`")
        path = str(directory)
        store = cls(
            lambda: ox.Store.read_only(path), read_release(directory), policy, workers=workers, prefixes=prefixes
        )
        try:
            store.named_graphs()  # opens it in a worker: a broken store fails here, not at the first query
        except QueryError as err:
            store.close()
            raise InputError(path, f"cannot open the store: {err.message}") from None
        return store

    @property
    def release(self) -> Release:
        return self._release

    @property
    def pool_pid(self) -> int:
        """The process that forks the query workers; they are its children (for monitoring)."""
        return self._pool.pid

    def close(self) -> None:
        self._pool.close()

    def _evaluate(self, request: QueryRequest, fmt: Format, max_rows: int) -> QueryResult:
        job = _Job(
            request.query.text, fmt.family, fmt.media_type, request.default_graphs, request.named_graphs, max_rows
        )
        body, truncated = self._pool.call(job, self.policy.timeout)
        return QueryResult(body, fmt, truncated, max_rows)


def _handle(job: _Job, *, opener: Callable[[], ox.Store], prefixes: dict[str, str]) -> tuple[bytes, bool]:
    """Evaluate ``job`` (in a worker): the serialised answer and whether the row cap cut it."""
    fmt = next(f for f in formats.FORMATS[job.family] if f.media_type == job.media_type)
    dataset: dict[str, object] = {}
    if job.default_graphs or job.named_graphs:
        dataset["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        dataset["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    try:
        result = opener().query(job.text, **dataset)  # type: ignore[arg-type]
        if isinstance(result, ox.QueryBoolean):
            return result.serialize(format=fmt.oxigraph), False  # type: ignore[arg-type]
        if isinstance(result, ox.QuerySolutions):
            tsv, truncated = _capped(result, ox.QueryResultsFormat.TSV, job.max_rows + 1)  # + the header line
            return solutions_from_tsv(tsv, fmt), truncated
        ntriples, truncated = _capped(result, ox.RdfFormat.N_TRIPLES, job.max_rows)
        return graph_from_ntriples(ntriples, fmt, prefixes), truncated
    except SyntaxError as err:
        raise parser_error(str(err)) from None
    except (OSError, RuntimeError, ValueError, TypeError) as err:
        raise QueryFailed(f"the query could not be evaluated: {err}") from None


def _returning(store: ox.Store) -> Callable[[], ox.Store]:
    return lambda: store


def _capped(
    result: ox.QuerySolutions | ox.QueryTriples, line_format: ox.QueryResultsFormat | ox.RdfFormat, lines: int
) -> tuple[bytes, bool]:
    sink = LineCap(lines)
    with contextlib.suppress(CapReached):
        result.serialize(sink, format=line_format)  # type: ignore[arg-type]
    return sink.value(), sink.truncated
