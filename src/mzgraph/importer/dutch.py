"""Dutch dates, numbers and function words as profile texts write them, at the precision the text gives.

Dates: ``28 november 2011`` is an ``xsd:date``, ``december 2010`` an ``xsd:gYearMonth`` and ``16 november``
(no year) an ``xsd:gMonthDay``. Numbers: ``1.740`` and ``1740`` are 1740 (the dot groups thousands),
``1,5`` is a decimal, and the words ``twee`` to ``duizend`` count too. Words such as *ruim* or *circa* that
qualify a number are not handled here: they are SKOS labels of the approximation scheme.

Proportions are numbers too, but no count of anything: ``1 op de 5``, ``3 van de 10``, ``20%``, ``20 procent``
(:func:`find_proportions`). The articles, prepositions and conjunctions (:data:`FUNCTION_WORDS`) are the
grammar's closed word classes, not vocabulary: they never name a thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rdflib import XSD, URIRef

MONTHS: dict[str, int] = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "maart": 3,
    "mrt": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augustus": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE = re.compile(
    rf"(?<![\w-])(?:(?P<day>\d{{1,2}})\s+)?(?P<month>{_MONTH})(?:\s+(?P<year>\d{{4}}))?(?![\w-])",
    re.IGNORECASE,
)

_UNITS = {"een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9}
_TEENS = {
    "tien": 10,
    "elf": 11,
    "twaalf": 12,
    "dertien": 13,
    "veertien": 14,
    "vijftien": 15,
    "zestien": 16,
    "zeventien": 17,
    "achttien": 18,
    "negentien": 19,
}
_TENS = {
    "twintig": 20,
    "dertig": 30,
    "veertig": 40,
    "vijftig": 50,
    "zestig": 60,
    "zeventig": 70,
    "tachtig": 80,
    "negentig": 90,
}
_BIG = {"honderd": 100, "duizend": 1000}

ARTICLES = frozenset({"de", "het", "een", "'t", "’t"})
PREPOSITIONS = frozenset(
    {
        "aan",
        "achter",
        "bij",
        "binnen",
        "buiten",
        "door",
        "in",
        "met",
        "na",
        "naar",
        "namens",
        "naast",
        "om",
        "onder",
        "op",
        "over",
        "per",
        "sinds",
        "te",
        "tegen",
        "tijdens",
        "tot",
        "tussen",
        "uit",
        "van",
        "vanuit",
        "via",
        "voor",
        "zonder",
    }
)
CONJUNCTIONS = frozenset({"en", "of", "maar", "want", "dan", "als"})
FUNCTION_WORDS = ARTICLES | PREPOSITIONS | CONJUNCTIONS

_DIGITS = re.compile(r"(?<![\w.,-])(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?(?![\w-]|[.,]\d)")
_WORD = re.compile(r"(?<![\w-])[a-zë]+(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class DutchDate:
    """A date found in a text: its XSD lexical form and datatype, and where it stands."""

    lexical: str
    datatype: URIRef
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class DutchProportion:
    """A proportion in a text (``1 op de 5``, ``20%``): a share of something, not a count; where it stands."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class DutchNumber:
    """A number found in a text, and where it stands."""

    value: int | Decimal
    text: str
    start: int
    end: int
    in_words: bool


def find_dates(text: str) -> list[DutchDate]:
    """Every date in ``text`` that names a month with a day, a year or both; impossible dates are skipped."""
    found = []
    for match in _DATE.finditer(text):
        try:
            found.append(_date_from_match(match))
        except ValueError:
            continue
    return found


def parse_date(text: str) -> DutchDate:
    """The one date that makes up ``text`` (``28 november 2011``); :class:`ValueError` says why not."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"'{text.strip()}' is not a Dutch date such as '28 november 2011' or 'december 2010'")
    try:
        return _date_from_match(match)
    except ValueError as err:
        raise ValueError(f"'{text.strip()}' is not a valid date ({err})") from None


def _date_from_match(match: re.Match[str]) -> DutchDate:
    day, year = match["day"], match["year"]
    month = MONTHS[match["month"].lower()]
    if day is None and year is None:
        raise ValueError("a month without a day or a year")
    if day is None:
        lexical, datatype = f"{int(year):04d}-{month:02d}", XSD.gYearMonth
    else:
        # 2000 is a leap year, so 29 februari without a year is accepted
        checked = date(int(year) if year else 2000, month, int(day))
        lexical = checked.isoformat() if year else f"--{month:02d}-{checked.day:02d}"
        datatype = XSD.date if year else XSD.gMonthDay
    return DutchDate(lexical, datatype, match[0], match.start(), match.end())


def find_numbers(text: str, *, words: bool = True) -> list[DutchNumber]:
    """The numbers in ``text``, in order: digits always, number words (not the article *een*) if ``words``."""
    found = [DutchNumber(parse_digits(m[0]), m[0], m.start(), m.end(), False) for m in _DIGITS.finditer(text)]
    if words:
        for match in _WORD.finditer(text):
            value = number_word(match[0])
            if value is not None and match[0].lower() != "een":
                found.append(DutchNumber(value, match[0], match.start(), match.end(), True))
    return sorted(found, key=lambda n: n.start)


def parse_digits(text: str) -> int | Decimal:
    """``1.740`` -> 1740, ``160.000`` -> 160000, ``1,5`` -> Decimal('1.5')."""
    whole, _, fraction = text.replace(".", "").partition(",")
    return Decimal(f"{whole}.{fraction}") if fraction else int(whole)


def number_word(word: str) -> int | None:
    """The value of a Dutch number word from *een* to *duizend* (``veertien`` -> 14), else None."""
    word = word.lower().replace("ë", "e")
    for table in (_UNITS, _TEENS, _TENS, _BIG):
        if word in table:
            return table[word]
    for tens_word, tens in _TENS.items():
        unit_word = word.removesuffix("en" + tens_word)
        if unit_word != word and unit_word in _UNITS:
            return tens + _UNITS[unit_word]
    return None


_NUMBER = r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"
_NUMBER_WORD = r"[a-zé]+"
_PROPORTION = re.compile(
    rf"(?<![\w.,-])(?:(?:{_NUMBER}|{_NUMBER_WORD})\s+(?:op|van)\s+(?:de\s+|het\s+)?(?:{_NUMBER}|{_NUMBER_WORD})"
    rf"|{_NUMBER}\s*(?:%|procent\b))",
    re.IGNORECASE,
)


def find_proportions(text: str) -> list[DutchProportion]:
    """The proportions in ``text``: ``1 op de 5``, ``één op de vijf``, ``3 van de 10``, ``20%``, ``20 procent``.

    A share names two numbers (or one with a percent sign); neither counts anything on its own.
    """
    found = []
    for match in _PROPORTION.finditer(text):
        words_ = re.findall(_NUMBER_WORD, match[0].lower().replace("é", "e"))
        numbers = [w for w in words_ if w not in {"op", "van", "de", "het", "procent"}]
        if all(number_word(w) is not None or w == "een" for w in numbers):
            found.append(DutchProportion(match[0], match.start(), match.end()))
    return found
