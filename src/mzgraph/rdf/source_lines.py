"""Where each subject is defined: the line on which an IRI first appears as a subject in a file.

A validation result names a focus node; a maintainer needs the file and line to fix it. No RDF parser
reports positions, so this module scans the text itself, just enough to find statement starts:

- Turtle and TriG: a small tokenizer that knows strings (short and long), IRIs, comments, prefixed
  names, ``@prefix``/``PREFIX``/``@base``/``BASE``, nested ``[ ]`` and ``( )`` and TriG graph blocks, so
  a subject is only taken where a statement starts.
- N-Triples and N-Quads: the first term of each line.
- JSON-LD and RDF/XML: best effort, the first ``"@id"`` or ``rdf:about``/``rdf:ID`` with that IRI.

Only the text is read here; the file was parsed and checked already (``mzgraph.rdf.reading``), so the scanner can be
lenient: on text it does not understand it simply finds fewer subjects.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox

from mzgraph.rdf.reading import format_for_path
from mzgraph.rdf.xml_entities import declared_entities

SubjectLines = dict[str, int]
"""IRI -> 1-based line where it first appears as a subject."""

_TURTLE_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
    | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*(?:\\[uU][0-9A-Fa-f]+[^<>"{}|^`\\\x00-\x20]*)*>)
    | (?P<at>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<punct>\^\^|[.;,\[\]()\{\}])
    | (?P<name>(?:[^\s<>"'{}()\[\];,\#^\\.]|\\.|\.(?=[^\s<>"'{}()\[\];,\#^]))+)
    """,
    re.VERBOSE,
)
_PREFIX_DIRECTIVE = re.compile(r"^[ \t]*(?:@prefix|PREFIX)\s+([^\s:]*):\s*<([^>\s]*)>", re.IGNORECASE | re.MULTILINE)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\(.)")


def subject_lines(path: Path, text: str, *, base_iri: str | None = None) -> SubjectLines:
    """The line of the first subject position of each IRI in ``text`` (read from ``path``)."""
    fmt = format_for_path(path)
    base = base_iri or path.resolve().as_uri()
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return _turtle_subject_lines(text, base)
    if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        return _ntriples_subject_lines(text)
    if fmt == ox.RdfFormat.JSON_LD:
        return _jsonld_subject_lines(text, base)
    return _rdfxml_subject_lines(text, base)


class SourceIndex:
    """Subject lines per file, computed on first use (a conforming run never scans a file)."""

    def __init__(self, *, base_iri: str | None = None) -> None:
        self._base_iri = base_iri
        self._lines: dict[Path, SubjectLines] = {}

    def line(self, path: Path, iri: str) -> int | None:
        """The line where ``iri`` first appears as a subject in ``path``, if it does."""
        if path not in self._lines:
            self._lines[path] = self._scan(path)
        return self._lines[path].get(iri)

    def _scan(self, path: Path) -> SubjectLines:
        try:
            text = path.read_bytes().decode("utf-8-sig", errors="replace")
        except OSError:
            return {}
        return subject_lines(path, text, base_iri=self._base_iri)


def file_prefixes(path: Path) -> dict[str, str]:
    """The prefixes the Turtle, TriG or SPARQL-style header of ``path`` declares (for display)."""
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError:
        return {}
    return {m.group(1): m.group(2) for m in _PREFIX_DIRECTIVE.finditer(text) if ":" in m.group(2)}


