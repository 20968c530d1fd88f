"""Finding labels in text: whole words, case- and accent-insensitive, the longest label first.

Everything the importer recognises by name goes through :class:`LabelIndex`: the measure groups in a
heading, measure types in a measure, partner bodies, roles, quantity kinds, approximations. The labels
come from the graph (``skos:prefLabel``, ``skos:altLabel``, ``rdfs:label``), so a new wording is taught
by adding a label, not by changing code.

Words are runs of letters and digits, plus ``&`` (so *Werk&Mantelzorg* and *Werk & Mantelzorg* are the
same words); punctuation between words is ignored (``kort/langdurend`` is *kort langdurend*).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass

from rdflib import URIRef

_WORD = re.compile(r"\w+|&")
_PARENTHESIS = re.compile(r"\s*\(([^()]*)\)")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]+")


@dataclass(frozen=True)
class Word:
    """A word of a text, normalised for matching, with its place in the original text."""

    norm: str
    start: int
    end: int


@dataclass(frozen=True)
class LabelMatch:
    """A label found in a text: what it names and where it stands (character offsets)."""

    key: URIRef
    label: str
    start: int
    end: int
    words: int


def normalise(word: str) -> str:
    """Lower case without accents: ``Coördinator`` -> ``coordinator``."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[Word]:
    """The words of ``text`` in order."""
    return [Word(normalise(m[0]), m.start(), m.end()) for m in _WORD.finditer(text)]


