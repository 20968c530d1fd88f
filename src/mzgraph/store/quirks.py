"""What real SPARQL stores send that the standards do not allow, made readable in one place.

Each :class:`Quirk` is one rewrite of an answer's bytes, done before pyoxigraph's strict parsers read
it, and names the store seen sending it (every one has a test on that store's recorded answer in
``tests/fixtures/``). The rewrites run on the answer as it streams in (:class:`Rewriting`), so a large
answer is never held whole; each pattern is bounded (:attr:`Quirk.reach`), and matches only where the
standard's own text cannot appear (after a JSON key, inside an XML element), so a literal that happens
to contain the same characters is left alone: a quote inside a JSON string is escaped with a backslash, so
``"lang"`` followed by a colon can only be a key. No pattern starts with a look-behind, which would make
Python's :mod:`re` try it at every byte of an answer (ten times slower on a large one). One more works around
a store's wrong answers to a valid query (:func:`virtuoso_query`), rewriting the query into one with the same meaning.
"""

from __future__ import annotations

import http.client
import io
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, BinaryIO

from mzgraph.rdf import formats
from mzgraph.sparql.errors import QueryTimeout, StoreFailed
from mzgraph.sparql.guard import QueryForm, Token, tokens


class Syntax(Enum):
    """The syntax of a store's answer, as far as the quirks are concerned."""

    JSON = "json"
    XML = "xml"
    TSV = "tsv"
    GRAPH = "graph"


@dataclass(frozen=True)
class Quirk:
    """One deviation from the standards: answers in ``syntax`` have ``pattern`` rewritten to ``replacement``."""

    name: str
    seen_in: str
    syntax: Syntax
    pattern: re.Pattern[bytes]
    replacement: bytes
    reach: int = 160
    """The longest text the pattern can match (the rewriter holds back that much of each chunk)."""


CHUNK = 1 << 16
"""How many bytes of an answer the rewrites run over at once."""
_S = rb"[ \t\r\n]{0,8}"  # JSON whitespace, bounded so every match has a known reach
_BOOLEAN = rb'"datatype"' + _S + b":" + _S + rb'"http://www\.w3\.org/2001/XMLSchema#boolean"' + _S + b"," + _S

QUIRKS: tuple[Quirk, ...] = (
    Quirk(
        "blank node labels written as nodeID:// IRIs",
        "Virtuoso 7",
        Syntax.JSON,
        re.compile(
            rb'("type"' + _S + b":" + _S + rb'"bnode"' + _S + b"," + _S + rb'"value"' + _S + b":" + _S + b'")nodeID://'
        ),
        rb"\1",
    ),
    Quirk(
        "blank nodes written as IRIs _:label or nodeID://label (neither is an IRI: no scheme starts with _)",
        "Virtuoso 7 (a graph answered as rows)",
        Syntax.JSON,
        re.compile(
            rb'"type"'
            + _S
            + b":"
            + _S
            + rb'"uri"('
            + _S
            + b","
            + _S
            + rb'"value"'
            + _S
            + b":"
            + _S
            + b'")(?:nodeID://|_:)'
        ),
        rb'"type": "bnode"\1',
    ),
    Quirk(
        "blank node labels written as nodeID:// IRIs",
        "Virtuoso 7",
        Syntax.XML,
        re.compile(rb"(<bnode>)nodeID://"),
        rb"\1",
    ),
    Quirk(
        "booleans written 1 and 0 (valid, but not the canonical true and false every other store writes)",
        "Virtuoso 7",
        Syntax.JSON,
        re.compile(b"(" + _BOOLEAN + rb'"value"' + _S + b":" + _S + rb'")1"'),
        rb'\1true"',
    ),
    Quirk(
        "booleans written 1 and 0 (valid, but not the canonical true and false every other store writes)",
        "Virtuoso 7",
        Syntax.JSON,
        re.compile(b"(" + _BOOLEAN + rb'"value"' + _S + b":" + _S + rb'")0"'),
        rb'\1false"',
    ),
    Quirk(
        'language tags keyed "lang" instead of "xml:lang"',
        "Virtuoso 7 (a graph answered as rows)",
        Syntax.JSON,
        re.compile(rb'"lang"(' + _S + b":" + _S + b'")'),
        rb'"xml:lang"\1',
    ),
    Quirk(
        "numeric values written as JSON numbers, not strings",
        "Virtuoso 7 (a graph answered as rows)",
        Syntax.JSON,
        re.compile(rb'("value"' + _S + b":" + _S + rb")(-?[0-9][0-9.eE+-]{0,60})(?=" + _S + b"[,}])"),
        rb'\1"\2"',
    ),
    Quirk(
        "an ASK answer given as a string",
        "stores writing JSON by hand",
        Syntax.JSON,
        re.compile(rb'("boolean"' + _S + b":" + _S + rb')"(true|false)"'),
        rb"\1\2",
    ),
)


