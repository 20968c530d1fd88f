"""A deployment under its own base IRI serves its own entity IRIs, with the published vocabulary."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pyoxigraph as ox
import pytest

from common import LiveServer

BASE = "https://data.example.org/mz/"


@pytest.fixture(scope="module")
def rebased(start_server: Callable[..., LiveServer]) -> LiveServer:
    return start_server(base_iri=BASE)


def test_entity_pages_are_served_under_the_configured_base(rebased: LiveServer) -> None:
    page = httpx.get(rebased.url + "/id/organisation/gemeente-haarlem", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "Tandem" in page.text and "De coach" in page.text


def test_entity_data_uses_the_configured_base_and_the_published_vocabulary(rebased: LiveServer) -> None:
    turtle = httpx.get(rebased.url + "/id/organisation/gemeente-haarlem.nt")
    assert turtle.status_code == 200
    triples = list(ox.parse(turtle.content, format=ox.RdfFormat.N_TRIPLES))
    subjects = {t.subject.value for t in triples}
    assert f"{BASE}id/organisation/gemeente-haarlem" in subjects
    assert not any("w3id.org/mzgraph/id/" in t.subject.value for t in triples)
    assert any(t.predicate.value == "https://w3id.org/mzgraph/def/recognition" for t in triples)


def test_vocabulary_terms_still_dereference(rebased: LiveServer) -> None:
    term = httpx.get(rebased.url + "/def/Measure", headers={"Accept": "text/turtle"})
    assert term.status_code == 200
    assert "https://w3id.org/mzgraph/def/Measure" in term.text or "mz:Measure" in term.text
