"""The embedded backend: pyoxigraph in memory (loaded from files) or on disk (opened read-only).

Queries are evaluated in a :class:`~mzgraph.store.pool.WorkerPool`. In memory, the store is loaded
once in this process and the workers share it copy-on-write; on disk, each worker opens the store
read-only, so several servers can share one directory (while nothing writes to it). A query bounded by
its shape (:mod:`mzgraph.sparql.bounded`) is evaluated in this process instead, on its own handle on the
store: its work ends at the row cap, so it needs neither the deadline nor the isolation of a worker, and
skips the round trip to one. So do the pattern reads of :meth:`EmbeddedStore.match`.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from mzgraph.errors import InputError
from mzgraph.rdf import formats
from mzgraph.rdf.formats import Family, Format
from mzgraph.rdf.oxigraph import written
from mzgraph.sparql.errors import QueryError, QueryFailed, QueryTimeout
from mzgraph.sparql.guard import check, parser_error
from mzgraph.store.base import QueryPolicy, QueryRequest, QueryResult, Release, Store
from mzgraph.store.loading import new_release, private_graph, read_into, read_release
from mzgraph.store.pool import WorkerPool, return_freed_memory
from mzgraph.store.results import CapReached, LineCap, solutions_from_tsv

QUICK_TEXT = 4096
"""Characters: a longer query is never checked on the caller's thread (see :meth:`EmbeddedStore.quick`)."""


@dataclass(frozen=True)
class _Job:
    """What a worker needs to answer one query (picklable)."""

    text: str
    family: Family
    media_type: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    max_rows: int
    also_default: tuple[str, ...] = ()
    """Named graphs read as part of the default graph (the private graph, when the store holds it)."""


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
        also_default: Sequence[str] = (),
    ) -> None:
        super().__init__(policy)
        self._release = release
        self._also_default = tuple(also_default)
        self._loaded: ox.Store | None = None
        self._opener = opener
        self._own_lock = threading.Lock()
        self._prefixes = dict(prefixes)
        handler = functools.partial(_handle, opener=functools.cache(opener), prefixes=self._prefixes)
        self._pool = WorkerPool(handler, workers)

    @classmethod
    def from_files(
        cls,
        files: Sequence[Path],
        *,
        base_iri: str,
        policy: QueryPolicy,
        workers: int,
        prefixes: Mapping[str, str],
        private: Collection[Path] = (),
    ) -> EmbeddedStore:
        """An in-memory store holding ``files``; the ``private`` ones go into the private graph, which queries
        then read as part of the default graph (pages and ``/sparql`` show what was loaded)."""
        store = ox.Store()
        tag = read_into(store, files, base_iri, private=private)
        release = new_release(tag, len(store))
        return_freed_memory()  # what loading left over, before the workers inherit it
        also = (private_graph(base_iri),) if private else ()
        opened = cls(_returning(store), release, policy, workers=workers, prefixes=prefixes, also_default=also)
        # The workers share the store copy-on-write, and this process keeps it: freeing it here would write to
        # its pages (the allocator's bookkeeping), and every page written is copied, since the workers still
        # share the original (11 M triples: a peak of 6.2 GB for the process tree, 3.8 GB without).
        opened._loaded = store
        return opened

    @classmethod
    def open_directory(
        cls, directory: Path, *, policy: QueryPolicy, workers: int, prefixes: Mapping[str, str], base_iri: str = ""
    ) -> EmbeddedStore:
        """The on-disk store in ``directory`` (made by ``mzgraph load --store``), opened read-only.

        If it holds the private graph of ``base_iri`` (loaded with ``--include-private``), queries read that
        graph as part of the default graph, as they do in memory.
        """
        if not (directory / "CURRENT").is_file():
            raise InputError(str(directory), "no store here; fill one first with `mzgraph load --store DIR`")
        path = str(directory)
        store = cls(
            lambda: ox.Store.read_only(path), read_release(directory), policy, workers=workers, prefixes=prefixes
        )
        try:
            graphs = store.named_graphs()  # opens it in a worker: a broken store fails here, not at the first query
        except QueryError as err:
            store.close()
            raise InputError(path, f"cannot open the store: {err.message}") from None
        if base_iri and private_graph(base_iri) in graphs:
            store._also_default = (private_graph(base_iri),)
        return store

    @property
    def release(self) -> Release:
        return self._release

    def known_release(self) -> Release:
        return self._release

    @property
    def pool_pid(self) -> int:
        """The process that forks the query workers; they are its children (for monitoring)."""
        return self._pool.pid

    def problem(self) -> str | None:
        return self._pool.problem()

    def close(self) -> None:
        self._pool.close()
        self._loaded = None

    def _own_store(self) -> ox.Store:
        """This process's own handle on the store, for streamed internal queries (opened on first use)."""
        with self._own_lock:
            if self._loaded is None:
                self._loaded = self._opener()
            return self._loaded

    def match(
        self,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        obj: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None,
        limit: int,
    ) -> list[ox.Triple]:
        store = self._own_store()
        found: list[ox.Triple] = []
        for graph in (ox.DefaultGraph(), *(ox.NamedNode(g) for g in self._also_default)):
            quads = store.quads_for_pattern(subject, predicate, obj, graph)  # type: ignore[arg-type]
            found += [quad.triple for quad in itertools.islice(quads, limit + 1 - len(found))]
            if len(found) > limit:
                break
        return found

    @contextlib.contextmanager
    def _stream(self, request: QueryRequest, deadline: float) -> Iterator[ox.QuerySolutions | Iterator[ox.Triple]]:
        try:
            result = self._own_store().query(request.query.text)
            assert not isinstance(result, ox.QueryBoolean)
            yield result
        except SyntaxError as err:
            raise parser_error(str(err)) from None
        except (OSError, RuntimeError, ValueError, TypeError) as err:
            raise QueryFailed(f"the query could not be evaluated: {err}") from None

    def _write_lines(self, request: QueryRequest, output: BinaryIO, deadline: float) -> None:
        with self._stream(request, deadline) as answer:
            sink = _Until(output, deadline)
            if isinstance(answer, ox.QuerySolutions):
                answer.serialize(sink, format=ox.QueryResultsFormat.TSV)  # type: ignore[arg-type]
            else:
                assert isinstance(answer, ox.QueryTriples)
                answer.serialize(sink, format=ox.RdfFormat.N_TRIPLES)  # type: ignore[arg-type]

    def quick(self, text: str) -> QueryRequest | None:
        if len(text) > QUICK_TEXT:
            return None
        try:
            request = QueryRequest(check(text, self.policy.limits))
        except QueryError:
            return None
        return request if self._inline(request) else None

    def _inline(self, request: QueryRequest) -> bool:
        query = request.query
        explicit = request.default_graphs or request.named_graphs or query.from_graphs or query.from_named_graphs
        return query.bounded and not explicit

    def _evaluate(self, request: QueryRequest, fmt: Format, max_rows: int) -> QueryResult:
        query = request.query
        explicit = request.default_graphs or request.named_graphs or query.from_graphs or query.from_named_graphs
        job = _Job(
            query.text,
            fmt.family,
            fmt.media_type,
            request.default_graphs,
            request.named_graphs,
            max_rows,
            () if explicit else self._also_default,
        )
        if self._inline(request):
            # its work stops with its answer at the row cap (mzgraph.sparql.bounded): no worker, no deadline needed
            body, truncated, rows = _handle(job, opener=self._own_store, prefixes=self._prefixes)
        else:
            body, truncated, rows = self._pool.call(job, self.policy.timeout)
        return QueryResult(body, fmt, truncated, max_rows, rows)


