"""The one safe RDF reader: positions, refusals and per-document blank nodes."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from mzgraph.errors import InputError
from mzgraph.rdf.reading import check_file, iter_file, load_file, read_file, read_files

CASES = {
    "syntax.ttl": (b"@prefix ex: <http://ex/> .\nex:a ex:b ex:c ex:d .\n", (2, 16), "A dot is expected"),
    "unterminated.ttl": (b'@prefix ex: <http://ex/> .\nex:a ex:b "open .\n', (2, 11), "Unexpected end of file"),
    "latin1.ttl": ('<http://ex/a> <http://ex/b> "café" .\n'.encode("cp1252"), (1, 33), "not UTF-8"),
    "binary.nt": (b"<x> \x00\x01\x02 not text", (1, 5), "not a text file"),
    "laughs.rdf": (
        b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY a "aaaa"> <!ENTITY b "&a;&a;"> ]>\n<rdf:RDF/>',
        (2, None),
        "nested entity 'b' refused",
    ),
    "remote.jsonld": (
        b'{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://ex/a", "name": "x"}',
        (None, None),
        "remote contexts are never fetched",
    ),
    "data.csv": (b"a,b\n", (None, None), "unknown RDF file extension"),
}


READERS = {
    "read_file": read_file,
    "iter_file": lambda path: list(iter_file(path)),
    "load_file": lambda path: load_file(ox.Store(), path),
    "load_file bulk": lambda path: load_file(ox.Store(), path, bulk=True),
}


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("name", sorted(CASES))
def test_unreadable_input_names_file_position_and_cause(tmp_path: Path, name: str, reader: str) -> None:
    data, (line, column), message = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        READERS[reader](path)
    error = caught.value
    assert (error.path, error.line, error.column) == (str(path), line, column)
    assert message in error.message
    assert "Parser error" not in str(error), "the position is reported once, as file:line:column"


def test_blank_nodes_of_two_documents_stay_two_nodes(tmp_path: Path) -> None:
    for name in ("one.ttl", "two.ttl"):
        (tmp_path / name).write_text("<http://ex/a> <http://ex/b> _:x .\n", encoding="utf-8")
    quads = read_files([tmp_path / "one.ttl", tmp_path / "two.ttl"])
    assert len({q.object for q in quads}) == 2
    assert all(isinstance(q.object, ox.BlankNode) for q in quads)


def test_blank_nodes_within_one_document_keep_their_identity(tmp_path: Path) -> None:
    path = tmp_path / "one.ttl"
    path.write_text("_:x <http://ex/b> _:y .\n_:y <http://ex/c> _:x .\n", encoding="utf-8")
    first, second = read_file(path)
    assert (first.subject, first.object) == (second.object, second.subject)


def test_utf8_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bom.ttl"
    path.write_bytes(b'\xef\xbb\xbf<http://ex/a> <http://ex/b> "caf\xc3\xa9" .\n')
    (quad,) = read_file(path)
    assert quad.object.value == "café"


def test_oxigraph_loads_give_each_document_its_own_blank_nodes(tmp_path: Path) -> None:
    """Oxigraph's own loaders rename blank nodes per parse: ``_:b0`` in two files is two nodes, whichever path."""
    for name in ("one.nt", "two.nt"):
        (tmp_path / name).write_text("_:b0 <http://ex/p> <http://ex/o> .\n_:b0 <http://ex/q> _:b1 .\n", "utf-8")
    for bulk in (False, True):
        store = ox.Store()
        for name in ("one.nt", "two.nt"):
            load_file(store, tmp_path / name, bulk=bulk)
        subjects = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode("http://ex/p"), None)}
        assert len(subjects) == 2 and all(isinstance(s, ox.BlankNode) for s in subjects)
        # within one document, _:b0 is one node: each subject of ex:p also has ex:q
        assert {q.subject for q in store.quads_for_pattern(None, ox.NamedNode("http://ex/q"), None)} == subjects
    streamed = [q for name in ("one.nt", "two.nt") for q in iter_file(tmp_path / name)]
    assert len({q.subject for q in streamed}) == 2
    assert "b0" not in {q.subject.value for q in streamed}


