"""Each correction from the audit of the curated data against the source texts, pinned by a query.

Where a correction cites a line, the test reads that line of ``data/sources/`` too: the text wins.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from mzgraph.bundled import bundled_graph_files, data_dir
from mzgraph.rdf.reading import read_files

ID = "https://w3id.org/mzgraph/id/"
PREFIXES = f"""
PREFIX mz: <https://w3id.org/mzgraph/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX mt: <{ID}measure-type/>
PREFIX role: <{ID}partner-role/>
PREFIX ek: <{ID}event-kind/>
PREFIX qk: <{ID}quantity-kind/>
PREFIX partner: <{ID}partner/>
PREFIX event: <{ID}event/>
PREFIX reg: <{ID}regulation/>
PREFIX agr: <{ID}agreement/>
PREFIX src: <{ID}source/>
"""
QUERIES = Path(__file__).parents[2] / "queries"
VALIDATION = Path(__file__).parents[1] / "fixtures" / "validation"


@pytest.fixture(scope="module")
def graph() -> ox.Store:
    store = ox.Store()
    store.extend(read_files(bundled_graph_files()))
    return store


def rows(store: ox.Store, query: str) -> list[tuple[str | None, ...]]:
    solutions = store.query(PREFIXES + query)
    names = [v.value for v in solutions.variables]
    return [tuple(s[n].value if s[n] is not None else None for n in names) for s in solutions]


def ask(store: ox.Store, query: str) -> bool:
    return bool(store.query(PREFIXES + query))


def line(profile: str, number: int) -> str:
    return (data_dir() / "sources" / f"{profile}.txt").read_text(encoding="utf-8").split("\n")[number - 1]


def measure(profile: str, name: str) -> str:
    return f"<{ID}measure/{profile}/{name}>"


def categories(store: ox.Store, node: str) -> set[str]:
    return {c.rsplit("/", 1)[1] for (c,) in rows(store, f"SELECT ?c WHERE {{ {node} mz:category ?c }}") if c}


def english_notes(store: ox.Store, node: str) -> list[str]:
    return [n for (n,) in rows(store, f'SELECT ?n WHERE {{ {node} mz:curationNote ?n FILTER(LANG(?n) = "en") }}') if n]


def lines_naming(store: ox.Store, predicate: str, node: str) -> set[int]:
    """The source lines of the passages that link to ``node`` with ``predicate``."""
    found = rows(store, f"SELECT ?line WHERE {{ ?s {predicate} {node} ; mz:sourceLine ?line }}")
    return {int(number) for (number,) in found if number}


def roles(store: ox.Store, profile: str, partner: str) -> dict[str, int]:
    found = rows(
        store,
        f"""SELECT ?role ?line WHERE {{ ?rel mz:organisation <{ID}organisation/{profile}> ;
              mz:partner partner:{partner} ; mz:partnerRole ?role ; mz:sourceLine ?line }}""",
    )
    return {role.rsplit("/", 1)[1]: int(number) for role, number in found if role and number}


# ---- Gemeente Amersfoort ---------------------------------------------------------------------------


def test_amersfoort_information_on_tailored_solutions_is_no_tailored_arrangement(graph: ox.Store) -> None:
    assert "Uitgebreide informatie over maatwerkoplossingen op intranet" in line("gemeente-amersfoort", 20)
    assert categories(graph, measure("gemeente-amersfoort", "embedding-1")) == {"intranet", "referral-to-support"}


def test_amersfoort_draws_attention_to_the_steunpunt_and_does_not_refer_to_it(graph: ox.Store) -> None:
    assert "Aandacht voor Steunpunt Mantelzorg" in line("gemeente-amersfoort", 16)
    assert roles(graph, "gemeente-amersfoort", "steunpunt-mantelzorg-amersfoort") == {
        "publicised": 16,
        "network-supporter": 30,
    }


def test_the_wmo_is_a_regulation_cited_at_amersfoort_line_30(graph: ox.Store) -> None:
    assert "vanuit het Wmo-beleid" in line("gemeente-amersfoort", 30)
    assert ask(graph, 'ASK { reg:wmo a mz:Regulation ; rdfs:label ?nl FILTER(LANG(?nl) = "nl") }')
    assert any("outside the source" in note for note in english_notes(graph, "reg:wmo")), "the full name is not in it"
    assert lines_naming(graph, "mz:regulation", "reg:wmo") == {30}
    citing = rows(graph, "SELECT ?s WHERE { ?s mz:regulation reg:wmo ; dcterms:source src:gemeente-amersfoort }")
    assert [s.rsplit("/", 1)[1] for (s,) in citing if s] == ["network-1"]


def test_the_network_is_facilitated_by_amersfoort(graph: ox.Store) -> None:
    assert "wij faciliteren dit" in line("gemeente-amersfoort", 30)
    assert roles(graph, "gemeente-amersfoort", "netwerk-amersfoort") == {"facilitated-initiative": 30}


# ---- Gemeente Haarlem ------------------------------------------------------------------------------


def test_haarlems_cut_off_coach_is_truncated_and_has_no_category(graph: ox.Store) -> None:
    node = measure("gemeente-haarlem", "tailored-4")
    assert line("gemeente-haarlem", 31).strip() == "• De coach"
    assert ask(graph, f'ASK {{ {node} mz:truncated true ; mz:text "De coach"@nl ; mz:sourceLine 31 }}')
    assert categories(graph, node) == set()


def test_only_a_truncated_measure_may_go_without_a_category(
    mzgraph: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    truncated = mzgraph("validate", str(VALIDATION / "truncated-measure-without-category.ttl"))
    assert truncated.returncode == 0, truncated.stdout + truncated.stderr
    plain = mzgraph("validate", str(VALIDATION / "measure-without-category.ttl"))
    assert plain.returncode == 1
    assert re.search(r"measure-without-category\.ttl:\d+\s+m:embedding-1\n\s+Violation\s+mz:category", plain.stdout)
    assert "mz:truncated true" in plain.stdout, "the hint says how a cut-off text may go without one"


# ---- Gemeente Emmen ---------------------------------------------------------------------------------


def test_the_declaration_of_intent_cites_its_source_line_and_quote(graph: ox.Store) -> None:
    ((quote, number),) = rows(
        graph,
        """SELECT ?quote ?line WHERE { agr:intentieverklaring-bedrijventerreinen-emmen mz:quote ?quote ;
             mz:sourceLine ?line ; dcterms:source src:gemeente-emmen }""",
    )
    assert number == "71" and quote and quote in line("gemeente-emmen", 71)
    assert "intentieverklaring" in quote


def test_mio_2016_is_the_2016_survey_of_the_recurring_mio(graph: ox.Store) -> None:
    assert "MIO-2016" in line("gemeente-emmen", 65)
    assert ask(
        graph,
        """ASK { event:mio-2016 a mz:Event ; mz:eventKind ek:survey ; mz:date "2016"^^xsd:gYear ;
                 schema:superEvent event:medewerkers-inspiratie-onderzoek ;
                 schema:contributor partner:schouten-nelissen-research .
               ?footnote mz:mentionsEvent event:mio-2016 ; mz:sourceLine 65 .
               <https://w3id.org/mzgraph/id/organisation/gemeente-emmen> mz:takesPartIn event:mio-2016 }""",
    )


