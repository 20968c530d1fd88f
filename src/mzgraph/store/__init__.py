"""The store layer: one :class:`Store` interface, an embedded and a remote backend, and :func:`open_store`.

Everything above this layer talks SPARQL to a :class:`Store`::

    with open_store(settings) as store:
        rows = store.select("SELECT ?label WHERE { ?org rdfs:label ?label }", {"org": iri})
        result = store.query(text, formats.TURTLE)   # serialised bytes, as the endpoint sends them

Calls block (a query may run up to its deadline): async code runs them in a thread.
"""

from __future__ import annotations

from pathlib import Path

from mzgraph.bundled import bundled_graph_files
from mzgraph.config import Settings
from mzgraph.errors import InputError
from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.sparql.guard import Limits
from mzgraph.store.base import Binding, QueryPolicy, QueryRequest, QueryResult, Release, Row, Store
from mzgraph.store.embedded import EmbeddedStore
from mzgraph.store.loading import expand, release_graph
from mzgraph.store.remote import RemoteStore

__all__ = [
    "Binding",
    "EmbeddedStore",
    "QueryPolicy",
    "QueryRequest",
    "QueryResult",
    "Release",
    "RemoteStore",
    "Row",
    "Store",
    "open_store",
    "policy_of",
    "store_credentials",
]


def open_store(settings: Settings) -> Store:
    """The store ``settings`` describe: remote endpoint, on-disk directory, data files, or the bundled graph."""
    policy = policy_of(settings)
    prefixes = dict(PREFIXES)
    remote = settings.backend == "remote" or settings.sparql_endpoint is not None
    if remote and settings.store_path is not None:
        raise InputError(str(settings.store_path), "give either a store directory or a SPARQL endpoint, not both")
    if remote:
        if not settings.sparql_endpoint:
            raise InputError("settings", "the remote backend needs a SPARQL endpoint URL (--sparql-endpoint)")
        return RemoteStore(
            settings.sparql_endpoint,
            policy,
            prefixes=prefixes,
            release_graph=release_graph(settings.base_iri),
            data_graph=settings.data_graph,
            credentials=store_credentials(settings),
        )
    if settings.store_path is not None:
        if settings.data_paths:
            raise InputError(str(settings.store_path), "--data is loaded with `mzgraph load`; serve the store alone")
        return EmbeddedStore.open_directory(
            settings.store_path,
            policy=policy,
            workers=settings.query_workers,
            prefixes=prefixes,
            base_iri=settings.base_iri,
        )
    return EmbeddedStore.from_files(
        data_files(settings),
        base_iri=settings.base_iri,
        policy=policy,
        workers=settings.query_workers,
        prefixes=prefixes,
        private=private_files(settings),
    )


def store_credentials(settings: Settings) -> tuple[str, str] | None:
    """The account to give a remote store (``--user``/``--password``), if one is set."""
    if settings.store_user is None:
        return None
    password = settings.store_password.get_secret_value() if settings.store_password else ""
    return settings.store_user, password


def data_files(settings: Settings) -> list[Path]:
    """The RDF files to load: ``settings.data_paths`` if any, else the bundled graph."""
    if settings.data_paths:
        return expand(settings.data_paths)
    return bundled_graph_files(include_private=settings.include_private, private=settings.private_data)


def private_files(settings: Settings) -> list[Path]:
    """Those of :func:`data_files` that are personal data (``include_private``): they go into the private graph."""
    if settings.data_paths or not settings.include_private:
        return []
    public = set(bundled_graph_files())
    return [path for path in data_files(settings) if path not in public]


def policy_of(settings: Settings) -> QueryPolicy:
    """The query policy (deadline, row cap, concurrency, size limits) of ``settings``."""
    return QueryPolicy(
        timeout=settings.query_timeout,
        max_rows=settings.max_rows,
        max_concurrent=settings.max_concurrent_queries,
        limits=Limits(max_length=settings.max_query_length),
    )
