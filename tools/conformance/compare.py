"""Is an actual result the expected one? Multisets with blank-node mapping, in order where the query orders.

Strict on terms: literals match only with the same lexical form, datatype and language tag, so
``"1.0"^^xsd:decimal`` is not ``"1"^^xsd:decimal``. Blank nodes match through one bijection per
result (labels are meaningless); graphs are compared after canonicalisation.

``by_value=True`` relaxes one thing, for diagnosis only: numeric and boolean literals then match by
value (``"1.0"^^xsd:decimal`` = ``"1"^^xsd:decimal``, ``"3.0E4"^^xsd:double`` = ``"30000"^^xsd:double``,
CSV cells ``1.0E6`` = ``1000000``). It shows which misses are about lexical forms only.

One tolerance applies always, the same in every format: the order of the variables (the columns of a CSV table)
is not significant, only their names. The suite's CSV files list ``SELECT *`` columns in order of
appearance, an order SPARQL leaves open.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from tools.conformance.results import CsvTable, Graph, Result, Solutions

#: A row in the form the matcher works on: ``(column, value)`` pairs; a value may be a blank node.
Cells = tuple[tuple[Hashable, Hashable], ...]
_Mapping = dict[str, str]
_SHOWN = 3
_XSD = "http://www.w3.org/2001/XMLSchema#"
_DECIMAL_TYPES = frozenset(
    _XSD + name
    for name in (
        *("decimal", "integer", "long", "int", "short", "byte"),
        *("nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger"),
        *("unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"),
    )
)
_FLOAT_TYPES = frozenset((_XSD + "double", _XSD + "float"))


def compare(expected: Result, actual: Result, *, ordered: bool, by_value: bool = False) -> str | None:
    """``None`` when ``actual`` matches ``expected``, else what differs, in one line."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        if isinstance(expected, bool) and isinstance(actual, bool):
            return None if expected == actual else f"expected {str(expected).lower()}, got {str(actual).lower()}"
        return f"expected {_kind(expected)}, got {_kind(actual)}"
    if type(expected) is not type(actual):
        return f"expected {_kind(expected)}, got {_kind(actual)}"
    if isinstance(expected, Graph):
        assert isinstance(actual, Graph)
        return _compare_graphs(expected, actual)
    if isinstance(expected, Solutions):
        assert isinstance(actual, Solutions)
        if expected.variables != actual.variables:
            return f"expected variables {sorted(expected.variables)}, got {sorted(actual.variables)}"
        return _compare_rows(_values(expected.rows, by_value), _values(actual.rows, by_value), ordered=ordered)
    assert isinstance(expected, CsvTable) and isinstance(actual, CsvTable)
    if sorted(expected.header) != sorted(actual.header):
        return f"expected CSV header {list(expected.header)}, got {list(actual.header)}"
    return _compare_rows(
        _values(_csv_cells(expected), by_value), _values(_csv_cells(actual), by_value), ordered=ordered
    )


def rows_match(expected: Sequence[Cells], actual: Sequence[Cells], *, ordered: bool) -> bool:
    """Whether one blank-node bijection maps ``expected`` onto ``actual`` (as multisets, or as lists)."""
    if len(expected) != len(actual):
        return False
    if ordered:
        mapping: _Mapping | None = {}
        for left, right in zip(expected, actual, strict=True):
            mapping = _unify(left, right, mapping) if mapping is not None else None
        return mapping is not None
    if Counter(map(_masked, expected)) != Counter(map(_masked, actual)):
        return False
    if not any(_blank(value) for row in expected for _, value in row):
        return True
    buckets: dict[Cells, list[int]] = {}
    for index, row in enumerate(actual):
        buckets.setdefault(_masked(row), []).append(index)
    order = sorted(range(len(expected)), key=lambda i: len(buckets[_masked(expected[i])]))
    return _search([expected[i] for i in order], actual, buckets, set(), {})


def _compare_rows(expected: Sequence[Cells], actual: Sequence[Cells], *, ordered: bool) -> str | None:
    if rows_match(expected, actual, ordered=ordered):
        return None
    if ordered and rows_match(expected, actual, ordered=False):
        return "the right solutions in the wrong order"
    missing = Counter(map(_masked, expected)) - Counter(map(_masked, actual))
    extra = Counter(map(_masked, actual)) - Counter(map(_masked, expected))
    parts = [f"{len(expected)} rows expected, {len(actual)} returned"]
    if missing:
        parts.append("missing " + "; ".join(_show(row) for row in list(missing.elements())[:_SHOWN]))
    if extra:
        parts.append("unexpected " + "; ".join(_show(row) for row in list(extra.elements())[:_SHOWN]))
    if not missing and not extra:
        parts.append("blank nodes are shared differently")
    return ", ".join(parts)


