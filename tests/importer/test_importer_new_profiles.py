"""Importing profiles the importer has never seen: invented texts of other kinds of employers, and the review flag.

``tests/fixtures/importer/new-profiles/`` holds profiles in the form of ``data/sources/`` (a hospital, a school
board, a printing works, a province) with new wordings for measures, partners named in running text,
proportions and survey counts, and measures of kinds the vocabulary does not know. Next to each text, a TOML
file holds its expected facts. No guess is ever published silently: a guessed or missing category is written
with ``mz:needsReview``, and ``mzgraph validate`` fails at its line until a person has decided.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef
from support import FIXTURES, SOURCES, Fact, imported_facts, vocabulary

from mzgraph.bundled import data_dir
from mzgraph.config import DEFAULT_BASE_IRI
from mzgraph.importer.mentions import Candidate
from mzgraph.importer.pipeline import ProfileImport, import_profile
from mzgraph.importer.vocabulary import Vocabulary, default_vocabulary_files
from mzgraph.rdf.namespaces import MZ

NEW = FIXTURES / "new-profiles"
PROFILES = sorted(p.stem for p in NEW.glob("*.txt"))
PROTEGE = Path(__file__).parents[1] / "fixtures" / "protege" / "measure-types-extension.owl"
# The kinds of fact each TOML file pins (measures and statements by their lines, in its [report] table).
COMPARED = {
    "organisation",
    "recognition",
    "ambassador",
    "ambassador-activity",
    "website",
    "figure",
    "figure-conflict",
    "relation",
    "involves",
    "mentions-event",
    "takes-part-in",
    "category",
    "needs-review",
    "contact",
}
MT = DEFAULT_BASE_IRI + "id/measure-type/"
SHARED = [str(data_dir())]
"""The bundled data the drafts refer to (partners, events), validated with them as when they lie in data/."""


def test_there_are_invented_profiles_of_four_other_kinds_of_employers() -> None:
    assert len(PROFILES) >= 4
    assert all((NEW / f"{p}.toml").exists() for p in PROFILES), "each text has its expected facts"
    kinds = {p.split("-")[0] for p in PROFILES}
    assert {"zorggroep", "scholengroep", "drukkerij", "provincie"} <= kinds


@cache
def imported(profile: str) -> ProfileImport:
    return import_profile(NEW / f"{profile}.txt", vocabulary(), DEFAULT_BASE_IRI)


def expected(profile: str) -> dict[str, Any]:
    return tomllib.loads((NEW / f"{profile}.toml").read_text(encoding="utf-8"))


def pinned(facts: set[Fact]) -> set[Fact]:
    """The compared facts, without the categories of measures flagged for review (a guess is not pinned)."""
    flagged = {f[1] for f in facts if f[0] == "needs-review"}
    return {f for f in facts if f[0] in COMPARED and not (f[0] == "category" and f[1] in flagged)}


@pytest.mark.parametrize("profile", PROFILES)
def test_an_unseen_profile_imports_to_its_expected_facts(profile: str) -> None:
    want = {tuple(f) for f in expected(profile)["facts"]}
    got = pinned(imported_facts(imported(profile)))
    assert got - want == set(), "imported facts the expectation lacks"
    assert want - got == set(), "expected facts the import misses"


@pytest.mark.parametrize("profile", PROFILES)
def test_an_unseen_profile_has_its_measures_statements_proportions_and_candidates(profile: str) -> None:
    report = expected(profile)["report"]
    result = imported(profile).profile
    measures: dict[str, list[int]] = {}
    statements: dict[str, list[int]] = {}
    for e in result.entries:
        if e.entry.is_measure:
            group = str(e.entry.group).rsplit("/", 1)[-1].replace("tailored-solutions", "tailored")
            measures.setdefault(group, []).append(e.entry.passage.line)
        else:
            statements.setdefault(str(e.entry.kind).rsplit("/", 1)[-1], []).append(e.entry.passage.line)
    assert measures == report["measures"]
    assert statements == report["statements"]
    assert [[u.line, u.text] for u in result.unplaced] == report["not_placed"]
    assert [[c.line, c.name] for c in result.candidates] == report["candidates"]


@pytest.mark.parametrize("profile", [*PROFILES, "gemeente-amersfoort"])
def test_every_measure_is_categorised_by_a_label_or_flagged(profile: str) -> None:
    result = (
        imported(profile)
        if profile in PROFILES
        else import_profile(SOURCES / f"{profile}.txt", vocabulary(), DEFAULT_BASE_IRI)
    )
    v = vocabulary()
    for entry in (e for e in result.profile.entries if e.entry.is_measure):
        text = entry.entry.passage.text
        by_label = bool(v.measure_types.keys(text, overlapping=True))
        by_partner = any(v.kind_measure_types(p) for p in entry.mentions.partners)  # a support centre named
        node = next(s for s, _, o in result.public.triples((None, MZ.text, None)) if str(o) == text)
        categories = set(result.public.objects(node, MZ.category))
        flagged = (node, MZ.needsReview, None) in result.public
        assert flagged == (not by_label and not by_partner), entry.entry.passage.line
        assert len(categories) <= 1 if flagged else categories, "a flagged measure holds at most the one guess"


def mzgraph(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mzgraph.cli", *args]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)


def test_the_draft_is_written_with_exit_1_and_validate_fails_at_each_flag_until_a_person_decides(
    tmp_path: Path,
) -> None:
    out = tmp_path / "organisations"
    run = mzgraph("import", *(str(NEW / f"{p}.txt") for p in PROFILES), "--out", str(out))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "written as a draft that does not conform yet" in run.stdout
    drafts = [out / f"{p}.ttl" for p in PROFILES]
    assert all(d.exists() for d in drafts) and (out / "private" / "zorggroep-rijnvliet-contacts.ttl").exists()

    for draft, profile in zip(drafts, PROFILES, strict=True):
        checked = mzgraph("validate", *SHARED, str(draft))
        assert checked.returncode == 1, checked.stdout
        flagged = sorted(f[1] for f in imported_facts(imported(profile)) if f[0] == "needs-review")
        text = draft.read_text(encoding="utf-8").split("\n")
        blocks = {block.split("\n", 1)[0]: block for block in checked.stdout.split("\n\n")}
        for measure in flagged:
            # the report names the file and the line where the flagged measure is described
            line = next(n for n, t in enumerate(text, 1) if t.startswith(f"m:{measure} "))
            assert "Violation  mz:needsReview" in blocks[f"{draft}:{line}  m:{measure}"], measure
        uncategorised = sum("Violation  mz:category  [minCount]" in block for block in blocks.values())
        assert checked.stdout.count("Violation") == len(flagged) + uncategorised, "only the flagged are wrong"

    for draft in drafts:  # a person decides: keeps or picks a category, then deletes the flags
        graph = Graph().parse(draft)
        for measure, _, _ in list(graph.triples((None, MZ.needsReview, None))):
            graph.remove((measure, MZ.needsReview, None))
            if (measure, MZ.category, None) not in graph:
                graph.add((measure, MZ.category, URIRef(MT + "support")))
        graph.serialize(draft, format="turtle")
    decided = mzgraph("validate", *SHARED, *map(str, drafts))
    assert decided.returncode == 0 and "0 violations" in decided.stdout, decided.stdout


def test_strict_keeps_all_or_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = mzgraph("import", str(NEW / "drukkerij-zilvermeeuw.txt"), "--out", str(out), "--strict")
    assert run.returncode == 1 and "nothing written" in run.stdout
    assert not out.exists()


def test_the_report_names_what_needs_review_with_the_three_nearest_categories(tmp_path: Path) -> None:
    run = mzgraph("import", str(NEW / "zorggroep-rijnvliet.txt"), "--out", str(tmp_path), "--format", "json")
    report = json.loads(run.stdout)
    assert (run.returncode, report["written"], report["draft"]) == (1, True, True)
    reviews = {r["line"]: r for r in report["profiles"][0]["needs_review"]}
    assert sorted(reviews) == [15, 25, 26, 27, 33]
    roster = reviews[25]  # 'Roosters worden waar mogelijk aangepast ...': the label is 'rooster'
    assert roster["nearest"][0] == "Rekening houden met mantelzorg bij het roosteren" and len(roster["nearest"]) == 3
    assert all(len(r["nearest"]) <= 3 for r in reviews.values())
    text = mzgraph("import", str(NEW / "zorggroep-rijnvliet.txt"), "--out", str(tmp_path / "t")).stdout
    assert "25: guessed category" in text
    assert "nearest by label: Rekening houden met mantelzorg bij het roosteren" in text


def test_a_vocabulary_edited_in_protege_teaches_the_importer_a_new_measure_type() -> None:
    taught = Vocabulary.load([*default_vocabulary_files(), PROTEGE])
    result = import_profile(NEW / "zorggroep-rijnvliet.txt", taught, DEFAULT_BASE_IRI)
    facts = imported_facts(result)
    assert ("category", "tailored-3", "mt:priority-parking") in facts
    assert ("needs-review", "tailored-3") not in facts
    assert ("needs-review", "tailored-3") in imported_facts(imported("zorggroep-rijnvliet"))


def variant(tmp_path: Path, replacements: list[tuple[str, str]]) -> ProfileImport:
    text = (SOURCES / "gemeente-haarlem.txt").read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "gemeente-haarlem.txt"
    path.write_text(text, encoding="utf-8")
    return import_profile(path, vocabulary(), DEFAULT_BASE_IRI)


def test_the_wordings_of_the_issue_are_never_published_as_a_silent_guess(tmp_path: Path) -> None:
    result = variant(
        tmp_path,
        [
            (
                "Flexibel werken is mogelijk.",
                "Via Stichting Zorgzaam kunnen medewerkers gratis een mantelzorgmakelaar inschakelen.",
            ),
            (
                "We organiseren regelmatig interne bijeenkomsten voor werkende mantelzorgers.",
                "Een werkgroep die rapporteert aan de directie bewaakt de voortgang.",
            ),
        ],
    )
    for line, measure in ((29, "tailored-2"), (37, "embedding-3")):
        entry = next(e for e in result.profile.entries if e.entry.passage.line == line)
        label_matched = bool(vocabulary().measure_types.keys(entry.entry.passage.text, overlapping=True))
        assert label_matched or entry.review is not None, line
        node = URIRef(f"{DEFAULT_BASE_IRI}id/measure/gemeente-haarlem/{measure}")
        assert ((node, MZ.needsReview, None) in result.public) == (entry.review is not None)
    assert Candidate(29, "Stichting Zorgzaam") in result.profile.candidates


@pytest.mark.parametrize(
    ("sentence", "figures", "not_placed"),
    [
        ("Naar schatting combineert 1 op de 5 medewerkers werk met mantelzorg.", [], ["1 op de 5 medewerkers"]),
        ("Eén op de vijf medewerkers is mantelzorger.", [], ["Eén op de vijf medewerkers"]),
        ("Ruim 20 procent van de medewerkers zorgt voor een naaste.", [], ["20 procent van de medewerkers"]),
        (
            "Van de 800 medewerkers zijn er 3 van de 10 medewerkers mantelzorger.",
            [("qk:employees", "800")],
            ["3 van de 10 medewerkers"],
        ),
        (
            "Er werken 800 medewerkers; 612 medewerkers vulden de vragenlijst in.",
            [("qk:employees", "800"), ("qk:survey-respondents", "612")],
            [],
        ),
        ("Aan de enquête namen 150 medewerkers deel.", [("qk:survey-respondents", "150")], []),
        (
            "Het medewerkerstevredenheidsonderzoek werd door 300 medewerkers ingevuld.",
            [("qk:survey-respondents", "300")],
            [],
        ),
        ("Er zijn 412 respondenten.", [("qk:survey-respondents", "412")], []),
        ("Er werken ongeveer 1400 mensen.", [("qk:employees", "1400")], []),
    ],
)
def test_a_figure_is_a_head_count_only_when_the_sentence_says_so(
    tmp_path: Path, sentence: str, figures: list[tuple[str, str]], not_placed: list[str]
) -> None:
    result = variant(tmp_path, [("Bij de gemeente Haarlem werken ongeveer 1400 mensen.", sentence)])
    own = [(f[2], f[3]) for f in imported_facts(result) if f[0] == "figure" and f[2] != "qk:inhabitants"]
    assert sorted(own) == sorted(figures)
    assert [u.text for u in result.profile.unplaced if u.line == 10] == not_placed


def test_a_count_of_staff_in_a_measure_is_who_it_reached_not_the_staff(tmp_path: Path) -> None:
    result = variant(
        tmp_path,
        [("Workshop leidinggevenden:", "Workshop voor 45 medewerkers en leidinggevenden:")],
    )
    assert not [f for f in imported_facts(result) if f[0] == "figure" and f[3] == "45"]
    (skipped,) = [u for u in result.profile.unplaced if u.line == 17]
    assert skipped.text == "45 medewerkers" and "not the staff" in skipped.reason


@pytest.mark.parametrize(
    ("sentence", "candidates"),
    [
        ("Via Stichting Mantelzorg Oost kunnen medewerkers advies krijgen.", ["Stichting Mantelzorg Oost"]),
        ("Door Zorgbureau Noord en Welzijn Zuid wordt advies gegeven.", ["Zorgbureau Noord", "Welzijn Zuid"]),
        ("De resultaten gaan naar de OR, het MT, P&O, HR en HRM.", []),
        ("De Raad van Bestuur en de GMR spreken met Tandem en Stichting Samen Sterk.", ["Stichting Samen Sterk"]),
        ("Gedeputeerde Staten ontvingen de Provinciale Staten.", []),
    ],
)
def test_candidate_names_lose_prepositions_and_bodies_of_the_employer_are_never_candidates(
    tmp_path: Path, sentence: str, candidates: list[str]
) -> None:
    result = variant(tmp_path, [("Flexibel werken is mogelijk.", sentence)])
    assert [c.name for c in result.profile.candidates if c.line == 29] == candidates


@pytest.mark.parametrize(
    ("sentence", "relations"),
    [
        ("Een cursus over loslaten, gegeven door Tandem.", {("partner:tandem", "role:course-provider")}),
        ("Op intranet staan verwijzingen naar Mezzo.", {("partner:mezzo", "role:referral-point")}),
        (
            "Verwijzingen naar Steunpunt Informele Zorg Twente en Mezzo staan op intranet.",
            {
                ("partner:steunpunt-informele-zorg-twente", "role:referral-point"),
                ("partner:mezzo", "role:referral-point"),
            },
        ),
        ("Op de studiedag sprak Mezzo over de combinatie.", {("partner:mezzo", "role:mentioned")}),
    ],
)
def test_partners_named_in_running_text_get_a_relation_with_the_role_the_sentence_states(
    tmp_path: Path, sentence: str, relations: set[tuple[str, str]]
) -> None:
    replaced = (
        "Voor de werkende mantelzorgers is een adviesgesprek beschikbaar bij Tandem, expertisecentrum"
        " mantelzorgondersteuning."
    )
    result = variant(tmp_path, [(replaced, sentence)])
    assert {(f[1], f[2]) for f in imported_facts(result) if f[0] == "relation"} == relations
