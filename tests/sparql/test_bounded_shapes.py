"""Which queries the guard marks bounded by their shape (and so may skip the isolation of open queries)."""

from __future__ import annotations

import pytest

from mzgraph.sparql.guard import check

P = "PREFIX mz: <https://w3id.org/mzgraph/def/>\n"
S = "<https://w3id.org/mzgraph/id/organisation/gemeente-emmen>"

BOUNDED = [
    f"CONSTRUCT WHERE {{ {S} ?p ?o }}",
    f"CONSTRUCT {{ {S} ?p ?o }} WHERE {{ {S} ?p ?o }} LIMIT 10",
    f"CONSTRUCT {{ {S} ?p ?o . ?o ?p {S} }} WHERE {{ {S} ?p ?o }}",  # each template triple uses every variable
    f"SELECT * WHERE {{ {S} ?p ?o }}",
    f"select ?o {{ {S} ?p ?o . }}",
    P + "SELECT ?measure WHERE { ?measure mz:category <https://w3id.org/mzgraph/id/measure-type/leave> }",
    P + f'SELECT ?p WHERE {{ {S} ?p "Gemeente Emmen"@nl }}',
    P + 'SELECT ?s WHERE { ?s mz:order "1"^^<http://www.w3.org/2001/XMLSchema#integer> } LIMIT 5',
    f"ASK {{ {S} a ?type }}",
    f"# a comment\nSELECT $p $o WHERE {{ {S} $p $o }}",
]

OPEN = [
    "SELECT * WHERE { ?s ?p ?o }",  # nothing constant: every triple of the graph
    f"SELECT * WHERE {{ {S} <https://w3id.org/mzgraph/def/measure>+ ?o }}",  # a path
    f"SELECT * WHERE {{ {S} <http://example.org/a>/<http://example.org/b> ?o }}",
    f"SELECT * WHERE {{ {S} ^<http://example.org/a> ?o }}",
    f"SELECT * WHERE {{ {S} (<http://example.org/a>|<http://example.org/b>) ?o }}",
    f"SELECT * WHERE {{ {S} ?p ?o . {S} ?q ?r }}",  # a cartesian product of two constant-subject patterns
    f"SELECT * WHERE {{ {S} ?p ?o ; ?q ?r }}",
    f"SELECT * WHERE {{ {S} ?p ?o , ?r }}",
    f"SELECT * WHERE {{ {S} ?p ?o . ?o ?q ?r }}",  # a join: matches that find nothing are work without answers
    f"SELECT DISTINCT ?p WHERE {{ {S} ?p ?o }}",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ {S} ?p ?o }}",
    f"SELECT * WHERE {{ {S} ?p ?o FILTER(isLiteral(?o)) }}",
    f"SELECT * WHERE {{ {S} ?p ?o OPTIONAL {{ ?o ?q ?r }} }}",
    f"SELECT * WHERE {{ {S} ?p ?o }} ORDER BY ?o",
    f"SELECT * WHERE {{ {S} ?p ?o }} OFFSET 100",
    f"SELECT * WHERE {{ {S} ?p ?o }} VALUES ?o {{ 1 }}",
    f"SELECT * WHERE {{ {S} ?p ?p }}",  # a repeated variable filters
    f"SELECT * WHERE {{ {{ {S} ?p ?o }} }}",
    f"SELECT * WHERE {{ GRAPH ?g {{ {S} ?p ?o }} }}",
    f"SELECT * FROM <http://example.org/g> WHERE {{ {S} ?p ?o }}",
    f"SELECT * WHERE {{ {{ SELECT * WHERE {{ {S} ?p ?o }} }} }}",
    f"SELECT * WHERE {{ {S} ?p [ ?q ?r ] }}",
    f"SELECT * WHERE {{ _:b ?p {S} }}",
    f"CONSTRUCT {{ <http://example.org/a> <http://example.org/b> <http://example.org/c> }} WHERE {{ {S} ?p ?o }}",
    f"CONSTRUCT {{ {S} <http://example.org/b> ?o }} WHERE {{ {S} ?p ?o }}",  # drops ?p: repeats computed, dropped
    f"CONSTRUCT {{ }} WHERE {{ {S} ?p ?o }}",
    f"DESCRIBE {S}",
    f"SELECT * WHERE {{ << {S} ?p ?o >> ?q ?r }}",
]


@pytest.mark.parametrize("query", BOUNDED)
def test_one_pattern_with_a_constant_is_bounded(query: str) -> None:
    assert check(query).bounded


@pytest.mark.parametrize("query", OPEN)
def test_anything_else_is_open(query: str) -> None:
    assert not check(query).bounded
