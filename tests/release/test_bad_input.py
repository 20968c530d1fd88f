"""Bad input to the release index is a clear error, never a wrong page: cursors, sizes, sorts, other releases."""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mzgraph.bundled import bundled_graph_files
from mzgraph.config import DEFAULT_BASE_IRI
from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.release import (
    BadCursor,
    BadRequest,
    IndexMismatch,
    IndexMissing,
    ReleaseIndex,
    ReleaseIndexError,
    Sort,
    build_index,
    ensure_index,
    open_index,
)
from mzgraph.release.build import DATABASE
from mzgraph.store import QueryPolicy, RemoteStore
from mzgraph.store.base import Release

from .conftest import build, embedded


def _cursor(*fields: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(fields)).encode()).decode().rstrip("=")


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReleaseIndex]:
    """The index of another release: the bundled graph alone."""
    with embedded(bundled_graph_files()) as store:
        opened = build(store, tmp_path_factory.mktemp("other") / "index")
    yield opened
    opened.close()


@pytest.mark.parametrize(
    "cursor",
    [
        "x",
        "!!!!",
        "e30",
        "a+b/",
        _cursor(1, "tag"),
        _cursor(2, "tag", "name:nl:asc", 0, 5),
        _cursor(1, 5, "o", 0, 1),
        _cursor(1, "tag", "name:nl:asc", 0, -4),
        _cursor(1, "tag", "name:nl:asc", 3, 4),
        _cursor(1, "tag", "name:nl:asc", 0, None),
        "WzEsIjM4ODg2ZjBjZTdiMzI0YTljY2NhIiwibmFtZTpubDphc2MiLDAsMV0%%%",
    ],
)
def test_a_malformed_cursor_is_refused(index: ReleaseIndex, cursor: str) -> None:
    with pytest.raises(BadCursor, match="not one this site made") as refused:
        index.browse(cursor=cursor)
    assert refused.value.code == "bad_cursor"
    assert index.browse(cursor="").position == 0  # an empty cursor is no cursor: the first page


def test_a_cursor_of_another_release_is_refused_naming_both(index: ReleaseIndex, other: ReleaseIndex) -> None:
    foreign = other.browse(size=2).next
    assert foreign is not None
    with pytest.raises(BadCursor) as refused:
        index.browse(size=2, cursor=foreign)
    assert other.release in refused.value.message and index.release in refused.value.message
    assert refused.value.detail == {"cursor_release": other.release, "release": index.release}


def test_a_cursor_of_another_order_or_search_is_refused(index: ReleaseIndex) -> None:
    by_name = index.browse(size=5).next
    with pytest.raises(BadCursor, match="another order or search"):
        index.browse(sort=Sort.parse("-measures"), cursor=by_name)
    relevant = index.browse(search="verlof", sort=Sort("relevance"), size=5).next
    with pytest.raises(BadCursor, match="another order or search"):
        index.browse(search="zorg", sort=Sort("relevance"), cursor=relevant)
    assert index.browse(search="verlof", sort=Sort("relevance"), size=5, cursor=relevant).position == 5


@pytest.mark.parametrize("size", [0, -1, 1001])
def test_a_page_size_out_of_range_is_refused(index: ReleaseIndex, size: int) -> None:
    with pytest.raises(BadRequest, match="size must be between 1 and 1000"):
        index.browse(size=size)


def test_unknown_sorts_and_relevance_without_a_search_are_refused(index: ReleaseIndex) -> None:
    for text in ("age", "-relevance", "", "name; DROP"):
        with pytest.raises(BadRequest, match="unknown sort"):
            Sort.parse(text)
    with pytest.raises(BadRequest, match="needs a search"):
        index.browse(sort=Sort("relevance"))


def test_an_index_of_another_release_is_refused_naming_both_tags_and_the_fix(index: ReleaseIndex) -> None:
    elsewhere = Release("0123456789abcdef0123", index.modified)
    with pytest.raises(IndexMismatch) as refused:
        open_index(index.directory, elsewhere, rebuild="mzgraph index --store STORE")
    message = refused.value.message
    assert index.release in message and elsewhere.tag in message and "mzgraph index --store STORE" in message


def test_no_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IndexMissing, match="build it with `mzgraph index --store S`"):
        open_index(tmp_path / "none", Release("t", datetime(2026, 1, 1, tzinfo=UTC)), rebuild="mzgraph index --store S")


def test_a_failed_build_leaves_the_previous_index_and_no_half_built_one(index: ReleaseIndex, tmp_path: Path) -> None:
    """A store that goes away during the build: the error comes through, and nothing half-built is left."""
    target = tmp_path / "index"
    target.mkdir()
    (target / "keep").write_text("the previous index")
    down = RemoteStore("http://127.0.0.1:9/query", QueryPolicy(timeout=2.0), prefixes=PREFIXES)
    with pytest.raises(Exception, match="cannot be reached"):
        build_index(down, target, base_iri=DEFAULT_BASE_IRI, prefixes=PREFIXES)
    assert (target / "keep").read_text() == "the previous index"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]


def test_a_folder_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with embedded(bundled_graph_files()) as store, pytest.raises(ReleaseIndexError, match="cannot write the release"):
        build_index(store, blocked / "index", base_iri=DEFAULT_BASE_IRI, prefixes=PREFIXES)
    with embedded(bundled_graph_files()) as store, pytest.raises(ReleaseIndexError, match="MZGRAPH_INDEX_PATH"):
        ensure_index(store, blocked / "cache", base_iri=DEFAULT_BASE_IRI, prefixes=PREFIXES)


def test_a_cached_index_of_another_format_is_rebuilt(tmp_path: Path) -> None:
    """An index an older mzgraph left in the cache is built again, not refused: serving data in memory after an
    upgrade works (an index given by path, or an on-disk store's, is refused naming the command instead)."""
    with embedded(bundled_graph_files()) as store:
        directory = ensure_index(store, tmp_path, base_iri=DEFAULT_BASE_IRI, prefixes=PREFIXES)
        db = sqlite3.connect(directory / DATABASE)
        db.execute("UPDATE meta SET value = '1' WHERE key = 'format'")
        db.commit()
        db.close()
        with pytest.raises(IndexMismatch, match="has format 1"):
            open_index(directory, store.release, rebuild="the test")
        assert ensure_index(store, tmp_path, base_iri=DEFAULT_BASE_IRI, prefixes=PREFIXES) == directory
        assert open_index(directory, store.release, rebuild="the test").count == 5
