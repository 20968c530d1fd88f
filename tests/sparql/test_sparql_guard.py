"""The endpoint refuses what it must before evaluating anything, and never makes an outbound request.

Each ``tests/fixtures/sparql/guard/*.rq`` says what must happen to it. ``{listener}`` in a query is the
URL of a local HTTP listener; pyoxigraph and ``oxigraph serve`` both follow ``SERVICE`` to any URL, so
a query that slipped through would show up there. Both backends are tested.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from common import SPARQL_DATA, SPARQL_FIXTURES, Listener, LiveServer
from mzgraph.sparql.errors import QueryRejected
from mzgraph.sparql.guard import Limits, QueryForm, bind_values, check, tokens, where_group_start
from tools.servers import OxigraphServer

GUARD_CASES = sorted((SPARQL_FIXTURES / "guard").glob("*.rq"))
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture(scope="module", params=["embedded", "remote"])
def server(
    request: pytest.FixtureRequest,
    start_server: Callable[..., LiveServer],
    start_oxigraph: Callable[[], OxigraphServer],
    mzgraph: Callable[..., object],
) -> LiveServer:
    if request.param == "embedded":
        return start_server(data_paths=SPARQL_DATA)
    oxigraph = start_oxigraph()
    loaded = mzgraph("load", "--sparql-endpoint", oxigraph.query_url, *_data_flags())
    assert loaded.returncode == 0, loaded.stderr  # type: ignore[attr-defined]
    return start_server(sparql_endpoint=oxigraph.query_url)


def _data_flags() -> list[str]:
    return [flag for path in SPARQL_DATA for flag in ("--data", str(path))]


def _case(path: Path, listener: Listener) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8").replace("{listener}", listener.url)
    expected = text.removeprefix("\ufeff").split("\n", 1)[0].removeprefix("# expect:").strip()
    return text, expected


@pytest.mark.parametrize("path", GUARD_CASES, ids=[p.stem for p in GUARD_CASES])
def test_each_guard_case_is_answered_or_refused_as_its_file_says(
    path: Path, server: LiveServer, listener: Listener
) -> None:
    text, expected = _case(path, listener)
    response = httpx.post(server.sparql, data={"query": text}, timeout=30)
    if expected in QueryForm.__members__:
        assert response.status_code == 200, response.text
        assert check(text).form is QueryForm[expected]
    else:
        assert response.status_code == 400, response.text
        assert response.json()["error"] == expected
        assert response.json()["message"]
    assert listener.connections == [], "a query reached the network"


def test_hostile_bound_values_stay_literals(sparql_server: LiveServer, listener: Listener) -> None:
    query = "SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    escape = ox.Literal(f'x" }} SERVICE <{listener.url}> {{ ?a ?b ?c }} #')
    assert sparql_server.store.select(query, {"label": escape}) == []
    quoted = ox.Literal('Gamma "quoted" & <angled>', language="nl")
    rows = sparql_server.store.select(query, {"label": quoted})
    assert rows == [{"s": ox.NamedNode("https://w3id.org/mzgraph/id/organisation/gamma")}]
    assert listener.connections == []


def test_binding_refuses_what_is_not_a_term_or_a_name() -> None:
    query = "SELECT * WHERE { ?s ?p ?o }"
    with pytest.raises(ValueError, match="variable name"):
        bind_values(query, {"s) } SERVICE <x> { (": ox.NamedNode("https://example.org/")})
    with pytest.raises(TypeError):
        bind_values(query, {"s": "https://example.org/"})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("query", "before"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", "?s ?p ?o"),
        ("SELECT (EXISTS { ?a ?b ?c } AS ?e) ?s { ?s ?p ?o }", "?s ?p ?o"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o . ?o ?q ?r }", "?s ?p ?o . ?o"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "?s ?p ?o"),
        ("PREFIX x: <https://example.org/> ASK # {\n{ ?s x:p '{' }", "?s x:p"),
    ],
)
def test_values_go_first_in_the_where_group(query: str, before: str) -> None:
    where = where_group_start(query)
    assert where is not None
    assert query[where:].lstrip().startswith(before)


def test_nesting_deeper_than_the_limit_is_refused_before_parsing() -> None:
    limits = Limits(max_depth=100)
    assert check("SELECT * WHERE " + "{ " * 100 + " }" * 100, limits).form is QueryForm.SELECT
    with pytest.raises(QueryRejected) as refused:
        check("SELECT * WHERE " + "{ " * 101 + " }" * 101, limits)
    assert refused.value.code == "query_too_complex"
    assert refused.value.detail == {"line": 1, "column": 16 + 2 * 100}


def test_a_query_longer_than_the_limit_is_refused(sparql_server: LiveServer) -> None:
    text = "SELECT * WHERE { ?s ?p ?o }\n#" + "x" * Limits().max_length
    response = httpx.post(sparql_server.sparql, data={"query": text}, timeout=30)
    assert response.status_code == 400
    assert response.json()["error"] == "query_too_long"


def test_the_lexer_reads_escapes_and_strings_as_the_grammar_does() -> None:
    text = r"""PREFIX e: <https://e/> SELECT * { ?s e:a\#b "x\"y" ; e:c '''it's''' <https://e/\u0023x> @en 1.5e3 }"""
    kinds = [(t.kind, t.text) for t in tokens(text)]
    assert ("pname", r"e:a\#b") in kinds
    assert ("string", r'"x\"y"') in kinds
    assert ("string", "'''it's'''") in kinds
    assert ("iri", r"<https://e/\u0023x>") in kinds
    assert ("number", "1.5e3") in kinds
