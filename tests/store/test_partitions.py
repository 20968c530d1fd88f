"""A store that cuts answers at a row cap of its own: every row is still read, or the read fails.

Virtuoso (Debian's 7.2) is started with ``ResultSetMaxRows`` at 40, so that the bundled graph's answers are cut
as a graph of a million triples is cut at Virtuoso's fixed cap, and the bundled graph is loaded into it. What
the remote store streams from it (the release index's reads) is compared with the embedded store's answer to
the same query.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mzgraph.config import DEFAULT_BASE_IRI, Settings
from mzgraph.progress import Reporter
from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.release.dumps import write_dumps
from mzgraph.sparql.errors import StoreFailed
from mzgraph.store import Store, open_store
from tools.virtuoso import Limits, Virtuoso

RUN = Callable[..., subprocess.CompletedProcess[str]]
DATA_GRAPH = "https://w3id.org/mzgraph/graph/data"
CAP = 40
TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
LABELS = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX mz: <https://w3id.org/mzgraph/def/>\n"
    "SELECT ?x ?since ?label WHERE { { ?x rdfs:label ?label } UNION { ?x rdfs:label ?label } "
    "OPTIONAL { ?x mz:ambassadorSince ?since } }"
)
"""A prologue, an unbound variable in most rows, literals with language tags, and every row twice."""


@pytest.fixture(scope="module")
def capped(mzgraph: RUN, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Virtuoso(tmp_path_factory.mktemp("virtuoso"), limits=Limits(result_set_max_rows=CAP)) as virtuoso:
        virtuoso.add_user("loader", "loader-pw")
        loaded = mzgraph(
            "load", "--sparql-endpoint", virtuoso.sparql_url, "--graph", DATA_GRAPH, "--user", "loader",
            env={"MZGRAPH_STORE_PASSWORD": "loader-pw"},
        )  # fmt: skip
        assert loaded.returncode == 0, loaded.stderr
        store = open_store(Settings(sparql_endpoint=virtuoso.sparql_url, data_graph=DATA_GRAPH))
        try:
            yield store
        finally:
            store.close()


@pytest.fixture(scope="module")
def embedded() -> Iterator[Store]:
    store = open_store(Settings())
    try:
        yield store
    finally:
        store.close()


def _rows(store: Store, text: str) -> Counter[tuple[str, ...]]:
    return Counter(tuple(str(term) for term in row) for row in store.stream_select(text))


@pytest.mark.parametrize("text", [TRIPLES, LABELS])
def test_a_cut_answer_is_read_whole_in_partitions(capped: Store, embedded: Store, text: str) -> None:
    expected = _rows(embedded, text)
    assert expected.total() > CAP * 10  # cut, and partitions cut again
    assert _rows(capped, text) == expected


def test_a_cut_answer_written_as_lines_has_one_header_and_every_row(capped: Store, embedded: Store) -> None:
    class Lines:
        data = b""

        def write(self, data: bytes) -> int:
            self.data += bytes(data)
            return len(data)

        def flush(self) -> None:
            pass

    ours, theirs = Lines(), Lines()
    capped.write_lines(TRIPLES, ours)  # type: ignore[arg-type]
    embedded.write_lines(TRIPLES, theirs)  # type: ignore[arg-type]
    header, *rows = ours.data.decode().splitlines()
    assert header == "?s\t?p\t?o"
    assert Counter(rows) == Counter(theirs.data.decode().splitlines()[1:])


def test_rows_that_cannot_be_partitioned_fail_instead_of_coming_back_short(capped: Store) -> None:
    same = "SELECT ?x WHERE { ?s ?p ?o BIND(1 AS ?x) }"  # every row alike: every partition but one empty
    with pytest.raises(StoreFailed, match="cut its answer at 40 rows"):
        list(capped.stream_select(same))


def test_the_store_s_row_cap_is_learned_from_a_cut_answer(capped: Store, embedded: Store) -> None:
    list(capped.stream_select(TRIPLES))
    assert capped.row_cap == CAP  # below Virtuoso's own fixed cap, known from its Server header
    assert embedded.row_cap is None


def test_a_graph_over_the_row_cap_is_dumped_predicate_by_predicate(
    capped: Store, embedded: Store, tmp_path: Path
) -> None:
    list(capped.stream_select(TRIPLES))  # the cap is known once an answer was cut
    dumped: dict[str, list[str]] = {}
    for name, store in (("capped", capped), ("embedded", embedded)):
        folder = tmp_path / name
        folder.mkdir()
        write_dumps(store, folder, base_iri=DEFAULT_BASE_IRI, prefixes=PREFIXES, report=Reporter())
        dumped[name] = (folder / "mzgraph.nq").read_text().splitlines()
    assert Counter(dumped["capped"]) == Counter(dumped["embedded"])
    # read predicate after predicate (a predicate over the cap in partitions of its own), not in partitions of
    # the whole graph; the embedded store, which cuts nothing, writes its own subject order
    predicates = [line.split(" ", 2)[1] for line in dumped["capped"]]
    assert predicates == sorted(predicates, key=lambda p: p[1:-1])
    assert [line.split(" ", 2)[1] for line in dumped["embedded"]] != sorted(predicates)


@pytest.mark.xfail(
    strict=True,
    reason="Virtuoso 7.2 cuts a CONSTRUCT at ResultSetMaxRows and does not say so (no X-SPARQL-MaxRows): "
    "mzgraph cannot tell; docs/deployment.md says to leave the cap unset",
)
def test_a_graph_is_not_cut_by_the_row_cap(capped: Store, embedded: Store) -> None:
    whole = "CONSTRUCT WHERE { ?s ?p ?o }"
    ours = Counter(map(str, capped.stream_construct(whole)))
    assert ours.total() > CAP
    assert ours == Counter(map(str, embedded.stream_construct(whole)))
