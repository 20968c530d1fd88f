"""Small value types of the page models: links and dates at the precision the source gives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

import pyoxigraph as ox

from mzgraph.entities.describe import Description
from mzgraph.sparql.builders import XSD, Term

_MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
}


@dataclass(frozen=True)
class Link:
    """A linked resource with the name to show for it."""

    iri: str
    label: str


def link(description: Description, node: Term, langs: Sequence[str]) -> Link:
    """``node`` as a :class:`Link` named from the description."""
    return Link(node.value, description.label(node, langs))


def links(description: Description, nodes: Sequence[Term], langs: Sequence[str]) -> list[Link]:
    """IRI nodes as links, sorted by label."""
    found = [link(description, n, langs) for n in dict.fromkeys(nodes) if isinstance(n, ox.NamedNode)]
    return sorted(found, key=lambda item: (item.label.casefold(), item.iri))


def format_date(value: Term | None, lang: str) -> str | None:
    """A date literal in words, at its own precision: a day, a month, a year, or a day without a year."""
    if not isinstance(value, ox.Literal):
        return None
    months = _MONTHS.get(lang, _MONTHS["en"])
    text, datatype = value.value, value.datatype.value
    try:
        if datatype == XSD + "date":
            year, month, day = text[:10].split("-")
            return _day_month(int(day), months[int(month) - 1], lang) + f" {year}"
        if datatype == XSD + "gYearMonth":
            year, month = text[:7].split("-")
            return f"{months[int(month) - 1]} {year}"
        if datatype == XSD + "gMonthDay":
            month, day = text[2:7].split("-")
            return _day_month(int(day), months[int(month) - 1], lang)
    except (ValueError, IndexError):
        return text
    return text


def date_year(value: Term | None) -> int | None:
    """The year of a date-like literal, if it has one."""
    if isinstance(value, ox.Literal) and len(value.value) >= 4 and value.value[:4].isdigit():
        return int(value.value[:4])
    return None


def _day_month(day: int, month: str, lang: str) -> str:
    return f"{month} {day}" if lang == "en-US" else f"{day} {month}"


@overload
def literal_int(value: Term | None) -> int | None: ...
@overload
def literal_int(value: Term | None, default: int) -> int: ...
def literal_int(value: Term | None, default: int | None = None) -> int | None:
    """The integer value of a literal (a count, a line number), or ``default`` if there is none."""
    if isinstance(value, ox.Literal):
        try:
            return int(value.value)
        except ValueError:
            return default
    return default


def format_number(value: int, lang: str) -> str:
    """A whole number with the reader's thousands separator (628.000 or 628,000)."""
    grouped = f"{value:,}"
    return grouped.replace(",", ".") if lang == "nl" else grouped
