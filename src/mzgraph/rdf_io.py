"""Reading RDF files safely: format by extension, errors as file:line:column, nothing fetched or expanded.

Every reader in mzgraph (validate, load, serve, import, POST /validate) goes through here, so the
guards live in one place: RDF/XML with a DOCTYPE (entity expansion, "billion laughs") is refused
before parsing, JSON-LD with a remote ``@context`` is refused (Oxigraph has no document loader set,
so it cannot fetch; we turn its message into one a maintainer understands), and text that is not
UTF-8 is named as such.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from mzgraph.errors import InputError

FORMAT_BY_SUFFIX: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}

FORMAT_BY_MEDIA_TYPE: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# Oxigraph's messages start with the position we already report as file:line:column.
_POSITION = re.compile(
    r"^Parser error (at line \d+ (column \d+|between columns \d+ and \d+)"
    r"|between line \d+ column \d+ and line \d+ column \d+): "
)


def format_for_path(path: Path) -> ox.RdfFormat:
    """The RDF format of a file, from its extension."""
    fmt = FORMAT_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMAT_BY_SUFFIX))
        raise InputError(str(path), f"unknown RDF file extension {path.suffix!r}; use one of {known}")
    return fmt


def parse_bytes(data: bytes, fmt: ox.RdfFormat, *, source: str, base_iri: str | None = None) -> list[ox.Quad]:
    """Parse ``data`` into quads, or raise :class:`InputError` naming ``source`` and the position."""
    _refuse_unsafe(data, fmt, source)
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark is not part of the document
    try:
        return _fresh_blank_nodes(ox.parse(data, format=fmt, base_iri=base_iri, without_named_graphs=False))
    except SyntaxError as err:
        raise _input_error(err, source) from None
    except (ValueError, OSError) as err:
        raise InputError(source, f"cannot read {fmt.name} data: {err}") from None


def read_file(path: Path, *, base_iri: str | None = None) -> list[ox.Quad]:
    """Read one RDF file into quads (format from its extension)."""
    fmt = format_for_path(path)
    return parse_bytes(_read_bytes(path), fmt, source=str(path), base_iri=base_iri)


def iter_file(path: Path, *, base_iri: str | None = None) -> Iterator[ox.Quad]:
    """:func:`read_file` one quad at a time, for large files: the same checks first, then errors (as
    :class:`InputError`) only when the parser reaches them."""
    fmt = format_for_path(path)
    data = _read_bytes(path)
    _refuse_unsafe(data, fmt, str(path))
    try:
        yield from ox.parse(data, format=fmt, base_iri=base_iri, without_named_graphs=False)
    except SyntaxError as err:
        raise _input_error(err, str(path)) from None
    except (ValueError, OSError) as err:
        raise InputError(str(path), f"cannot read {fmt.name} data: {err}") from None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise InputError(str(path), f"cannot open file: {err.strerror or err}") from None


def read_files(paths: Iterable[Path], *, base_iri: str | None = None) -> list[ox.Quad]:
    """Read several RDF files; the first unreadable one raises."""
    quads: list[ox.Quad] = []
    for path in paths:
        quads.extend(read_file(path, base_iri=base_iri))
    return quads


def _fresh_blank_nodes(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Give the blank nodes of one document identities of their own: ``_:x`` in two files is two nodes."""
    fresh: dict[ox.BlankNode, ox.BlankNode] = {}

    def term(node: Any) -> Any:
        if isinstance(node, ox.BlankNode):
            return fresh.setdefault(node, ox.BlankNode())
        return node

    return [
        quad
        if not (
            isinstance(quad.subject, ox.BlankNode)
            or isinstance(quad.object, ox.BlankNode)
            or isinstance(quad.graph_name, ox.BlankNode)
        )
        else ox.Quad(term(quad.subject), quad.predicate, term(quad.object), term(quad.graph_name))
        for quad in quads
    ]


def _refuse_unsafe(data: bytes, fmt: ox.RdfFormat, source: str) -> None:
    if b"\x00" in data[:8192]:
        raise InputError(source, "this is not a text file (it contains NUL bytes); expected RDF text")
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(
            source,
            f"not UTF-8 (byte 0x{data[err.start]:02x}); save the file as UTF-8",
            line=line,
            column=err.start - data.rfind(b"\n", 0, err.start),
        ) from None
    if fmt == ox.RdfFormat.RDF_XML and (match := _DOCTYPE.search(data)):
        line = data[: match.start()].count(b"\n") + 1
        raise InputError(
            source,
            "RDF/XML with a DOCTYPE or ENTITY declaration is refused (entity expansion is not allowed)",
            line=line,
        )


def _input_error(err: SyntaxError, source: str) -> InputError:
    message = str(err.msg if hasattr(err, "msg") else err)
    message = _POSITION.sub("", message)
    if "LoadDocumentCallback" in message or "remote context" in message.lower():
        message = "the JSON-LD @context refers to a remote document; remote contexts are never fetched: inline it"
    return InputError(source, message, line=err.lineno, column=err.offset)
