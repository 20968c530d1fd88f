"""Saved example queries: ``queries/*.rq`` files with a header of metadata, and their parameters bound safely.

A file starts with ``#`` lines naming its title, description and parameters::

    # title: Employers offering a measure type
    # description: Employers with at least one measure of the given type,
    #   continued on an indented comment line.
    # param: category iri https://w3id.org/mzgraph/id/measure-type/calamity-leave | a measure type

A parameter line is ``name type default``, optionally followed by ``| description``; the type is one of
:data:`PARAMETER_TYPES` and the default is required, so every saved query runs as it is. In the query the
parameter is the variable ``?name``. Values are bound as RDF terms written by pyoxigraph (which escapes
them) in a ``VALUES`` row at the start of the ``WHERE`` group (:func:`mzgraph.sparql.guard.bind_values`), never
pasted into the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from mzgraph.errors import InputError
from mzgraph.sparql.errors import QueryRejected
from mzgraph.sparql.guard import QueryForm, bind_values, check

XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
MAX_VALUE_LENGTH = 1_000
"""Longest accepted parameter value, in characters."""
FORMAT_PARAMETER = "format"
"""Reserved: the query-string parameter that chooses the result format, so no saved query may use the name."""

_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_FIELD = re.compile(r"#\s?(title|description|param):\s*(.*)")
_CONTINUATION = re.compile(r"#\s{2,}(\S.*)")

Term = ox.NamedNode | ox.Literal


class ParameterError(QueryRejected):
    """A parameter value that does not fit its declared type, or a parameter the query does not have."""

    code = "invalid_parameter"


def _iri(raw: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(raw)
    except ValueError:
        raise ValueError("an absolute IRI, such as https://w3id.org/mzgraph/id/measure-type/leave") from None


def _int(raw: str) -> ox.Literal:
    if not _INTEGER.fullmatch(raw):
        raise ValueError("a whole number, such as 2")
    return ox.Literal(int(raw))


def _date(raw: str) -> ox.Literal:
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError
        date.fromisoformat(raw)
    except ValueError:
        raise ValueError("a date written YYYY-MM-DD, such as 2011-11-28") from None
    return ox.Literal(raw, datatype=XSD_DATE)


def _string(raw: str) -> ox.Literal:
    return ox.Literal(raw)


def _lang_string(raw: str) -> ox.Literal:
    text, at, language = raw.rpartition("@")
    if not at or not text or not _LANGUAGE.fullmatch(language):
        raise ValueError("text with a language tag, written text@tag, such as calamiteitenverlof@nl")
    return ox.Literal(text, language=language.lower())


PARAMETER_TYPES: dict[str, Callable[[str], Term]] = {
    "iri": _iri,
    "int": _int,
    "date": _date,
    "string": _string,
    "lang-string": _lang_string,
}
"""Each parameter type and how a value written as text becomes an RDF term (ValueError says what is expected)."""


@dataclass(frozen=True)
class Parameter:
    """One named, typed parameter of a saved query; ``?name`` in the query."""

    name: str
    type: str
    default: str
    description: str = ""

    def term(self, raw: str) -> Term:
        """``raw`` as an RDF term of this parameter's type, or :class:`ParameterError` saying what is expected."""
        if len(raw) > MAX_VALUE_LENGTH:
            raise self._error(raw, f"at most {MAX_VALUE_LENGTH} characters")
        try:
            return PARAMETER_TYPES[self.type](raw)
        except ValueError as err:
            raise self._error(raw, str(err)) from None

    def _error(self, raw: str, expected: str) -> ParameterError:
        shown = raw if len(raw) <= 80 else raw[:77] + "..."
        return ParameterError(
            f"parameter {self.name!r} must be {expected}; got {shown!r}",
            detail={"parameter": self.name, "type": self.type, "default": self.default},
        )


