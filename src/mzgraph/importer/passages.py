"""Which passage becomes what: a measure of one of the four groups, or a profile statement of some kind.

The rules, mirroring the curated data:

- In a question section every bullet is a measure. A section without bullets (Enschede's awareness
  paragraph) makes each paragraph a measure; in a section with bullets a paragraph before the first
  bullet is the section's introduction (``In de organisatie:``) and one after them a note.
- In any other section (achievements, principles, the ambassador role, a network, a mission) every
  passage is a statement of the kind the heading names.
- Before the first heading a paragraph is the introduction, unless its words name another statement
  kind (``Onze missie is: …`` is a mission).
- Anywhere, a paragraph starting with ``*`` is a footnote, and one that names who guided the
  recognition (``begeleid door``) is the guidance passage; neither belongs to a section.
- Numbers: a measure is numbered within its section, a statement within its kind across the profile.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import URIRef

from mzgraph.importer.model import Passage, ProfileDocument, Section, SkippedLine
from mzgraph.importer.vocabulary import STATEMENT_KIND, Vocabulary

FOOTNOTE_MARK = "*"


@dataclass(frozen=True)
class Entry:
    """A passage placed: a measure (``kind`` None) or a statement of ``kind``."""

    passage: Passage
    order: int
    group: URIRef | None
    kind: URIRef | None
    heading: str | None
    in_question_section: bool

    @property
    def is_measure(self) -> bool:
        return self.kind is None


@dataclass(frozen=True)
class _Placed:
    passage: Passage
    group: URIRef | None
    kind: URIRef | None
    heading: str | None
    in_question_section: bool


def place_passages(document: ProfileDocument, vocabulary: Vocabulary) -> tuple[list[Entry], list[SkippedLine]]:
    """The measures and statements of ``document`` in source order, and the passages that fit nowhere."""
    placed: list[_Placed] = []
    unplaced: list[SkippedLine] = []
    for section in document.sections:
        for item in _place_section(section, vocabulary):
            if isinstance(item, SkippedLine):
                unplaced.append(item)
            else:
                placed.append(item)
    placed.sort(key=lambda p: p.passage.line)
    counters: Counter[URIRef] = Counter()
    entries = []
    for p in placed:
        key = p.kind if p.kind is not None else p.group
        assert key is not None  # a measure always has a group
        counters[key] += 1
        entries.append(Entry(p.passage, counters[key], p.group, p.kind, p.heading, p.in_question_section))
    return entries, unplaced


def _place_section(section: Section, vocabulary: Vocabulary) -> Iterator[_Placed | SkippedLine]:
    bullets_seen = False
    for passage in section.passages:
        standalone = None if passage.bullet else _standalone_kind(passage.text, vocabulary)
        if standalone is not None:
            yield _Placed(passage, None, standalone, None, section.group is not None)
        elif section.group is not None:
            yield _in_question_section(passage, section, bullets_seen)
        elif section.kind is not None:
            yield _Placed(passage, None, section.kind, section.heading, False)
        elif passage.bullet:
            yield SkippedLine(passage.line, passage.text, "a bullet before the first heading")
        else:
            kind = vocabulary.statement_kinds.best(passage.text) or STATEMENT_KIND.introduction
            yield _Placed(passage, None, kind, None, False)
        bullets_seen = bullets_seen or passage.bullet


def _standalone_kind(text: str, vocabulary: Vocabulary) -> URIRef | None:
    if text.startswith(FOOTNOTE_MARK):
        return STATEMENT_KIND.footnote
    if STATEMENT_KIND.guidance in vocabulary.statement_kinds.keys(text):
        return STATEMENT_KIND.guidance
    return None


def _in_question_section(passage: Passage, section: Section, bullets_seen: bool) -> _Placed:
    if passage.bullet or not section.has_bullets:
        return _Placed(passage, section.group, None, section.heading, True)
    kind = STATEMENT_KIND.note if bullets_seen else STATEMENT_KIND["section-intro"]
    return _Placed(passage, section.group, kind, section.heading, True)
