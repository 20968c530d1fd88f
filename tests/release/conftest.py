"""The release-index tests' data and stores: about 5,000 generated employers plus a few written by hand.

- ``graph_files``: the bundled graph, 5,000 employers from ``benchmarks.generate`` (made in the test, in
  seconds) and ``fixtures/extra.trig``.
- ``store``: those files in an embedded store in memory; ``index``: its release index, built once.
- ``small_files``: the bundled graph, 300 generated employers and the extra file, for the remote build path
  (the test ``oxigraph serve`` stops any query after 3 s).
Helpers: ``count(store, query)`` (the one number a SPARQL query selects), ``build(store, folder)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from benchmarks.generate import write_graph
from mzgraph.bundled import bundled_graph_files, rdf_files, shapes_dir
from mzgraph.config import DEFAULT_BASE_IRI
from mzgraph.entities.describe import describe_triples
from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.release import ReleaseIndex, build_index, open_index
from mzgraph.store import EmbeddedStore, QueryPolicy, Store

FIXTURES = Path(__file__).parent / "fixtures"
EXTRA = FIXTURES / "extra.trig"
ORGANISATIONS = 5_000
POLICY = QueryPolicy(timeout=120.0, max_rows=2_000_000)


def generated(folder: Path, organisations: int, seed: int) -> Path:
    """``organisations`` synthetic employers as N-Triples in ``folder``."""
    path = folder / f"generated-{organisations}-{seed}.nt"
    with path.open("w", encoding="utf-8") as out:
        write_graph(out, organisations, seed, with_shared=False)
    return path


def embedded(files: list[Path]) -> EmbeddedStore:
    return EmbeddedStore.from_files(files, base_iri=DEFAULT_BASE_IRI, policy=POLICY, workers=1, prefixes=PREFIXES)


def build(store: Store, directory: Path) -> ReleaseIndex:
    """The release index of ``store`` built into ``directory`` as the app builds it (with its hubs' descriptions)
    and opened."""
    shapes, base = rdf_files(shapes_dir()), DEFAULT_BASE_IRI
    build_index(store, directory, base_iri=base, prefixes=PREFIXES, shapes=shapes, describe=describe_triples)
    return open_index(directory, store.release, rebuild="the test")


def count(store: Store, query: str) -> int:
    """The one number ``query`` selects."""
    (row,) = store.select(query)
    (value,) = row.values()
    assert isinstance(value, ox.Literal)
    return int(value.value)


@pytest.fixture(scope="session")
def graph_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("release-data")
    return [*bundled_graph_files(), generated(folder, ORGANISATIONS, seed=7), EXTRA]


@pytest.fixture(scope="session")
def small_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("release-small")
    return [*bundled_graph_files(), generated(folder, 300, seed=11), EXTRA]


@pytest.fixture(scope="session")
def store(graph_files: list[Path]) -> Iterator[EmbeddedStore]:
    with embedded(graph_files) as opened:
        yield opened


@pytest.fixture(scope="session")
def index(store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReleaseIndex]:
    opened = build(store, tmp_path_factory.mktemp("release-index") / "index")
    yield opened
    opened.close()