@dataclass(frozen=True)
class SavedQuery:
    """A saved query: its name (the file stem), what it answers, its parameters and its SPARQL text."""

    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str

    def terms(self, values: Mapping[str, str]) -> dict[str, Term]:
        """The parameters as RDF terms: given ``values`` checked against their types, defaults for the rest."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            accepted = ", ".join(known) or "none"
            raise ParameterError(
                f"query {self.name!r} has no parameter {unknown[0]!r}; its parameters: {accepted}",
                detail={"parameter": unknown[0], "parameters": list(known)},
            )
        return {p.name: p.term(values.get(p.name, p.default)) for p in self.parameters}

    def bind(self, values: Mapping[str, str] | None = None) -> str:
        """The query text with its parameters bound (``values`` where given, else the defaults)."""
        return bind_values(self.text, self.terms(values or {}))


def parse_saved_query(name: str, text: str, *, source: str) -> SavedQuery:
    """A saved query from the text of its ``.rq`` file; :class:`InputError` at ``source``:line if malformed."""
    fields: list[tuple[str, str, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        if match := _FIELD.fullmatch(line.rstrip()):
            fields.append((match[1], match[2], number))
        elif (more := _CONTINUATION.fullmatch(line.rstrip())) and fields:
            key, value, first = fields[-1]
            fields[-1] = (key, f"{value} {more[1]}", first)
        else:
            raise InputError(source, "a header line is '# title: ...', '# description: ...' or '# param: ...'", number)
    titles = [value for key, value, _ in fields if key == "title"]
    descriptions = [value for key, value, _ in fields if key == "description"]
    if len(titles) != 1 or len(descriptions) != 1:
        raise InputError(source, "the header needs exactly one '# title:' and one '# description:' line", 1)
    parameters = tuple(_parameter(value, source, line) for key, value, line in fields if key == "param")
    query = SavedQuery(name, titles[0], descriptions[0], parameters, text)
    _check(query, source)
    return query


def _parameter(spec: str, source: str, line: int) -> Parameter:
    head, _, description = spec.partition("|")
    parts = head.split(maxsplit=2)
    if len(parts) != 3:
        raise InputError(source, "a parameter is '# param: name type default | description'", line)
    name, kind, default = parts
    if not _VARIABLE.fullmatch(name):
        raise InputError(source, f"parameter name {name!r} is not a SPARQL variable name (letters, digits, _)", line)
    if name == FORMAT_PARAMETER:
        raise InputError(source, f"{name!r} is reserved for the result format; name the parameter otherwise", line)
    if kind not in PARAMETER_TYPES:
        raise InputError(source, f"parameter type {kind!r} is not one of {', '.join(PARAMETER_TYPES)}", line)
    parameter = Parameter(name, kind, default.strip(), description.strip())
    try:
        parameter.term(parameter.default)
    except ParameterError as err:
        raise InputError(source, f"default: {err.message}", line) from None
    return parameter


def _check(query: SavedQuery, source: str) -> None:
    """What the web layer relies on: a SELECT query the endpoint accepts, with each parameter used and bindable."""
    if len({p.name for p in query.parameters}) != len(query.parameters):
        raise InputError(source, "a parameter is declared twice")
    for parameter in query.parameters:
        if not re.search(rf"[?$]{parameter.name}\b", query.text):
            raise InputError(source, f"parameter {parameter.name!r} is declared but ?{parameter.name} is not used")
    try:
        checked = check(query.bind())
    except QueryRejected as err:
        raise InputError(source, err.message) from None
    except ValueError as err:
        raise InputError(source, f"cannot bind the parameters: {err}") from None
    if checked.form is not QueryForm.SELECT:
        raise InputError(source, "a saved query must be a SELECT query (it is served as a table, JSON and CSV)")


def load_saved_queries(directory: Path) -> dict[str, SavedQuery]:
    """Every ``*.rq`` file in ``directory``, by name (the file stem), in name order."""
    queries: dict[str, SavedQuery] = {}
    for path in sorted(directory.glob("*.rq")):
        if not _NAME.fullmatch(path.stem):
            raise InputError(str(path), "a saved query's file name is lower-case words joined by '-', ending .rq")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(str(path), f"cannot read the file: {err}") from None
        queries[path.stem] = parse_saved_query(path.stem, text, source=str(path))
    return queries
