"""Reading RDF files safely: format by extension, errors as file:line:column, nothing fetched, no unbounded expansion.

Every reader in mzgraph (validate, load, serve, import, POST /validate) goes through here, so the
guards live in one place: RDF/XML may declare flat internal entities in its DOCTYPE, as Protégé
writes them, but nested, external and parameter entities are refused before parsing and the expansion
is bounded (:mod:`mzgraph.rdf.xml_entities`); JSON-LD with a remote ``@context`` is refused (Oxigraph has
no document loader set, so it cannot fetch; we turn its message into one a maintainer understands), and
text that is not UTF-8 is named as such.

Two ways in: :func:`read_file` / :func:`parse_bytes` give Python quads (small files, validation), and
:func:`load_file` lets Oxigraph parse a file straight into a store (no Python object per triple; the
guards run first as a streaming pre-scan, :func:`check_file`). :func:`iter_file` streams one file's quads.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

import pyoxigraph as ox

from mzgraph.errors import InputError
from mzgraph.rdf.xml_entities import EntityGuard, EntityRefused

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

_BOM = b"\xef\xbb\xbf"
_CHUNK = 1 << 20
_SAVE_UTF8 = "; save the file as UTF-8"
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
    data = data.removeprefix(_BOM)  # a UTF-8 byte-order mark is not part of the document
    try:
        return _fresh_blank_nodes(ox.parse(data, format=fmt, base_iri=base_iri, without_named_graphs=False))
    except SyntaxError as err:
        raise _input_error(err, source) from None
    except (ValueError, OSError) as err:
        raise InputError(source, f"cannot read {fmt.name} data: {err}") from None


def read_file(path: Path, *, base_iri: str | None = None) -> list[ox.Quad]:
    """Read one RDF file into quads (format from its extension). Builds Python objects for every quad: for
    loading a large file into a store use :func:`load_file`, to walk one use :func:`iter_file`."""
    fmt = format_for_path(path)
    return parse_bytes(_read_bytes(path), fmt, source=str(path), base_iri=base_iri)


def check_file(path: Path) -> ox.RdfFormat:
    """The checks :func:`read_file` makes, as a pre-scan that streams the file (1 MiB at a time): its format
    (from the extension), that it can be opened, has no NUL bytes at its start, is UTF-8 throughout (a
    byte-order mark allowed) and, for RDF/XML, declares only flat entities that expand within bounds
    (:mod:`mzgraph.rdf.xml_entities`). Raises :class:`InputError` with the line and column (in bytes) of the first
    offending byte."""
    fmt = format_for_path(path)
    try:
        with path.open("rb") as stream:
            _scan(stream, fmt, str(path))
    except OSError as err:
        raise InputError(str(path), f"cannot open file: {err.strerror or err}") from None
    return fmt


def iter_file(path: Path, *, base_iri: str | None = None) -> Iterator[ox.Quad]:
    """One file's quads, streamed from disk as they are parsed (nothing held but the current quad): the
    :func:`check_file` pre-scan first, then parse errors (as :class:`InputError`) when the parser reaches
    them. Blank nodes get fresh identities, as :func:`read_file` gives them."""
    fmt = check_file(path)
    with _opened(path) as source:
        try:
            yield from ox.parse(
                **source, format=fmt, base_iri=base_iri, without_named_graphs=False, rename_blank_nodes=True
            )
        except SyntaxError as err:
            raise _input_error(err, str(path)) from None
        except (ValueError, OSError) as err:
            raise InputError(str(path), f"cannot read {fmt.name} data: {err}") from None


def load_file(
    store: ox.Store,
    path: Path,
    *,
    to_graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None = None,
    bulk: bool = False,
    base_iri: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Add one RDF file to ``store``, parsed by Oxigraph itself (no Python object per triple).

    ``progress`` is called with each number of bytes read (for a progress bar; the file is then read through
    Python in 1 MiB blocks instead of natively, which costs little).

    The :func:`check_file` pre-scan runs first, so everything :func:`read_file` refuses is refused here with
    the same message and position. Triples go to ``to_graph`` (default: the default graph). Each call gives
    the document's blank nodes fresh identities (``_:x`` in two files is two nodes).

    ``bulk=False`` is :meth:`pyoxigraph.Store.load`: one transaction, so a file with an error adds nothing; on
    disk the whole file's changes are held in memory until they commit. ``bulk=True`` is
    :meth:`pyoxigraph.Store.bulk_load`: for an on-disk store, written in sorted runs without holding the file
    (but with a fixed cost per call, however small the file), and not atomic (a bad file may leave part of
    itself): use it to fill a store that is thrown away if the load fails. In memory it is slower and bigger than
    ``load``.
    """
    fmt = check_file(path)
    load = store.bulk_load if bulk else store.load
    try:
        with _opened(path, progress) as source:
            load(**source, format=fmt, base_iri=base_iri, to_graph=to_graph)
    except SyntaxError as err:
        raise _input_error(err, str(path)) from None
    except (ValueError, OSError) as err:
        raise InputError(str(path), f"cannot read {fmt.name} data: {err}") from None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise InputError(str(path), f"cannot open file: {err.strerror or err}") from None


