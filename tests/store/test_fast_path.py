"""Bounded queries are answered in process beside a busy worker; bounded-looking open ones wait for a worker."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from common import SPARQL_DATA
from mzgraph.rdf import formats
from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.sparql.errors import QueryTimeout
from mzgraph.store import EmbeddedStore, QueryPolicy

pytestmark = pytest.mark.slow

DEADLINE = 3.0
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?p ?q ?r . ?t ?u ?v }"


@pytest.fixture(scope="module")
def store() -> Iterator[EmbeddedStore]:
    """One query worker, so one runaway occupies it until its deadline."""
    policy = QueryPolicy(timeout=DEADLINE, max_rows=5)
    with EmbeddedStore.from_files(
        SPARQL_DATA, base_iri="https://w3id.org/mzgraph/", policy=policy, workers=1, prefixes=PREFIXES
    ) as opened:
        yield opened


def test_a_bounded_query_is_answered_while_the_only_worker_is_busy(store: EmbeddedStore) -> None:
    subject = _subject(store)
    with ThreadPoolExecutor(1) as background:
        runaway = background.submit(store.query, SLOW)
        time.sleep(0.5)  # the worker has it
        started = time.monotonic()
        answered = store.query(f"CONSTRUCT WHERE {{ <{subject}> ?p ?o }}", formats.N_TRIPLES)
        assert time.monotonic() - started < 1.0 and not runaway.done()
        assert answered.body.count(b"\n") >= 1
        with pytest.raises(QueryTimeout):
            runaway.result()


@pytest.mark.parametrize(
    "shape",
    [
        "SELECT * WHERE {{ <{s}> <http://example.org/p>+ ?o }}",  # a path
        "SELECT * WHERE {{ <{s}> ?p ?o . <{s}> ?q ?r }}",  # a cartesian product
        "SELECT * WHERE {{ <{s}> ?p ?o . ?o ?q ?r }}",  # a join
    ],
)
def test_a_bounded_looking_open_query_waits_for_a_worker(store: EmbeddedStore, shape: str) -> None:
    query = shape.format(s=_subject(store))
    with ThreadPoolExecutor(1) as background:
        runaway = background.submit(store.query, SLOW)
        time.sleep(0.5)
        store.query(query)
        assert runaway.done(), "answered before the runaway left the only worker"
        with pytest.raises(QueryTimeout):
            runaway.result()


def _subject(store: EmbeddedStore) -> str:
    return store.select("SELECT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) } LIMIT 1")[0]["s"].value


def test_a_bounded_query_is_cut_at_the_row_cap_in_process(store: EmbeddedStore) -> None:
    subjects = store.select(
        "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s)) } GROUP BY ?s ORDER BY DESC(?n) LIMIT 1"
    )
    wide = subjects[0]["s"].value
    result = store.query(f"SELECT * WHERE {{ <{wide}> ?p ?o }}", formats.TSV)
    assert result.truncated and result.max_rows == 5
    rows = [line for line in result.body.decode().splitlines()[1:] if line and not line.startswith("#")]
    assert len(rows) == 5
