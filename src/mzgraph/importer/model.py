"""The document model of a profile text: what the parser finds, before any RDF is made.

A profile is a header (publisher, organisation name, the ``… sinds:`` fields), then passages: the
introduction, sections under headings (the four question sections and others, such as achievements
or the ambassador role), contact lines, and page chrome. Every passage keeps its line number and its
text verbatim (only a bullet marker and surrounding white space removed).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef


@dataclass(frozen=True)
class Passage:
    """One bullet or one paragraph (a paragraph is one line of the source)."""

    line: int
    text: str
    bullet: bool


@dataclass(frozen=True)
class HeaderField:
    """A ``Label: value`` line of the header, such as ``Erkend mantelzorgvriendelijk sinds: 28 november 2011``."""

    line: int
    text: str
    value: str


@dataclass(frozen=True)
class Section:
    """Passages under one heading, or before any heading (``heading`` None: the introduction).

    ``group`` is the measure group of a question section; ``kind`` the statement kind of any other
    section. Both are concepts of the SKOS schemes the heading was matched against.
    """

    heading: str | None
    line: int
    passages: tuple[Passage, ...]
    group: URIRef | None = None
    kind: URIRef | None = None

    @property
    def has_bullets(self) -> bool:
        return any(p.bullet for p in self.passages)


@dataclass(frozen=True)
class Contact:
    """A contact person named in the profile, with the details on the lines that follow the name."""

    line: int
    name: str
    honorific: str | None = None
    job_title: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()


@dataclass(frozen=True)
class SkippedLine:
    """A line that is not data (page chrome) or could not be placed, with the reason."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class ProfileDocument:
    """Everything the parser found in one profile text."""

    name: str
    name_line: int
    publisher: Passage | None
    recognised: HeaderField | None
    ambassador: HeaderField | None
    sections: tuple[Section, ...]
    contacts: tuple[Contact, ...] = ()
    websites: tuple[Passage, ...] = ()
    chrome: tuple[SkippedLine, ...] = ()
    unplaced: tuple[SkippedLine, ...] = ()

    @property
    def question_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.group is not None)
