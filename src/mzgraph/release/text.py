"""Folding and words: how texts and search queries are compared (case and accents folded, Dutch compounds split).

A text is *folded* (Unicode compatibility decomposition, combining marks dropped, case folded: "Creëren" becomes
"creeren") and cut into *words* (runs of letters and digits). A query word matches a text word that contains it
(so "verlof" finds "calamiteitenverlof" and "zorgverlof"); a query word of one or two characters matches the words
that begin with it, since inside words such short strings match almost everything.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

WORD = re.compile(r"\w+")
SHORT = 3
"""Query words shorter than this match as the start of a word, not anywhere inside one."""


@cache
def _combining() -> dict[int, None]:
    return {c: None for c in range(sys.maxunicode + 1) if unicodedata.combining(chr(c))}


def fold(text: str) -> str:
    """``text`` without accents and case: NFKD, combining marks dropped, casefolded (one char at a time, so
    :func:`fold_with_offsets` maps every folded character back)."""
    if text.isascii():
        return text.casefold()
    return unicodedata.normalize("NFKD", text).translate(_combining()).casefold()


def fold_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """``fold(text)`` and, for each of its characters, the index of the character of ``text`` it came from (ASCII
    runs are folded whole: each of their characters stays one character)."""
    if text.isascii():
        return text.casefold(), range(len(text))
    folded: list[str] = []
    offsets: list[int] = []
    at = 0
    for found in _NOT_ASCII.finditer(text):
        start = found.start()
        folded.append(text[at:start].casefold())
        offsets.extend(range(at, start))
        piece = fold(found.group())
        folded.append(piece)
        offsets.extend([start] * len(piece))
        at = start + 1
    folded.append(text[at:].casefold())
    offsets.extend(range(at, len(text)))
    return "".join(folded), offsets


_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def words(text: str) -> list[str]:
    """The folded words of ``text``."""
    return WORD.findall(fold(text))


def query_words(query: str) -> tuple[str, ...]:
    """The distinct folded words of a search box, in order (every one must match)."""
    return tuple(dict.fromkeys(words(query)))


@lru_cache(maxsize=65_536)
def word_counts(text: str) -> tuple[tuple[tuple[str, int], ...], int]:
    """Each distinct folded word of ``text`` with how often it occurs, and the number of words (cached: the same
    text often recurs, a standard measure in many profiles)."""
    found = words(text)
    counts: dict[str, int] = {}
    for word in found:
        counts[word] = counts.get(word, 0) + 1
    return tuple(counts.items()), len(found)


@dataclass(frozen=True)
class Marked:
    """A text with the places where query words matched (``spans``: start and end offsets into ``text``)."""

    text: str
    spans: tuple[tuple[int, int], ...]
    hits: int = 0
    """How many distinct query words occur in the text."""

    def snippet(self, width: int = 70) -> list[tuple[str, bool]]:
        """The text around the first match, at most ``width`` characters either side, as pieces (text, is_match);
        cut ends are marked with an ellipsis."""
        if not self.spans:
            cut = self.text[:width]
            return [(cut + ("…" if len(self.text) > width else ""), False)]
        start = max(0, self.spans[0][0] - width)
        end = min(len(self.text), self.spans[0][1] + width)
        pieces: list[tuple[str, bool]] = []
        at = start
        for first, last in self.spans:
            if first < at or last > end:
                continue
            pieces += [(self.text[at:first], False), (self.text[first:last], True)]
            at = last
        pieces.append((self.text[at:end], False))
        if start:
            pieces[0] = ("…" + pieces[0][0], False)
        if end < len(self.text):
            pieces[-1] = (pieces[-1][0] + "…", False)
        return [piece for piece in pieces if piece[0]]


def mark(text: str, query: tuple[str, ...]) -> Marked | None:
    """Where the query words occur in ``text`` as :func:`matches` defines it; None if none does."""
    folded, offsets = fold_with_offsets(text)
    if not any(word in folded for word in query):
        return None
    spans: list[tuple[int, int]] = []
    hits = 0
    for word in query:
        before = len(spans)
        for found in WORD.finditer(folded):
            token = found.group()
            at = token.find(word) if len(word) >= SHORT else (0 if token.startswith(word) else -1)
            if at >= 0:
                first = found.start() + at
                last = first + len(word)
                spans.append((offsets[first], offsets[last - 1] + 1))
        hits += len(spans) > before
    if not spans:
        return None
    return Marked(text, tuple(sorted(set(spans))), hits)


def matches(word: str, query_word: str) -> bool:
    """Whether a folded text word matches a folded query word (inside it, or at its start for short ones)."""
    return query_word in word if len(query_word) >= SHORT else word.startswith(query_word)
