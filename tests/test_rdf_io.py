"""The one safe RDF reader: positions, refusals and per-document blank nodes."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from mzgraph.errors import InputError
from mzgraph.rdf_io import read_file, read_files

CASES = {
    "syntax.ttl": (b"@prefix ex: <http://ex/> .\nex:a ex:b ex:c ex:d .\n", (2, 16), "A dot is expected"),
    "unterminated.ttl": (b'@prefix ex: <http://ex/> .\nex:a ex:b "open .\n', (2, 11), "Unexpected end of file"),
    "latin1.ttl": ('<http://ex/a> <http://ex/b> "café" .\n'.encode("cp1252"), (1, 33), "not UTF-8"),
    "binary.nt": (b"\x00\x01\x02 not text", (None, None), "not a text file"),
    "laughs.rdf": (
        b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY a "aaaa"> ]>\n<rdf:RDF/>',
        (2, None),
        "DOCTYPE or ENTITY declaration is refused",
    ),
    "remote.jsonld": (
        b'{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://ex/a", "name": "x"}',
        (None, None),
        "remote contexts are never fetched",
    ),
    "data.csv": (b"a,b\n", (None, None), "unknown RDF file extension"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unreadable_input_names_file_position_and_cause(tmp_path: Path, name: str) -> None:
    data, (line, column), message = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        read_file(path)
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
    path.write_bytes(b"\xef\xbb\xbf<http://ex/a> <http://ex/b> \"caf\xc3\xa9\" .\n")
    (quad,) = read_file(path)
    assert quad.object.value == "café"
