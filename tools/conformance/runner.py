"""Running test cases against an endpoint: one server start per distinct dataset, one query per test."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tools.conformance.compare import compare
from tools.conformance.dataset import write_dataset
from tools.conformance.endpoint import PARSED_NOT_ANSWERED, Endpoint, Reply
from tools.conformance.manifest import ALL_SUITES, Dataset, Kind, TestCase
from tools.conformance.protocol import ProtocolOutcome
from tools.conformance.query_text import orders_results, with_base
from tools.conformance.results import ResultsError, parse_response, read_expected

#: Starts a backend serving one N-Quads file and yields its endpoint until the block ends.
Serve = Callable[[Path], AbstractContextManager[Endpoint]]

_ACCEPT_BY_SUFFIX = {
    ".srx": "application/sparql-results+xml",
    ".srj": "application/sparql-results+json",
    ".tsv": "text/tab-separated-values",
    ".csv": "text/csv",
}
# Syntax tests only look at the status; this accepts what any query form returns.
_ACCEPT_ANY = "application/sparql-results+json, application/n-triples;q=0.9"


@dataclass(frozen=True)
class Outcome:
    """The verdict on one test: passed, or failed with a one-line reason (a pass may carry a remark).

    ``passes_by_value`` tells, for a failed evaluation test, whether it would pass with numeric and
    boolean literals compared by value: a miss about lexical forms only.
    """

    case: TestCase
    passed: bool
    detail: str = ""
    passes_by_value: bool = False

    @property
    def id(self) -> str:
        return self.case.id

    @property
    def name(self) -> str:
        return self.case.name


@dataclass(frozen=True)
class Run:
    """One backend's outcomes (query suites, then protocol tests over HTTP) and how long the run took."""

    backend: str
    outcomes: Sequence[Outcome]
    seconds: float
    protocol: Sequence[ProtocolOutcome] = ()

    def all_outcomes(self) -> list[Outcome | ProtocolOutcome]:
        return [*self.outcomes, *self.protocol]

    def protocol_cell(self) -> str:
        """``passed/total`` of the protocol tests, or a dash where they were not run (no HTTP)."""
        if not self.protocol:
            return "-"
        return f"{sum(outcome.passed for outcome in self.protocol)}/{len(self.protocol)}"

    @property
    def passed(self) -> int:
        return sum(outcome.passed for outcome in self.outcomes)

    @property
    def passed_by_value(self) -> int:
        return sum(outcome.passed or outcome.passes_by_value for outcome in self.outcomes)

    def suite_counts(self) -> dict[str, tuple[int, int]]:
        """``suite -> (passed, total)``, in report order."""
        counts: dict[str, tuple[int, int]] = {}
        for outcome in self.outcomes:
            passed, total = counts.get(outcome.case.suite, (0, 0))
            counts[outcome.case.suite] = (passed + outcome.passed, total + 1)
        return {suite: counts[suite] for suite in ALL_SUITES if suite in counts}


def run_cases(cases: Iterable[TestCase], serve: Serve, workdir: Path) -> list[Outcome]:
    """Run ``cases``, starting the backend once per distinct dataset; outcomes come in the order of ``cases``."""
    ordered = list(cases)
    groups: dict[Dataset, list[TestCase]] = {}
    for case in ordered:
        groups.setdefault(case.dataset, []).append(case)
    outcomes: dict[str, Outcome] = {}
    for dataset, group in groups.items():
        with serve(write_dataset(dataset, workdir)) as endpoint:
            for case in group:
                outcomes[case.id] = run_case(case, endpoint)
    return [outcomes[case.id] for case in ordered]


def run_case(case: TestCase, endpoint: Endpoint) -> Outcome:
    """Send the test's query to ``endpoint`` and judge the reply."""
    query = with_base(case.query.path.read_text(encoding="utf-8"), case.query.iri)
    try:
        if case.is_syntax_test:
            return _judge_syntax(case, endpoint.query(query, _ACCEPT_ANY))
        assert case.result is not None, f"{case.id} has no expected result"
        expected = read_expected(case.result.path, case.result.iri)
        reply = endpoint.query(query, accept_for(case))
        if reply.status != 200:
            return Outcome(case, False, reply.message())
        actual = parse_response(reply.body, reply.media_type)
    except (ResultsError, httpx.HTTPError) as err:
        return Outcome(case, False, f"{type(err).__name__}: {err}")
    ordered = orders_results(query)
    difference = compare(expected, actual, ordered=ordered)
    if difference is None:
        return Outcome(case, True)
    return Outcome(case, False, difference, compare(expected, actual, ordered=ordered, by_value=True) is None)


def accept_for(case: TestCase) -> str:
    """The media type to ask for: the expected result's own format, so each serialiser is exercised."""
    assert case.result is not None
    suffix = case.result.path.suffix.lower()
    if suffix in _ACCEPT_BY_SUFFIX:
        return _ACCEPT_BY_SUFFIX[suffix]
    # An RDF file is a CONSTRUCT graph or a SELECT result in the rs: vocabulary; the query form decides.
    return "text/turtle, application/sparql-results+json;q=0.9"


def _judge_syntax(case: TestCase, reply: Reply) -> Outcome:
    """A syntax test judges the parser: a negative query must be refused (400), a positive one parsed.

    A positive query counts as parsed when it is answered (200), or when it was refused after parsing:
    evaluating it failed (mzgraph's ``query_failed``) or it names a graph the endpoint does not hold
    (``unknown_graph``, only ever given to a query that parsed). Those pass with the reply kept as a remark.
    """
    if case.kind == Kind.NEGATIVE_SYNTAX:
        if reply.status == 400:
            return Outcome(case, True)
        return Outcome(case, False, f"accepted an invalid query (HTTP {reply.status})")
    if reply.status == 200:
        return Outcome(case, True)
    if reply.error_code() in PARSED_NOT_ANSWERED:
        return Outcome(case, True, f"parsed, but not answered: {reply.message()}")
    return Outcome(case, False, f"rejected a valid query: {reply.message()}")