def _handle(job: _Job, *, opener: Callable[[], ox.Store], prefixes: dict[str, str]) -> tuple[bytes, bool, int]:
    """Evaluate ``job`` (in a worker): the serialised answer, whether the row cap cut it, and its rows."""
    fmt = next(f for f in formats.FORMATS[job.family] if f.media_type == job.media_type)
    dataset: dict[str, object] = {}
    if job.default_graphs or job.named_graphs:
        dataset["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        dataset["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    elif job.also_default:
        dataset["default_graph"] = [ox.DefaultGraph(), *(ox.NamedNode(g) for g in job.also_default)]
    try:
        result = opener().query(job.text, **dataset)  # type: ignore[arg-type]
        if isinstance(result, ox.QueryBoolean):
            answer = written(result.serialize(format=fmt.results))
            assert answer is not None  # no output file given: the bytes are returned
            return answer, False, 1
        if isinstance(result, ox.QuerySolutions):
            tsv, truncated, lines = _capped(result, ox.QueryResultsFormat.TSV, job.max_rows + 1)  # + the header
            return solutions_from_tsv(tsv, fmt), truncated, max(lines - 1, 0)
        triples = list(itertools.islice(result, job.max_rows + 1))  # one past the cap says whether it cut
        truncated = len(triples) > job.max_rows
        del triples[job.max_rows :]
        return written(ox.serialize(triples, format=fmt.rdf, prefixes=prefixes)), truncated, len(triples)
    except SyntaxError as err:
        raise parser_error(str(err)) from None
    except (OSError, RuntimeError, ValueError, TypeError) as err:
        raise QueryFailed(f"the query could not be evaluated: {err}") from None


class _Until:
    """A binary sink passing writes on to ``output`` until ``deadline``; then it raises, which stops the serialiser."""

    def __init__(self, output: BinaryIO, deadline: float) -> None:
        self._output = output
        self._deadline = deadline

    def write(self, data: bytes) -> int:
        if time.monotonic() > self._deadline:
            raise QueryTimeout("the streamed query ran past its deadline and was stopped")
        return self._output.write(data)

    def flush(self) -> None:
        self._output.flush()


def _returning(store: ox.Store) -> Callable[[], ox.Store]:
    return lambda: store


def _capped(
    result: ox.QuerySolutions | ox.QueryTriples, line_format: ox.QueryResultsFormat | ox.RdfFormat, lines: int
) -> tuple[bytes, bool, int]:
    sink = LineCap(lines)
    with contextlib.suppress(CapReached):
        result.serialize(sink, format=line_format)  # type: ignore[arg-type]
    return sink.value(), sink.truncated, sink.lines
