"""Query results in one comparable shape, from the expected files and from the endpoint's responses.

SELECT results become :class:`Solutions`, ASK a :class:`bool`, CONSTRUCT a :class:`Graph`; the lossy
CSV format is kept as text (:class:`CsvTable`), since the CSV tests compare exactly that text.
Structured formats are parsed by pyoxigraph, which keeps literals' lexical forms as written, so the
comparison can be strict.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from mzgraph.rdf.namespaces import RDF_TYPE

Term = ox.NamedNode | ox.BlankNode | ox.Literal
#: One solution: ``(variable, value)`` pairs of the bound variables, sorted by variable name.
Row = tuple[tuple[str, Term], ...]

_RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"

RESULTS_FORMAT_BY_SUFFIX: dict[str, ox.QueryResultsFormat] = {
    ".srx": ox.QueryResultsFormat.XML,
    ".srj": ox.QueryResultsFormat.JSON,
    ".tsv": ox.QueryResultsFormat.TSV,
}
RESULTS_FORMAT_BY_MEDIA_TYPE: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
RDF_FORMAT_BY_MEDIA_TYPE: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
CSV_MEDIA_TYPE = "text/csv"


class ResultsError(ValueError):
    """A results document that cannot be read (bad syntax or an unknown format)."""


@dataclass(frozen=True)
class Solutions:
    """A SELECT result: the projected variables and the solutions in the order they came."""

    variables: frozenset[str]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Graph:
    """A CONSTRUCT result: a set of triples."""

    triples: frozenset[ox.Triple]


@dataclass(frozen=True)
class CsvTable:
    """SPARQL CSV results as text cells: the header and the rows, in order."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Result = Solutions | bool | Graph | CsvTable


def read_expected(path: Path, iri: str) -> Result:
    """The expected result in a test file; its format comes from the file extension."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return parse_csv(data)
    if suffix in RESULTS_FORMAT_BY_SUFFIX:
        return parse_results(data, RESULTS_FORMAT_BY_SUFFIX[suffix])
    if suffix in (".ttl", ".nt", ".rdf"):
        rdf_format = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}.get(suffix, ox.RdfFormat.RDF_XML)
        graph = parse_graph(data, rdf_format, base_iri=iri)
        return _result_set_vocabulary(graph) or graph
    raise ResultsError(f"{path}: unknown results file extension {suffix!r}")


def parse_response(data: bytes, media_type: str) -> Result:
    """An endpoint's response body, read according to its ``Content-Type`` (parameters ignored)."""
    essence = media_type.split(";", 1)[0].strip().lower()
    if essence == CSV_MEDIA_TYPE:
        return parse_csv(data)
    if essence in RESULTS_FORMAT_BY_MEDIA_TYPE:
        return parse_results(data, RESULTS_FORMAT_BY_MEDIA_TYPE[essence])
    if essence in RDF_FORMAT_BY_MEDIA_TYPE:
        return parse_graph(data, RDF_FORMAT_BY_MEDIA_TYPE[essence])
    raise ResultsError(f"the response has an unexpected media type {media_type!r}")


def parse_results(data: bytes, results_format: ox.QueryResultsFormat) -> Solutions | bool:
    """SPARQL XML, JSON or TSV results."""
    try:
        parsed = ox.parse_query_results(data, results_format)
        if isinstance(parsed, ox.QueryBoolean):
            return bool(parsed)
        names = [variable.value for variable in parsed.variables]
        rows = tuple(_row((name, solution[name]) for name in names) for solution in parsed)
    except (SyntaxError, ValueError) as err:
        raise ResultsError(f"cannot read {results_format.name} results: {err}") from None
    return Solutions(frozenset(names), rows)


def parse_graph(data: bytes, rdf_format: ox.RdfFormat, *, base_iri: str | None = None) -> Graph:
    """An RDF graph in any format pyoxigraph reads."""
    try:
        quads = ox.parse(data, rdf_format, base_iri=base_iri)
        return Graph(frozenset(ox.Triple(quad.subject, quad.predicate, quad.object) for quad in quads))
    except (SyntaxError, ValueError) as err:
        raise ResultsError(f"cannot read {rdf_format.name} data: {err}") from None


def parse_csv(data: bytes) -> CsvTable:
    """SPARQL CSV results (RFC 4180, CRLF line ends) as text cells."""
    try:
        records = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error) as err:
        raise ResultsError(f"cannot read CSV results: {err}") from None
    if not records:
        raise ResultsError("CSV results without a header line")
    return CsvTable(tuple(records[0]), tuple(tuple(record) for record in records[1:]))


def _row(pairs: Iterable[tuple[str, Term | None]]) -> Row:
    """A solution with its unbound variables left out; names are unique, so sorting never compares terms."""
    return tuple(sorted((name, value) for name, value in pairs if value is not None))


def _result_set_vocabulary(graph: Graph) -> Solutions | None:
    """Results written as RDF in the DAWG ``rs:`` vocabulary (a few SPARQL 1.1 tests still use it)."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in graph.triples)
    result_sets = list(store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(_RS + "ResultSet")))
    if not result_sets:
        return None
    result_set = result_sets[0].subject
    names = [q.object.value for q in store.quads_for_pattern(result_set, ox.NamedNode(_RS + "resultVariable"), None)]
    indexed: list[tuple[int, Row]] = []
    for position, quad in enumerate(store.quads_for_pattern(result_set, ox.NamedNode(_RS + "solution"), None)):
        solution = quad.object
        index = next(iter(store.quads_for_pattern(solution, ox.NamedNode(_RS + "index"), None)), None)
        pairs = []
        for binding in store.quads_for_pattern(solution, ox.NamedNode(_RS + "binding"), None):
            variable = next(store.quads_for_pattern(binding.object, ox.NamedNode(_RS + "variable"), None)).object
            value = next(store.quads_for_pattern(binding.object, ox.NamedNode(_RS + "value"), None)).object
            pairs.append((variable.value, value))
        indexed.append((int(index.object.value) if index else position, _row(pairs)))
    return Solutions(frozenset(names), tuple(row for _, row in sorted(indexed, key=lambda item: item[0])))
