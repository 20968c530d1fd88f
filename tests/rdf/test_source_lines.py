"""The line index finds where each subject is defined, and only where a statement starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from mzgraph.rdf.source_lines import SourceIndex, file_prefixes, subject_lines

EX = "http://example.org/"

TURTLE_CASES = {
    "prefixed names and IRIs at statement starts": (
        f"@prefix ex: <{EX}> .\nex:a ex:p ex:b .\n\n<{EX}c> ex:p 1 .\n",
        {f"{EX}a": 2, f"{EX}c": 4},
    ),
    "objects are not subjects": (
        f"@prefix ex: <{EX}> .\nex:a ex:p ex:b ;\n  ex:q ex:c , ex:d .\nex:b ex:p ex:a .\n",
        {f"{EX}a": 2, f"{EX}b": 4},
    ),
    "the first subject position wins": (
        f"@prefix ex: <{EX}> .\nex:a ex:p 1 .\nex:b ex:p 2 .\nex:a ex:p 3 .\n",
        {f"{EX}a": 2, f"{EX}b": 3},
    ),
    "dots, hashes and prefixed names inside strings are text": (
        f"@prefix ex: <{EX}> .\nex:a ex:p \"x . ex:fake ex:p # no\" .\nex:b ex:p 'y . ex:fake2' .\n",
        {f"{EX}a": 2, f"{EX}b": 3},
    ),
    "long strings span lines": (
        f'@prefix ex: <{EX}> .\nex:a ex:p """one .\nex:fake ex:p "quoted" .\n""" .\nex:b ex:p 1 .\n',
        {f"{EX}a": 2, f"{EX}b": 5},
    ),
    "comments are skipped": (
        f"@prefix ex: <{EX}> .\n# ex:fake ex:p 1 .\nex:a ex:p 1 . # ex:fake2\nex:b ex:p 2 .\n",
        {f"{EX}a": 3, f"{EX}b": 4},
    ),
    "blank node property lists and collections hide their contents": (
        f"@prefix ex: <{EX}> .\nex:a ex:p [ ex:q ex:fake ; ex:r ( ex:x ex:y ) ] .\n"
        "[ ex:p 1 ] ex:q ex:z .\nex:b ex:p 2 .\n",
        {f"{EX}a": 2, f"{EX}b": 4},
    ),
    "SPARQL-style PREFIX and BASE, relative IRIs": (
        f"BASE <{EX}base/>\nPREFIX e: <sub/>\n<rel> e:p 1 .\ne:local e:p 2 .\n",
        {f"{EX}base/rel": 3, f"{EX}base/sub/local": 4},
    ),
    "escaped and dotted local names; a final dot ends the statement": (
        f"@prefix ex: <{EX}> .\nex:a\\-b ex:p 1 .\nex:v1.2 ex:p ex:c.\nex:d ex:p 3.\n",
        {f"{EX}a-b": 2, f"{EX}v1.2": 3, f"{EX}d": 4},
    ),
    "numbers and language tags before a dot": (
        f'@prefix ex: <{EX}> .\nex:a ex:p 1.5 .\nex:b ex:p "x"@nl-BE.\nex:c ex:p 2.\n',
        {f"{EX}a": 2, f"{EX}b": 3, f"{EX}c": 4},
    ),
    "unicode escapes in IRIs": (
        f"<{EX}caf\\u00E9> <{EX}p> 1 .\n",
        {f"{EX}café": 1},
    ),
}

TRIG_CASES = {
    "graph names are not subjects": (
        f"@prefix ex: <{EX}> .\nex:g {{\n  ex:a ex:p 1 .\n  ex:b ex:p 2\n}}\nGRAPH <{EX}h> {{ ex:c ex:p 3 }}\n",
        {f"{EX}a": 3, f"{EX}b": 4, f"{EX}c": 6},
    ),
}


@pytest.mark.parametrize(("text", "expected"), TURTLE_CASES.values(), ids=TURTLE_CASES.keys())
def test_turtle_subjects_are_found_at_statement_starts(text: str, expected: dict[str, int]) -> None:
    assert subject_lines(Path("case.ttl"), text) == expected


@pytest.mark.parametrize(("text", "expected"), TRIG_CASES.values(), ids=TRIG_CASES.keys())
def test_trig_graph_labels_are_not_subjects(text: str, expected: dict[str, int]) -> None:
    assert subject_lines(Path("case.trig"), text) == expected


def test_ntriples_subject_is_the_first_term_of_a_line() -> None:
    text = f"# comment\n<{EX}a> <{EX}p> <{EX}b> .\n_:x <{EX}p> <{EX}c> .\n<{EX}b> <{EX}p> <{EX}a> .\n"
    assert subject_lines(Path("case.nt"), text) == {f"{EX}a": 2, f"{EX}b": 4}


def test_ntriples_lines_of_one_subject_in_a_row_and_a_longer_iri_after_them() -> None:
    text = (
        f"<{EX}a> <{EX}p> <{EX}b> .\n<{EX}a> <{EX}q> <{EX}c> .\n  <{EX}a> <{EX}r> <{EX}c> .\n"
        f"<{EX}ab> <{EX}p> <{EX}a> .\n<{EX}a> <{EX}p> <{EX}d> .\n<{EX}c> <{EX}p> <{EX}a> .\n"
    )
    assert subject_lines(Path("case.nt"), text) == {f"{EX}a": 1, f"{EX}ab": 4, f"{EX}c": 6}


def test_jsonld_prefers_a_node_definition_to_a_reference() -> None:
    text = (
        '{"@context": {"ex": "http://example.org/"},\n'
        ' "@graph": [\n'
        '  {"@id": "ex:a", "ex:p": {"@id": "ex:b"}},\n'
        '  {"@id": "ex:b",\n'
        '   "ex:p": 1}\n'
        "]}\n"
    )
    assert subject_lines(Path("case.jsonld"), text) == {f"{EX}a": 3, f"{EX}b": 4}


def test_rdfxml_about_and_id_with_xml_base() -> None:
    text = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xml:base="http://example.org/">\n'
        '  <rdf:Description rdf:about="a"/>\n'
        '  <rdf:Description rdf:ID="b"/>\n'
        '  <rdf:Description rdf:about="http://example.org/x?y=1&amp;z=2"/>\n'
        "</rdf:RDF>\n"
    )
    assert subject_lines(Path("case.rdf"), text) == {f"{EX}a": 2, f"{EX}#b": 3, f"{EX}x?y=1&z=2": 4}


def test_index_scans_a_file_once_and_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "data.ttl"
    path.write_text(f"<{EX}a> <{EX}p> 1 .\n", encoding="utf-8")
    index = SourceIndex()

    assert index.line(path, f"{EX}a") == 1
    path.write_text(f"\n\n<{EX}a> <{EX}p> 1 .\n", encoding="utf-8")
    assert index.line(path, f"{EX}a") == 1  # cached: files do not change during one validation
    assert index.line(path, f"{EX}missing") is None


def test_file_prefixes_reads_the_header(tmp_path: Path) -> None:
    path = tmp_path / "data.ttl"
    path.write_text(f"@prefix ex: <{EX}> .\nPREFIX e2: <{EX}2/>\n# @prefix no: <{EX}no/> .\n", encoding="utf-8")
    assert file_prefixes(path) == {"ex": EX, "e2": f"{EX}2/"}
