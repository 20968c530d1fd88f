"""Which queries are bounded by their shape: every solution they look at is an answer they give.

A store may evaluate such a query without the isolation an open query needs (a worker process and a
deadline), because its work is at most a constant times the row cap: it reads one triple pattern and every
match is one answer, so stopping at the row cap (or at ``LIMIT``) stops the work. The rule, on the tokens
the guard read (:func:`mzgraph.sparql.guard.check`):

- ``SELECT`` (``*`` or variables; no ``DISTINCT``, ``REDUCED`` or expressions), ``ASK``, or ``CONSTRUCT``
  whose template triples each use every variable of the pattern (so two matches never make the same triple,
  which CONSTRUCT would drop after computing it), or the short form ``CONSTRUCT WHERE``;
- no ``FROM``, no ``GRAPH``, no nested group, no ``OPTIONAL``, ``UNION``, ``MINUS``, ``FILTER``, ``BIND``,
  ``VALUES``, subquery, aggregate, ``ORDER BY``, ``GROUP BY`` or ``OFFSET``; an optional ``LIMIT n`` at the end;
- the WHERE group is exactly one triple pattern (no ``;`` or ``,`` lists, which are cartesian products, and
  no property path: its predicate is an IRI, a prefixed name, ``a`` or a variable);
- its subject or its object is a constant, and its variables are distinct (``<s> ?p ?p`` filters).

Everything else is an open query. Any doubt answers "open": the rule only ever sends less to the fast path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class _Token(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def text(self) -> str: ...


_CONSTANT = ("iri", "pname")


def is_bounded(tokens: Sequence[_Token]) -> bool:
    """Whether the query in ``tokens`` (already checked by the guard) is bounded by its shape."""
    reader = _Shape(tokens)
    try:
        return reader.read()
    except IndexError:  # ran off the end: not a shape this rule knows
        return False


class _Shape:
    def __init__(self, tokens: Sequence[_Token]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> _Token:
        return self.tokens[self.at]

    def next(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def word(self, *words: str) -> bool:
        """Consume the next token if it is one of ``words`` (any case)."""
        token = self.peek() if self.at < len(self.tokens) else None
        if token is not None and token.kind == "word" and token.text.upper() in words:
            self.at += 1
            return True
        return False

    def read(self) -> bool:
        while self.word("PREFIX", "BASE"):
            if self.peek().kind == "pname":
                self.at += 1
            if self.next().kind != "iri":
                return False
        form = self.next()
        if form.kind != "word":
            return False
        template: list[list[str]] = []
        match form.text.upper():
            case "SELECT":
                if not self._projection():
                    return False
            case "ASK":
                pass
            case "CONSTRUCT":
                if self.peek().text == "{":  # else the short form: the template is the pattern
                    found = self._triples_until_close()
                    if not found:  # an empty template makes nothing of every match it reads
                        return False
                    template = found
            case _:
                return False
        self.word("WHERE")
        if self.next().text != "{":
            return False
        pattern = self._triples_until_close()
        if pattern is None or len(pattern) != 1 or not _one_pattern(pattern[0]):
            return False
        variables = {t for t in pattern[0] if t.startswith(("?", "$"))}
        if template and not all(variables <= {t for t in triple if t.startswith(("?", "$"))} for triple in template):
            return False
        if self.word("LIMIT") and self.next().kind != "number":
            return False
        return self.at == len(self.tokens)

    def _projection(self) -> bool:
        if self.peek().text == "*":
            self.at += 1
            return True
        count = 0
        while self.peek().kind == "var":
            self.at += 1
            count += 1
        return count > 0

    def _triples_until_close(self) -> list[list[str]] | None:
        """The triples of a ``{ ... }`` group of plain triples (``;`` and ``,`` expanded), or None."""
        if self.peek().text == "{":
            self.at += 1
        triples: list[list[str]] = []
        subject: str | None = None
        predicate: str | None = None
        while True:
            if subject is None:
                subject = self._term()
                if subject is None:
                    return triples if self.next().text == "}" else None
            if predicate is None:
                predicate = self._term()
            obj = self._term()
            if predicate is None or obj is None:
                return None
            triples.append([subject, predicate, obj])
            separator = self.peek().text
            if separator in (".", ";", ","):
                self.at += 1
            if separator == ";":
                predicate = None
            elif separator != ",":
                subject = predicate = None
                if separator != "." and self.peek().text != "}":
                    return None

    def _term(self) -> str | None:
        """One RDF term or variable (a literal with its tag or datatype), or None without consuming."""
        token = self.peek()
        if token.kind in ("iri", "pname", "var", "number"):
            self.at += 1
            return token.text
        if token.kind == "word" and token.text in ("a", "true", "false"):
            self.at += 1
            return token.text
        if token.kind == "string":
            self.at += 1
            text = token.text
            following = self.peek()
            if following.kind == "langtag":
                self.at += 1
                text += following.text
            elif following.text == "^^":
                self.at += 1
                datatype = self.next()
                if datatype.kind not in _CONSTANT:
                    raise IndexError  # not a literal this rule reads
                text += "^^" + datatype.text
            return text
        return None


def _one_pattern(triple: list[str]) -> bool:
    subject, predicate, obj = triple
    if subject.startswith('"') or subject in ("true", "false") or subject[:1].isdigit():
        return False
    if predicate.startswith('"') or predicate in ("true", "false") or predicate[:1].isdigit():
        return False
    variables = [t for t in triple if t.startswith(("?", "$"))]
    if len({v[1:] for v in variables}) != len(variables):
        return False
    return not subject.startswith(("?", "$")) or not obj.startswith(("?", "$"))
