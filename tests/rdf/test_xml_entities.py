"""RDF/XML as Protégé and the OWL API write it: flat DOCTYPE entities are read, everything else in a DTD refused.

The same rule holds wherever RDF is read: ``mzgraph validate``, ``mzgraph load``, ``serve --data`` and
``POST /validate`` (all through ``mzgraph.rdf.reading``). The "billion laughs" and external-entity fixtures of
``test_bad_input.py`` keep failing there with exit 2.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from mzgraph.bundled import bundled_graph_files
from mzgraph.errors import InputError
from mzgraph.rdf.reading import check_file, iter_file, load_file, parse_bytes, read_file
from mzgraph.rdf.xml_entities import MAX_EXPANSION, EntityGuard, EntityRefused, declared_entities

FIXTURES = Path(__file__).parents[1] / "fixtures"
PROTEGE = FIXTURES / "protege" / "measure-types-extension.owl"
BAD_INPUT = FIXTURES / "bad_input"
CONCEPT = "https://w3id.org/mzgraph/id/measure-type/priority-parking"
CONCEPT_LINE = 68
"""The line of ``rdf:about="&mt;priority-parking"`` in the Protégé file."""
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RUN = Callable[..., subprocess.CompletedProcess[str]]

READERS = {
    "read_file": read_file,
    "iter_file": lambda path: list(iter_file(path)),
    "load_file": lambda path: list(_loaded(path)),
    "load_file bulk": lambda path: list(_loaded(path, bulk=True)),
}


def _loaded(path: Path, *, bulk: bool = False) -> ox.Store:
    store = ox.Store()
    load_file(store, path, bulk=bulk)
    return store


def triples(quads: object) -> set[tuple[str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in quads}  # type: ignore[attr-defined]


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_file_as_protege_writes_it_is_read_with_its_entities_expanded(reader: str) -> None:
    found = triples(READERS[reader](PROTEGE))
    concept = f"<{CONCEPT}>"
    assert (concept, "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", f"<{SKOS}Concept>") in found
    assert (concept, f"<{SKOS}inScheme>", "<https://w3id.org/mzgraph/id/scheme/measure-type>") in found
    assert (concept, f"<{SKOS}prefLabel>", '"Parkeerplaats bij de ingang"@nl') in found
    assert (
        f"<{SKOS}prefLabel>",
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
        "<http://www.w3.org/2002/07/owl#AnnotationProperty>",
    ) in found
    comment = '"Een maatregeltype, toegevoegd met Protégé."'
    assert (
        "<https://w3id.org/mzgraph/def/extension>",
        "<http://www.w3.org/2000/01/rdf-schema#comment>",
        comment,
    ) in found
    assert not any("&" in term for triple in found for term in triple), "no reference is left unexpanded"


def test_the_guard_gives_the_same_answer_however_the_file_is_cut_into_chunks() -> None:
    data = PROTEGE.read_bytes()
    whole = EntityGuard()
    whole.feed(data, 0)
    whole.finish()
    assert whole.entities is not None and whole.entities[b"skos"] == SKOS.encode()
    # four &skos;, two &mt;, one &scheme;, one &xsd; (the text itself counts them: "&skos;" occurs four times)
    assert data.count(b"&skos;") == 4 and data.count(b"&mt;") == 2
    expected = 4 * len(SKOS) + 2 * len("https://w3id.org/mzgraph/id/measure-type/")
    assert whole.expanded == expected + len("https://w3id.org/mzgraph/id/scheme/") + len(XSD)
    for size in (1, 7, 64, 1000):
        pieces = EntityGuard()
        for start in range(0, len(data), size):
            pieces.feed(data[start : start + size], start)
        pieces.finish()
        assert (pieces.entities, pieces.expanded) == (whole.entities, whole.expanded), size


def test_declared_entities_are_what_the_line_index_expands() -> None:
    assert declared_entities(PROTEGE.read_text(encoding="utf-8"))["mt"] == "https://w3id.org/mzgraph/id/measure-type/"
    assert declared_entities("<rdf:RDF/>") == {}
    assert declared_entities((BAD_INPUT / "billion-laughs.rdf").read_text()) == {}


def document(doctype: str, body: str = "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/>") -> bytes:
    return f'<?xml version="1.0"?>\n{doctype}\n{body}\n'.encode()


# name -> (document, line of the refusal, what the message says)
REFUSED = {
    "nested": (
        document('<!DOCTYPE rdf:RDF [\n  <!ENTITY a "x">\n  <!ENTITY b "&a;&a;">\n]>'),
        4,
        "RDF/XML nested entity 'b' refused",
    ),
    "nested through a character reference": (
        document('<!DOCTYPE rdf:RDF [ <!ENTITY b "&#38;a;"> ]>'),
        2,
        "nested entity 'b' refused",
    ),
    "external SYSTEM": (
        document('<!DOCTYPE rdf:RDF [\n<!ENTITY secret SYSTEM "file:///etc/hostname">\n]>'),
        3,
        "RDF/XML external entity 'secret' refused (SYSTEM",
    ),
    "external PUBLIC": (
        document('<!DOCTYPE rdf:RDF [ <!ENTITY x PUBLIC "-//X//EN" "http://127.0.0.1:9/x"> ]>'),
        2,
        "external entity 'x' refused (PUBLIC",
    ),
    "external DTD": (
        document('<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:9/rdf.dtd">'),
        2,
        "names an external DTD (SYSTEM)",
    ),
    "parameter entity": (
        document("<!DOCTYPE rdf:RDF [\n <!ENTITY % p \"<!ENTITY x 'y'>\">\n %p;\n]>"),
        3,
        "RDF/XML parameter entity '%p' refused",
    ),
    "parameter reference": (
        document("<!DOCTYPE rdf:RDF [\n %p;\n]>"),
        3,
        "parameter entity reference %p; refused",
    ),
    "other declaration": (
        document("<!DOCTYPE rdf:RDF [ <!ATTLIST rdf:RDF a CDATA 'b'> ]>"),
        2,
        "only ENTITY declarations are accepted there, not <!ATTLIST …>",
    ),
    "entity outside the DOCTYPE": (
        document("", "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n<!ENTITY a 'b'>\n</rdf:RDF>"),
        4,
        "an ENTITY outside the DOCTYPE",
    ),
    "a second DOCTYPE": (
        document('<!DOCTYPE rdf:RDF [ <!ENTITY a "b"> ]>\n<!DOCTYPE rdf:RDF>'),
        3,
        "a second DOCTYPE",
    ),
    "a DOCTYPE without an end": (b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY a "b">', 2, "does not end"),
    "expansion past the bound": (
        document(
            f'<!DOCTYPE rdf:RDF [ <!ENTITY big "{"x" * (256 << 10)}"> ]>',
            "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n"
            + "<!-- &big; -->\n" * (MAX_EXPANSION // (256 << 10))
            + "<!-- &big; one too many -->\n</rdf:RDF>",
        ),
        3 + MAX_EXPANSION // (256 << 10) + 1,
        "entity references expand to more than 64 MiB of text",
    ),
}


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_each_kind_of_entity_is_refused_with_its_own_message(tmp_path: Path, case: str, reader: str) -> None:
    data, line, message = REFUSED[case]
    path = tmp_path / "refused.rdf"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        READERS[reader](path)
    assert (caught.value.line, caught.value.column) == (line, None)
    assert message in caught.value.message, caught.value.message


def test_references_up_to_the_bound_are_accepted_and_one_past_it_is_not() -> None:
    value = b"x" * 1000
    doctype = b'<!DOCTYPE rdf:RDF [ <!ENTITY v "' + value + b'"> ]>\n'
    references = b"&v;" * 50
    guard = EntityGuard(limit=50 * len(value))
    guard.feed(doctype + references, 0)
    guard.finish()
    assert guard.expanded == 50 * len(value)
    over = EntityGuard(limit=50 * len(value) - 1)
    data = doctype + references
    with pytest.raises(EntityRefused) as caught:
        for start in range(0, len(data), 5):  # every reference is cut in two by some chunk boundary
            over.feed(data[start : start + 5], start)
        over.finish()
    assert caught.value.offset == len(doctype) + 49 * len(b"&v;")


def test_a_reference_split_across_the_readers_1_mib_chunks_is_counted(tmp_path: Path) -> None:
    value = "y" * (512 << 10)
    head = f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY v "{value}"> ]>\n<rdf:RDF xmlns:rdf="x">\n<!-- '
    pad = (1 << 20) - len(head.encode()) - 2  # the reference starts two bytes before the first chunk ends
    references = 64 * 2  # 128 x 512 KiB = 64 MiB: exactly the bound
    text = head + "z" * pad + "&v;" * references + " -->\n</rdf:RDF>\n"
    path = tmp_path / "at-the-bound.rdf"
    path.write_text(text, encoding="utf-8")
    assert check_file(path) == ox.RdfFormat.RDF_XML
    path.write_text(text.replace(" -->", "&v; -->"), encoding="utf-8")
    with pytest.raises(InputError, match="more than 64 MiB"):
        check_file(path)


def test_parse_bytes_applies_the_same_rule() -> None:
    quads = parse_bytes(PROTEGE.read_bytes(), ox.RdfFormat.RDF_XML, source="document")
    assert CONCEPT in {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
    with pytest.raises(InputError, match="nested entity 'lol1'"):
        parse_bytes((BAD_INPUT / "billion-laughs.rdf").read_bytes(), ox.RdfFormat.RDF_XML, source="document")


def test_validate_reads_a_protege_file_and_names_the_line_of_a_violation(mzgraph: RUN, tmp_path: Path) -> None:
    good = mzgraph("validate", str(PROTEGE))
    assert good.returncode == 0 and "0 violations" in good.stdout and "conforms" in good.stdout, good.stdout
    text = PROTEGE.read_text(encoding="utf-8")
    bad = tmp_path / "without-dutch-label.owl"
    bad.write_text(text.replace('<skos:prefLabel xml:lang="nl">Parkeerplaats bij de ingang</skos:prefLabel>', ""))
    result = mzgraph("validate", str(bad))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"without-dutch-label.owl:{CONCEPT_LINE}  <{CONCEPT}>" in result.stdout
    assert "A concept needs one Dutch skos:prefLabel" in result.stdout


@pytest.mark.parametrize(
    ("name", "where", "what"),
    [
        ("billion-laughs.rdf", "billion-laughs.rdf:4", "nested entity 'lol1' refused"),
        ("external-entity.rdf", "external-entity.rdf:2", "external entity 'secret' refused (SYSTEM"),
    ],
)
def test_validate_and_load_still_refuse_laughs_and_external_entities(
    mzgraph: RUN, tmp_path: Path, name: str, where: str, what: str
) -> None:
    for args in (["validate"], ["load", "--store", str(tmp_path / "store"), "--data"]):
        result = mzgraph(*args, str(BAD_INPUT / name))
        assert result.returncode == 2 and where in result.stderr and what in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "store").exists()


def test_load_puts_a_protege_file_in_the_store(mzgraph: RUN, tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = mzgraph("load", "--store", str(store), "--data", str(PROTEGE))
    assert result.returncode == 0, result.stderr
    query = f"SELECT ?label WHERE {{ <{CONCEPT}> <{SKOS}prefLabel> ?label FILTER (lang(?label) = 'nl') }}"
    answer = mzgraph("query", "--store", str(store), "--format", "csv", "-", input=query)
    assert answer.returncode == 0, answer.stderr
    assert "Parkeerplaats bij de ingang" in answer.stdout


def test_the_server_serves_a_protege_file_given_as_data(start_server: Callable[..., object]) -> None:
    server = start_server(data_paths=[*bundled_graph_files(), PROTEGE])
    url = server.url + "/id/measure-type/priority-parking"  # type: ignore[attr-defined]
    response = httpx.get(url, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert f'<{CONCEPT}> <{SKOS}prefLabel> "Parkeerplaats bij de ingang"@nl .' in response.text


def test_post_validate_takes_rdf_xml_with_flat_entities_and_refuses_the_rest(live_server: object) -> None:
    url = live_server.url + "/validate"  # type: ignore[attr-defined]
    headers = {"Content-Type": "application/rdf+xml", "Accept": "application/json"}
    report = httpx.post(url, content=PROTEGE.read_bytes(), headers=headers, timeout=60)
    assert report.status_code == 200 and report.json()["conforms"] is True, report.text
    bad = PROTEGE.read_text(encoding="utf-8").replace("<skos:inScheme", "<skos:note").encode()
    results = httpx.post(url, content=bad, headers=headers, timeout=60).json()["results"]
    assert [(r["focus"], r["line"]) for r in results if r["severity"] == "Violation"] == [(CONCEPT, CONCEPT_LINE)]
    for name, what in [("billion-laughs.rdf", "nested entity 'lol1'"), ("external-entity.rdf", "external entity")]:
        refused = httpx.post(url, content=(BAD_INPUT / name).read_bytes(), headers=headers, timeout=60)
        assert refused.status_code == 400 and refused.json()["error"] == "unreadable_document"
        assert what in refused.json()["message"]
