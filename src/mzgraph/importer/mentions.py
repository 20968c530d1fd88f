"""Partner bodies, events, regulations and agreements a passage names, and the roles partners play.

Names are matched against the graph (see :mod:`~mzgraph.importer.vocabulary`), with two rules:

- a partner that is a unit of another organisation (``org:unitOf``) is only found in that
  organisation's own profile;
- a passage that names an event involves the partner bodies that organise or contribute to it.

The awarding body is found by its names like any partner (*Werk&Mantelzorg*); the everyday phrase *werk
en mantelzorg* is the theme, not one of them.

Roles are found per sentence by the labels of the partner-role scheme. In a sentence that names one
partner, every role word is that partner's. Where it names several, a role word right next to a name (at
most two words between: *coördinator cursus SIZT*, *ondersteuning vanuit het Steunpunt*, *gegeven door
Tandem*) is that partner's role, and that of the names listed with it (*verwijzingen naar Steunpunt X en
Mezzo*); any other role word applies to every partner named there without a role word of its own. A name
says what a partner is (*Netwerk Amersfoort*, *Schouten & Nelissen Research*), never what it does for the
employer, so role words inside names do not count. A partner that is never given a role is a plain
mention (``role:mentioned``): see :mod:`~mzgraph.importer.profile`.

Candidates are organisation-like names the graph lacks: capitalised word groups and acronyms, split
where the graph knows a name (a partner, a place, a body inside the employer such as the OR or P&O,
which is never a candidate) and trimmed of articles, prepositions and conjunctions (*Via Stichting X*).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise

from rdflib import XSD, URIRef

from mzgraph.importer.dutch import ARTICLES, CONJUNCTIONS, FUNCTION_WORDS, DutchDate, find_dates
from mzgraph.importer.matching import LabelIndex, LabelMatch, normalise, words
from mzgraph.importer.model import Passage
from mzgraph.importer.vocabulary import Vocabulary
from mzgraph.rdf.namespaces import MZ

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9‘“'\"(])")
_ADJACENT_WORDS = 2
_NAME_WORD = re.compile(r"[\w&-]+")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]+")
_CANDIDATE = re.compile(
    r"(?<![\w&])(?:[A-Z][\w&-]*(?:\s+(?:(?:en|van|de|der|den|het|voor|&)\s+)*[A-Z][\w&-]*)+|[A-Z][A-Z&]+)(?![\w&])"
)


@dataclass(frozen=True)
class Mentions:
    """What one passage names."""

    partners: tuple[URIRef, ...] = ()
    """Partner bodies the text names."""
    event_partners: tuple[URIRef, ...] = ()
    """Partner bodies that organise or contribute to an event the text names."""
    events: tuple[URIRef, ...] = ()
    regulations: tuple[URIRef, ...] = ()
    agreements: tuple[URIRef, ...] = ()

    @property
    def involved(self) -> tuple[URIRef, ...]:
        """Every partner body the passage involves: named, or behind an event it names."""
        return _unique([*self.partners, *self.event_partners])


@dataclass(frozen=True)
class RoleClaim:
    """A partner in a role, as a passage says it; with the date of the sentence that says so, if any."""

    partner: URIRef
    role: URIRef
    passage: Passage
    date: DutchDate | None = None


@dataclass(frozen=True)
class Candidate:
    """A name that looks like an organisation but matches nothing in the graph."""

    line: int
    name: str


class MentionFinder:
    """Finds what the passages of one organisation's profile name."""

    def __init__(self, vocabulary: Vocabulary, organisation: URIRef, names_of_self: Iterable[str]) -> None:
        self.vocabulary = vocabulary
        self.organisation = organisation
        self._self = LabelIndex((organisation, n) for n in names_of_self)

    def entity_matches(self, text: str) -> list[LabelMatch]:
        """Named partners, events, regulations and agreements, without units of other organisations."""
        return [m for m in self.vocabulary.entities.find(text) if self._may_name(m.key)]

    def _may_name(self, entity: URIRef) -> bool:
        units_of = self.vocabulary.unit_of(entity)
        return not units_of or self.organisation in units_of

    def _is_partner(self, entity: URIRef) -> bool:
        return self.vocabulary.entity_class(entity) == MZ.PartnerBody

    def mentions(self, text: str) -> Mentions:
        """Everything ``text`` names, each once, in order of appearance."""
        found: dict[URIRef | None, list[URIRef]] = {}
        for match in self.entity_matches(text):
            found.setdefault(self.vocabulary.entity_class(match.key), []).append(match.key)
        events = _unique(found.get(MZ.Event, []))
        return Mentions(
            partners=_unique(p for p in found.get(MZ.PartnerBody, []) if self._is_partner(p)),
            event_partners=_unique(p for e in events for p in self.vocabulary.event_partners(e)),
            events=events,
            regulations=_unique(found.get(MZ.Regulation, [])),
            agreements=_unique(found.get(MZ.Agreement, [])),
        )

    def role_claims(self, passage: Passage) -> Iterator[RoleClaim]:
        """The roles ``passage`` gives the partners it names, sentence by sentence."""
        for sentence in sentences(passage.text):
            named = self.entity_matches(sentence)
            if not any(self._is_partner(m.key) for m in named):
                continue
            date = next((d for d in find_dates(sentence) if d.datatype != XSD.gMonthDay), None)
            for partner, role in self._roles_in_sentence(sentence, named):
                yield RoleClaim(partner, role, passage, date)

    def _roles_in_sentence(self, sentence: str, named: list[LabelMatch]) -> list[tuple[URIRef, URIRef]]:
        """One partner takes every role word; of several, each its adjacent ones, the rest the loose ones."""
        names = [m for m in named if self._is_partner(m.key)]
        cues = self.vocabulary.roles.find(sentence, exclude=[(m.start, m.end) for m in named])
        if len({name.key for name in names}) == 1:
            return [(names[0].key, role) for role in _unique(cue.key for cue in cues)]
        roles: dict[URIRef, list[URIRef]] = {}
        loose = []
        for cue in cues:
            gap, nearest = min(((_words_between(sentence, cue, name), name) for name in names), key=lambda g: g[0])
            if gap <= _ADJACENT_WORDS:
                roles.setdefault(nearest.key, []).append(cue.key)
            else:
                loose.append(cue.key)
        # a list of names (*naar Steunpunt X en Mezzo*) shares a role word next to one of them
        pairs = [(a, b) for a, b in pairwise(names) if _listed_together(sentence[a.end : b.start])]
        for first, second in [*pairs, *reversed(pairs)]:
            if shared := roles.get(first.key) or roles.get(second.key):
                for name in (first, second):
                    roles.setdefault(name.key, list(shared))
        for name in names:
            if not roles.get(name.key):
                roles[name.key] = loose
        return [(partner, role) for partner, found in roles.items() for role in _unique(found)]

    def candidates(self, passage: Passage) -> list[Candidate]:
        """Organisation-like names (capitalised word groups, acronyms) in ``passage`` the graph lacks.

        What the graph knows (a partner, a body inside the employer such as the OR, a place, ...) splits a
        word group; each part loses the articles, prepositions and conjunctions at its ends (*Via Stichting
        X* is *Stichting X*) and is a candidate if it is still two capitalised words or an acronym.
        """
        known = [(m.start, m.end) for m in self._known_spans(passage.text)]
        found = []
        for sentence_start, sentence in sentences_with_offsets(passage.text):
            for match in _CANDIDATE.finditer(sentence):
                start = sentence_start + match.start()
                words_ = [(start + w.start(), w[0]) for w in _NAME_WORD.finditer(match[0])]
                for part in (p for run in _split_at(words_, known) for p in _split_lists(run)):
                    name = _trimmed(part)
                    if not name or (name[0][0] == sentence_start and len(name) < 3):
                        continue  # nothing left, or a capital that only starts the sentence
                    if len(name) > 1 or _ACRONYM.fullmatch(name[0][1]):
                        found.append(Candidate(passage.line, passage.text[name[0][0] : name[-1][0] + len(name[-1][1])]))
        return found

    def _known_spans(self, text: str) -> Iterator[LabelMatch]:
        yield from self.entity_matches(text)
        v = self.vocabulary
        indexes = (v.places, self._self, v.internal_bodies, v.measure_types, v.roles, v.quantity_kinds, v.groups)
        for index in indexes:
            yield from index.find(text)


