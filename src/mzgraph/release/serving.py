"""Which release index a served store uses, and opening it: built at start-up for data in memory and for a remote
store served without one, opened (and checked against the store's release) for an on-disk store or a remote store
given ``--index``."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from mzgraph.config import Settings, default_index_cache
from mzgraph.progress import Reporter
from mzgraph.release.build import build_index, ensure_index
from mzgraph.release.errors import ReleaseIndexError
from mzgraph.release.hubs import Describer
from mzgraph.release.index import ReleaseIndex, open_index
from mzgraph.sparql.errors import QueryError
from mzgraph.store import Release, RemoteStore, Store

STORE_INDEX = "index"
"""The index of an on-disk store, inside the store folder."""


def store_index(store_path: Path) -> Path:
    """Where ``mzgraph load --store DIR`` builds the index: ``DIR/index``."""
    return store_path / STORE_INDEX


class IndexHandle:
    """The release index of the store an app serves: :meth:`open` once (it may build), then :attr:`index`.

    - on-disk store: ``settings.index_path`` or ``STORE/index``; it must exist and be of the store's release;
    - remote store with ``settings.index_path``: that index, checked against the release the store records (a
      store loaded by other means records none: the index is trusted, with a warning);
    - remote store without: built at start-up from the store, like data in memory: into the cache folder when
      the store records its release (processes and restarts serving that release share one build), else into a
      temporary folder of this process, removed when it stops (the data behind the endpoint may change unseen,
      so such an index lives as long as the process);
    - data in memory: built into the cache folder (``settings.index_path`` or :func:`default_index_cache`), one
      folder per release; processes serving the same release share one build.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        shapes: Sequence[Path],
        prefixes: Mapping[str, str],
        describe: Describer | None = None,
    ) -> None:
        self._settings = settings
        self._store = store
        self._shapes = tuple(shapes)
        self._prefixes = dict(prefixes)
        self._describe = describe
        self._index: ReleaseIndex | None = None
        self._opened = False
        self._lock = threading.Lock()
        self.warning: str | None = None
        self._temporary: tempfile.TemporaryDirectory[str] | None = None

    @property
    def in_memory(self) -> bool:
        """Whether the data is loaded in memory (its index is built, not opened)."""
        return self._settings.store_path is None and not isinstance(self._store, RemoteStore)

    @property
    def built_at_start(self) -> bool:
        """Whether the index is built when the server starts (data in memory, or a remote store without
        ``--index``), rather than opened and checked when the app is made."""
        return self.in_memory or (isinstance(self._store, RemoteStore) and self._settings.index_path is None)

    @property
    def index(self) -> ReleaseIndex | None:
        """The index once :meth:`open` has run (None before, or for a remote store served without one)."""
        return self._index

    def open(self, report: Reporter | None = None) -> ReleaseIndex | None:
        """Open the index (building it first for data in memory); raises IndexMissing or IndexMismatch."""
        with self._lock:
            if not self._opened:
                self._index = self._open(report or Reporter())
                self._opened = True
            return self._index

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
        if self._temporary is not None:
            self._temporary.cleanup()
            self._temporary = None

    def _open(self, report: Reporter) -> ReleaseIndex | None:
        settings, store = self._settings, self._store
        if settings.store_path is not None:
            directory = settings.index_path or store_index(settings.store_path)
            rebuild = f"mzgraph index --store {settings.store_path}" + (
                f" --out {settings.index_path}" if settings.index_path else ""
            )
            return open_index(directory, store.release, rebuild=rebuild)
        if isinstance(store, RemoteStore):
            if settings.index_path is None:
                return self._build_remote(store, report)
            rebuild = f"mzgraph index --sparql-endpoint {store.endpoint} --out {settings.index_path}"
            try:
                recorded = store.recorded_release()
                why = "it records no release (it was not loaded with `mzgraph load`)"
            except QueryError as err:
                recorded, why = None, f"it cannot be asked now ({err})"
            if recorded is None:
                index = ReleaseIndex(settings.index_path)
                built = index.built.strftime("%Y-%m-%d %H:%M")
                self.warning = (
                    f"the release index in {settings.index_path} (release {index.release}, built {built}) cannot be "
                    f"checked against the store at {store.endpoint}: {why}; rebuild it with `{rebuild}` whenever "
                    "the data changes"
                )
                store.assume_release(Release(index.release, index.modified))
                return index
            return open_index(settings.index_path, recorded, rebuild=rebuild)
        root = settings.index_path or default_index_cache()
        directory = ensure_index(
            store,
            root,
            base_iri=settings.base_iri,
            prefixes=self._prefixes,
            shapes=self._shapes,
            describe=self._describe,
            report=report,
        )
        return open_index(directory, store.release, rebuild="mzgraph serve (it builds the index at start-up)")

    def _build_remote(self, store: RemoteStore, report: Reporter) -> ReleaseIndex:
        """The index of a remote store served without one, built now from the store."""
        try:
            recorded = store.recorded_release()
        except QueryError as err:
            raise ReleaseIndexError(
                f"cannot build the release index: the store at {store.endpoint} did not answer ({err}); serve it "
                f"when it answers, or give the index built by `mzgraph index --sparql-endpoint {store.endpoint} "
                "--out DIR` with --index DIR",
                detail={"endpoint": store.endpoint},
            ) from None
        base_iri, prefixes, shapes, describe = self._settings.base_iri, self._prefixes, self._shapes, self._describe
        rebuild = "mzgraph serve (it builds the index at start-up)"
        if recorded is not None:
            directory = ensure_index(
                store,
                default_index_cache(),
                base_iri=base_iri,
                prefixes=prefixes,
                shapes=shapes,
                describe=describe,
                report=report,
            )
            return open_index(directory, recorded, rebuild=rebuild)
        self._temporary = tempfile.TemporaryDirectory(prefix="mzgraph-index-")
        directory = Path(self._temporary.name) / "index"
        build_index(
            store, directory, base_iri=base_iri, prefixes=prefixes, shapes=shapes, describe=describe, report=report
        )
        return open_index(directory, store.release, rebuild=rebuild)
