"""The DOCTYPE of an RDF/XML document: which entity declarations the parser may expand.

Protégé and the OWL API write RDF/XML with a DOCTYPE that declares one flat entity per namespace
(``<!ENTITY owl "http://www.w3.org/2002/07/owl#" >``, used as ``&owl;Thing``). Oxigraph expands every
entity it is given, nested ones too (a "billion laughs" file becomes 3 GB of text), so this module
decides before any parser sees the document:

- accepted: internal general entities whose value holds no reference (no ``&`` or ``%``), comments
  and processing instructions in the DOCTYPE;
- refused, each with its own message: an entity whose value refers to another (*nested*), an entity
  or a DTD read from elsewhere (*external*, ``SYSTEM``/``PUBLIC``), a *parameter* entity (``%name;``),
  any other declaration (``ELEMENT``, ``ATTLIST``, ``NOTATION``), an ``ENTITY`` outside the DOCTYPE;
- bounded: the references in the document may expand to at most :data:`MAX_EXPANSION` bytes in all,
  and the DOCTYPE itself may be at most :data:`MAX_DOCTYPE` bytes long.

:class:`EntityGuard` is fed the document chunk by chunk (the streaming pre-scan of :mod:`mzgraph.rdf.reading`)
and raises :class:`EntityRefused` with the byte offset of what it refuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_EXPANSION = 64 << 20
"""Bytes of text all entity references of one document may expand to."""
MAX_DOCTYPE = 1 << 20
"""Bytes a DOCTYPE may take (Protégé's are a few hundred)."""

_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)\b", re.IGNORECASE)
_REFERENCE = re.compile(rb"&([A-Za-z_:][\w.:-]*);")
_NAME = re.compile(rb"[^\s\[\]>\"'%]+")
_SPACE = re.compile(rb"\s*")
_EXTERNAL = re.compile(rb"(SYSTEM|PUBLIC)\b")
_LOOKAHEAD = 16
"""Bytes enough to recognise any keyword of a DOCTYPE (``<!ENTITY``, ``SYSTEM``, ``PUBLIC``, ``<!--``)."""
_KEEP = 256
"""Bytes at the end of a chunk kept for the next one, so a reference or a declaration split between two
chunks is still seen (longer entity names are not expanded by any parser we use either)."""


