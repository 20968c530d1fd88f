"""Search in the release index: compound parts, accents and case folded, ranked, the matching text marked."""

from __future__ import annotations

import random

import numpy as np
import pytest

from mzgraph.release import Filters, ReleaseIndex, Sort
from mzgraph.release.search import Found
from mzgraph.release.text import SHORT, fold, fold_with_offsets, mark, query_words, words
from mzgraph.store import Store

from .test_browse import FILTERS, ID, _all_pages

ECRU = ID + "organisation/zorgbedrijf-ecru"
MONTHS = ID + "organisation/regio-maandprecisie"
PREFIXES = "PREFIX mz: <https://w3id.org/mzgraph/def/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
TEXTS = [
    "?t rdfs:subClassOf* mz:Employer . ?org a ?t ; rdfs:label ?text",
    "?org mz:measure ?x . ?x mz:text ?text",
    "?org mz:statement ?x . ?x mz:text ?text",
    "?rel mz:organisation ?org ; mz:partner ?p . ?p rdfs:label ?text",
    *(
        f"?org mz:{owner} ?x . ?x mz:quote ?text"
        for owner in ("recognition", "ambassadorRole", "figure", "measure", "statement")
    ),
    "?x mz:organisation ?org ; mz:quote ?text",
]
"""Every searched text of an employer: names, measure and passage texts, partner names, quotations."""


@pytest.fixture(scope="module")
def texts(store: Store) -> dict[str, set[str]]:
    """Employer IRI -> the folded words of its searched texts (from SPARQL)."""
    found: dict[str, set[str]] = {}
    for pattern in TEXTS:
        for org, text in store.stream_select(PREFIXES + f"SELECT ?org ?text WHERE {{ {pattern} }}"):
            if pattern is TEXTS[0] or org.value in found:  # type: ignore[union-attr]
                found.setdefault(org.value, set()).update(words(text.value))  # type: ignore[union-attr]
    return found


def _matching(texts: dict[str, set[str]], query: str) -> set[str]:
    """The employers a query should find: for every query word, a text word containing it (starting with it, if
    the query word is shorter than three characters)."""
    asked = query_words(query)
    return {
        org
        for org, found in texts.items()
        if all(any((q in w) if len(q) >= SHORT else w.startswith(q) for w in found) for q in asked)
    }


def _iris(index: ReleaseIndex, query: str, **ask: object) -> list[str]:
    return [item.iri for item in _all_pages(index, 500, search=query, **ask)]


@pytest.mark.parametrize("query", ["verlof", "Zorg Verlof", "mantelzorg", "hr", "e", "kwartier mezzo", "xyzzyq"])
def test_a_search_finds_exactly_the_employers_whose_texts_hold_every_word(
    index: ReleaseIndex, texts: dict[str, set[str]], query: str
) -> None:
    expected = _matching(texts, query)
    assert set(_iris(index, query)) == expected
    assert index.browse(search=query, size=1).total == len(expected)


def test_dutch_compounds_are_found_by_their_parts(index: ReleaseIndex) -> None:
    found = set(_iris(index, "verlof"))
    assert {ECRU, MONTHS} <= found  # "Calamiteitenverlof ...", "Zorgverlof in overleg."
    assert ECRU in _iris(index, "calamiteitenverlof") and MONTHS not in _iris(index, "calamiteitenverlof")


@pytest.mark.parametrize("query", ["creatieve", "CRÉATIEVE", "Créatieve", "ecru", "ÉCRU", "écru"])
def test_case_and_accents_are_folded(index: ReleaseIndex, query: str) -> None:
    assert ECRU in _iris(index, query)


def test_the_best_match_comes_first(index: ReleaseIndex) -> None:
    emmen = index.browse(search="Gemeente Emmen", sort=Sort("relevance"), size=50)
    assert emmen.items[0].iri == ID + "organisation/gemeente-emmen"
    assert index.browse(search="kwartiermaker", sort=Sort("relevance")).items[0].iri == ECRU
    scores = [item.score for item in _all_pages(index, 200, search="verlof", sort=Sort("relevance"))]
    assert all(s is not None for s in scores)
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]


def test_the_matching_text_is_shown_with_the_match_marked(index: ReleaseIndex) -> None:
    (item,) = index.browse(search="créatieve regelingen", size=5).items
    assert item.iri == ECRU
    best = item.matches[0]
    assert (best.kind, best.source, best.line) == ("measure", ID + "measure/zorgbedrijf-ecru-1", 3)
    assert [best.marked.text[a:b] for a, b in best.marked.spans] == ["CRÉATIEVE", "regelingen"]
    assert ("CRÉATIEVE", True) in best.marked.snippet()
    name = index.browse(search="ecru").items[0].matches[0]
    assert (name.kind, name.source) == ("name", ECRU)


