"""Static checks on a SPARQL query before any store sees it, and safe binding of values into it.

pyoxigraph follows ``SERVICE`` to any URL and its parser overflows the stack on deeply nested input,
so a query is read here first with a small lexer that follows the SPARQL 1.1 terminals (strings,
IRIs with ``\\u`` escapes, prefixed names with ``\\``-escapes, comments ending at CR or LF): whatever
the store would read as a keyword, this lexer reads as one too. Rejected before evaluation: updates
(the endpoint is read-only), ``SERVICE``, queries longer or more deeply nested than the limits, and
prefixes used without a declaration. ``FROM``/``FROM NAMED`` graphs are returned so the store can
refuse graphs it does not hold; nothing is ever fetched. A query whose cost is bounded by its shape (one
triple pattern with a constant subject or object, no path, no aggregate, no join: the precise rule is in
:mod:`mzgraph.sparql.bounded`) is marked ``bounded``, and the embedded store may evaluate it in process.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

import pyoxigraph as ox

from mzgraph.rdf.formats import Family
from mzgraph.sparql.bounded import is_bounded
from mzgraph.sparql.errors import QueryRejected


class QueryForm(enum.Enum):
    """The four SPARQL query forms."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def family(self) -> Family:
        """Solutions (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE)."""
        return Family.SOLUTIONS if self in (QueryForm.SELECT, QueryForm.ASK) else Family.GRAPH


@dataclass(frozen=True)
class Limits:
    """How big a query may be. Measured: pyoxigraph's parser overflows an 8 MiB stack at ~2,200 nested
    ``{ }`` groups and ~4,600 nested parentheses (see ``benchmarks/stack_depth.py``)."""

    max_length: int = 100_000
    max_depth: int = 100
    max_minus: int = 1_000
    """``MINUS`` groups nest in the algebra: ~2,600 of them in one query overflow the evaluator's stack."""


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the static checks: its text, form and the graphs its dataset clauses name."""

    text: str
    form: QueryForm
    from_graphs: tuple[str, ...] = ()
    from_named_graphs: tuple[str, ...] = ()
    repeatable: bool = True
    """Whether the same data gives the same answer: no ``RAND``, ``NOW``, ``UUID`` or ``STRUUID``."""
    bounded: bool = False
    """Whether its cost is bounded by its shape (:mod:`mzgraph.sparql.bounded`): it may skip the isolation."""


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind (a group name of the lexer), its text and where it starts."""

    kind: str
    text: str
    start: int


_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = f"(?:[{_CHARS_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_LEXER = re.compile(
    rf"""
    (?P<ws>[ \t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
              |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}})*>)
  | (?P<var>[?$][{_CHARS_U}0-9][{_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<bnode>_:[{_CHARS_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)
  | (?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?)
  | (?P<number>[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<open>[{{(\[]|<<)
  | (?P<close>[}})\]]|>>)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|[,;.*+\-/=<>!^|?])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_FORMS = {form.value: form for form in QueryForm}
_UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\(.)")
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PARSER_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of ``text`` (whitespace and comments dropped)."""
    for match in _LEXER.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), match.start())


_CHANGING_FUNCTIONS = frozenset({"RAND", "NOW", "UUID", "STRUUID"})
"""Functions whose value differs from one evaluation to the next."""


def check(text: str, limits: Limits | None = None) -> CheckedQuery:
    """Check ``text`` statically; raises :class:`QueryRejected` with a code, a message and its position."""
    limits = limits or Limits()
    text = text.removeprefix("\ufeff")
    if len(text) > limits.max_length:
        raise QueryRejected(
            f"the query is {len(text):,} characters long; the limit is {limits.max_length:,}",
            code="query_too_long",
            detail={"length": len(text), "max_length": limits.max_length},
        )
    reader = _Reader(text, limits)
    if reader.first_token is None:
        raise QueryRejected("the query is empty (nothing but white space and comments)", code="missing_query")
    reader.read()
    if reader.form is None:
        first = reader.first_token
        raise _rejected(
            text,
            first.start if first else 0,
            "syntax_error",
            "expected SELECT, CONSTRUCT, ASK or DESCRIBE (after any PREFIX and BASE declarations)",
        )
    return CheckedQuery(
        text,
        reader.form,
        tuple(reader.from_graphs),
        tuple(reader.from_named),
        not reader.changing_functions,
        is_bounded(reader.tokens),
    )