class EntityRefused(Exception):
    """Something in the document's entity declarations or references that is not let through."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


@dataclass
class Doctype:
    """A DOCTYPE that passed: its flat entities (name -> value bytes) and where it ends."""

    entities: dict[bytes, bytes]
    end: int


def read_doctype(data: bytes, start: int = 0) -> Doctype | None:
    """The DOCTYPE that begins at ``data[start:]`` (``<!DOCTYPE``), or None when ``data`` ends before it does.

    Raises :class:`EntityRefused` (offsets into ``data``) for anything this module refuses.
    """
    return _DoctypeReader(data, start).read()


@dataclass
class _DoctypeReader:
    data: bytes
    pos: int
    entities: dict[bytes, bytes] = field(default_factory=dict)

    def read(self) -> Doctype | None:
        opening = _DECLARATION.match(self.data, self.pos)
        assert opening is not None and opening[1].upper() == b"DOCTYPE", "called at a DOCTYPE"
        self.pos = opening.end()
        self._space()
        if self._name() is None:
            return None
        self._space()
        if self._short():
            return None
        if (external := _EXTERNAL.match(self.data, self.pos)) is not None:
            raise EntityRefused(
                self.pos,
                f"RDF/XML DOCTYPE refused: it names an external DTD ({external[1].decode()}), which is never read",
            )
        if self._at(b"["):
            self.pos += 1
            if not self._internal_subset():
                return None
            self._space()
        if self.pos >= len(self.data):
            return None
        if not self._at(b">"):
            raise EntityRefused(self.pos, "RDF/XML DOCTYPE refused: it cannot be read (expected '>' at its end)")
        return Doctype(self.entities, self.pos + 1)

    def _internal_subset(self) -> bool:
        """Read declarations up to ``]``; False when the data ends first."""
        while True:
            self._space()
            if self._short():
                return False
            if self._at(b"]"):
                self.pos += 1
                return True
            if self._at(b"<!--") or self._at(b"<?"):
                close = b"-->" if self._at(b"<!--") else b"?>"
                end = self.data.find(close, self.pos)
                if end < 0:
                    return False
                self.pos = end + len(close)
            elif self._at(b"%"):
                name = _NAME.match(self.data, self.pos + 1)
                what = name[0].decode(errors="replace") if name else ""
                raise EntityRefused(self.pos, f"RDF/XML parameter entity reference %{what} refused")
            elif (declaration := _DECLARATION.match(self.data, self.pos)) and declaration[1].upper() == b"ENTITY":
                if not self._entity(declaration.start(), declaration.end()):
                    return False
            elif self._at(b"<!"):
                kind = _NAME.match(self.data, self.pos + 2)
                what = kind[0].decode(errors="replace") if kind else "?"
                raise EntityRefused(
                    self.pos, f"RDF/XML DOCTYPE refused: only ENTITY declarations are accepted there, not <!{what} …>"
                )
            else:
                raise EntityRefused(self.pos, "RDF/XML DOCTYPE refused: it cannot be read (unexpected text)")

    def _entity(self, declared: int, after: int) -> bool:
        """Read one ``<!ENTITY name "value">`` (its keyword from ``declared`` to ``after``); False when the data
        ends first."""
        self.pos = after
        self._space()
        if self._at(b"%"):
            parameter = _NAME.match(self.data, self._skip(1))
            what = parameter[0].decode(errors="replace") if parameter else ""
            raise EntityRefused(
                declared, f"RDF/XML parameter entity '%{what}' refused (parameter entities are never read)"
            )
        name = self._name()
        if name is None:
            return False
        shown = name.decode(errors="replace")
        self._space()
        if self._short():
            return False
        if (external := _EXTERNAL.match(self.data, self.pos)) is not None:
            raise EntityRefused(
                declared,
                f"RDF/XML external entity '{shown}' refused ({external[1].decode()}: a file or address is never read)",
            )
        quote = self.data[self.pos : self.pos + 1]
        if quote not in (b'"', b"'"):
            raise EntityRefused(declared, f"RDF/XML entity '{shown}' refused: its value is not quoted")
        end = self.data.find(quote, self.pos + 1)
        if end < 0:
            return False
        value = self.data[self.pos + 1 : end]
        if b"&" in value or b"%" in value:
            raise EntityRefused(
                declared,
                f"RDF/XML nested entity '{shown}' refused: its value refers to another entity"
                " (nested entities can expand without bound, as in 'billion laughs')",
            )
        self.pos = end + 1
        self._space()
        if self.pos >= len(self.data):
            return False
        if not self._at(b">"):
            raise EntityRefused(declared, f"RDF/XML entity '{shown}' refused: expected '>' after its value")
        self.pos += 1
        self.entities.setdefault(name, value)  # the first declaration of a name binds (XML 1.0, 4.2)
        return True

    def _short(self) -> bool:
        """True when too little is left to tell what comes next (a keyword may be cut off): wait for more."""
        rest = self.data[self.pos : self.pos + _LOOKAHEAD]
        return len(rest) < _LOOKAHEAD and b">" not in rest

    def _at(self, text: bytes) -> bool:
        return self.data.startswith(text, self.pos)

    def _skip(self, n: int) -> int:
        self.pos += n
        self._space()
        return self.pos

    def _space(self) -> None:
        match = _SPACE.match(self.data, self.pos)
        self.pos = match.end() if match else self.pos

    def _name(self) -> bytes | None:
        """The name at the current position; None when the data ends in or before it."""
        match = _NAME.match(self.data, self.pos)
        if match is None and self.pos < len(self.data):
            raise EntityRefused(self.pos, "RDF/XML DOCTYPE refused: it cannot be read (a name is missing)")
        if match is None or match.end() == len(self.data):
            return None
        self.pos = match.end()
        return match[0]


class EntityGuard:
    """Checks an RDF/XML document fed in consecutive chunks (see the module's rules)."""

    def __init__(self, limit: int = MAX_EXPANSION) -> None:
        self.limit = limit
        self.expanded = 0
        self.entities: dict[bytes, bytes] | None = None
        self._pending = b""  # bytes not yet checked, starting at file offset ``_at``
        self._at = 0
        self._doctype_at: int | None = None  # where the DOCTYPE being read starts in ``_pending``

    def feed(self, data: bytes, start: int) -> None:
        """Check the chunk ``data``, which starts at byte ``start`` of the document."""
        if not self._pending:
            self._at = start
        self._pending += data
        self._check(final=False)

    def finish(self) -> None:
        """The document has ended: check what was kept back."""
        self._check(final=True)
        if self._doctype_at is not None:
            raise EntityRefused(self._at + self._doctype_at, "RDF/XML DOCTYPE refused: it does not end")

    def _check(self, *, final: bool) -> None:
        while True:
            if self._doctype_at is not None and not self._read_doctype(final=final):
                return
            buffer = self._pending
            cut = len(buffer) if final else self._safe_end(buffer)
            declaration = _DECLARATION.search(buffer, 0, cut)
            scanned = declaration.start() if declaration else cut
            self._count(buffer[:scanned], self._at)
            if declaration is None:
                self._pending, self._at = buffer[cut:], self._at + cut
                return
            if declaration[1].upper() == b"ENTITY" or self.entities is not None:
                what = "a second DOCTYPE" if declaration[1].upper() == b"DOCTYPE" else "an ENTITY outside the DOCTYPE"
                raise EntityRefused(self._at + declaration.start(), f"RDF/XML refused: {what}")
            self._pending, self._at = buffer[declaration.start() :], self._at + declaration.start()
            self._doctype_at = 0

    def _read_doctype(self, *, final: bool) -> bool:
        """Read the DOCTYPE at the start of the pending bytes; False while more data is needed."""
        try:
            doctype = read_doctype(self._pending)
        except EntityRefused as refused:
            raise EntityRefused(self._at + refused.offset, refused.message) from None
        if doctype is None:
            if len(self._pending) > MAX_DOCTYPE:
                raise EntityRefused(self._at, f"RDF/XML DOCTYPE refused: longer than {MAX_DOCTYPE >> 20} MiB")
            if final:
                raise EntityRefused(self._at, "RDF/XML DOCTYPE refused: it does not end")
            return False
        self.entities = doctype.entities
        self._doctype_at = None
        self._pending, self._at = self._pending[doctype.end :], self._at + doctype.end
        return True

    def _safe_end(self, buffer: bytes) -> int:
        """Where to stop checking for now: before a reference or declaration that may continue in the next chunk."""
        tail = max(0, len(buffer) - _KEEP)
        reference, markup = buffer.rfind(b"&", tail), buffer.rfind(b"<", tail)
        open_at = [len(buffer)]
        if reference >= 0 and b";" not in buffer[reference:]:
            open_at.append(reference)
        if markup >= 0 and b">" not in buffer[markup:]:
            open_at.append(markup)
        return min(open_at)

    def _count(self, text: bytes, offset: int) -> None:
        if not self.entities:
            return
        for reference in _REFERENCE.finditer(text):
            value = self.entities.get(reference[1])
            if value is None:
                continue
            self.expanded += len(value)
            if self.expanded > self.limit:
                raise EntityRefused(
                    offset + reference.start(),
                    f"RDF/XML refused: its entity references expand to more than {self.limit >> 20} MiB of text",
                )


def declared_entities(text: str) -> dict[str, str]:
    """The flat entities the DOCTYPE of ``text`` declares (name -> value), or none; never raises."""
    data = text.encode("utf-8")
    match = _DECLARATION.search(data)
    if match is None or match[1].upper() != b"DOCTYPE":
        return {}
    try:
        doctype = read_doctype(data, match.start())
    except EntityRefused:
        return {}
    if doctype is None:
        return {}
    return {name.decode(): value.decode("utf-8", errors="replace") for name, value in doctype.entities.items()}
