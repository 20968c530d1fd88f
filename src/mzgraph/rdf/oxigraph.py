"""pyoxigraph's terms and results, typed as narrowly as each use needs.

pyoxigraph's stubs are wide on purpose: any term may be a quoted triple (RDF-star), ``Store.query`` returns
solutions, a boolean or triples whatever the query's form, and ``serialize`` returns None when it was given
an output to write to. The aliases name those unions once; the helpers say which result a call expects and
fail with a clear message when it is another.
"""

from __future__ import annotations

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
"""Any RDF term pyoxigraph gives: a triple's object, a solution's value (a quoted triple under RDF-star)."""

Subject = ox.NamedNode | ox.BlankNode | ox.Triple
"""What can be a triple's subject (no literal)."""

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
"""A quad's graph name."""

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


def solutions(result: QueryResult) -> ox.QuerySolutions:
    """The solutions of a SELECT (``store.query`` of a SELECT gives nothing else)."""
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"expected the solutions of a SELECT query, got {type(result).__name__}")
    return result


def triples(result: QueryResult) -> ox.QueryTriples:
    """The triples of a CONSTRUCT or DESCRIBE."""
    if not isinstance(result, ox.QueryTriples):
        raise TypeError(f"expected the triples of a CONSTRUCT or DESCRIBE query, got {type(result).__name__}")
    return result


def written(data: bytes | None) -> bytes:
    """The bytes of a ``serialize`` call given no output (pyoxigraph returns None only when given one)."""
    if data is None:
        raise TypeError("serialize wrote to an output instead of returning bytes")
    return data
