"""Languages: which ones a reader prefers (``Accept-Language``) and picking the text in the best of them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

SUPPORTED = ("en", "nl")
"""Languages the pages are written in; data labels may hold others, which are used as a last resort."""


def preferred_languages(header: str | None, supported: Sequence[str] = SUPPORTED) -> tuple[str, ...]:
    """Supported languages ordered by an ``Accept-Language`` header (q-values honoured), the rest after.

    >>> preferred_languages("nl-NL,nl;q=0.9,en;q=0.8")
    ('nl', 'en')
    """
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary and quality > 0:
            ranked.append((-quality, position, primary))
    wanted = [primary for _, _, primary in sorted(ranked)]
    if "*" in wanted:
        wanted = wanted[: wanted.index("*")] + [s for s in supported if s not in wanted]
    ordered = [lang for lang in dict.fromkeys(wanted) if lang in supported]
    return tuple(ordered + [lang for lang in supported if lang not in ordered])


def pick_literal(literals: Iterable[ox.Literal], langs: Sequence[str]) -> ox.Literal | None:
    """The literal in the first of ``langs`` that has one, else one without a language, else any."""
    candidates = list(literals)
    for lang in langs:
        for literal in candidates:
            if (literal.language or "").lower().split("-")[0] == lang:
                return literal
    for literal in candidates:
        if not literal.language:
            return literal
    return candidates[0] if candidates else None


def pick_text(terms: Iterable[object], langs: Sequence[str]) -> str | None:
    """The text of the best literal among ``terms`` (other terms and None are skipped)."""
    best = pick_literal((t for t in terms if isinstance(t, ox.Literal)), langs)
    return None if best is None else best.value


def local_name(iri: str) -> str:
    """The last path segment or fragment of an IRI: a last-resort label."""
    trimmed = iri.rstrip("/#")
    for sep in ("#", "/"):
        if sep in trimmed:
            trimmed = trimmed.rsplit(sep, 1)[1]
    return trimmed or iri