def bind_values(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """``text`` with ``VALUES`` binding each variable to its term, first in the WHERE group.

    Terms are written by pyoxigraph (N-Triples syntax, escaped), so a hostile string stays a literal;
    a variable name must be a plain SPARQL name. Works on every backend, unlike engine substitutions.
    ``CONSTRUCT WHERE { ... }`` allows no VALUES in its group, so there the clause goes last.
    """
    if not bindings:
        return text
    names = list(bindings)
    for name in names:
        if not _VARIABLE_NAME.fullmatch(name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    terms = []
    for name in names:
        term = bindings[name]
        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise TypeError(f"?{name} must be bound to a NamedNode or a Literal, not {type(term).__name__}")
        terms.append(str(term))
    clause = f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(terms)}) }}"
    if _is_construct_where(text):  # its group holds triple patterns only: bind with a trailing VALUES
        return f"{text}\n{clause}\n"
    where = where_group_start(text)
    if where is None:
        raise ValueError("the query has no WHERE group to bind values in")
    return f"{text[:where]} {clause} {text[where:]}"


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _Reader:
    """One pass over the tokens: depth, forbidden words, the query form, prefixes and dataset clauses."""

    def __init__(self, text: str, limits: Limits) -> None:
        self.text = text
        self.limits = limits
        self.tokens = list(tokens(text))
        self.form: QueryForm | None = None
        self.prefixes: dict[str, str] = {}
        self.base: str | None = None
        self.from_graphs: list[str] = []
        self.from_named: list[str] = []
        self.changing_functions: set[str] = set()

    @property
    def first_token(self) -> Token | None:
        return self.tokens[0] if self.tokens else None

    def read(self) -> None:
        depth = 0
        negations = 0  # a run of unary ``!`` nests like brackets (30,000 of them overflow the parser's stack)
        minus = 0
        index = 0
        while index < len(self.tokens):
            token = self.tokens[index]
            index += 1
            negations = negations + 1 if token.text == "!" else 0
            if token.kind == "open":
                depth += 1
            elif token.kind == "close":
                depth = max(depth - 1, 0)
            elif token.kind == "word":
                minus += token.text.upper() == "MINUS"
                index = self._word(token, index)
            elif token.kind == "pname":
                self._check_prefix(token)
            if depth + negations > self.limits.max_depth:
                raise _rejected(
                    self.text,
                    token.start,
                    "query_too_complex",
                    f"the query nests brackets or negations more than {self.limits.max_depth} deep; flatten it",
                )
            if minus > self.limits.max_minus:
                raise _rejected(
                    self.text,
                    token.start,
                    "query_too_complex",
                    f"the query has more than {self.limits.max_minus} MINUS groups; combine them",
                )

    def _word(self, token: Token, index: int) -> int:
        """Handle a bare word; returns the index of the next token to read."""
        word = token.text.upper()
        if word == "SERVICE":
            raise _rejected(
                self.text,
                token.start,
                "service_rejected",
                "SERVICE is not allowed: this endpoint never sends requests to other endpoints",
            )
        if word in _UPDATE_WORDS:
            raise _rejected(
                self.text,
                token.start,
                "update_rejected",
                f"{word} is an update operation; this endpoint is read-only and answers queries only",
            )
        if self.form is None and word == "PREFIX" and self._kinds(index, "pname", "iri"):
            name, iri = self.tokens[index], self.tokens[index + 1]
            self.prefixes[name.text.split(":", 1)[0]] = self._resolve(_iri_value(iri.text))
            return index + 2
        if self.form is None and word == "BASE" and self._kinds(index, "iri"):
            self.base = self._resolve(_iri_value(self.tokens[index].text))
            return index + 1
        if self.form is None and word in _FORMS:
            self.form = _FORMS[word]
        elif word == "FROM":
            return self._dataset_clause(index)
        elif word in _CHANGING_FUNCTIONS and self._kinds(index, "open"):
            self.changing_functions.add(word)
        return index

    def _dataset_clause(self, index: int) -> int:
        target = self.from_graphs
        if self._kinds(index, "word") and self.tokens[index].text.upper() == "NAMED":
            target = self.from_named
            index += 1
        if self._kinds(index, "iri"):
            target.append(self._resolve(_iri_value(self.tokens[index].text)))
            return index + 1
        if self._kinds(index, "pname"):
            target.append(self._expand(self.tokens[index]))
            return index + 1
        return index

    def _kinds(self, index: int, *kinds: str) -> bool:
        """Whether the tokens from ``index`` on are of ``kinds``."""
        found = self.tokens[index : index + len(kinds)]
        return len(found) == len(kinds) and all(t.kind == k for t, k in zip(found, kinds, strict=True))

    def _check_prefix(self, token: Token) -> None:
        prefix = token.text.split(":", 1)[0]
        if prefix not in self.prefixes:
            raise _rejected(
                self.text,
                token.start,
                "syntax_error",
                f"the prefix {prefix}: is used in {token.text} but not declared; add PREFIX {prefix}: <...>",
            )

    def _expand(self, token: Token) -> str:
        self._check_prefix(token)
        prefix, local = token.text.split(":", 1)
        return self.prefixes[prefix] + _LOCAL_ESCAPE.sub(r"\1", local)

    def _resolve(self, iri: str) -> str:
        return urljoin(self.base, iri) if self.base else iri