_Word = tuple[int, str]
"""A word of a candidate name: where it starts in the passage, and the word."""


def _listed_together(between: str) -> bool:
    """True when two names are separated only by a comma, *en*, *of* or an article: one list."""
    between_words = [w.norm for w in words(between)]
    return all(w in CONJUNCTIONS or w in ARTICLES for w in between_words) and not re.search(r"[.;:()]", between)


def _split_at(words_: list[_Word], known: list[tuple[int, int]]) -> list[list[_Word]]:
    """The runs of ``words_`` between the spans the graph knows (which are dropped)."""
    parts: list[list[_Word]] = [[]]
    for start, word in words_:
        if any(s <= start < e for s, e in known):
            parts.append([])
        else:
            parts[-1].append((start, word))
    return [p for p in parts if p]


def _split_lists(part: list[_Word]) -> list[list[_Word]]:
    """``part`` cut at *en*/*&* where both sides are names of two words or more (*Zorgbureau Noord en Welzijn
    Zuid*), so that a name of one word on either side stays whole (*Jong en Veer*, *Schouten & Nelissen*)."""
    for i, (_, word) in enumerate(part):
        if word in ("en", "&") and len(part[:i]) >= 2 and len(part[i + 1 :]) >= 2:
            return [part[:i], *_split_lists(part[i + 1 :])]
    return [part]


def _trimmed(part: list[_Word]) -> list[_Word]:
    """``part`` without articles, prepositions and conjunctions at either end."""
    while part and (part[0][1] == "&" or normalise(part[0][1]) in FUNCTION_WORDS):
        part = part[1:]
    while part and (part[-1][1] == "&" or normalise(part[-1][1]) in FUNCTION_WORDS):
        part = part[:-1]
    return part


def sentences(text: str) -> list[str]:
    """``text`` split after ``.``, ``!`` or ``?`` followed by a capital (so *o.a.* and *max. 1* stay)."""
    return [s for _, s in sentences_with_offsets(text)]


def sentences_with_offsets(text: str) -> list[tuple[int, str]]:
    """The sentences of ``text`` (see :func:`sentences`) with where each starts."""
    breaks = list(_SENTENCE_BREAK.finditer(text))
    starts = [0, *(m.end() for m in breaks)]
    ends = [*(m.start() for m in breaks), len(text)]
    return [(s, text[s:e]) for s, e in zip(starts, ends, strict=True)]


def _words_between(text: str, a: LabelMatch, b: LabelMatch) -> int:
    start, end = (a.end, b.start) if a.end <= b.start else (b.end, a.start)
    return len(words(text[start:end])) if start < end else 0


def _unique(items: Iterable[URIRef]) -> tuple[URIRef, ...]:
    return tuple(dict.fromkeys(items))