FASTEST_WIRE = {"Virtuoso": {QueryForm.SELECT: formats.SPARQL_XML, QueryForm.ASK: formats.SPARQL_XML}}
"""Stores that write another format much faster than the one asked for first (by ``Server`` header): Virtuoso 7
writes SPARQL JSON several times slower than XML (docs/benchmarks.md), for a page's answer and a whole graph alike."""


ROW_CAPS = {"Virtuoso": 1_048_576}
"""Stores that end every answer at a number of rows of their own, whatever they are configured with (by
``Server`` header): Virtuoso 7 cuts any SPARQL answer there, and says so only with ``X-SPARQL-MaxRows``."""


def check_complete(response: http.client.HTTPResponse, timeout: float) -> None:
    """Refuse an answer the store marks incomplete (Virtuoso's anytime answers after its own time limit)."""
    state = response.getheader("X-SQL-State")
    if not state:
        return
    if state == "S1TAT":
        raise QueryTimeout(
            "the SPARQL endpoint stopped the query at its time limit and sent what it had; an incomplete answer is "
            "not served: narrow the query down or ask for less",
            detail={"timeout": timeout},
        )
    note = response.getheader("X-SQL-Message") or ""
    raise StoreFailed(f"the SPARQL endpoint marked its answer incomplete ({state}: {store_message(note)})")


def check_not_stopped(tail: bytes, timeout: float) -> None:
    """A store that stops a query at its own deadline after it has begun its answer writes the reason into the
    body (Oxigraph server with ``--timeout-s``: "The SPARQL operation has been cancelled"): that is a timeout,
    not an answer to ask for again."""
    said = tail.lower()
    if any(words in said for words in (b"timeout", b"timed out", b"has been cancelled")):
        text = tail.decode("utf-8", "replace")
        raise QueryTimeout(
            f"the SPARQL endpoint stopped the query at its own time limit: {store_message(text)[-200:]}",
            detail={"timeout": timeout},
        )


def store_message(text: str) -> str:
    """A store's error text, short: Virtuoso repeats the whole query after ``SPARQL query:``."""
    text = text.split("\nSPARQL query:", 1)[0]
    return " ".join(text.split())[:300]


def quoted_tsv_header(line: bytes) -> bytes:
    """A TSV header of quoted names (``"s"<TAB>"value"``, Virtuoso 7) as the standard's ``?s<TAB>?value``."""
    cells = line.rstrip(b"\r\n").split(b"\t")
    if not all(len(cell) >= 2 and cell.startswith(b'"') and cell.endswith(b'"') for cell in cells if cell):
        return line
    return b"\t".join(b"?" + cell[1:-1] if cell else cell for cell in cells) + line[len(line.rstrip(b"\r\n")) :]


def quirks_of(syntax: Syntax) -> tuple[Quirk, ...]:
    """The quirks rewritten in answers of ``syntax``."""
    return tuple(quirk for quirk in QUIRKS if quirk.syntax is syntax)


