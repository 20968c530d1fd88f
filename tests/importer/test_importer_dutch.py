"""Dutch dates and numbers at the precision the text gives."""

from __future__ import annotations

from decimal import Decimal

import pytest
import rdflib

from mzgraph.importer.dutch import find_dates, find_numbers, number_word, parse_date

XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")  # a plain namespace: pytest inspects module names
DATES = [
    ("28 november 2011", "2011-11-28", XSD.date),
    ("1 januari 2000", "2000-01-01", XSD.date),
    ("december 2010", "2010-12", XSD.gYearMonth),
    ("Oktober 2010", "2010-10", XSD.gYearMonth),
    ("16 november", "--11-16", XSD.gMonthDay),
    ("29 februari", "--02-29", XSD.gMonthDay),
    ("3 okt 2019", "2019-10-03", XSD.date),
]
NUMBERS = [
    ("1.740", 1740),
    ("1740", 1740),
    ("ruim 1400", 1400),
    ("circa 160.000", 160000),
    ("rond de 160.000", 160000),
    ("ongeveer 6.000", 6000),
    ("veertien", 14),
    ("tweeëntwintig", 22),
    ("1,5", Decimal("1.5")),
    ("1.250.000", 1250000),
]


@pytest.mark.parametrize(("text", "lexical", "datatype"), DATES)
def test_a_date_keeps_the_precision_of_the_text(text: str, lexical: str, datatype: str) -> None:
    found = parse_date(text)
    assert (found.lexical, found.datatype) == (lexical, datatype)


@pytest.mark.parametrize("text", ["31 februari 2011", "30 februari", "december", "2010", "morgen", "32 mei 2010"])
def test_what_is_no_date_is_refused_with_the_text_in_the_message(text: str) -> None:
    with pytest.raises(ValueError, match=text):
        parse_date(text)


def test_dates_in_running_text_are_found_where_they_stand() -> None:
    text = "Op 16 november ontvingen wij …; op 13 december 2010 tekenden zij; in december 2010 begon het."
    found = [(d.lexical, text[d.start : d.end]) for d in find_dates(text)]
    assert found == [("--11-16", "16 november"), ("2010-12-13", "13 december 2010"), ("2010-12", "december 2010")]


@pytest.mark.parametrize(("text", "value"), NUMBERS)
def test_a_dutch_number_is_read_with_its_thousands_dots_and_decimal_comma(text: str, value: int | Decimal) -> None:
    assert [n.value for n in find_numbers(text)] == [value]


def test_numbers_glued_to_words_and_the_article_een_are_no_numbers() -> None:
    assert [n.text for n in find_numbers("MIO-2016, 4 x9 i.p.v. 5 x 8, een stad")] == ["4", "5", "8"]


def test_number_words_can_be_left_out() -> None:
    assert [n.value for n in find_numbers("twee medewerkers en 40 vestigingen", words=False)] == [40]


@pytest.mark.parametrize(
    ("word", "value"), [("een", 1), ("twaalf", 12), ("vijftig", 50), ("honderd", 100), ("x", None)]
)
def test_number_words(word: str, value: int | None) -> None:
    assert number_word(word) == value