def test_load_file_reads_a_bom_and_puts_triples_in_the_graph_asked(tmp_path: Path) -> None:
    path = tmp_path / "bom.ttl"
    path.write_bytes(b'\xef\xbb\xbf@prefix ex: <http://ex/> .\nex:a ex:b "caf\xc3\xa9" .\n')
    graph = ox.NamedNode("http://ex/g")
    for bulk in (False, True):
        store = ox.Store()
        load_file(store, path, to_graph=graph, bulk=bulk)
        (quad,) = store
        assert (quad.object.value, quad.graph_name) == ("café", graph)
    (quad,) = iter_file(path)
    assert quad.object.value == "café"


def test_a_bad_file_adds_nothing_to_an_in_memory_load(tmp_path: Path) -> None:
    path = tmp_path / "late.nt"
    path.write_text("<http://ex/a> <http://ex/b> <http://ex/c> .\n" * 1000 + "<http://ex/a> oops .\n", "utf-8")
    store = ox.Store()
    with pytest.raises(InputError) as caught:
        load_file(store, path)
    assert caught.value.line == 1001
    assert len(store) == 0


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot open file"):
        load_file(ox.Store(), tmp_path / "absent.ttl")


MIB = 1 << 20


def test_the_streaming_pre_scan_sees_across_its_chunks(tmp_path: Path) -> None:
    """The pre-scan reads 1 MiB at a time: a character split by a chunk boundary is fine, a bad byte or a
    DOCTYPE after the first chunk is still found, at the right line and column."""
    line = b'<http://ex/a> <http://ex/b> "x" .\n'
    filler = line * (MIB // len(line) - 2)  # under 1 MiB, whole lines
    pad = MIB - len(filler) - 1  # the start of a line that puts its "é" across the boundary
    split = tmp_path / "split.nt"
    split.write_bytes(filler + b'<http://ex/a> <http://ex/b> "' + b"x" * (pad - 29) + 'é" .\n'.encode())
    assert len(split.read_bytes()) > MIB and split.read_bytes()[MIB - 1 : MIB + 1] == "é".encode()
    assert check_file(split) == ox.RdfFormat.N_TRIPLES
    assert len(list(iter_file(split))) == filler.count(b"\n") + 1

    late = tmp_path / "late.nt"
    late.write_bytes(filler * 2 + b'<http://ex/a> <http://ex/b> "caf\xe9" .\n')
    with pytest.raises(InputError) as caught:
        check_file(late)
    assert (caught.value.line, caught.value.column) == (2 * filler.count(b"\n") + 1, 33)

    truncated = tmp_path / "truncated.nt"
    truncated.write_bytes(filler + b'<http://ex/a> <http://ex/b> "\xc3')
    with pytest.raises(InputError) as caught:
        check_file(truncated)
    assert (caught.value.line, caught.value.column) == (filler.count(b"\n") + 1, 30)
    assert "not UTF-8 (byte 0xc3)" in caught.value.message

    xml = tmp_path / "late.rdf"
    comment = b"<!-- " + b"x" * (MIB - 10) + b"\n -->\n"
    xml.write_bytes(b'<?xml version="1.0"?>\n' + comment + b'<!DOCTYPE rdf:RDF [<!ENTITY a SYSTEM "a">]>\n<rdf:RDF/>\n')
    with pytest.raises(InputError, match="external entity 'a'") as caught:
        load_file(ox.Store(), xml)
    assert caught.value.line == 4


def test_positions_on_the_first_line_are_counted_after_a_bom(tmp_path: Path) -> None:
    plain = '<http://ex/a> <http://ex/b> "café" .\n'.encode("cp1252")
    for name, data in (("plain.nt", plain), ("bom.nt", b"\xef\xbb\xbf" + plain)):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InputError) as caught:
            check_file(path)
        assert (caught.value.line, caught.value.column) == (1, 33), name