def test_schouten_nelissen_took_part_in_the_programme_for_managers(graph: ox.Store) -> None:
    assert "heeft aan het programma t.b.v. leidinggevenden deelgenomen" in line("gemeente-emmen", 65)
    assert roles(graph, "gemeente-emmen", "schouten-nelissen-research") == {"research-bureau": 65, "participant": 65}
    programme = "event:professionaliseringsprogramma-emmen"
    assert ask(graph, f"ASK {{ {programme} mz:eventKind ek:programme ; schema:attendee ?who }}")
    assert ask(graph, f"ASK {{ {programme} schema:attendee partner:schouten-nelissen-research }}")
    assert lines_naming(graph, "mz:mentionsEvent", programme) == {27, 62, 65}


@pytest.mark.parametrize("insurer", ["unive", "zilveren-kruis-achmea"])
def test_the_insurers_kind_is_marked_as_outside_knowledge(graph: ox.Store, insurer: str) -> None:
    notes = english_notes(graph, f"partner:{insurer}")
    assert any("outside the source" in n and "health insurer" in n for n in notes)


# ---- Regio Twente -----------------------------------------------------------------------------------


def test_the_ggd_being_part_of_regio_twente_is_marked_as_outside_knowledge(graph: ox.Store) -> None:
    assert ask(graph, "ASK { partner:ggd-regio-twente org:unitOf ?parent }")
    notes = english_notes(graph, "partner:ggd-regio-twente")
    assert any("does not say" in n and "outside the source" in n for n in notes)
    comments = " ".join(c or "" for (c,) in rows(graph, "SELECT ?c WHERE { partner:ggd-regio-twente rdfs:comment ?c }"))
    assert "within Regio Twente" not in comments and "binnen Regio Twente" not in comments
    assert roles(graph, "regio-twente", "ggd-regio-twente") == {"expertise-source": 18}
    assert "eigen expertise binnen GGD" in line("regio-twente", 18)


