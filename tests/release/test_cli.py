"""The release index on the command line and in the server: built by ``mzgraph load``, ``mzgraph index`` and
``mzgraph serve``, picked up and checked by ``serve``, on the embedded store and on a real ``oxigraph serve``."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from common import PRIVATE_FIXTURES, LiveServer
from mzgraph.bundled import bundled_graph_files
from mzgraph.config import DEFAULT_BASE_IRI
from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.rdf.reading import read_files
from mzgraph.release import Filters, ReleaseIndex, Reporter, Sort, build_index, reporter
from tools.servers import OxigraphServer, replace_oxigraph_data

from .conftest import build, embedded

RUN = Callable[..., subprocess.CompletedProcess[str]]
ID = "https://w3id.org/mzgraph/id/"


def _flags(files: list[Path]) -> list[str]:
    return [flag for path in files for flag in ("--data", str(path))]


def _same_index(ours: ReleaseIndex, theirs: ReleaseIndex) -> None:
    """Two indexes of the same data answer the same (lists, facets, statistics, dump contents)."""
    assert ours.release == theirs.release
    for sort in ("name", "-recognised", "measures"):
        for search in (None, "verlof"):
            mine = ours.browse(sort=Sort.parse(sort), search=search, size=1000)
            other = theirs.browse(sort=Sort.parse(sort), search=search, size=1000)
            assert [i.iri for i in mine.items] == [i.iri for i in other.items] and mine.total == other.total
    filters = Filters(categories=(ID + "measure-type/leave",), ambassador=False)
    assert ours.facets(filters) == theirs.facets(filters)
    mine, other = ours.stats(), theirs.stats()
    assert {**vars(mine), "built": None, "modified": None} == {**vars(other), "built": None, "modified": None}
    for name, fmt in (("nq", ox.RdfFormat.N_QUADS), ("ttl", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD)):
        assert set(ox.parse(path=ours.dump(name).path, format=fmt)) == set(
            ox.parse(path=theirs.dump(name).path, format=fmt)
        )
    assert ours.sitemap(0) and sorted(ours.sitemap(0)) == sorted(theirs.sitemap(0))


@pytest.fixture(scope="module")
def loaded(mzgraph: RUN, small_files: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("cli") / "store"
    done = mzgraph("load", "--store", str(store), *_flags(small_files))
    assert done.returncode == 0, done.stderr
    assert "release index of 308 organisations" in done.stderr and str(store / "index") in done.stderr
    assert "\x1b[" not in done.stderr  # no progress display when stderr is not a terminal
    return store


def test_load_builds_the_index_beside_the_store_and_serve_picks_it_up(
    loaded: Path, small_files: list[Path], start_server: Callable[..., LiveServer], tmp_path: Path
) -> None:
    server = start_server(store_path=loaded)
    index = server.app.state.release_index.index
    assert index is not None and index.release == server.store.release.tag
    assert index.directory == loaded / "index"
    with embedded(small_files) as store:
        _same_index(index, build(store, tmp_path / "index"))


def test_serve_refuses_an_index_of_another_release(loaded: Path, mzgraph: RUN, tmp_path: Path) -> None:
    other = tmp_path / "other"
    assert mzgraph("load", "--store", str(other)).returncode == 0  # the bundled graph: another release
    refused = mzgraph("serve", "--store", str(loaded), "--index", str(other / "index"), "--port", "1", timeout=60)
    assert refused.returncode == 2
    wanted = ReleaseIndex(loaded / "index").release
    found = ReleaseIndex(other / "index").release
    assert f"built from release {found}" in refused.stderr and f"the store holds release {wanted}" in refused.stderr
    assert f"mzgraph index --store {loaded} --out {other / 'index'}" in refused.stderr
    missing = mzgraph("serve", "--store", str(loaded), "--index", str(tmp_path / "none"), "--port", "1", timeout=60)
    assert missing.returncode == 2 and "no release index in" in missing.stderr


def test_mzgraph_index_rebuilds_the_index_of_a_store(loaded: Path, mzgraph: RUN) -> None:
    before = ReleaseIndex(loaded / "index").built
    done = mzgraph("index", "--store", str(loaded), "--quiet")
    assert done.returncode == 0, done.stderr
    after = ReleaseIndex(loaded / "index")
    assert after.release == ReleaseIndex(loaded / "index").release and after.built >= before
    assert not [p for p in loaded.parent.iterdir() if p.name.startswith(".")]  # nothing half-built left behind


def test_a_remote_store_gets_the_same_index(
    start_oxigraph: Callable[[], OxigraphServer],
    mzgraph: RUN,
    small_files: list[Path],
    tmp_path: Path,
    start_server: Callable[..., LiveServer],
) -> None:
    oxigraph = start_oxigraph()
    out = tmp_path / "remote-index"
    done = mzgraph("load", "--sparql-endpoint", oxigraph.query_url, "--index", str(out), *_flags(small_files))
    assert done.returncode == 0, done.stderr
    remote = ReleaseIndex(out)
    with embedded(small_files) as store:
        _same_index(remote, build(store, tmp_path / "embedded-index"))
    again = mzgraph("index", "--sparql-endpoint", oxigraph.query_url, "--out", str(tmp_path / "again"), "--quiet")
    assert again.returncode == 0, again.stderr
    assert ReleaseIndex(tmp_path / "again").stats().triples == remote.stats().triples
    server = start_server(sparql_endpoint=oxigraph.query_url, index_path=out)
    assert server.app.state.release_index.index.release == server.store.release.tag == remote.release
    no_out = mzgraph("index", "--sparql-endpoint", oxigraph.query_url)
    assert no_out.returncode == 2 and "give --out FOLDER" in no_out.stderr


def test_a_remote_store_served_without_an_index_gets_one_built_at_start_up(
    start_oxigraph: Callable[[], OxigraphServer],
    mzgraph: RUN,
    small_files: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mzgraph.bundled import rdf_files, shapes_dir
    from mzgraph.config import Settings
    from mzgraph.release.serving import IndexHandle
    from mzgraph.store import open_store

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    oxigraph = start_oxigraph()
    nquads = ox.serialize(read_files(small_files), format=ox.RdfFormat.N_QUADS)
    with httpx.Client(timeout=60) as client:
        replace_oxigraph_data(client, oxigraph.url, nquads)
    settings = Settings(backend="remote", sparql_endpoint=oxigraph.query_url)

    def opened() -> tuple[IndexHandle, ReleaseIndex]:
        handle = IndexHandle(settings, open_store(settings), shapes=rdf_files(shapes_dir()), prefixes=PREFIXES)
        assert handle.built_at_start
        index = handle.open()
        assert index is not None
        return handle, index

    handle, index = opened()  # the store records no release: an index of this process only
    assert index.count == 308 and index.browse(search="verlof").total > 0
    handle.close()
    assert not index.directory.exists(), "removed when the server stops"
    assert not (tmp_path / "cache").exists()

    done = mzgraph("load", "--sparql-endpoint", oxigraph.query_url, *_flags(small_files), "--quiet")
    assert done.returncode == 0, done.stderr
    handle, index = opened()  # a recorded release: built into the cache, kept and reused
    recorded = open_store(settings).release.tag
    assert index.directory.is_relative_to(tmp_path / "cache") and index.release == recorded
    handle.close()
    again_handle, again = opened()
    assert again.directory == index.directory and again.built == index.built, "not built again"
    again_handle.close()


def test_a_store_that_records_no_release_takes_the_release_of_the_index_it_is_served_with(
    start_oxigraph: Callable[[], OxigraphServer], mzgraph: RUN, small_files: list[Path], tmp_path: Path
) -> None:
    """Loaded by other means (a bulk loader), the store has no release marker: every web node given the same index
    takes its release, so their tags and ETags agree and the hub descriptions kept in the index are used."""
    from mzgraph.bundled import rdf_files, shapes_dir
    from mzgraph.config import Settings
    from mzgraph.release.serving import IndexHandle
    from mzgraph.store import open_store

    oxigraph = start_oxigraph()
    with httpx.Client(timeout=60) as client:
        replace_oxigraph_data(client, oxigraph.url, ox.serialize(read_files(small_files), format=ox.RdfFormat.N_QUADS))
    out = tmp_path / "index"
    done = mzgraph("index", "--sparql-endpoint", oxigraph.query_url, "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    tags = []
    for _node in range(2):
        settings = Settings(backend="remote", sparql_endpoint=oxigraph.query_url, index_path=out)
        store = open_store(settings)
        handle = IndexHandle(settings, store, shapes=rdf_files(shapes_dir()), prefixes=PREFIXES)
        assert handle.open() is not None
        assert handle.warning is not None and "records no release" in handle.warning
        tags.append(store.release.tag)
        handle.close()
    assert tags == [ReleaseIndex(out).release] * 2


def test_personal_data_is_loaded_into_its_own_graph_and_never_published(
    mzgraph: RUN, tmp_path: Path, start_server: Callable[..., LiveServer], start_oxigraph: Callable[[], OxigraphServer]
) -> None:
    private = ["--include-private", "--private-data", str(PRIVATE_FIXTURES)]
    store = tmp_path / "store"
    assert mzgraph("load", "--store", str(store), *private).returncode == 0
    server = start_server(store_path=store)
    graph = "https://w3id.org/mzgraph/graph/private"
    person = "?c a <https://w3id.org/mzgraph/def/ContactPerson>"
    assert len(server.store.select(f"SELECT ?c WHERE {{ {person} }}")) == 2  # served: read as part of the default
    assert len(server.store.select(f"SELECT ?c WHERE {{ GRAPH <{graph}> {{ {person} }} }}")) == 2
    oxigraph = start_oxigraph()
    out = tmp_path / "remote-index"
    assert mzgraph("load", "--sparql-endpoint", oxigraph.query_url, "--index", str(out), *private).returncode == 0
    for index in (ReleaseIndex(store / "index"), ReleaseIndex(out)):
        for dump in index.dumps():
            assert b"/id/contact/" not in (dump.path.read_bytes() if not dump.gzip else b"")
        assert not [iri for iri in index.sitemap(0) if "/id/contact/" in iri]
        assert index.browse(search="Jansen").total == 0


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("no_color", [False, True])
def test_a_build_shows_its_progress_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    shown, hidden = _Terminal(), _Terminal()
    with embedded(bundled_graph_files()) as store:
        for stream, quiet in ((shown, False), (hidden, True)):
            with reporter(stream, quiet=quiet) as report:
                build_index(
                    store, tmp_path / f"index-{quiet}", base_iri=DEFAULT_BASE_IRI, prefixes=PREFIXES, report=report
                )
    text = shown.getvalue()
    for step in ("employers", "search index", "dumps", "sitemap", "statistics"):
        assert re.search(step + r" \(\d+\.\d s\)", text), step
    assert hidden.getvalue() == "" and reporter(io.StringIO()).__class__ is Reporter  # not a terminal: quiet
    colours = re.findall(r"\x1b\[[0-9;]*3[0-7](?:;[0-9]+)*m|\x1b\[[0-9;]*38;", text)
    assert (colours == []) is no_color
