"""Saved queries: the header format, typed parameters, and binding values as RDF terms (hostile ones included)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from mzgraph.bundled import queries_dir
from mzgraph.errors import InputError
from mzgraph.sparql.saved import XSD_DATE, ParameterError, load_saved_queries, parse_saved_query

DEFAULTS = {"iri": "https://x.org/", "int": "1", "date": "2000-01-01", "string": "x", "lang-string": "x@nl"}
ECHO = """# title: Echo
# description: Returns its parameter.
# param: value {type} {default}
SELECT ?value WHERE {{ }}
"""

HOSTILE = [
    '"} ; DROP ALL ; SELECT * WHERE { #',
    "'''\n}\nINSERT DATA { <a:b> <a:c> <a:d> }",
    '\\"\\u0022> . }',
    "tab\tnew\nline\rcarriage \x00 nul",
    "<https://example.org/x> } UNION { ?s ?p ?o",
    "ünïcødé — “quotes” ‘single’ 🙂",
]


def echo(kind: str, default: str) -> ox.Term:
    """Bind ``default`` as a parameter of type ``kind`` and read it back from a query that returns it."""
    query = parse_saved_query("echo", ECHO.format(type=kind, default=DEFAULTS[kind]), source="t")
    [solution] = ox.Store().query(query.bind({"value": default}))
    return solution["value"]


@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_strings_stay_one_literal(raw: str) -> None:
    assert echo("string", raw) == ox.Literal(raw)


@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_lang_strings_stay_one_literal(raw: str) -> None:
    assert echo("lang-string", raw + "@en") == ox.Literal(raw, language="en")


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("iri", "https://w3id.org/mzgraph/id/partner/mezzo", ox.NamedNode("https://w3id.org/mzgraph/id/partner/mezzo")),
        ("int", "-42", ox.Literal(-42)),
        ("int", "+7", ox.Literal(7)),
        ("date", "2011-11-28", ox.Literal("2011-11-28", datatype=XSD_DATE)),
        ("string", "Jong en Veer", ox.Literal("Jong en Veer")),
        ("lang-string", "Calamity leave@EN-gb", ox.Literal("Calamity leave", language="en-gb")),
        ("lang-string", "a@example.org@nl", ox.Literal("a@example.org", language="nl")),
    ],
)
def test_each_type_binds_its_term(kind: str, raw: str, expected: ox.Term) -> None:
    assert echo(kind, raw) == expected


@pytest.mark.parametrize(
    ("kind", "raw", "says"),
    [
        ("iri", "not an iri", "absolute IRI"),
        ("iri", "https://x.org/a> } SELECT * {", "absolute IRI"),
        ("iri", "relative/path", "absolute IRI"),
        ("int", "1.5", "whole number"),
        ("int", "1 } #", "whole number"),
        ("int", "9" * 40, "whole number"),
        ("date", "2011-02-30", "YYYY-MM-DD"),
        ("date", "28-11-2011", "YYYY-MM-DD"),
        ("date", "20111128", "YYYY-MM-DD"),
        ("lang-string", "no tag", "text@tag"),
        ("lang-string", "bad@tag with space", "text@tag"),
        ("lang-string", "@nl", "text@tag"),
        ("string", "x" * 1001, "at most 1000 characters"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_with_what_is_expected(kind: str, raw: str, says: str) -> None:
    query = parse_saved_query("echo", ECHO.format(type=kind, default=DEFAULTS[kind]), source="t")
    with pytest.raises(ParameterError) as caught:
        query.bind({"value": raw})
    assert says in caught.value.message
    assert caught.value.code == "invalid_parameter"
    assert caught.value.detail == {"parameter": "value", "type": kind, "default": query.parameters[0].default}


def test_an_unknown_parameter_is_refused_naming_the_known_ones() -> None:
    query = parse_saved_query("echo", ECHO.format(type="int", default="1"), source="t")
    with pytest.raises(ParameterError, match="no parameter 'valeu'; its parameters: value"):
        query.bind({"valeu": "2"})


def test_defaults_are_bound_when_no_value_is_given() -> None:
    query = parse_saved_query("echo", ECHO.format(type="int", default="3"), source="t")
    [solution] = ox.Store().query(query.bind())
    assert solution["value"] == ox.Literal(3)


def test_values_go_into_the_outer_where_group_not_a_subquery() -> None:
    text = """# title: T
# description: D with ?where in it
# param: minimum int 2
SELECT ?p ?n WHERE {
  { SELECT ?p (COUNT(?o) AS ?n) WHERE { ?p ?x ?o } GROUP BY ?p }
  FILTER(?n >= ?minimum)
}"""
    store = ox.Store()
    store.extend(
        [
            ox.Quad(ox.NamedNode(f"http://x/{s}"), ox.NamedNode("http://x/p"), ox.Literal(o))
            for s, o in (("a", 1), ("a", 2), ("b", 1))
        ]
    )
    query = parse_saved_query("t", text, source="t")
    assert [row["p"].value for row in store.query(query.bind())] == ["http://x/a"]
    assert len(list(store.query(query.bind({"minimum": "1"})))) == 2


@pytest.mark.parametrize(
    ("text", "says", "line"),
    [
        ("# title: T\nSELECT * WHERE {}", "exactly one '# title:' and one '# description:'", 1),
        ("# title: T\n# descripton: D\nSELECT * WHERE {}", "a header line is", 2),
        ("# title: T\n# description: D\n# param: x int\nSELECT ?x WHERE {}", "name type default", 3),
        ("# title: T\n# description: D\n# param: x-y int 1\nSELECT ?x WHERE {}", "not a SPARQL variable", 3),
        ("# title: T\n# description: D\n# param: x float 1\nSELECT ?x WHERE {}", "is not one of iri, int", 3),
        ("# title: T\n# description: D\n# param: format iri http://x/\nSELECT ?format WHERE {}", "reserved", 3),
        ("# title: T\n# description: D\n# param: x int one\nSELECT ?x WHERE {}", "default: parameter 'x'", 3),
        ("# title: T\n# description: D\n# param: x int 1\nSELECT ?y WHERE {}", "?x is not used", None),
        ("# title: T\n# description: D\nSELECT ?x WHERE { ?x a ex:C }", "prefix ex: is used", None),
        ("# title: T\n# description: D\nCONSTRUCT WHERE { ?s ?p ?o }", "must be a SELECT query", None),
    ],
)
def test_a_malformed_header_is_reported_at_its_line(text: str, says: str, line: int | None) -> None:
    with pytest.raises(InputError) as caught:
        parse_saved_query("bad", text, source="queries/bad.rq")
    assert says in caught.value.message
    assert caught.value.path == "queries/bad.rq"
    assert caught.value.line == line


def test_a_description_continues_on_indented_comment_lines() -> None:
    text = "# title: T\n# description: first\n#   second\n# param: n int 1 | how\n#   many\nSELECT ?n WHERE {}"
    query = parse_saved_query("q", text, source="t")
    assert query.description == "first second"
    assert query.parameters[0].description == "how many"


def test_a_file_name_must_be_a_url_friendly_name(tmp_path: Path) -> None:
    (tmp_path / "Bad Name.rq").write_text("# title: T\n# description: D\nSELECT * WHERE {}", encoding="utf-8")
    with pytest.raises(InputError, match="lower-case words"):
        load_saved_queries(tmp_path)


def test_every_bundled_query_loads_with_a_title_and_description() -> None:
    queries = load_saved_queries(queries_dir())
    assert len(queries) >= 11
    for query in queries.values():
        assert query.title and query.description
        ox.Store().query(query.bind())  # parses with its defaults bound