def _search(
    expected: list[Cells], actual: Sequence[Cells], buckets: dict[Cells, list[int]], used: set[int], mapping: _Mapping
) -> bool:
    """Backtracking: give each expected row an unused actual row consistent with the mapping so far."""
    if not expected:
        return True
    row, rest = expected[0], expected[1:]
    for index in buckets[_masked(row)]:
        if index in used:
            continue
        extended = _unify(row, actual[index], mapping)
        if extended is not None and _search(rest, actual, buckets, used | {index}, extended):
            return True
    return False


def _unify(left: Cells, right: Cells, mapping: _Mapping) -> _Mapping | None:
    """``mapping`` extended so that ``left`` maps onto ``right``, or ``None``; the mapping stays one-to-one."""
    if _masked(left) != _masked(right):
        return None
    extended = dict(mapping)
    targets = set(extended.values())
    for (_, value), (_, other) in zip(left, right, strict=True):
        label, other_label = _blank(value), _blank(other)
        if label is None:
            continue
        assert other_label is not None
        if label in extended:
            if extended[label] != other_label:
                return None
        elif other_label in targets:
            return None
        else:
            extended[label] = other_label
            targets.add(other_label)
    return extended


def _compare_graphs(expected: Graph, actual: Graph) -> str | None:
    left, right = _canonical(expected), _canonical(actual)
    if left == right:
        return None
    missing, extra = left - right, right - left
    parts = [f"{len(expected.triples)} triples expected, {len(actual.triples)} returned"]
    if missing:
        parts.append("missing " + "; ".join(sorted(str(t) for t in missing)[:_SHOWN]))
    if extra:
        parts.append("unexpected " + "; ".join(sorted(str(t) for t in extra)[:_SHOWN]))
    return ", ".join(parts)


def _canonical(graph: Graph) -> frozenset[ox.Quad]:
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in graph.triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return frozenset(dataset)


def _csv_cells(table: CsvTable) -> list[Cells]:
    """CSV rows keyed by column name: as in the other formats, the order of the variables is not significant."""
    return [tuple(sorted(zip(table.header, row, strict=False))) for row in table.rows]


def _values(rows: Sequence[Cells], by_value: bool) -> Sequence[Cells]:
    if not by_value:
        return rows
    return [tuple((column, _value(cell)) for column, cell in row) for row in rows]


def _value(cell: Hashable) -> Hashable:
    """A numeric or boolean literal (or a CSV cell holding a number) as its value; anything else unchanged."""
    if isinstance(cell, ox.Literal):
        datatype = cell.datatype.value
        if datatype == _XSD + "boolean":
            return ("boolean", cell.value.strip() in ("true", "1"))
        if datatype in _FLOAT_TYPES:
            try:
                number = float(cell.value)
            except ValueError:
                return cell
            return ("float", "NaN" if math.isnan(number) else number)
        return _decimal(cell.value, cell) if datatype in _DECIMAL_TYPES else cell
    return _decimal(cell, cell) if isinstance(cell, str) else cell


def _decimal(lexical: str, fallback: Hashable) -> Hashable:
    try:
        number = Decimal(lexical)
    except InvalidOperation:
        return fallback
    return ("number", number) if number.is_finite() else fallback


def _blank(value: Hashable) -> str | None:
    """The label of a blank node: a pyoxigraph term, or a ``_:`` cell of CSV text."""
    if isinstance(value, ox.BlankNode):
        return value.value
    if isinstance(value, str) and value.startswith("_:"):
        return value[2:]
    return None


def _masked(row: Cells) -> Cells:
    return tuple((column, "_:" if _blank(value) is not None else value) for column, value in row)


def _show(row: Cells) -> str:
    return " ".join(f"{column}={value}" for column, value in row) or "(empty solution)"


def _kind(result: Result) -> str:
    return {bool: "a boolean", Graph: "a graph", Solutions: "solutions", CsvTable: "a CSV table"}[type(result)]
