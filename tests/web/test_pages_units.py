"""Small pieces of the pages: languages, negotiation, safe links, dates, and every query passing the guard."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from mzgraph.entities import concept, dataset, ontology, organisation
from mzgraph.entities.describe import describe_query
from mzgraph.entities.labels import preferred_languages
from mzgraph.entities.values import format_date
from mzgraph.sparql.guard import check
from mzgraph.web.negotiation import negotiate
from mzgraph.web.urls import href, safe_href, to_path

XSD = "http://www.w3.org/2001/XMLSchema#"
BASE = "https://w3id.org/mzgraph/"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, ("en", "nl")),
        ("nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7", ("nl", "en")),
        ("en;q=0.2, nl;q=0.8", ("nl", "en")),
        ("fr-FR, de;q=0.5", ("en", "nl")),
        ("fr, nl;q=0.1", ("nl", "en")),
        ("nl;q=0, en", ("en", "nl")),
        ("nl;q=bogus, en", ("en", "nl")),
    ],
)
def test_preferred_languages(header: str | None, expected: tuple[str, ...]) -> None:
    assert preferred_languages(header) == expected


@pytest.mark.parametrize(
    ("accept", "label"),
    [
        ("text/turtle", "Turtle"),
        ("application/n-triples;q=1, text/turtle;q=0.5", "N-Triples"),
        ("text/html;q=0, */*", "JSON-LD"),
        ("image/*", None),
        ("", "HTML"),
    ],
)
def test_negotiation(accept: str, label: str | None) -> None:
    chosen = negotiate(accept)
    assert (chosen.label if chosen else None) == label


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://www.jongenveer.nl", True),
        ("http://a.example", True),
        ("mailto:x@example.org", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,<b>", False),
        ("vbscript:x", False),
        ("java\tscript:alert(1)", False),
        ("", False),
    ],
)
def test_only_http_https_and_mailto_links_from_data(url: str, safe: bool) -> None:
    assert (safe_href(url) is not None) is safe


def test_canonical_iris_map_to_server_paths() -> None:
    assert (
        to_path(BASE + "id/measure/gemeente-enschede/awareness-1", BASE) == "/id/measure/gemeente-enschede/awareness-1"
    )
    assert to_path("https://example.org/x", BASE) is None
    assert href(BASE + "def/Employer", BASE) == "/def/Employer"
    assert href("/organisations", BASE) == "/organisations"
    assert href("//evil.example/x", BASE) is None


@pytest.mark.parametrize(
    ("value", "datatype", "lang", "expected"),
    [
        ("2011-11-28", "date", "nl", "28 november 2011"),
        ("2010-12", "gYearMonth", "en", "December 2010"),
        ("--11-10", "gMonthDay", "nl", "10 november"),
        ("2008", "gYear", "en", "2008"),
    ],
)
def test_dates_keep_the_precision_of_the_source(value: str, datatype: str, lang: str, expected: str) -> None:
    assert format_date(ox.Literal(value, datatype=ox.NamedNode(XSD + datatype)), lang) == expected


def test_every_page_query_passes_the_endpoint_guard() -> None:
    iri = ox.NamedNode(BASE + "id/organisation/gemeente-emmen")
    queries = [
        describe_query(iri),
        organisation.sources_query(iri),
        concept.scheme_query(iri),
        ontology.term_labels_query(),
        ontology.terms_query(BASE),
        ontology.vocabulary_query(BASE),
        ontology.subclasses_query(iri),
        ontology.shape_rules_query(),
        dataset.groups_query(iri),
        dataset.published_triples_query(),
    ]
    for query in queries:
        check(query)