@contextlib.contextmanager
def _opened(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[dict[str, Any]]:
    """Where Oxigraph should read ``path`` from (keyword arguments): the path itself (read natively, fastest) or,
    if the file starts with a UTF-8 byte-order mark (which Oxigraph's parsers reject), the open file after it.
    With ``progress``, always the open file, counting what is read."""
    try:
        stream = path.open("rb")
    except OSError as err:
        raise InputError(str(path), f"cannot open file: {err.strerror or err}") from None
    with stream:
        if stream.read(len(_BOM)) != _BOM:
            if progress is None:
                stream.close()
                yield {"path": path}
                return
            stream.seek(0)
        elif progress is not None:
            progress(len(_BOM))
        if progress is None:
            yield {"input": stream}
        else:
            yield {"input": io.BufferedReader(_Counting(stream, progress), 1 << 20)}


class _Counting(io.RawIOBase):
    """A binary file that tells ``progress`` how many bytes each read returned."""

    def __init__(self, raw: io.BufferedIOBase, progress: Callable[[int], None]) -> None:
        self._raw = raw
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._raw.readinto(buffer)
        if count:
            self._progress(count)
        return count or 0


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
    _scan(io.BytesIO(data), fmt, source)


def _scan(stream: BinaryIO, fmt: ox.RdfFormat, source: str) -> None:
    """Refuse what is not safe UTF-8 RDF text, reading ``stream`` (seekable) one chunk at a time. Lines are
    counted only once something is found, by reading up to it again."""
    head = stream.read(_CHUNK)
    if (nul := head.find(b"\x00", 0, 8192)) >= 0:
        _refuse(stream, source, nul, "this is not a text file (it contains NUL bytes); expected RDF text")
    offset = len(_BOM) if head.startswith(_BOM) else 0  # where ``chunk`` starts in the file
    chunk = head[offset:]
    carry = b""  # an incomplete UTF-8 sequence at the end of the previous chunk
    entities = EntityGuard() if fmt == ox.RdfFormat.RDF_XML else None
    while chunk:
        data = carry + chunk
        start = offset - len(carry)  # where ``data`` starts in the file
        try:
            if not data.isascii():  # checking for ASCII is far cheaper than decoding
                data.decode("utf-8")
            carry = b""
        except UnicodeDecodeError as err:
            if err.reason != "unexpected end of data" or len(data) - err.start >= 4:
                _refuse(stream, source, start + err.start, f"not UTF-8 (byte 0x{data[err.start]:02x})" + _SAVE_UTF8)
            carry = data[err.start :]  # completed by the next chunk, or refused at the end
            data = data[: err.start]
        if entities is not None:
            _check_entities(stream, source, entities.feed, data, start)
        offset += len(chunk)
        chunk = stream.read(_CHUNK)
    if carry:
        _refuse(stream, source, offset - len(carry), f"not UTF-8 (byte 0x{carry[0]:02x})" + _SAVE_UTF8)
    if entities is not None:
        _check_entities(stream, source, entities.finish)


def _check_entities(stream: BinaryIO, source: str, check: Callable[..., None], *args: Any) -> None:
    """Run one step of the RDF/XML entity guard; what it refuses becomes an :class:`InputError` at its line."""
    try:
        check(*args)
    except EntityRefused as refused:
        _refuse(stream, source, refused.offset, refused.message, column=False)


def _refuse(stream: BinaryIO, source: str, offset: int, message: str, *, column: bool = True) -> NoReturn:
    """Raise an :class:`InputError` at byte ``offset`` of ``stream``: its line, and its column in bytes (counted
    from after a byte-order mark)."""
    stream.seek(0)
    lines, line_start, read = 0, 0, 0
    while read < offset and (chunk := stream.read(min(_CHUNK, offset - read))):
        if (last := chunk.rfind(b"\n")) >= 0:
            line_start = read + last + 1
        lines += chunk.count(b"\n")
        read += len(chunk)
    if line_start == 0 and offset >= len(_BOM):
        stream.seek(0)
        line_start = len(_BOM) if stream.read(len(_BOM)) == _BOM else 0
    raise InputError(source, message, line=lines + 1, column=offset - line_start + 1 if column else None)


def _input_error(err: SyntaxError, source: str) -> InputError:
    message = str(err.msg if hasattr(err, "msg") else err)
    message = _POSITION.sub("", message)
    if "LoadDocumentCallback" in message or "remote context" in message.lower():
        message = "the JSON-LD @context refers to a remote document; remote contexts are never fetched: inline it"
    return InputError(source, message, line=err.lineno, column=err.offset)
