"""Finding labels in text: whole words, longest first, case and accents ignored; guessing as a fallback."""

from __future__ import annotations

from rdflib import URIRef
from support import vocabulary

from mzgraph.importer.matching import DescriptionIndex, LabelIndex, label_variants, same_words

A, B, C = URIRef("urn:a"), URIRef("urn:b"), URIRef("urn:c")


def test_labels_match_whole_words_ignoring_case_accents_and_punctuation() -> None:
    index = LabelIndex([(A, "coördinator cursus"), (B, "kort")])
    assert index.keys("Gesprek met de Coordinator-cursus; 4 korte films, kort/langdurend verlof") == [A, B]


def test_the_longest_label_wins_unless_overlapping_matches_are_asked_for() -> None:
    index = LabelIndex([(A, "workshop"), (B, "workshop voor leidinggevenden")])
    assert index.keys("via workshop voor leidinggevenden") == [B]
    assert index.keys("via workshop voor leidinggevenden", overlapping=True) == [B, A]


def test_words_inside_an_excluded_span_never_match() -> None:
    index = LabelIndex([(A, "programma")])
    text = "bij programma WZW"
    assert index.find(text, exclude=[(text.index("programma"), len(text))]) == []


def test_a_label_also_matches_without_its_parenthesis_and_as_its_acronym() -> None:
    assert label_variants("Medewerkers Inspiratie Onderzoek (MIO)") == [
        "Medewerkers Inspiratie Onderzoek (MIO)",
        "Medewerkers Inspiratie Onderzoek",
        "MIO",
    ]
    assert label_variants("Zorgloket (gemeente Enschede)") == ["Zorgloket (gemeente Enschede)", "Zorgloket"]


def test_same_words() -> None:
    assert same_words("Werk & Mantelzorg", "Werk&Mantelzorg")
    assert not same_words("Werk en Mantelzorg", "Werk&Mantelzorg")


def test_a_guess_needs_a_rare_shared_word_and_a_clear_winner() -> None:
    index = DescriptionIndex(
        [
            (A, "Verwijzing naar steunpunten voor mantelzorgers"),
            (B, "Presentatie voor medewerkers"),
            (C, "Training voor medewerkers"),
        ]
    )
    assert index.guess("Aandacht voor het steunpunt") == A
    assert index.guess("Iets voor medewerkers") is None


def test_a_broader_measure_type_gives_way_to_a_narrower_one_found_with_it() -> None:
    mt = "https://w3id.org/mzgraph/id/measure-type/"
    found = vocabulary().measure_types.keys("calamiteiten verlof en gesprekscyclus", overlapping=True)
    assert URIRef(mt + "leave") in found
    assert vocabulary().most_specific(found) == [URIRef(mt + "calamity-leave"), URIRef(mt + "appraisal-conversation")]
