"""Saved queries through a real server: each answers the facts of the bundled data (data-driven from
``fixtures/saved_queries.toml``, on the embedded store and on a remote ``oxigraph serve``), in JSON and CSV,
with parameters checked and documented in the OpenAPI page."""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path
from typing import Any

import httpx
import pytest

from mzgraph.bundled import queries_dir
from mzgraph.sparql.saved import load_saved_queries

CASES: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).parents[1] / "fixtures" / "saved_queries.toml").read_text(encoding="utf-8")
)["case"]
QUERIES = load_saved_queries(queries_dir())
SPARQL_JSON = "application/sparql-results+json"


def case_id(case: dict[str, Any]) -> str:
    params = ",".join(f"{k}={v}" for k, v in case.get("params", {}).items())
    return case["query"] + (f"[{params}]" if params else "")


def answer(server: str, name: str, params: dict[str, str] | None = None, **headers: str) -> httpx.Response:
    return httpx.get(f"{server}/queries/{name}", params=params, headers=headers, timeout=30)


def rows(response: httpx.Response) -> list[dict[str, str]]:
    """SPARQL JSON results as rows of plain text values (an IRI, or a literal's lexical form)."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(SPARQL_JSON)
    return [{var: binding["value"] for var, binding in row.items()} for row in response.json()["results"]["bindings"]]


def matches(row: dict[str, str], expected: dict[str, str]) -> bool:
    return all(_same(row.get(key), value) for key, value in expected.items())


def _same(found: str | None, expected: str) -> bool:
    # SPARQL leaves the order of GROUP_CONCAT open (the remote store concatenates in another order):
    # a ", "-separated list matches in any order
    if found is None or ", " not in expected:
        return found == expected
    return sorted(found.split(", ")) == sorted(expected.split(", "))


@pytest.fixture(params=["embedded", "remote"])
def any_backend(request: pytest.FixtureRequest) -> str:
    """The app on the embedded store, then on the remote backend in front of ``oxigraph serve``."""
    return str(request.getfixturevalue("server" if request.param == "embedded" else "remote_server"))


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_saved_query_answers_the_facts_of_the_data(any_backend: str, case: dict[str, Any]) -> None:
    found = rows(answer(any_backend, case["query"], case.get("params"), Accept=SPARQL_JSON))
    if "rows" in case:
        assert len(found) == case["rows"], found
    else:
        assert found, "every default case has answers"
    if "first" in case:
        assert matches(found[0], case["first"]), found[0]
    for expected in case.get("contains", []):
        assert any(matches(row, expected) for row in found), f"{expected} not in {found}"
    for unexpected in case.get("absent", []):
        assert not any(matches(row, unexpected) for row in found), unexpected


def test_every_saved_query_has_a_case_with_its_defaults_and_answers() -> None:
    with_defaults = {case["query"] for case in CASES if not case.get("params") and case.get("rows", 1) > 0}
    assert with_defaults == set(QUERIES)


def test_csv_by_format_parameter_and_by_accept(server: str) -> None:
    by_parameter = answer(server, "employers-offering-calamity-leave", {"format": "csv"})
    by_accept = answer(server, "employers-offering-calamity-leave", Accept="text/csv")
    for response in (by_parameter, by_accept):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        table = list(csv.DictReader(io.StringIO(response.text)))
        assert [row["employer"] for row in table] == ["https://w3id.org/mzgraph/id/organisation/gemeente-haarlem"]
        assert table[0]["text"] == "Aanbieden van kortdurend, langdurend en calamiteiten verlof."


def test_plain_json_accept_gets_sparql_json(server: str) -> None:
    response = answer(server, "ambassadors-by-year", Accept="application/json")
    assert len(rows(response)) == 2


@pytest.mark.parametrize(
    ("name", "params", "parameter", "says"),
    [
        ("recognitions-in-date-range", {"from": "2018-02-30"}, "from", "YYYY-MM-DD"),
        ("partners-by-organisations-supported", {"minimum": "two"}, "minimum", "whole number"),
        ("employers-with-measure-type", {"category": "calamity leave"}, "category", "absolute IRI"),
        ("measure-types-by-name", {"label": "calamiteitenverlof"}, "label", "text@tag"),
        ("employers-with-measure-type", {"categroy": "https://x.org/"}, "categroy", "its parameters: category"),
    ],
)
def test_a_bad_parameter_is_a_400_saying_what_is_expected(
    server: str, name: str, params: dict[str, str], parameter: str, says: str
) -> None:
    response = answer(server, name, params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_parameter"
    assert says in body["message"]
    assert body["detail"]["parameter"] == parameter


def test_a_parameter_given_twice_is_refused(server: str) -> None:
    response = httpx.get(f"{server}/queries/recognitions-in-date-range?from=2011-01-01&from=2012-01-01")
    assert response.status_code == 400
    assert "once" in response.json()["message"]


def test_an_unknown_saved_query_is_a_404_listing_the_known_ones(server: str) -> None:
    response = answer(server, "no-such-query", Accept="application/json")
    assert response.status_code == 404
    assert "ambassadors-by-year" in response.json()["message"]


def test_a_graph_format_is_not_acceptable_for_a_table(server: str) -> None:
    response = answer(server, "ambassadors-by-year", {"format": "ttl"})
    assert response.status_code == 406
    assert "text/csv" in response.json()["message"]


def test_the_list_describes_every_saved_query(server: str) -> None:
    response = httpx.get(f"{server}/queries")
    assert response.status_code == 200
    listed = {item["name"]: item for item in response.json()}
    assert set(listed) == set(QUERIES)
    dated = listed["recognitions-in-date-range"]
    assert dated["title"] == "Recognitions in a date range"
    assert dated["url"] == "/queries/recognitions-in-date-range"
    assert [(p["name"], p["type"], p["default"]) for p in dated["parameters"]] == [
        ("from", "date", "2011-01-01"),
        ("to", "date", "2015-12-31"),
    ]
    assert "?from" in dated["query"]


def test_the_openapi_page_documents_each_saved_query_and_its_parameters(server: str) -> None:
    paths = httpx.get(f"{server}/openapi.json").json()["paths"]
    for query in QUERIES.values():
        operation = paths[f"/queries/{query.name}"]["get"]
        assert operation["summary"] == query.title
        assert operation["description"] == query.description
        documented = {p["name"]: p for p in operation["parameters"]}
        assert set(documented) == {p.name for p in query.parameters} | {"format"}
        for parameter in query.parameters:
            assert documented[parameter.name]["description"] == parameter.description
            assert str(documented[parameter.name]["schema"]["default"]) == parameter.default
        assert "text/csv" in operation["responses"]["200"]["content"]
    minimum = {p["name"]: p for p in paths["/queries/partners-by-organisations-supported"]["get"]["parameters"]}
    assert minimum["minimum"]["schema"] == {"type": "integer", "default": 1}
    assert "/queries/{name}" not in paths


def test_every_operation_of_the_openapi_document_has_its_own_id(server: str) -> None:
    paths = httpx.get(f"{server}/openapi.json").json()["paths"]
    ids = [operation["operationId"] for methods in paths.values() for operation in methods.values()]

    assert len(ids) == len(set(ids))
    assert {"/sparql", "/id/{path}", "/context/v1.jsonld"} <= set(paths)
    assert "head" not in paths["/sparql"]  # HEAD is answered (tested elsewhere) but not documented twice
