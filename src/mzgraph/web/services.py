"""What the pages need besides a request: the store's answers, caches per data release, shapes, templates.

One :class:`PageServices` per app, made on first use. Everything derived from the data (term labels,
measure groups, SHACL conformance) is cached under the store's release identity and dropped when the release
changes; what spans the whole dataset (lists, counts, search, statistics, dumps) is read from the release index.
Validation runs in a separate process, once per release, never per request.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

import pyoxigraph as ox
from jinja2 import Environment

from mzgraph.bundled import rdf_files, shapes_dir
from mzgraph.config import Settings
from mzgraph.entities import dataset, ontology
from mzgraph.entities.describe import LOOP_READ_BUDGET, Description, describe_triples, read_description
from mzgraph.entities.jsonld import direct_document, framed_with_pyld
from mzgraph.entities.vocab import m
from mzgraph.processes import background_worker
from mzgraph.rdf.reading import read_files
from mzgraph.release import ReleaseIndex
from mzgraph.release.serving import IndexHandle
from mzgraph.sparql.builders import Row, rows
from mzgraph.sparql.errors import TooManyRows
from mzgraph.store.base import Release, Store
from mzgraph.validation.page_status import MAX_TRIPLES, Conformance, from_report, validate_ntriples
from mzgraph.web.templating import create_environment

T = TypeVar("T")


JSONLD_CACHE_SIZE = 512
"""Framed JSON-LD documents kept per release (the most recently asked for)."""


class PageServices:
    """Per-app state of the pages."""

    def __init__(self, settings: Settings, store: Store, index: IndexHandle | None = None) -> None:
        self.settings = settings
        self.store = store
        self._index = index
        self.env: Environment = create_environment(settings.base_iri, settings.root_path)
        self._cache: dict[str, Any] = {}
        self._cache_tag: str | None = None
        self._shapes: ox.Store | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._warming: asyncio.Task[Conformance | None] | None = None

    async def index(self) -> ReleaseIndex:
        """The release index: every dataset-wide list, count, search, statistic and dump is read from it."""
        handle = self._index
        if handle is None:
            raise RuntimeError("these page services were made without a release index")
        opened = handle.index or await asyncio.to_thread(handle.open)  # opened at start-up; built here only if not
        if opened is None:
            raise RuntimeError("the release index could not be opened")
        return opened

    async def select(self, query: str, *, max_rows: int | None = None) -> list[Row]:
        """The rows of a SELECT query on the store (run off the event loop); a quoted triple (RDF-star), which no
        page shows, is left out like an unbound variable."""
        found = await asyncio.to_thread(self.store.select, query, max_rows=max_rows)
        return [{name: value for name, value in row.items() if not isinstance(value, ox.Triple)} for row in found]

    async def construct(self, query: str, *, max_rows: int | None = None) -> list[ox.Triple]:
        """The triples of a CONSTRUCT query on the store (run off the event loop)."""
        return await asyncio.to_thread(self.store.construct, query, max_rows=max_rows)

    async def release(self) -> Release:
        """The current release; drops every cached value when it changed."""
        current = self.store.known_release()
        if current is None:  # the store must be asked: off the event loop
            current = await asyncio.to_thread(lambda: self.store.release)
        if current.tag != self._cache_tag:
            self._cache = {}
            self._cache_tag = current.tag
        return current

    def release_cache(self) -> dict[str, Any]:
        """The values kept for the current release (call :meth:`release` first); emptied when it changes."""
        return self._cache

    async def cached(self, name: str, make: Callable[[], Awaitable[T]]) -> T:
        """The value ``name`` for the current release, made once (concurrent callers share the work)."""
        await self.release()
        task = self._cache.get(name)
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            task = self._cache[name] = asyncio.ensure_future(make())
        return await asyncio.shield(task)

    async def describe(self, iri: ox.NamedNode) -> Description:
        """The description graph of ``iri``: a hub's kept in the release index, else read in process where the
        store allows it, else asked with SPARQL."""
        release = await self.release()
        index = self._index.index if self._index is not None else None
        if index is not None and index.release == release.tag:
            kept = index.hub(iri.value)
            if kept is not None:
                return Description(iri, kept)
        labels = self._cache.setdefault("description_labels", {})  # linked resources' labels, for this release
        # a small description read in process is read right here: a trip to a thread would cost more than the read
        found = read_description(self.store, iri, budget=LOOP_READ_BUDGET, labels=labels)
        if found is None:
            found = await asyncio.to_thread(describe_triples, self.store, iri, labels)
        return Description(iri, found)

    async def term_labels(self) -> dict[str, dict[str, str]]:
        async def make() -> dict[str, dict[str, str]]:
            return ontology.read_term_labels(await self.select(ontology.term_labels_query()))

        return await self.cached("term_labels", make)

    async def groups(self) -> list[dataset.Group]:
        async def make() -> list[dataset.Group]:
            scheme = ox.NamedNode(self.settings.canonical("id/scheme/measure-group"))
            return dataset.read_groups(await self.select(dataset.groups_query(scheme)))

        return await self.cached("groups", make)

    async def employer_classes(self) -> set[ox.NamedNode]:
        """``mz:Employer`` and its subclasses (an organisation page is shown for their instances)."""

        async def make() -> set[ox.NamedNode]:
            found = await self.select(ontology.subclasses_query(m("Employer")))
            return {m("Employer")} | {c for r in found if isinstance(c := r.get("class"), ox.NamedNode)}

        return await self.cached("employer_classes", make)

    async def superclasses(self) -> dict[str, list[str]]:
        """The class tree of the ontology: class IRI -> its direct superclasses (for schema.org types)."""

        async def make() -> dict[str, list[str]]:
            return ontology.read_superclasses(await self.select(ontology.superclasses_query()))

        return await self.cached("superclasses", make)

    async def shape_rules(self, langs: Sequence[str]) -> dict[str, list[ontology.Rule]]:
        """What the shapes require of each class, with the release's coverage counts, in the reader's language."""

        async def make() -> dict[str, list[ontology.Rule]]:
            term_labels = await self.term_labels()
            rules = ontology.read_rules(await self.select_shapes(ontology.shape_rules_query()), term_labels, langs)
            ontology.apply_coverage(rules, (await self.index()).stats().coverage)
            return rules

        return await self.cached("shape_rules:" + ",".join(langs), make)

    async def entity_jsonld(self, description: Description, context_url: str) -> dict[str, Any]:
        """The framed JSON-LD of a description, kept for the release: built here when the direct builder covers
        it, else framed by pyLD off the event loop (pyLD is slow)."""
        await self.release()
        documents: OrderedDict[str, dict[str, Any]] = self._cache.setdefault("jsonld", OrderedDict())
        key = description.focus.value
        if key not in documents:
            document = direct_document(description, context_url)
            if document is None:
                document = await asyncio.to_thread(framed_with_pyld, description, context_url)
            documents[key] = document
            if len(documents) > JSONLD_CACHE_SIZE:
                documents.popitem(last=False)
        documents.move_to_end(key)
        return documents[key]

    def shapes(self) -> ox.Store:
        """The bundled shapes in a small store of their own (read once)."""
        if self._shapes is None:
            store = ox.Store()
            store.extend(read_files(rdf_files(shapes_dir())))
            self._shapes = store
        return self._shapes

    async def select_shapes(self, query: str) -> list[Row]:
        shapes = self.shapes()
        # pyoxigraph's results must be read in the thread that made them
        return await asyncio.to_thread(lambda: rows(shapes.query(query)))

    async def conformance(self, wait: float) -> Conformance | None:
        """SHACL results for the current release; None if they take longer than ``wait`` seconds (or too big)."""

        try:
            return await asyncio.wait_for(self.cached("conformance", self._validate_release), timeout=wait)
        except TimeoutError:
            raise ConformancePending from None

    async def _validate_release(self) -> Conformance | None:
        release = await self.release()
        size = release.triples
        if size is None and self._index is not None:  # a remote store: the release index counted its triples
            size = (await self.index()).stats().triples
        if size is not None and size > MAX_TRIPLES:
            return None
        # A store whose size nothing tells is read only up to the limit (a store may refuse a graph that large
        # outright, as Virtuoso does over a million triples: the error is then the page's, asked again).
        try:
            triples = await self.construct(dataset.published_triples_query(), max_rows=MAX_TRIPLES)
        except TooManyRows:
            return None  # too big to validate for the pages (and not an error: kept as the release's answer)
        ntriples = "".join(f"{t} .\n" for t in triples).encode()
        return from_report(await self.in_worker(validate_ntriples, ntriples))

    def warm_up(self) -> None:
        """Start validating the current release in the background, so the first page need not wait."""
        self._warming = asyncio.get_running_loop().create_task(self.cached("conformance", self._validate_release))
        # a failure is shown where the result is used (the organisation pages), not logged here
        self._warming.add_done_callback(lambda task: task.cancelled() or task.exception())

    async def in_worker(self, func: Callable[..., T], *args: Any) -> T:
        """Run CPU-heavy ``func`` (SHACL validation) in the worker process, off the web process."""
        return await asyncio.get_running_loop().run_in_executor(self._executor(), func, *args)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=background_worker
            )
        return self._pool

    def close(self) -> None:
        """Stop the validation worker."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


class ConformancePending(Exception):
    """Validation of the current release has not finished yet."""
