"""The importer's rules that the audit of the data changed: figures named by a parenthesis, no type for a
truncated measure, roles per sentence without roles read from names, and the awarding body by its own name."""

from __future__ import annotations

from pathlib import Path

from support import bundled_import, imported_facts
from test_importer_variants import of_kind, run, variant


def facts(profile: str, kind: str) -> set[tuple[str, ...]]:
    return {f for f in imported_facts(bundled_import(profile)) if f[0] == kind}


def test_a_parenthesis_that_names_a_quantity_kind_says_what_a_number_counts() -> None:
    figures = {f[2:6] for f in facts("regio-twente", "figure")}
    assert ("qk:internal-experts", "2", "approx:exact", "52") in figures
    assert not [f for f in figures if f[0] == "qk:employees" and f[1] != "569"], "two experts are not the staff"
    (quote,) = [f.quote for f in bundled_import("regio-twente").profile.figures if f.value == 2]
    assert quote == "twee medewerkers die actief blijven op dit onderwerp (interne experts)"


def test_a_number_in_words_in_a_question_section_needs_the_parenthesis(tmp_path: Path) -> None:
    result = run(variant(tmp_path, "regio-twente", [(" (interne experts)", "")]))
    values = {f[3] for f in of_kind(result, "figure")}
    assert "2" not in values, "a bare 'twee medewerkers bij P&O' describes an action, not a figure"


def test_a_truncated_measure_gets_no_category_and_is_not_reported_as_uncategorised() -> None:
    profile = bundled_import("gemeente-haarlem").profile
    (coach,) = [e for e in profile.entries if e.entry.passage.text == "De coach"]
    assert coach.truncated and coach.categories == () and not coach.guessed
    assert coach not in profile.uncategorised
    assert not [f for f in facts("gemeente-haarlem", "category") if f[1] == "tailored-4"]


def test_a_sentence_that_names_one_partner_gives_it_every_role_word() -> None:
    relations = {f[1:] for f in facts("gemeente-emmen", "relation") if f[1] == "partner:schouten-nelissen-research"}
    assert relations == {
        ("partner:schouten-nelissen-research", "role:research-bureau", "-", "65"),
        ("partner:schouten-nelissen-research", "role:participant", "-", "65"),
    }


def test_a_name_says_what_a_partner_is_not_what_it_does() -> None:
    """'Netwerk Amersfoort' is a network; no role word points at it, so the import records a plain mention."""
    assert ("involves", "network-1", "partner:netwerk-amersfoort") in facts("gemeente-amersfoort", "involves")
    relations = {f[2] for f in facts("gemeente-amersfoort", "relation") if f[1] == "partner:netwerk-amersfoort"}
    assert relations == {"role:mentioned"}


def test_attention_for_a_partner_is_no_referral(tmp_path: Path) -> None:
    assert ("relation", "partner:steunpunt-mantelzorg-amersfoort", "role:publicised", "-", "16") in facts(
        "gemeente-amersfoort", "relation"
    )
    referred = run(variant(tmp_path, "gemeente-amersfoort", [("Aandacht voor Steunpunt", "Verwijzen naar Steunpunt")]))
    assert ("relation", "partner:steunpunt-mantelzorg-amersfoort", "role:referral-point", "-", "16") in of_kind(
        referred, "relation"
    )


def test_the_awarding_body_is_found_by_its_name_and_not_by_the_theme(tmp_path: Path) -> None:
    theme_only = {f for f in facts("regio-twente", "involves") if f[2] == "partner:werk-en-mantelzorg"}
    assert theme_only == set(), "'werk en mantelzorg' is the theme, in every profile"
    replacement = ("Dit om de bespreekbaarheid", "Samen met Werk&Mantelzorg, om de bespreekbaarheid")
    named = run(variant(tmp_path, "gemeente-haarlem", [replacement]))
    assert ("involves", "awareness-4", "partner:werk-en-mantelzorg") in of_kind(named, "involves")
