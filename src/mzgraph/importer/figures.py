"""Figures: a number, what it counts (a quantity-kind label right after it) and how exact it is.

``ruim 628.000 inwoners`` is 628000 inhabitants, *more than*; ``naar schatting ongeveer 6.000 mensen die
naast hun werk …`` is an estimate (the outermost qualifier wins). At most two words may stand between
the number and what it counts (``veertien Twentse gemeenten``). When the counted phrase ends in a
parenthesis that is itself a quantity-kind label, that label says what is counted: ``twee medewerkers
die actief blijven op dit onderwerp (interne experts)`` counts internal experts, not employees.
Numbers inside dates are no figures. Numbers written as words count outside the four question sections,
and inside them only when such a parenthesis names what they count: a bare ``twee medewerkers bij P&O``
there describes an action, not the organisation's staff.

A number is a head count only when its sentence says so:

- a proportion (``1 op de 5 medewerkers``, ``20% van de medewerkers``) counts nothing: it is reported as
  not placed;
- a kind with a narrower kind that is ``skos:related`` to something the sentence names is read as that
  narrower kind: ``612 medewerkers vulden de vragenlijst in`` names a staff survey, so it counts the
  survey's respondents (``qk:survey-respondents``), not the staff. A compound ending in a one-word label
  names it too (*medewerkerspeiling* is a *peiling*);
- in a question section a number of staff (``qk:employees``) counts the people a measure reached, not
  the organisation's staff: reported as not placed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from rdflib import URIRef

from mzgraph.importer.dutch import DutchNumber, DutchProportion, find_dates, find_numbers, find_proportions
from mzgraph.importer.matching import LabelMatch, words
from mzgraph.importer.mentions import sentences_with_offsets
from mzgraph.importer.model import Passage, SkippedLine
from mzgraph.importer.vocabulary import QUANTITY_KIND, Vocabulary

_MAX_WORDS_BETWEEN = 2
HEAD_COUNT = QUANTITY_KIND.employees
"""The employer's number of staff: in a measure, such a number counts who the measure reached."""
_BREAK = re.compile(r"[.;:,()]")
_GLOSS_OPENS = re.compile(r"[^.;:,()]*\(\s*$")
_GLOSS_CLOSES = re.compile(r"\s*\)")


@dataclass(frozen=True)
class FigureFact:
    """A number from the text with what it counts and its approximation."""

    quantity_kind: URIRef
    value: int | Decimal
    approximation: URIRef
    quote: str
    line: int
    owner: URIRef | None = None
    """Whose number it is when not the organisation's: the network a network passage is about."""


@dataclass(frozen=True)
class FoundFigures:
    """The figures of a passage, and the numbers that looked like figures but are none (with the reason)."""

    figures: list[FigureFact]
    not_placed: list[SkippedLine]


def find_figures(
    passage: Passage,
    vocabulary: Vocabulary,
    *,
    in_question_section: bool,
    owner: URIRef | None = None,
) -> FoundFigures:
    """The figures in one passage, in order (``owner``'s if given, else the organisation's)."""
    text = passage.text
    dates = [(d.start, d.end) for d in find_dates(text)]
    proportions = find_proportions(text)
    kinds = vocabulary.quantity_kinds.find(text)
    qualifiers = vocabulary.approximations.find(text)
    found = FoundFigures([], [])
    for proportion in proportions:
        if (share_of := _counted(text, proportion, kinds)) is not None:
            why = f"a proportion ({proportion.text}), not a number of {vocabulary.label(share_of.key).lower()}"
            found.not_placed.append(SkippedLine(passage.line, text[proportion.start : share_of.end], why))
    for number in find_numbers(text):
        if any(s <= number.start < e for s, e in dates) or any(p.start <= number.start < p.end for p in proportions):
            continue
        counted = _counted(text, number, kinds)
        if counted is None or (number.in_words and in_question_section and not counted.glossed):
            continue
        start, approximation = _qualifier(text, number, qualifiers, vocabulary.exact)
        quote = text[start : counted.end]
        label = vocabulary.label(counted.key).lower()
        kind = _in_context(counted.key, _clause_of(text, number.start), vocabulary)
        if in_question_section and kind == HEAD_COUNT:
            why = f"a number of {label} in a measure: the people it reached, not the staff"
            found.not_placed.append(SkippedLine(passage.line, quote, why))
            continue
        found.figures.append(FigureFact(kind, number.value, approximation, quote, passage.line, owner))
    return found


def _in_context(kind: URIRef, sentence: str, vocabulary: Vocabulary) -> URIRef:
    """``kind``, or its narrower kind related to a concept the sentence names (staff in a survey: respondents)."""
    readings = vocabulary.narrower_quantity_kinds.get(kind)
    if not readings:
        return kind
    named = set(vocabulary.measure_types.keys(sentence, overlapping=True))
    named |= {c for w in words(sentence) for c in vocabulary.measure_type_heads(w.norm)}
    return next((narrower for narrower, related in readings if named & related), kind)


def _clause_of(text: str, position: int) -> str:
    """The sentence around ``position``, cut at semicolons (*Er werken 800 medewerkers; 612 vulden ... in*)."""
    sentence_start, sentence = next((s, t) for s, t in reversed(sentences_with_offsets(text)) if s <= position)
    clause_start = sentence_start
    for clause in sentence.split(";"):
        if position < clause_start + len(clause) + 1:
            return clause
        clause_start += len(clause) + 1
    return sentence


def unique_figures(figures: Iterable[FigureFact]) -> list[FigureFact]:
    """``figures`` without repeats of the same count (same kind, value and approximation): the first stays."""
    seen: dict[tuple[URIRef | None, URIRef, int | Decimal, URIRef], FigureFact] = {}
    for figure in figures:
        seen.setdefault((figure.owner, figure.quantity_kind, figure.value, figure.approximation), figure)
    return list(seen.values())


@dataclass(frozen=True)
class Counted:
    """What a number counts (a quantity kind), where its wording ends, and whether a parenthesis named it."""

    key: URIRef
    end: int
    glossed: bool = False


def _counted(text: str, number: DutchNumber | DutchProportion, kinds: list[LabelMatch]) -> Counted | None:
    """The quantity-kind label at most two words after ``number``, or the parenthesis that closes its phrase."""
    later = [kind for kind in kinds if kind.start >= number.end]
    if not later:
        return None
    first = later[0]
    between = text[number.end : first.start]
    if _BREAK.search(between) or len(words(between)) > _MAX_WORDS_BETWEEN:
        return None
    if len(later) > 1:
        gloss = later[1]
        closing = _GLOSS_CLOSES.match(text, gloss.end)
        if closing and _GLOSS_OPENS.fullmatch(text, first.end, gloss.start):
            return Counted(gloss.key, closing.end(), glossed=True)
    return Counted(first.key, first.end)


def _qualifier(text: str, number: DutchNumber, qualifiers: list[LabelMatch], exact: URIRef) -> tuple[int, URIRef]:
    """Where the figure's wording starts and its approximation: the outermost of adjacent qualifiers."""
    start, approximation = number.start, exact
    for qualifier in sorted(qualifiers, key=lambda q: -q.end):
        if qualifier.end <= start and not words(text[qualifier.end : start]):
            start, approximation = qualifier.start, qualifier.key
    return start, approximation
