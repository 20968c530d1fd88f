"""The store's SPARQL TSV answer rewritten as N-Quads lines, whatever pieces it arrives in."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest

from mzgraph.release.dumps import _Lines, _Sink

XSD = "http://www.w3.org/2001/XMLSchema#"
ANSWER = (
    b"?s\t?p\t?o\n"
    b"<https://example.org/a>\t<https://example.org/count>\t12\n"
    b"<https://example.org/a>\t<https://example.org/delta>\t-3\n"
    b"<https://example.org/a>\t<https://example.org/share>\t0.25\n"
    b"<https://example.org/a>\t<https://example.org/ratio>\t1.5E3\n"
    b"<https://example.org/a>\t<https://example.org/open>\ttrue\n"
    b'<https://example.org/a>\t<https://example.org/name>\t"tab\\there"@nl\n'
    b"_:b1\t<https://example.org/link>\t<https://example.org/b>\n"
    b'<https://example.org/b>\t<https://example.org/date>\t"2024-01-01"^^<' + XSD.encode() + b"date>\n"
)
EX = "https://example.org/"


def _typed(subject: str, predicate: str, value: str, datatype: str) -> ox.Triple:
    return ox.Triple(
        ox.NamedNode(EX + subject),
        ox.NamedNode(EX + predicate),
        ox.Literal(value, datatype=ox.NamedNode(XSD + datatype)),
    )


EXPECTED = [
    _typed("a", "count", "12", "integer"),
    _typed("a", "delta", "-3", "integer"),
    _typed("a", "share", "0.25", "decimal"),
    _typed("a", "ratio", "1.5E3", "double"),
    _typed("a", "open", "true", "boolean"),
    ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "name"), ox.Literal("tab\there", language="nl")),
    ox.Triple(ox.BlankNode("b1"), ox.NamedNode(EX + "link"), ox.NamedNode(EX + "b")),
    _typed("b", "date", "2024-01-01", "date"),
]


def _written(tmp_path: Path, pieces: list[bytes], graph: str | None = None) -> list[ox.Quad]:
    with _Sink(tmp_path, "out.nq") as sink:
        lines = _Lines(sink, graph)
        for piece in pieces:
            lines.write(piece)
        lines.close()
    plain = (tmp_path / "out.nq").read_bytes()
    assert gzip.decompress((tmp_path / "out.nq.gz").read_bytes()) == plain
    assert sink.lines == plain.count(b"\n") == len(EXPECTED)
    return list(ox.parse(plain, format=ox.RdfFormat.N_QUADS))


@pytest.mark.parametrize("size", [1, 2, 7, 40, len(ANSWER)])
def test_every_line_is_rewritten_wherever_the_answer_is_cut(tmp_path: Path, size: int) -> None:
    pieces = [ANSWER[i : i + size] for i in range(0, len(ANSWER), size)]
    quads = _written(tmp_path, pieces)
    assert [q.triple for q in quads] == EXPECTED
    assert all(q.graph_name == ox.DefaultGraph() for q in quads)


def test_lines_of_a_named_graph_name_it(tmp_path: Path) -> None:
    graph = "https://example.org/graph/extra"
    quads = _written(tmp_path, [ANSWER], graph)
    assert [q.triple for q in quads] == EXPECTED
    assert {q.graph_name for q in quads} == {ox.NamedNode(graph)}


def test_an_answer_cut_inside_a_line_is_refused(tmp_path: Path) -> None:
    with _Sink(tmp_path, "out.nq") as sink:
        lines = _Lines(sink)
        lines.write(ANSWER[:-5])
        with pytest.raises(ValueError, match="middle of a line"):
            lines.close()


def test_a_dump_stopped_by_an_error_closes_its_files(tmp_path: Path) -> None:
    """The compressing thread is stopped and joined when writing fails half way: no hang, no open file."""
    with pytest.raises(RuntimeError, match="the store went away"), _Sink(tmp_path, "out.nq") as sink:
        sink.write(ANSWER * 10_000)  # more than one batch for the compressing thread
        raise RuntimeError("the store went away")
    assert not sink._packer.is_alive()
    assert sink._plain.closed and sink._packed.closed


def test_a_dump_larger_than_the_queue_is_compressed_whole(tmp_path: Path) -> None:
    """Many batches (more than the queue holds at once) give one gzip stream equal to the plain file."""
    with _Sink(tmp_path, "out.nq") as sink:
        for _ in range(40):
            sink.write(ANSWER * 5_000)
    plain = (tmp_path / "out.nq").read_bytes()
    assert len(plain) == 40 * 5_000 * len(ANSWER)
    assert gzip.decompress((tmp_path / "out.nq.gz").read_bytes()) == plain
    assert sink.lines == plain.count(b"\n")
