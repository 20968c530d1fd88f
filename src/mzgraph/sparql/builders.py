"""Small helpers every SPARQL builder uses: prefixes, and values bound as RDF terms, never pasted text.

A builder takes Python values (IRIs as :class:`pyoxigraph.NamedNode`, text as :class:`pyoxigraph.Literal`)
and writes them with pyoxigraph's own N-Triples serialisation, which escapes quotes, newlines and
``>``; an IRI that is not an IRI cannot even be constructed. So a hostile search string stays a literal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.rdf.oxigraph import QueryResult, solutions

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = Mapping[str, Term]
"""One SELECT solution: variable name (without ``?``) to term; unbound variables are absent."""

XSD = "http://www.w3.org/2001/XMLSchema#"

_USED_PREFIXES = ("mz", "rdf", "rdfs", "xsd", "owl", "skos", "dcterms", "prov", "org", "schema", "sh")


def prologue(names: Iterable[str] = _USED_PREFIXES) -> str:
    """``PREFIX`` lines for the given prefix names (all the usual ones by default)."""
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in names)


def term(value: Term) -> str:
    """A term as SPARQL text (pyoxigraph's escaping; a blank node is refused, it cannot be bound)."""
    if isinstance(value, ox.BlankNode):
        raise ValueError("a blank node cannot be bound in a query")
    return str(value)


def text(value: str) -> str:
    """A plain string as a SPARQL literal, safely escaped."""
    return str(ox.Literal(value))


def integer(value: int) -> str:
    """A whole number as a SPARQL literal (``int`` only, so nothing else can slip in)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an int, got {type(value).__name__}")
    return str(value)


def values(var: str, terms: Iterable[Term]) -> str:
    """``VALUES ?var { ... }`` binding ``var`` to each term in turn."""
    return f"VALUES ?{var} {{ {' '.join(term(t) for t in terms)} }}"


def rows(result: QueryResult) -> list[Row]:
    """The solutions of a pyoxigraph SELECT as plain dicts, unbound variables left out."""
    found = solutions(result)
    variables = [v.value for v in found.variables]
    return [{name: solution[name] for name in variables if solution[name] is not None} for solution in found]