def same_words(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` have the same words (ignoring case, accents and punctuation)."""
    return [w.norm for w in words(a)] == [w.norm for w in words(b)]


def label_variants(label: str) -> list[str]:
    """A label as written, without its parenthetical parts, and any acronym given in parentheses.

    ``Medewerkers Inspiratie Onderzoek (MIO)`` is also found as *Medewerkers Inspiratie Onderzoek* and
    as *MIO*; ``Zorgloket (gemeente Enschede)`` also as *Zorgloket*.
    """
    variants = [label]
    bare = _PARENTHESIS.sub("", label).strip()
    if bare and bare != label:
        variants.append(bare)
    variants += [inner for inner in _PARENTHESIS.findall(label) if _ACRONYM.fullmatch(inner.strip())]
    return variants


class LabelIndex:
    """Labels of things, to be found in texts (leftmost, then longest match; matches do not overlap)."""

    def __init__(self, labels: Iterable[tuple[URIRef, str]]) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], URIRef, str]]] = {}
        seen: set[tuple[tuple[str, ...], URIRef]] = set()
        for key, label in labels:
            tokens = tuple(w.norm for w in words(label))
            if tokens and (tokens, key) not in seen:
                seen.add((tokens, key))
                self._by_first.setdefault(tokens[0], []).append((tokens, key, label))
        for candidates in self._by_first.values():
            candidates.sort(key=lambda c: -len(c[0]))  # stable: equal lengths keep the order given

    def __len__(self) -> int:
        return sum(len(c) for c in self._by_first.values())

    def find(
        self, text: str, *, exclude: Sequence[tuple[int, int]] = (), overlapping: bool = False
    ) -> list[LabelMatch]:
        """The labels in ``text``; several keys with the same label all match there.

        By default matches do not overlap: at each word the longest label wins and matching goes on
        after it. With ``overlapping`` every label found is returned (*workshop voor leidinggevenden*
        is then also a *workshop*). Words inside an ``exclude`` span (start, end) never match.
        """
        tokens = [w for w in words(text) if not any(s <= w.start < e for s, e in exclude)]
        norms = [w.norm for w in tokens]
        found: list[LabelMatch] = []
        i = 0
        while i < len(tokens):
            longest = 0
            for label_tokens, key, label in self._by_first.get(norms[i], ()):
                size = len(label_tokens)
                if size < longest and not overlapping:
                    break
                if tuple(norms[i : i + size]) == label_tokens and _contiguous(tokens[i : i + size], exclude):
                    longest = max(longest, size)
                    found.append(LabelMatch(key, label, tokens[i].start, tokens[i + size - 1].end, size))
            i += 1 if overlapping else longest or 1
        return found

    def keys(self, text: str, *, overlapping: bool = False) -> list[URIRef]:
        """The distinct keys found in ``text``, in order of first appearance."""
        return list(dict.fromkeys(m.key for m in self.find(text, overlapping=overlapping)))

    def best(self, text: str) -> URIRef | None:
        """The key with the longest label in ``text`` (the first of equals), or None."""
        matches = self.find(text)
        return max(matches, key=lambda m: m.words).key if matches else None


def _contiguous(tokens: Sequence[Word], exclude: Sequence[tuple[int, int]]) -> bool:
    """True when no excluded span lies between the words of a candidate match."""
    return not any(tokens[0].start < s < tokens[-1].end for s, _ in exclude)


def stem(word: str) -> str:
    """A crude Dutch stem: a plural or inflection ending off (``steunpunten`` -> ``steunpunt``)."""
    for ending in ("en", "s", "e"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


class DescriptionIndex:
    """Guesses which thing a text is about from the words it shares with their descriptions.

    A shared word weighs 1/n when n things use it, so words every description has count for little.
    Used only when no label matches, and reported as a guess.
    """

    def __init__(self, descriptions: Iterable[tuple[URIRef, str]], *, min_score: float = 0.5) -> None:
        self._stems: dict[URIRef, set[str]] = {}
        for key, text in descriptions:
            self._stems.setdefault(key, set()).update(stem(w.norm) for w in words(text))
        counts: dict[str, int] = {}
        for stems in self._stems.values():
            for s in stems:
                counts[s] = counts.get(s, 0) + 1
        self._weight = {s: 1 / n for s, n in counts.items()}
        self._min_score = min_score

    def guess(self, text: str) -> URIRef | None:
        """The best-scoring thing, if it scores at least ``min_score`` and no other scores as well."""
        stems = {stem(w.norm) for w in words(text)}
        scores = sorted(
            ((sum(self._weight[s] for s in stems & own), str(key)) for key, own in self._stems.items()),
            reverse=True,
        )
        if not scores or scores[0][0] < self._min_score or (len(scores) > 1 and scores[1][0] == scores[0][0]):
            return None
        return URIRef(scores[0][1])


class NearestLabels:
    """Ranks things by how near a text comes to their labels: suggestions for a person, never a decision.

    A label is near when its words occur in the text: the same stem, a compound that starts with it (at
    least five letters: *mantelzorg* in *mantelzorgmakelaar*), or nearly the same spelling (a ratio of 0.8
    or more by :class:`difflib.SequenceMatcher`). Words that the descriptions of many things share (the
    theme's own words, such as *mantelzorger*) weigh less: 1/n when n things' ``descriptions`` (labels and
    definitions) use them; ``ignore`` (function words) and words of one or two letters never count.
    """

    def __init__(
        self,
        labels: Iterable[tuple[URIRef, str]],
        descriptions: Iterable[tuple[URIRef, str]],
        *,
        ignore: Collection[str] = (),
    ) -> None:
        self._ignore = frozenset(ignore)
        self._labels: dict[URIRef, list[tuple[str, ...]]] = {}
        for key, label in labels:
            if stems := self._stems(label):
                self._labels.setdefault(key, []).append(stems)
        described: dict[URIRef, set[str]] = {}
        for key, text in descriptions:
            described.setdefault(key, set()).update(self._stems(text))
        frequency = Counter(s for stems in described.values() for s in stems)
        self._weight = {s: 1 / max(frequency[s], 1) for label in self._all_labels() for s in label}

    def _all_labels(self) -> Iterator[tuple[str, ...]]:
        for labels in self._labels.values():
            yield from labels

    def _stems(self, text: str) -> tuple[str, ...]:
        return tuple(stem(w.norm) for w in words(text) if len(w.norm) > 2 and w.norm not in self._ignore)

    def nearest(self, text: str, n: int = 3) -> list[URIRef]:
        """The ``n`` things whose labels come nearest to ``text``, nearest first (fewer if fewer share a word)."""
        own = set(self._stems(text))
        scored = []
        for key, labels in self._labels.items():
            score = max(self._label_score(label, own) for label in labels)
            if score > 0:
                scored.append((-score, str(key), key))
        return [key for _, _, key in sorted(scored)[:n]]

    def _label_score(self, label: tuple[str, ...], text: set[str]) -> float:
        total = sum(self._weight[w] for w in label)
        return sum(self._weight[w] * _closeness(w, text) for w in label) / total


def _closeness(word: str, text: set[str]) -> float:
    """How well ``word`` occurs in ``text`` (a set of stems): 1 for the stem or a compound on it, else spelling."""
    best = 0.0
    for other in text:
        if word == other:
            return 1.0
        shorter, longer = sorted((word, other), key=len)
        if len(shorter) >= 5 and longer.startswith(shorter):
            return 1.0
        matcher = difflib.SequenceMatcher(None, word, other)
        if matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8 and (ratio := matcher.ratio()) >= 0.8:
            best = max(best, ratio)
    return best