def rewrite(data: bytes, syntax: Syntax) -> bytes:
    """A whole answer of ``syntax`` with every known quirk rewritten."""
    return Rewriting(io.BytesIO(data), syntax).read()


class Rewriting(io.RawIOBase):
    """A binary file reading ``source`` with the quirks of ``syntax`` rewritten, chunk by chunk.

    Each chunk is rewritten together with the tail held back from the one before (the rewrites are
    idempotent), and the last :attr:`Quirk.reach` bytes are held back again, so a quirk split between
    two network reads is still found.
    """

    def __init__(self, source: BinaryIO | Any, syntax: Syntax) -> None:
        self._source = source
        self._quirks = quirks_of(syntax)
        self._reach = max((quirk.reach for quirk in self._quirks), default=0)
        self._header = syntax is Syntax.TSV
        self._held = b""
        self._ready = b""
        self._ended = False
        self._tail = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._ready and not self._ended:
            self._fill()
        size = min(len(buffer), len(self._ready))
        buffer[:size] = self._ready[:size]
        self._ready = self._ready[size:]
        return size

    @property
    def tail(self) -> bytes:
        """The last bytes read from the source (to tell what a store wrote where its answer broke off)."""
        return self._tail

    def _fill(self) -> None:
        chunk = self._read()
        self._tail = (self._tail + chunk)[-512:]
        data = self._held + chunk
        if self._header:
            end = data.find(b"\n")
            if end < 0 and not self._ended:
                self._held = data
                return
            end = len(data) if end < 0 else end + 1
            data = quoted_tsv_header(data[:end]) + data[end:]
            self._header = False
        for quirk in self._quirks:
            data = quirk.pattern.sub(quirk.replacement, data)
        keep = 0 if self._ended else min(self._reach, len(data))
        self._ready, self._held = data[: len(data) - keep], data[len(data) - keep :]

    def _read(self) -> bytes:
        """The next :data:`CHUNK` bytes of the source, or what is left of it (a network answer comes in pieces of
        a few hundred bytes: the patterns are run over many at once, not once a piece)."""
        pieces: list[bytes] = []
        size = 0
        while size < CHUNK:
            piece = self._source.read(CHUNK - size)
            if not piece:
                self._ended = True
                break
            pieces.append(bytes(piece))
            size += len(piece)
        return b"".join(pieces)


def virtuoso_query(text: str) -> str:
    """``text`` with each ``LANGMATCHES`` range written in capitals, for Virtuoso 7: joined with a property path,
    ``LANGMATCHES(LANG(?x), "en")`` matches nothing there, ``"EN"`` what it should (ranges ignore case)."""
    stream = list(tokens(text))
    ranges: list[Token] = []
    for at, token in enumerate(stream[:-1]):
        if token.kind != "word" or token.text.upper() != "LANGMATCHES" or stream[at + 1].text != "(":
            continue
        depth, comma = 0, -1
        for index in range(at + 1, len(stream)):
            kind, word = stream[index].kind, stream[index].text
            depth += (kind == "open") - (kind == "close")
            if depth == 1 and word == ",":
                comma = index
            if depth == 0:
                if comma > 0 and index == comma + 2 and stream[comma + 1].kind == "string":
                    ranges.append(stream[comma + 1])
                break
    for literal in reversed(ranges):
        if "\\" not in literal.text:
            text = text[: literal.start] + literal.text.upper() + text[literal.start + len(literal.text) :]
    return text


_EXTENSION_SCHEMES = ("bif:", "sql:")
"""IRI schemes under which Virtuoso runs its own built-in and SQL procedures from a SPARQL query (reading
its configuration, its statistics, ...): SPARQL 1.1 allows any IRI as a function, so a parsed query can
name them."""


def store_extension(text: str) -> str | None:
    """The first IRI of a store's own procedure namespace in ``text`` (written ``<bif:...>`` or declared as a
    prefix), or None."""
    for token in tokens(text):
        if token.kind == "iri" and token.text[1:].lower().startswith(_EXTENSION_SCHEMES):
            return token.text
    return None