def _iri_value(token_text: str) -> str:
    """The IRI of an ``<...>`` token, ``\\u`` escapes decoded."""
    return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), token_text[1:-1])


def where_group_start(text: str) -> int | None:
    """Offset just after the ``{`` that opens the WHERE group (a CONSTRUCT template is skipped), or None."""
    depth = 0
    form: QueryForm | None = None
    in_template = False
    for token in tokens(text):
        if token.kind == "word" and token.text.upper() in _FORMS and form is None:
            form = _FORMS[token.text.upper()]
            in_template = form is QueryForm.CONSTRUCT
            continue
        if token.kind == "open":
            if form is not None and depth == 0 and token.text == "{" and not in_template:
                return token.start + 1
            depth += 1
        elif token.kind == "close":
            depth -= 1
            if depth == 0 and in_template and token.text == "}":
                in_template = False
        elif token.kind == "word" and token.text.upper() == "WHERE" and depth == 0:
            in_template = False
    return None


def parse(text: str) -> None:
    """Parse ``text`` with the store's own parser, or raise its syntax error as a :class:`QueryRejected`.

    Only for queries refused after the static checks (a graph not held): a syntax error is reported first,
    like for any other query. The query is read against an empty dataset, so nothing of it is evaluated but
    an ``ASK`` over no data.
    """
    try:
        ox.Store().query(text)
    except SyntaxError as err:
        raise parser_error(str(err)) from None
    except (OSError, RuntimeError, ValueError, TypeError):
        return  # parsed, then failed on the empty dataset: not a syntax matter


def parser_error(message: str) -> QueryRejected:
    """A store parser's syntax error (``error at LINE:COLUMN: ...``) as a rejection with its position."""
    found = _PARSER_POSITION.match(message.strip())
    if found is None:
        return QueryRejected(f"syntax error: {message.strip()}", code="syntax_error")
    line, column, text = int(found.group(1)), int(found.group(2)), found.group(3)
    return _rejected_at(line, column, "syntax_error", f"syntax error: {text}")


def _is_construct_where(text: str) -> bool:
    """Whether ``text`` is the short form ``CONSTRUCT [FROM ...] WHERE { triples }`` (no template)."""
    stream = tokens(text)
    for token in stream:
        if token.kind == "word" and token.text.upper() in _FORMS:
            return token.text.upper() == "CONSTRUCT" and next(stream, token).text != "{"
    return False


def _rejected(text: str, offset: int, code: str, message: str) -> QueryRejected:
    return _rejected_at(*position(text, offset), code, message)


def _rejected_at(line: int, column: int, code: str, message: str) -> QueryRejected:
    return QueryRejected(f"line {line}, column {column}: {message}", code=code, detail={"line": line, "column": column})
