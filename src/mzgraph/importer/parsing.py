"""Profile text -> :class:`~mzgraph.importer.model.ProfileDocument`: header, sections, contacts, chrome.

The layout the parser expects (the form of every Werk&Mantelzorg profile): the publisher's name, the
organisation's name, the ``… sinds:`` lines, then one paragraph or bullet per line. A heading is a short
line without a closing full stop whose words name a measure group (a question section) or a statement
kind (achievements, the ambassador role, a network, ...), looked up by :class:`Headings`. A heading
followed by a blank line opens a section that runs to the next heading; a heading with text right under
it labels just that block (``De missie van de gemeente Haarlem is:`` and the line below).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Protocol

from rdflib import URIRef

from mzgraph.errors import InputError
from mzgraph.importer.contacts import contact_line
from mzgraph.importer.model import Contact, HeaderField, Passage, ProfileDocument, Section, SkippedLine
from mzgraph.importer.source import SourceText

_BULLET = re.compile(r"^\s*(?:[•·▪●◦‣∙]|[-–](?=\s))\s*")
_RECOGNISED = re.compile(r"^erkend\b[^:]*\bsinds\s*:\s*(?P<value>.*)$", re.IGNORECASE)
_AMBASSADOR = re.compile(r"^ambassadeur\b[^:]*\bsinds\s*:\s*(?P<value>.*)$", re.IGNORECASE)
_FIELDS = {"recognised": _RECOGNISED, "ambassador": _AMBASSADOR}
_WEBSITE = re.compile(r"^(?:https?://)?www\.[\w-]+(?:\.[\w-]+)+(?:/\S*)?$", re.IGNORECASE)
_CHROME = (
    (re.compile(r"\bis 1 van de erkende organisaties\b", re.IGNORECASE), "page footer"),
    (re.compile(r"^overzicht van alle organisaties$", re.IGNORECASE), "page footer"),
    (re.compile(r"^(?:website\b|bekijk ook\s*:)", re.IGNORECASE), "link text without an address"),
    (re.compile(r"^\[contactgegevens verwijderd\]$", re.IGNORECASE), "personal data removed from the text"),
)
_MAX_HEADING = 160
_NOT_HEADING_END = (".", ";", ",", "’", "”", '"', "'")


class Headings(Protocol):
    """What a heading means, looked up in the vocabulary."""

    def question_group(self, text: str) -> URIRef | None:
        """The measure group a question heading names, if any."""

    def section_kind(self, text: str) -> URIRef | None:
        """The statement kind another heading names, if any."""

    def is_publisher(self, text: str) -> bool:
        """True when ``text`` is the name of the body that publishes the profiles."""


@dataclass
class _OpenSection:
    heading: str | None
    line: int
    group: URIRef | None = None
    kind: URIRef | None = None
    block_only: bool = False
    passages: list[Passage] = field(default_factory=list)

    def close(self) -> Section:
        return Section(self.heading, self.line, tuple(self.passages), self.group, self.kind)


def parse_profile(source: SourceText, headings: Headings) -> ProfileDocument:
    """Parse a decoded profile text; :class:`InputError` when it lacks a name or question sections."""
    lines = [(n, text.rstrip()) for n, text in enumerate(source.lines, start=1)]
    header = _read_header(lines, headings, str(source.path))
    body = _Body(headings)
    body.read([(n, t) for n, t in lines if n > header.last_line])
    document = ProfileDocument(
        name=header.name.text,
        name_line=header.name.line,
        publisher=header.publisher,
        recognised=header.fields.get("recognised"),
        ambassador=header.fields.get("ambassador"),
        sections=tuple(body.sections),
        contacts=tuple(body.contacts),
        websites=tuple(body.websites),
        chrome=tuple(body.chrome),
        unplaced=tuple(body.unplaced),
    )
    if not document.question_sections:
        raise InputError(
            str(source.path),
            "no question sections found: expected headings such as 'Welke concrete acties … bewust te maken …',"
            " '… dialoog …', '… maatwerkoplossingen …' or '… implementeren en te borgen …'",
        )
    return document


@dataclass(frozen=True)
class _Header:
    publisher: Passage | None
    name: Passage
    fields: dict[str, HeaderField]
    last_line: int


def _read_header(lines: list[tuple[int, str]], headings: Headings, path: str) -> _Header:
    """The publisher's line, the organisation's name and the ``… sinds:`` lines that follow it."""
    filled = [Passage(n, text.strip(), False) for n, text in lines if text.strip()]
    publisher = filled.pop(0) if filled and headings.is_publisher(filled[0].text) else None
    if not filled or _field(filled[0].text):
        raise InputError(path, "no organisation name: expected it on the line after 'Werk&Mantelzorg'")
    name = filled[0]
    fields: dict[str, HeaderField] = {}
    last_line = name.line
    for passage in filled[1:]:
        if (found := _field(passage.text)) is None:
            break
        key, value = found
        fields.setdefault(key, HeaderField(passage.line, passage.text, value))
        last_line = passage.line
    return _Header(publisher, name, fields, last_line)


def _field(text: str) -> tuple[str, str] | None:
    """``("recognised", "28 november 2011")`` for a recognition line, likewise for the ambassador line."""
    for key, pattern in _FIELDS.items():
        if (match := pattern.match(text)) is not None:
            return key, match["value"].strip()
    return None


class _Body:
    """The state of reading the body line by line."""

    def __init__(self, headings: Headings) -> None:
        self.headings = headings
        self.current = _OpenSection(None, 0)
        self.enclosing = self.current
        self.open: list[_OpenSection] = [self.current]
        self.contacts: list[Contact] = []
        self.websites: list[Passage] = []
        self.chrome: list[SkippedLine] = []
        self.unplaced: list[SkippedLine] = []

    @property
    def sections(self) -> list[Section]:
        return [s.close() for s in sorted(self.open, key=lambda s: s.line)]

    def read(self, lines: list[tuple[int, str]]) -> None:
        for index, (number, raw) in enumerate(lines):
            if not raw.strip():
                if self.current.block_only and self.current.passages:
                    self.current = self.enclosing
                continue
            text_follows = index + 1 < len(lines) and bool(lines[index + 1][1].strip())
            self._line(number, raw, text_follows)

    def _line(self, number: int, raw: str, text_follows: bool) -> None:
        bullet = _BULLET.match(raw)
        text = raw[bullet.end() :].strip() if bullet else raw.strip()
        if not text:
            self.unplaced.append(SkippedLine(number, raw.strip(), "a bullet without text"))
        elif reason := next((why for pattern, why in _CHROME if pattern.search(text)), None):
            self.chrome.append(SkippedLine(number, text, reason))
        elif not bullet and _WEBSITE.match(text):
            self.websites.append(Passage(number, text, False))
        elif not (
            self._contact(number, text, bool(bullet)) or (not bullet and self._heading(number, text, text_follows))
        ):
            self.current.passages.append(Passage(number, text, bool(bullet)))

    def _contact(self, number: int, text: str, bullet: bool) -> bool:
        """Take a contact line apart; any line with an e-mail address or phone number counts (personal data)."""
        bare_names = not bullet and any(s.group is not None for s in self.open)
        found = contact_line(text, bare_names=bare_names)
        if found is None:
            return False
        if found.name is not None:
            contact = Contact(number, found.name, found.honorific, found.job_title, found.emails, found.phones)
            self.contacts.append(contact)
        elif self.contacts:
            last = self.contacts[-1]
            self.contacts[-1] = dataclasses.replace(
                last, emails=last.emails + found.emails, phones=last.phones + found.phones
            )
        else:
            # personal data: the report names the line, never its text
            self.unplaced.append(SkippedLine(number, "(contact details)", "contact details without a name"))
        return True

    def _heading(self, number: int, text: str, text_follows: bool) -> bool:
        if len(text) > _MAX_HEADING or text.endswith(_NOT_HEADING_END):
            return False
        group = self.headings.question_group(text)
        kind = None
        if group is not None and group in {s.group for s in self.open}:
            return False  # the group again: a sentence of the open section that names its subject
        if group is None and (kind := self.headings.section_kind(text)) is None:
            return False
        if not self.current.block_only:
            self.enclosing = self.current
        self.current = _OpenSection(text, number, group, kind, block_only=text_follows and kind is not None)
        self.open.append(self.current)
        return True
