"""Bounded queries are answered in process beside a busy worker; bounded-looking open ones wait for a worker."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import pytest

from common import SPARQL_DATA
from mzgraph.rdf import formats
from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.sparql.errors import QueryTimeout, StoreBusy
from mzgraph.store import EmbeddedStore, QueryPolicy
from mzgraph.store.embedded import QUICK_TEXT

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


@pytest.fixture(scope="module")
def crowded() -> Iterator[EmbeddedStore]:
    """One place to run a query in, so one runaway fills the queue."""
    policy = QueryPolicy(timeout=DEADLINE, max_rows=5, max_concurrent=1, admission_wait=0.2)
    with EmbeddedStore.from_files(
        SPARQL_DATA, base_iri="https://w3id.org/mzgraph/", policy=policy, workers=2, prefixes=PREFIXES
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


def test_a_bounded_query_needs_no_place_in_the_queue(crowded: EmbeddedStore) -> None:
    """With the only place taken, an open query is refused as busy; a bounded one is answered."""
    subject = _subject(crowded)
    with ThreadPoolExecutor(1) as background:
        runaway = background.submit(crowded.query, SLOW)
        time.sleep(0.5)
        with pytest.raises(StoreBusy):
            crowded.query(f"SELECT * WHERE {{ <{subject}> ?p ?o . ?o ?q ?r }}")
        answered = crowded.query(f"SELECT * WHERE {{ <{subject}> ?p ?o }}", formats.TSV)
        assert answered.rows and not runaway.done()
        with pytest.raises(QueryTimeout):
            runaway.result()


def test_quick_prepares_only_what_is_answered_at_once(store: EmbeddedStore) -> None:
    subject = _subject(store)
    quick = store.quick(f"CONSTRUCT WHERE {{ <{subject}> ?p ?o }}")
    assert quick is not None and quick.query.bounded
    assert store.run(quick, formats.N_TRIPLES).rows
    for text in [
        f"SELECT * WHERE {{ <{subject}> ?p ?o . ?o ?q ?r }}",  # open
        f"SELECT * FROM <http://example.org/g> WHERE {{ <{subject}> ?p ?o }}",  # a dataset of its own
        f"SELECT * WHERE {{ <{subject}> ?p ?o",  # refused by the check: left to prepare, which reports it
        f"SELECT * WHERE {{ <{subject}> ?p ?o }}" + " " * QUICK_TEXT,  # too long to check on a caller's loop
    ]:
        assert store.quick(text) is None, text


def test_a_bounded_construct_is_cut_at_the_row_cap_in_process(store: EmbeddedStore) -> None:
    wide = store.select(
        "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s)) } GROUP BY ?s ORDER BY DESC(?n) LIMIT 1"
    )[0]["s"].value
    for fmt in (formats.N_TRIPLES, formats.TURTLE):
        result = store.query(f"CONSTRUCT WHERE {{ <{wide}> ?p ?o }}", fmt)
        assert result.truncated and result.rows == 5
        triples = list(ox.parse(result.body, format=fmt.rdf, base_iri="http://example.org/"))
        assert len(triples) == 5 and all(t.subject.value == wide for t in triples)
