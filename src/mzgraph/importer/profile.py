"""Document model + vocabulary -> :class:`ImportedProfile`: what the profile says, ready to become RDF.

This is where passages get their categories, partners, events and figures, the header its dates, and
the organisation its class and place. Problems that make the profile unusable (no recognition date, a
date that is none) raise :class:`~mzgraph.errors.InputError`; everything else that could not be placed
is kept in the result for the report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import URIRef

from mzgraph.errors import InputError
from mzgraph.importer.dutch import DutchDate, parse_date
from mzgraph.importer.figures import FigureFact, FoundFigures, find_figures, unique_figures
from mzgraph.importer.iris import ProfileIris, slugify
from mzgraph.importer.matching import words
from mzgraph.importer.mentions import Candidate, MentionFinder, Mentions, RoleClaim
from mzgraph.importer.model import HeaderField, ProfileDocument, SkippedLine
from mzgraph.importer.passages import Entry, place_passages
from mzgraph.importer.source import SourceText
from mzgraph.importer.vocabulary import PARTNER_ROLE, STATEMENT_KIND, Vocabulary
from mzgraph.rdf.namespaces import MZ

# Statements that describe what the organisation did get measure types too, as the curated data has it.
CATEGORISED_KINDS = frozenset({STATEMENT_KIND.achievement, STATEMENT_KIND.note})
# Which kind of employer: cue words for the first word of its name, and for the words of its introduction.
EMPLOYER_CUES: tuple[tuple[URIRef, frozenset[str], frozenset[str]], ...] = (
    (MZ.Municipality, frozenset({"gemeente"}), frozenset()),
    (MZ.RegionalPublicBody, frozenset({"regio"}), frozenset({"samenwerkingsverband"})),
)
_TRUNCATED_BELOW = 15  # characters: the shapes' threshold for a measure text that looks cut off
_CLOSING_MARKS = (".", "!", "?", ";", ":", "’", "”", ")")  # a text ending otherwise may be cut off


@dataclass(frozen=True)
class Review:
    """Why a person must decide a measure's category: no label matched, so it was guessed or none was found."""

    guess: URIRef | None
    """The category guessed from the words of the measure types' labels and definitions, if any."""
    nearest: tuple[URIRef, ...]
    """The measure types whose labels come nearest to the text (at most three), as suggestions."""


@dataclass(frozen=True)
class ImportedEntry:
    """A measure or statement with what its text names."""

    entry: Entry
    categories: tuple[URIRef, ...]
    mentions: Mentions
    truncated: bool
    review: Review | None = None
    """Set when the categories are a guess or missing: the output flags it (``mz:needsReview``)."""

    @property
    def guessed(self) -> bool:
        """True when no label matched and the category was guessed."""
        return self.review is not None and self.review.guess is not None


@dataclass(frozen=True)
class ImportedProfile:
    """Everything the importer took from one profile text, and what it could not place."""

    source: SourceText
    document: ProfileDocument
    iris: ProfileIris
    employer_class: URIRef
    place: URIRef | None
    provinces: tuple[URIRef, ...]
    """Provinces the text names (Haarlem's *ligt de provincie Noord Holland*), for the report."""
    recognised: DutchDate
    ambassador_since: DutchDate | None
    entries: tuple[ImportedEntry, ...]
    relations: tuple[RoleClaim, ...]
    figures: tuple[FigureFact, ...]
    candidates: tuple[Candidate, ...]
    unplaced: tuple[SkippedLine, ...]

    @property
    def name(self) -> str:
        return self.document.name

    @property
    def uncategorised(self) -> tuple[ImportedEntry, ...]:
        """Measures no measure-type label matched (the shapes require one unless the text is truncated)."""
        return tuple(e for e in self.entries if e.entry.is_measure and not e.categories and not e.truncated)

    @property
    def to_review(self) -> tuple[ImportedEntry, ...]:
        """Measures whose category a person must decide (guessed or missing)."""
        return tuple(e for e in self.entries if e.review is not None)