@pytest.mark.parametrize(
    ("text", "query", "marked"),
    [
        ("Calamiteitenverlof en ZORGVERLOF", ("verlof",), ["verlof", "VERLOF"]),
        ("HR-beleid, hrm en schrijven", ("hr",), ["HR", "hr"]),
        ("Créatieve regelingen", ("creatieve", "regeling"), ["Créatieve", "regeling"]),
        ("Straße-verlof: ﬁne", ("verlof", "fine"), ["verlof", "ﬁne"]),
        ("Nothing to see", ("verlof",), None),
        ("Naïef, niets", ("verlof",), None),
    ],
)
def test_marks_point_into_the_text_as_written(text: str, query: tuple[str, ...], marked: list[str] | None) -> None:
    found = mark(text, query)
    assert (found and [text[a:b] for a, b in found.spans]) == marked


def test_folding_maps_every_character_back_to_the_one_it_came_from() -> None:
    rng = random.Random(3)
    alphabet = "abcXYZ éëÉïﬁßŉǅ-,.İ0123"
    for _ in range(2_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        pieces = [fold(char) for char in text]  # one character at a time: the definition
        folded, offsets = fold_with_offsets(text)
        assert folded == "".join(pieces) == fold(text)
        assert list(offsets) == [i for i, piece in enumerate(pieces) for _ in piece]


def test_a_search_that_matches_nothing_is_an_empty_list(index: ReleaseIndex) -> None:
    page = index.browse(search="xyzzyq", sort=Sort("relevance"))
    assert (page.items, page.total, page.next, page.prev, page.last) == ([], 0, None, None, None)
    assert index.facets(search="xyzzyq").total == 0


def test_a_short_query_matches_the_start_of_words(index: ReleaseIndex) -> None:
    page = index.browse(search="hr", size=50)
    assert page.total > 0
    for item in page.items:
        for match in item.matches:
            for first, _ in match.marked.spans:
                assert first == 0 or not match.marked.text[first - 1].isalnum()


@pytest.mark.parametrize("sort", ["name", "-recognised", "measures", "relevance"])
def test_search_combines_with_every_filter_and_sort(index: ReleaseIndex, texts: dict[str, set[str]], sort: str) -> None:
    filters = FILTERS["everything at once"]
    alone = set(_iris(index, "verlof"))
    filtered = {item.iri for item in _all_pages(index, 500, filters=filters)}
    both = _iris(index, "verlof", filters=filters, sort=Sort.parse(sort))
    assert set(both) == alone & filtered and alone & filtered
    if sort != "relevance":
        ordered = [item.iri for item in _all_pages(index, 500, filters=filters, sort=Sort.parse(sort))]
        assert both == [iri for iri in ordered if iri in alone]


def test_relevance_keys_sort_best_first_then_by_id() -> None:
    ids = np.array([0, 1, 2, 3, 7, 4_000_000_000], dtype=np.uint32)
    found = Found.of(ids, np.array([1.0, 3.5, 1.0, 1e-30, 0.0, 3.5]))
    best_first = [1, 4_000_000_000, 0, 2, 3, 7]
    assert [int(i) for i in Found.ids_of(np.sort(found.keys))] == best_first
    assert found.keys.dtype == np.int64 and (found.keys >= 0).all()


def test_relevance_pages_through_by_cursor(index: ReleaseIndex) -> None:
    filters = Filters(ambassador=True)
    page = index.browse(filters, search="zorg", sort=Sort("relevance"), size=37)
    walked = list(page.items)
    while page.next:
        page = index.browse(filters, search="zorg", sort=Sort("relevance"), size=37, cursor=page.next)
        walked += page.items
    assert len(walked) == len({i.iri for i in walked}) == page.total > 37 * 3
    assert walked == sorted(walked, key=lambda i: (-(i.score or 0), i.id))  # best first, ties in name order
    assert {i.iri for i in walked} == set(_iris(index, "zorg", filters=filters))
    back = index.browse(filters, search="zorg", sort=Sort("relevance"), size=37, cursor=page.prev)
    assert [i.iri for i in back.items] == [i.iri for i in walked[page.position - 37 : page.position]]
