"""What the runner needs to know about a query's text, without a full SPARQL parser."""

from __future__ import annotations

import re

# Tokens that may hide braces or the words ORDER BY: IRIs, strings (long ones first) and comments.
# An IRI reference cannot hold spaces, so ``?a < ?b`` stays an operator.
_OPAQUE = re.compile(
    r"""<[^<>"{}|^`\\\x00-\x20]*>"""
    r'''|"""(?:[^"\\]|\\.|"(?!""))*"""'''
    r"""|'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r'''|"(?:[^"\\\n\r]|\\.)*"'''
    r"""|'(?:[^'\\\n\r]|\\.)*'"""
    r"""|\#[^\n\r]*""",
    re.DOTALL,
)
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)


def orders_results(query: str) -> bool:
    """Whether the outermost query has ``ORDER BY``, so the order of its solutions is part of the answer.

    An ``ORDER BY`` inside braces belongs to a subquery and does not order the outer results.
    """
    depth = 0
    for chunk in _outside_opaque(query):
        for part in re.split(r"([{}])", chunk):
            if part == "{":
                depth += 1
            elif part == "}":
                depth -= 1
            elif depth == 0 and _ORDER_BY.search(part):
                return True
    return False


def with_base(query: str, base_iri: str) -> str:
    """The query with ``BASE <base_iri>`` in front, so its relative IRIs resolve as in the test suite.

    The protocol has no parameter for a query's base IRI; a prologue may hold several ``BASE``
    declarations, and a query's own ``BASE`` is resolved against this one, as the suite intends.
    """
    return f"BASE <{base_iri}>\n{query}"


def _outside_opaque(query: str) -> list[str]:
    return _OPAQUE.split(query)