def interpret(source: SourceText, document: ProfileDocument, vocabulary: Vocabulary, base: str) -> ImportedProfile:
    """Interpret a parsed profile; :class:`InputError` if its recognition or ambassador date is unusable."""
    iris = ProfileIris(base, slugify(document.name))
    recognised = _header_date(source, document.recognised, "Erkend mantelzorgvriendelijk sinds")
    ambassador = _header_date(source, document.ambassador, "Ambassadeur sinds") if document.ambassador else None
    entries, unplaced = place_passages(document, vocabulary)
    finder = MentionFinder(vocabulary, iris.organisation, _names_of_self(document.name))
    imported = tuple(_imported_entry(e, vocabulary, finder) for e in entries)
    claims = [claim for e in entries for claim in finder.role_claims(e.passage)]
    introduction = " ".join(e.passage.text for e in entries if e.kind == STATEMENT_KIND.introduction)
    figures = [_figures(e, vocabulary) for e in imported]
    return ImportedProfile(
        source=source,
        document=document,
        iris=iris,
        employer_class=_employer_class(document.name, introduction),
        place=next(iter(vocabulary.places.keys(document.name)), None),
        provinces=tuple(
            dict.fromkeys(
                p for e in entries for p in vocabulary.places.keys(e.passage.text) if p in vocabulary.provinces
            )
        ),
        recognised=recognised,
        ambassador_since=ambassador,
        entries=imported,
        relations=tuple(_relations(claims, imported)),
        figures=tuple(unique_figures(f for found in figures for f in found.figures)),
        candidates=tuple(_unique_candidates(c for e in entries for c in finder.candidates(e.passage))),
        unplaced=(*document.unplaced, *unplaced, *(n for found in figures for n in found.not_placed)),
    )


def _header_date(source: SourceText, field: HeaderField | None, label: str) -> DutchDate:
    if field is None:
        raise InputError(str(source.path), f"no '{label}: <date>' line: a profile states when it was recognised")
    try:
        return parse_date(field.value)
    except ValueError as err:
        raise InputError(str(source.path), f"{label}: {err}", line=field.line) from None


def _names_of_self(name: str) -> list[str]:
    """The organisation's name and its name without the first word (*Gemeente* Haarlem -> Haarlem)."""
    rest = name.split(maxsplit=1)
    return [name, rest[1]] if len(rest) == 2 else [name]


def _employer_class(name: str, introduction: str) -> URIRef:
    name_words = words(name)
    first = name_words[0].norm if name_words else ""
    introduction_words = {w.norm for w in words(introduction)}
    for cls, name_cues, introduction_cues in EMPLOYER_CUES:
        if first in name_cues or introduction_words & introduction_cues:
            return cls
    return MZ.Employer


def _imported_entry(entry: Entry, vocabulary: Vocabulary, finder: MentionFinder) -> ImportedEntry:
    text = entry.passage.text
    mentions = finder.mentions(text)
    truncated = entry.is_measure and len(text) < _TRUNCATED_BELOW and not text.endswith(_CLOSING_MARKS)
    if truncated:
        # A type read into a fragment the source cuts off would be a guess: a truncated measure gets none,
        # and needs no review (the shapes allow no category for it).
        return ImportedEntry(entry, (), mentions, truncated)
    categorised = entry.is_measure or entry.kind in CATEGORISED_KINDS
    categories = vocabulary.most_specific(vocabulary.measure_types.keys(text, overlapping=True)) if categorised else []
    if entry.is_measure and not categories:
        # a partner named stands in for a label: its kind is related to a measure type (a support centre)
        categories = vocabulary.most_specific(t for p in mentions.partners for t in vocabulary.kind_measure_types(p))
    if categories or not entry.is_measure:
        return ImportedEntry(entry, tuple(categories), mentions, truncated)
    guess = vocabulary.measure_type_descriptions.guess(text)
    review = Review(guess, tuple(vocabulary.measure_type_labels.nearest(text)))
    return ImportedEntry(entry, (guess,) if guess else (), mentions, truncated, review)


def _figures(imported: ImportedEntry, vocabulary: Vocabulary) -> FoundFigures:
    """The passage's figures: the organisation's, but a network passage's belong to the network it names."""
    entry = imported.entry
    about = vocabulary.passage_partner_kinds.get(entry.kind) if entry.kind else None
    owners = [p for p in imported.mentions.partners if about and vocabulary.partner_kind(p) == about]
    owner = owners[0] if owners else None
    return find_figures(entry.passage, vocabulary, in_question_section=entry.in_question_section, owner=owner)


def _relations(claims: list[RoleClaim], entries: tuple[ImportedEntry, ...]) -> list[RoleClaim]:
    """One relation per partner and role (the first passage that says so); a partner named without a role
    word is a plain mention (``role:mentioned``): its name says what it is, not what it does."""
    relations: dict[tuple[URIRef, URIRef], RoleClaim] = {}
    for claim in claims:
        relations.setdefault((claim.partner, claim.role), claim)
    with_role = {partner for partner, _ in relations}
    mentioned = PARTNER_ROLE.mentioned
    for imported in entries:
        for partner in imported.mentions.partners:
            if partner not in with_role:
                relations[(partner, mentioned)] = RoleClaim(partner, mentioned, imported.entry.passage)
                with_role.add(partner)
    return list(relations.values())


def _unique_candidates(candidates: Iterable[Candidate]) -> list[Candidate]:
    seen: dict[str, Candidate] = {}
    for candidate in candidates:
        seen.setdefault(candidate.name, candidate)
    return list(seen.values())