def _tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, line) for each significant Turtle/TriG token; unknown characters are skipped."""
    line, pos, end = 1, 0, len(text)
    while pos < end:
        match = _TURTLE_TOKEN.match(text, pos)
        if match is None:  # a character no token starts with: skip it, the parser already judged the file
            pos += 1
            continue
        kind = match.lastgroup or ""
        if kind not in ("ws", "comment"):
            yield kind, match.group(), line
        line += text.count("\n", pos, match.end())
        pos = match.end()


def _turtle_subject_lines(text: str, base: str) -> SubjectLines:
    lines: SubjectLines = {}
    prefixes: dict[str, str] = {}
    tokens = _tokens(text)
    expect_subject = True
    depth = 0  # nesting of [ ] and ( ): terms inside are never statement subjects
    pending: tuple[str, int] | None = None  # a candidate subject, unless a TriG "{" follows
    for kind, token, line in tokens:
        if pending is not None:
            if token != "{":
                lines.setdefault(pending[0], pending[1])
            pending = None
        keyword = token.lower()
        if depth == 0 and expect_subject and kind in ("at", "name") and keyword in _DIRECTIVES:
            base = _directive(keyword, tokens, prefixes, base)
            continue
        if kind == "punct":
            if token in "[(":
                depth += 1
                expect_subject = False
            elif token in "])":
                depth = max(depth - 1, 0)
            elif depth == 0 and token in ".{}":
                expect_subject = True
            continue
        if depth == 0 and expect_subject:
            expect_subject = False
            if keyword == "graph":
                expect_subject = True
            elif (iri := _resolve(kind, token, prefixes, base)) is not None:
                pending = (iri, line)
    if pending is not None:
        lines.setdefault(*pending)
    return lines


_DIRECTIVES = ("@prefix", "prefix", "@base", "base")


def _directive(keyword: str, tokens: Iterator[tuple[str, str, int]], prefixes: dict[str, str], base: str) -> str:
    """Consume a prefix or base directive; return the (possibly new) base."""
    if keyword.endswith("prefix"):
        name = next(tokens, ("", "", 0))[1]
        iri = next(tokens, ("", "", 0))[1]
        prefixes[name.rstrip(":")] = urljoin(base, _unescape_iri(iri[1:-1]))
        return base
    iri = next(tokens, ("", "", 0))[1]
    return urljoin(base, _unescape_iri(iri[1:-1]))


def _resolve(kind: str, token: str, prefixes: dict[str, str], base: str) -> str | None:
    """The IRI a subject token stands for, or None (blank node, literal, unknown prefix)."""
    if kind == "iri":
        return urljoin(base, _unescape_iri(token[1:-1]))
    if kind != "name" or ":" not in token or token.startswith("_:"):
        return None
    prefix, local = token.split(":", 1)
    namespace = prefixes.get(prefix)
    if namespace is None:
        return None
    return namespace + _LOCAL_ESCAPE.sub(r"\1", local)


def _unescape_iri(iri: str) -> str:
    return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), iri)


_NT_SUBJECT = re.compile(r"[ \t]*<([^>]*)>")


def _ntriples_subject_lines(text: str) -> SubjectLines:
    lines: SubjectLines = {}
    same = "\0"  # the previous line's subject as written ("<...>"): its following lines need no look
    for number, row in enumerate(text.splitlines(), start=1):
        if row.startswith(same):
            continue
        if match := _NT_SUBJECT.match(row):
            same = match.group(0)
            lines.setdefault(_unescape_iri(match.group(1)), number)
    return lines


_JSONLD_ID = re.compile(r'"@id"\s*:\s*"((?:[^"\\]|\\.)*)"')


def _jsonld_subject_lines(text: str, base: str) -> SubjectLines:
    """Best effort: the first node object with an ``"@id"`` and more keys; compact IRIs expanded.

    A bare ``{"@id": ...}`` is a reference, not a definition: used only when no definition is found.
    """
    prefixes = _jsonld_prefixes(text)
    definitions: SubjectLines = {}
    references: SubjectLines = {}
    for match in _JSONLD_ID.finditer(text):
        value = json.loads(f'"{match.group(1)}"')
        prefix, _, local = value.partition(":")
        if prefix in prefixes and not local.startswith("//"):
            value = prefixes[prefix] + local
        before, after = text[max(match.start() - 64, 0) : match.start()], text[match.end() : match.end() + 64]
        is_reference = before.rstrip().endswith("{") and after.lstrip().startswith("}")
        found = references if is_reference else definitions
        found.setdefault(urljoin(base, value), text.count("\n", 0, match.start()) + 1)
    return references | definitions


def _jsonld_prefixes(text: str) -> dict[str, str]:
    """Term definitions that are plain strings in any inline ``@context`` of the document."""
    prefixes: dict[str, str] = {}

    def visit(node: object) -> None:
        if isinstance(node, dict):
            context = node.get("@context")
            for ctx in context if isinstance(context, list) else [context]:
                if isinstance(ctx, dict):
                    prefixes.update({k: v for k, v in ctx.items() if isinstance(v, str) and not k.startswith("@")})
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    with contextlib.suppress(ValueError):  # unparsable JSON: the parser reported it already
        visit(json.loads(text))
    return prefixes


_RDFXML_SUBJECT = re.compile(r"""\b(?:[\w.-]+:)?(about|ID)\s*=\s*(["'])(.*?)\2""", re.DOTALL)
_XML_BASE = re.compile(r"""\bxml:base\s*=\s*(["'])(.*?)\1""")
_ENTITY_REFERENCE = re.compile(r"&([A-Za-z_:][\w.:-]*);")


def _rdfxml_subject_lines(text: str, base: str) -> SubjectLines:
    """Best effort: the first ``rdf:about`` (or ``rdf:ID``) naming the IRI; one ``xml:base`` honoured; the
    DOCTYPE's flat entities expanded (``rdf:about="&mz;Employer"``, as Protégé writes it)."""
    entities = declared_entities(text)

    def unescape(value: str) -> str:
        if entities:
            value = _ENTITY_REFERENCE.sub(lambda m: entities.get(m.group(1), m.group(0)), value)
        return html.unescape(value)

    if match := _XML_BASE.search(text):
        base = urljoin(base, unescape(match.group(2)))
    lines: SubjectLines = {}
    for match in _RDFXML_SUBJECT.finditer(text):
        value = unescape(match.group(3))
        iri = urljoin(base, "#" + value) if match.group(1) == "ID" else urljoin(base, value)
        lines.setdefault(iri, text.count("\n", 0, match.start()) + 1)
    return lines
