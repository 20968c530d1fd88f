"""Reading the W3C SPARQL 1.1 test manifests into :class:`TestCase` records.

The manifests are Turtle files with an ``mf:entries`` list; each entry names a test type, a query
and (for evaluation tests) the data and the expected result. Every file is identified by the IRI
it has on w3.org, not by where the copy sits on disk, so graph names in the data, queries and
expected results agree whatever the checkout path is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import pyoxigraph as ox

W3C_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"

_MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
_QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_FIRST = ox.NamedNode(_RDF + "first")
_RDF_REST = ox.NamedNode(_RDF + "rest")
_RDF_NIL = ox.NamedNode(_RDF + "nil")

#: The evaluation suites issue 8 names, in the order the report lists them.
EVALUATION_SUITES: tuple[str, ...] = (
    "aggregates",
    "bind",
    "bindings",
    "construct",
    "exists",
    "functions",
    "grouping",
    "negation",
    "project-expression",
    "property-path",
    "subquery",
    "csv-tsv-res",
    "json-res",
    "cast",
)
SYNTAX_SUITES: tuple[str, ...] = ("syntax-query",)
ALL_SUITES: tuple[str, ...] = EVALUATION_SUITES + SYNTAX_SUITES


class Kind(Enum):
    """The manifest test types the runner knows how to run."""

    EVALUATION = "QueryEvaluationTest"
    CSV_FORMAT = "CSVResultFormatTest"
    POSITIVE_SYNTAX = "PositiveSyntaxTest11"
    NEGATIVE_SYNTAX = "NegativeSyntaxTest11"


@dataclass(frozen=True)
class SourceFile:
    """A test file: where the copy is on disk and the IRI it has in the suite."""

    path: Path
    iri: str


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a test queries: the default graph's files and the named graphs' files."""

    default: tuple[SourceFile, ...] = ()
    named: tuple[SourceFile, ...] = ()


@dataclass(frozen=True)
class TestCase:
    """One manifest entry: ``id`` is ``suite/local-name``, e.g. ``aggregates/agg01``."""

    id: str
    suite: str
    name: str
    kind: Kind
    query: SourceFile
    dataset: Dataset
    result: SourceFile | None

    @property
    def is_syntax_test(self) -> bool:
        return self.kind in (Kind.POSITIVE_SYNTAX, Kind.NEGATIVE_SYNTAX)


def read_suites(root: Path, suites: Iterable[str] = ALL_SUITES) -> list[TestCase]:
    """All runnable tests of ``suites`` under ``root`` (the folder holding one folder per suite)."""
    cases: list[TestCase] = []
    for suite in suites:
        cases.extend(read_manifest(root / suite / "manifest.ttl", suite))
    return cases


def read_manifest(path: Path, suite: str) -> list[TestCase]:
    """The tests listed in one manifest's ``mf:entries``, in manifest order."""
    base = f"{W3C_BASE}{suite}/"
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base + path.name)
    graph = _Graph(store, path.parent, base)
    cases = []
    for entry in graph.entries():
        case = graph.test_case(entry, suite)
        if case is not None:
            cases.append(case)
    return cases


class _Graph:
    """Small helpers over one parsed manifest."""

    def __init__(self, store: ox.Store, folder: Path, base: str) -> None:
        self._store = store
        self._folder = folder
        self._base = base

    def objects(self, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> list[ox.Term]:
        quads = self._store.quads_for_pattern(subject, ox.NamedNode(predicate), None)
        return [quad.object for quad in quads]

    def one(self, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> ox.Term | None:
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def entries(self) -> Iterator[ox.NamedNode | ox.BlankNode]:
        for head in (quad.object for quad in self._store.quads_for_pattern(None, ox.NamedNode(_MF + "entries"), None)):
            node = head
            while node != _RDF_NIL:
                yield next(self._store.quads_for_pattern(node, _RDF_FIRST, None)).object
                node = next(self._store.quads_for_pattern(node, _RDF_REST, None)).object

    def source(self, term: ox.Term) -> SourceFile:
        if not isinstance(term, ox.NamedNode) or not term.value.startswith(self._base):
            raise ValueError(f"test file {term} is outside the suite folder {self._base}")
        return SourceFile(self._folder / term.value.removeprefix(self._base), term.value)

    def test_case(self, entry: ox.NamedNode | ox.BlankNode, suite: str) -> TestCase | None:
        type_node = self.one(entry, _RDF + "type")
        kinds = {kind.value: kind for kind in Kind}
        kind = kinds.get(type_node.value.removeprefix(_MF)) if isinstance(type_node, ox.NamedNode) else None
        if kind is None:
            return None
        action = self.one(entry, _MF + "action")
        name = self.one(entry, _MF + "name")
        result = self.one(entry, _MF + "result")
        if isinstance(action, ox.NamedNode):  # syntax tests: the action is the query itself
            query, dataset = self.source(action), Dataset()
        else:
            query = self.source(self.one(action, _QT + "query"))
            dataset = Dataset(
                default=tuple(sorted(map(self.source, self.objects(action, _QT + "data")), key=_by_iri)),
                named=tuple(sorted(map(self.source, self.objects(action, _QT + "graphData")), key=_by_iri)),
            )
        return TestCase(
            id=f"{suite}/{entry.value.rsplit('#', 1)[-1]}",
            suite=suite,
            name=name.value if name is not None else entry.value,
            kind=kind,
            query=query,
            dataset=dataset,
            result=self.source(result) if result is not None else None,
        )


def _by_iri(source: SourceFile) -> str:
    return source.iri
