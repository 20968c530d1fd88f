"""Progress of ``mzgraph load`` on a terminal: bytes read of each file with rate and time left, then triples/s;
nothing when output is not a terminal. Reading through the counting reader loads exactly what a native read does."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pyoxigraph as ox

from mzgraph.bundled import bundled_graph_files
from mzgraph.config import DEFAULT_BASE_IRI
from mzgraph.progress import Reporter, reporter
from mzgraph.store.loading import load_directory, read_into


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_loading_shows_each_file_with_bytes_and_rate_and_ends_with_triples_per_second(tmp_path: Path) -> None:
    files = bundled_graph_files()
    screen = _Terminal()
    with reporter(screen) as report:
        release = load_directory(tmp_path / "store", files, DEFAULT_BASE_IRI, report=report)
    text = screen.getvalue()
    for path in files:
        assert path.name in text
    assert re.search(r"\d+\.\d/\d+\.\d MB, \d+\.\d MB/s", text)
    assert f"loaded {release.triples:,} triples in " in text and "triples/s" in text
    quiet = _Terminal()
    with reporter(quiet, quiet=True) as report:
        load_directory(tmp_path / "quiet", files, DEFAULT_BASE_IRI, report=report)
    assert quiet.getvalue() == ""


def test_the_counting_reader_loads_the_same_quads_as_a_native_read(tmp_path: Path) -> None:
    files = bundled_graph_files()
    native, counted = ox.Store(), ox.Store()
    read_into(native, files, DEFAULT_BASE_IRI)
    with reporter(_Terminal()) as report:
        assert report.active
        read_into(counted, files, DEFAULT_BASE_IRI, report=report)
    assert len(counted) == len(native) > 1000
    # blank nodes get fresh names in every read: the rest must be the same quads
    assert {q for q in counted if not _has_blank(q)} == {q for q in native if not _has_blank(q)}


def test_items_show_how_many_of_the_total_are_done() -> None:
    screen = _Terminal()
    with reporter(screen) as report:
        assert list(report.items(range(7), "pieces validated", 7)) == list(range(7))
    assert "pieces validated" in screen.getvalue() and "7/7" in screen.getvalue()
    assert list(Reporter().items(range(3), "nothing shown", 3)) == [0, 1, 2]


def _has_blank(quad: ox.Quad) -> bool:
    return any(isinstance(term, ox.BlankNode) for term in (quad.subject, quad.object))
