"""Figures: a number, what it counts (a quantity-kind label right after it) and how exact it is.

``ruim 628.000 inwoners`` is 628000 inhabitants, *more than*; ``naar schatting ongeveer 6.000 mensen die
naast hun werk …`` is an estimate (the outermost qualifier wins). At most two words may stand between
the number and what it counts (``veertien Twentse gemeenten``). When the counted phrase ends in a
parenthesis that is itself a quantity-kind label, that label says what is counted: ``twee medewerkers
die actief blijven op dit onderwerp (interne experts)`` counts internal experts, not employees.
Numbers inside dates are no figures. Numbers written as words count outside the four question sections,
and inside them only when such a parenthesis names what they count: a bare ``twee medewerkers bij P&O``
there describes an action, not the organisation's staff.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from rdflib import URIRef

from mzgraph.importer.dutch import DutchNumber, find_dates, find_numbers
from mzgraph.importer.matching import LabelMatch, words
from mzgraph.importer.model import Passage
from mzgraph.importer.vocabulary import Vocabulary

_MAX_WORDS_BETWEEN = 2
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


def find_figures(
    passage: Passage, vocabulary: Vocabulary, *, in_question_section: bool, owner: URIRef | None = None
) -> list[FigureFact]:
    """The figures in one passage, in order (``owner``'s if given, else the organisation's)."""
    text = passage.text
    dates = [(d.start, d.end) for d in find_dates(text)]
    kinds = vocabulary.quantity_kinds.find(text)
    qualifiers = vocabulary.approximations.find(text)
    figures = []
    for number in find_numbers(text):
        if any(s <= number.start < e for s, e in dates):
            continue
        counted = _counted(text, number, kinds)
        if counted is None:
            continue
        kind, end, glossed = counted
        if number.in_words and in_question_section and not glossed:
            continue
        start, approximation = _qualifier(text, number, qualifiers, vocabulary.exact)
        figures.append(FigureFact(kind, number.value, approximation, text[start:end], passage.line, owner))
    return figures


def unique_figures(figures: Iterable[FigureFact]) -> list[FigureFact]:
    """``figures`` without repeats of the same count (same kind, value and approximation): the first stays."""
    seen: dict[tuple[URIRef | None, URIRef, int | Decimal, URIRef], FigureFact] = {}
    for figure in figures:
        seen.setdefault((figure.owner, figure.quantity_kind, figure.value, figure.approximation), figure)
    return list(seen.values())


def _counted(text: str, number: DutchNumber, kinds: list[LabelMatch]) -> tuple[URIRef, int, bool] | None:
    """What ``number`` counts, where its wording ends, and whether a parenthesis named it."""
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
            return gloss.key, closing.end(), True
    return first.key, first.end, False


def _qualifier(text: str, number: DutchNumber, qualifiers: list[LabelMatch], exact: URIRef) -> tuple[int, URIRef]:
    """Where the figure's wording starts and its approximation: the outermost of adjacent qualifiers."""
    start, approximation = number.start, exact
    for qualifier in sorted(qualifiers, key=lambda q: -q.end):
        if qualifier.end <= start and not words(text[qualifier.end : start]):
            start, approximation = qualifier.start, qualifier.key
    return start, approximation
