"""Texts with the structure of the five profiles but other values import to exactly those values.

Each variant is made from a bundled text by replacing words, so the rest of the profile stays realistic.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from rdflib import Literal, URIRef
from support import FIXTURES, bundled_import, imported_facts, vocabulary, with_invented_contacts

from mzgraph.config import DEFAULT_BASE_IRI
from mzgraph.importer.mentions import Candidate
from mzgraph.importer.pipeline import ProfileImport, import_profile
from mzgraph.importer.vocabulary import Vocabulary, default_vocabulary_files
from mzgraph.rdf.namespaces import MZ

XSD = "http://www.w3.org/2001/XMLSchema#"
ZWOLLE = [
    ("Gemeente Haarlem", "Gemeente Zwolle"),
    ("gemeente Haarlem", "gemeente Zwolle"),
    ("16 november 2018", "3 maart 2021"),
    ("rond de 160.000 inwoners", "circa 130.000 inwoners"),
    ("ongeveer 1400 mensen", "ruim 1.250 mensen"),
    ("bij Tandem, expertisecentrum mantelzorgondersteuning", "bij Stichting Mantelzorgmaatje"),
]


def variant(tmp_path: Path, profile: str, replacements: Sequence[tuple[str, str]], name: str | None = None) -> Path:
    """``data/sources/<profile>.txt`` (invented contacts put back) with every ``old`` replaced by ``new``."""
    text = with_invented_contacts(profile)
    for old, new in replacements:
        assert old in text, f"{old!r} is not in {profile}.txt"
        text = text.replace(old, new)
    path = tmp_path / f"{name or profile}.txt"
    path.write_text(text, encoding="utf-8")
    return path


@cache
def extended(*files: str) -> Vocabulary:
    return Vocabulary.load([*default_vocabulary_files(), *(FIXTURES / f for f in files)])


def run(path: Path, vocabulary_: Vocabulary | None = None) -> ProfileImport:
    return import_profile(path, vocabulary_ or vocabulary(), DEFAULT_BASE_IRI)


def of_kind(result: ProfileImport, *kinds: str) -> set[tuple[str, ...]]:
    return {f for f in imported_facts(result) if f[0] in kinds}


def value(result: ProfileImport, subject: URIRef, predicate: URIRef) -> Literal:
    found = result.public.value(subject, predicate)
    assert isinstance(found, Literal), f"no {predicate} on {subject}"
    return found


def test_another_organisation_with_other_dates_figures_and_an_unknown_partner(tmp_path: Path) -> None:
    result = run(variant(tmp_path, "gemeente-haarlem", ZWOLLE, "gemeente-zwolle"))
    org = URIRef(DEFAULT_BASE_IRI + "id/organisation/gemeente-zwolle")
    assert result.profile.iris.organisation == org
    assert of_kind(result, "organisation") == {
        ("organisation", "mz:Municipality", "Gemeente Zwolle", "Municipality of Zwolle", "-")
    }
    recognition = URIRef(DEFAULT_BASE_IRI + "id/recognition/gemeente-zwolle")
    assert value(result, recognition, MZ.recognitionDate) == Literal("2021-03-03", datatype=URIRef(XSD + "date"))
    assert of_kind(result, "figure") == {
        ("figure", "this:gemeente-zwolle", "qk:inhabitants", "130000", "approx:approximately", "10"),
        ("figure", "this:gemeente-zwolle", "qk:employees", "1250", "approx:more-than", "10"),
    }
    assert of_kind(result, "relation") == set()
    assert Candidate(30, "Stichting Mantelzorgmaatje") in result.profile.candidates
    assert {f[1:4] for f in of_kind(result, "contact")} == {
        ("Els de Boer", "-", "beleidsadviseur afdeling maatschappelijke ondersteuning"),
        ("Kees Bakker", "-", "-"),
    }
    measures = of_kind(result, "measure")
    assert len(measures) == len(of_kind(bundled_import("gemeente-haarlem"), "measure"))


def test_an_ambassador_month_and_a_signing_date_keep_their_precision(tmp_path: Path) -> None:
    replacements = [
        ("Ambassadeur sinds: december 2010", "Ambassadeur sinds: maart 2012"),
        ("Erkend mantelzorgvriendelijk sinds: 11 november 2015", "Erkend mantelzorgvriendelijk sinds: 2 februari 2016"),
        ("In december 2010 sloegen", "In maart 2012 sloegen"),
        ("op 13 december 2010", "op 7 januari 2013"),
        ("35 dorpen en wijken", "veertig dorpen en wijken"),
        ("(50 teamleiders)", "(ongeveer 65 teamleiders)"),
    ]
    result = run(variant(tmp_path, "gemeente-emmen", replacements))
    role = URIRef(DEFAULT_BASE_IRI + "id/ambassador-role/gemeente-emmen")
    assert value(result, role, MZ.ambassadorSince) == Literal("2012-03", datatype=URIRef(XSD + "gYearMonth"))
    dates = {(f[1], f[2], f[3]) for f in of_kind(result, "relation")}
    assert ("partner:vpb", "role:ambassador-partner", "2012-03") in dates
    assert {d for d in dates if d[1] == "role:co-signatory"} == {
        (partner, "role:co-signatory", "2013-01-07")
        for partner in ("partner:vpb", "partner:unive", "partner:zilveren-kruis-achmea", "partner:welzijngroep-sedna")
    }
    assert {f[2:5] for f in of_kind(result, "figure")} == {
        ("qk:villages-and-districts", "40", "approx:exact"),
        ("qk:team-leaders", "65", "approx:approximately"),
    }


def test_a_full_ambassador_date_a_number_in_words_and_an_extra_bullet(tmp_path: Path) -> None:
    replacements = [
        ("Ambassadeur sinds: 26 oktober 2010", "Ambassadeur sinds: 1 april 2009"),
        ("ruim 145.000 inwoners", "naar schatting 150.000 inwoners"),
        ("41 instellingen en bedrijven", "zevenentwintig instellingen en bedrijven"),
        ("in de stad en regio.\n", "in de stad en regio.\n  • Een lunchbijeenkomst voor mantelzorgers.\n"),
    ]
    result = run(variant(tmp_path, "gemeente-amersfoort", replacements))
    role = URIRef(DEFAULT_BASE_IRI + "id/ambassador-role/gemeente-amersfoort")
    assert value(result, role, MZ.ambassadorSince) == Literal("2009-04-01", datatype=URIRef(XSD + "date"))
    assert {f[1:5] for f in of_kind(result, "figure")} == {
        ("this:gemeente-amersfoort", "qk:inhabitants", "150000", "approx:estimate"),
        ("this:gemeente-amersfoort", "qk:working-carers-in-area", "6000", "approx:estimate"),
        ("partner:netwerk-amersfoort", "qk:network-members", "27", "approx:exact"),
    }
    measures = {f[1]: (f[4], f[6]) for f in of_kind(result, "measure")}
    assert measures["awareness-6"] == ("17", "Een lunchbijeenkomst voor mantelzorgers.")
    assert measures["embedding-1"][0] == "21"
    assert ("category", "awareness-6", "mt:peer-meeting") in of_kind(result, "category")


def test_a_unit_of_another_organisation_is_not_found_in_this_one(tmp_path: Path) -> None:
    replacements = [("bij Tandem, expertisecentrum mantelzorgondersteuning", "bij het zorgloket en de GGD")]
    result = run(variant(tmp_path, "gemeente-haarlem", replacements))
    assert of_kind(result, "relation") == set()
    assert [f for f in of_kind(result, "involves") if f[1] == "tailored-3"] == []
    assert Candidate(30, "GGD") in result.profile.candidates
    assert ("involves", "awareness-1", "partner:zorgloket-enschede") in imported_facts(
        bundled_import("gemeente-enschede")
    )


def test_an_unknown_advisor_is_reported_as_a_candidate_and_guides_nothing(tmp_path: Path) -> None:
    replacements = [("adviesbureau Jong en Veer", "adviesbureau Zorgwijzer Advies")]
    result = run(variant(tmp_path, "regio-twente", replacements))
    recognition = URIRef(DEFAULT_BASE_IRI + "id/recognition/regio-twente")
    assert result.public.value(recognition, MZ.guidedBy) is None
    assert {f[1] for f in of_kind(result, "relation")} == {"partner:ggd-regio-twente"}
    assert ("statement", "guidance-1") in {f[:2] for f in of_kind(result, "statement")}
    assert Candidate(54, "Zorgwijzer Advies") in result.profile.candidates


def test_a_new_heading_wording_is_learnt_from_an_alt_label(tmp_path: Path) -> None:
    heading = "Welke concrete acties heeft uw organisatie uitgevoerd om medewerkers bewust te maken van het thema?"
    new_heading = "Hoe maakt u medewerkers bewust van het thema?"
    path = variant(tmp_path, "gemeente-haarlem", [(heading, new_heading)])
    before, after = run(path), run(path, extended("new-wordings.ttl"))
    assert [u.line for u in before.profile.unplaced] == [14, 15, 16, 17, 18]
    assert not any(f[1].startswith("awareness-") for f in of_kind(before, "measure"))
    assert after.profile.unplaced == ()
    awareness = {f[1]: f[5] for f in of_kind(after, "measure") if f[1].startswith("awareness-")}
    assert awareness == {f"awareness-{n}": new_heading for n in range(1, 6)}


def test_a_new_measure_wording_is_learnt_from_an_alt_label(tmp_path: Path) -> None:
    path = variant(tmp_path, "gemeente-amersfoort", [("Berichten op intranet.", "Berichten op het personeelsportaal.")])
    before, after = run(path), run(path, extended("new-wordings.ttl"))
    assert [e.entry.passage.line for e in before.profile.uncategorised] == [12]
    assert ("category", "awareness-1", "mt:intranet") in of_kind(after, "category")


def test_a_new_partner_body_in_the_graph_is_matched_instead_of_reported(tmp_path: Path) -> None:
    result = run(variant(tmp_path, "gemeente-haarlem", ZWOLLE, "gemeente-zwolle"), extended("new-wordings.ttl"))
    assert of_kind(result, "relation") == {
        ("relation", "partner:stichting-mantelzorgmaatje", "role:support-provider", "-", "30")
    }
    assert all(c.name != "Stichting Mantelzorgmaatje" for c in result.profile.candidates)