def test_regio_twentes_two_internal_experts_are_a_figure(graph: ox.Store) -> None:
    ((value, kind, number, quote),) = rows(
        graph,
        """SELECT ?v ?k ?line ?quote WHERE { <https://w3id.org/mzgraph/id/organisation/regio-twente> mz:figure ?f .
             ?f mz:quantityKind ?k ; schema:value ?v ; mz:sourceLine ?line ; mz:quote ?quote FILTER(?v = 2) }""",
    )
    assert (value, kind, number) == ("2", ID + "quantity-kind/internal-experts", "52")
    assert quote and quote in line("regio-twente", 52) and "(interne experts)" in quote


# ---- Gemeente Enschede ------------------------------------------------------------------------------


def test_programme_wzw_is_a_programme_not_a_unit_or_partner(graph: ox.Store) -> None:
    bodies = "?cls IN (mz:PartnerBody, org:OrganizationalUnit)"
    assert not ask(graph, f"ASK {{ ?wzw a ?cls ; rdfs:label ?l FILTER({bodies} && CONTAINS(STR(?l), 'WZW')) }}")
    assert ask(graph, "ASK { event:programma-wzw a mz:Event ; mz:eventKind ek:programme }")
    named_at = lines_naming(graph, "mz:mentionsEvent", "event:programma-wzw")
    assert named_at == {15, 16, 20}
    assert all("programma WZW" in line("gemeente-enschede", n) for n in named_at)


@pytest.mark.parametrize(("number", "statement"), [(21, "achievement-7"), (24, "achievement-10")])
def test_a_meeting_for_carers_is_a_peer_meeting_only(graph: ox.Store, number: int, statement: str) -> None:
    node = f"<{ID}statement/gemeente-enschede/{statement}>"
    assert ask(graph, f"ASK {{ {node} mz:sourceLine {number} }}")
    assert "mantelzorgers" in line("gemeente-enschede", number)
    found = categories(graph, node)
    assert "peer-meeting" in found and "information-meeting" not in found


# ---- Saved queries ----------------------------------------------------------------------------------


def _categorising_queries() -> list[Path]:
    """The saved queries that select measures by their category."""
    found = []
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        if "mz:category" in text and "mz:measure" in text:
            found.append(path)
    return found


def test_four_saved_queries_select_measures_by_category() -> None:
    assert [p.stem for p in _categorising_queries()] == [
        "employers-offering-calamity-leave",
        "employers-with-measure-type",
        "measure-types-by-employers",
        "measure-types-by-name",
    ]


@pytest.mark.parametrize("path", _categorising_queries(), ids=lambda p: p.stem)
def test_a_saved_query_by_category_counts_categorised_statements_or_says_it_does_not(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    header = " ".join(line.lstrip("# ") for line in text.splitlines() if line.startswith("#"))
    assert "mz:statement" in text or "Measures only" in header, path.name
