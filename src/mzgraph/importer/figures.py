"""Figures: a number, what it counts (a quantity-kind label right after it) and how exact it is.

``ruim 628.000 inwoners`` is 628000 inhabitants, *more than*; ``naar schatting ongeveer 6.000 mensen die
naast hun werk …`` is an estimate (the outermost qualifier wins). At most two words may stand between
the number and what it counts (``veertien Twentse gemeenten``). Numbers inside dates are no figures.
Numbers written as words count only outside the four question sections: inside them (``twee
medewerkers bij P&O``) they describe an action, not the organisation.
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
    passage: Passage, vocabulary: Vocabulary, *, number_words: bool, owner: URIRef | None = None
) -> list[FigureFact]:
    """The figures in one passage, in order (``owner``'s if given, else the organisation's)."""
    text = passage.text
    dates = [(d.start, d.end) for d in find_dates(text)]
    kinds = vocabulary.quantity_kinds.find(text)
    qualifiers = vocabulary.approximations.find(text)
    figures = []
    for number in find_numbers(text, words=number_words):
        if any(s <= number.start < e for s, e in dates):
            continue
        kind = _counted(text, number, kinds)
        if kind is None:
            continue
        start, approximation = _qualifier(text, number, qualifiers, vocabulary.exact)
        quote = text[start : kind.end]
        figures.append(FigureFact(kind.key, number.value, approximation, quote, passage.line, owner))
    return figures


def unique_figures(figures: Iterable[FigureFact]) -> list[FigureFact]:
    """``figures`` without repeats of the same count (same kind, value and approximation): the first stays."""
    seen: dict[tuple[URIRef | None, URIRef, int | Decimal, URIRef], FigureFact] = {}
    for figure in figures:
        seen.setdefault((figure.owner, figure.quantity_kind, figure.value, figure.approximation), figure)
    return list(seen.values())


def _counted(text: str, number: DutchNumber, kinds: list[LabelMatch]) -> LabelMatch | None:
    for kind in kinds:
        if kind.start < number.end:
            continue
        between = text[number.end : kind.start]
        if _BREAK.search(between) or len(words(between)) > _MAX_WORDS_BETWEEN:
            return None
        return kind
    return None


def _qualifier(text: str, number: DutchNumber, qualifiers: list[LabelMatch], exact: URIRef) -> tuple[int, URIRef]:
    """Where the figure's wording starts and its approximation: the outermost of adjacent qualifiers."""
    start, approximation = number.start, exact
    for qualifier in sorted(qualifiers, key=lambda q: -q.end):
        if qualifier.end <= start and not words(text[qualifier.end : start]):
            start, approximation = qualifier.start, qualifier.key
    return start, approximation
