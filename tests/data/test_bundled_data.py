"""The bundled graph holds the five profiles completely and every text in it is traceable to its source."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from mzgraph.bundled import bundled_graph_files, data_dir
from mzgraph.errors import InputError
from mzgraph.rdf.reading import read_files

SOURCES = data_dir() / "sources"
PROFILES = sorted(p.stem for p in SOURCES.glob("*.txt"))
MZ = "https://w3id.org/mzgraph/def/"
ID = "https://w3id.org/mzgraph/id/"
PREFIXES = f"""
PREFIX mz: <{MZ}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

# Lines of a profile that are page chrome, headings or personal data, not facts: everything else must be
# cited by some node of the graph. Headings are cited as mz:sourceSection, so they are checked separately.
CHROME = re.compile(
    r"^(Werk&Mantelzorg|Overzicht van alle organisaties|.* is 1 van de erkende organisaties\.|"
    r"Website\sGemeente\sEnschede|Bekijk\sook:\snieuwsbericht\sen\sfilmpje|www\.gemeentehaarlem\.nl|"
    r"In de organisatie:|Netwerk Amersfoort|Ambassadeursrol van de gemeente Emmen|"
    r"\[contactgegevens verwijderd\]|Gemeente \w+|Regio Twente|"
    r"Ambassadeur sinds:.*|Erkend mantelzorgvriendelijk sinds:.*)$"
)


@pytest.fixture(scope="module")
def graph() -> ox.Store:
    store = ox.Store()
    store.extend(read_files(bundled_graph_files()))
    return store


def _rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    solutions = store.query(PREFIXES + query)
    names = [v.value for v in solutions.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in solutions]


def _source_lines(profile: str) -> list[str]:
    return (SOURCES / f"{profile}.txt").read_text(encoding="utf-8").split("\n")


def _strip_bullet(line: str) -> str:
    text = line.strip()
    return text[1:].strip() if text.startswith("•") else text


def test_every_text_is_verbatim_at_its_cited_line(graph: ox.Store) -> None:
    rows = _rows(
        graph,
        """SELECT ?node ?file ?line ?text WHERE {
             ?node dcterms:source ?src ; mz:sourceLine ?line .
             ?src mz:fileName ?file .
             { ?node mz:text ?text } UNION { ?node mz:quote ?text } }""",
    )
    assert len(rows) > 150
    for row in rows:
        line = _source_lines(row["file"].removesuffix(".txt"))[int(row["line"]) - 1]
        assert row["text"] in line, f"{row['node']}: text not found at {row['file']}:{row['line']}"


def test_every_section_heading_is_cited_verbatim(graph: ox.Store) -> None:
    rows = _rows(
        graph,
        """SELECT DISTINCT ?file ?heading WHERE {
             ?node mz:sourceSection ?heading ; dcterms:source/mz:fileName ?file }""",
    )
    for row in rows:
        lines = [line.strip() for line in _source_lines(row["file"].removesuffix(".txt"))]
        assert row["heading"] in lines, f"heading not in {row['file']}: {row['heading']!r}"


@pytest.mark.parametrize("profile", PROFILES)
def test_every_line_of_the_profile_is_in_the_graph(graph: ox.Store, profile: str) -> None:
    cited = {
        int(row["line"])
        for row in _rows(
            graph,
            f"""SELECT DISTINCT ?line WHERE {{
                  ?node dcterms:source <{ID}source/{profile}> ; mz:sourceLine ?line }}""",
        )
    }
    headings = {
        row["h"]
        for row in _rows(
            graph,
            f"""SELECT DISTINCT ?h WHERE {{ ?n dcterms:source <{ID}source/{profile}> ; mz:sourceSection ?h }}""",
        )
    }
    missing = [
        (number, line.strip())
        for number, line in enumerate(_source_lines(profile), 1)
        if line.strip() and number not in cited and line.strip() not in headings and not CHROME.match(line.strip())
    ]
    assert missing == [], f"{profile}: lines not represented in the graph: {missing}"


@pytest.mark.parametrize("profile", PROFILES)
def test_every_bullet_is_exactly_one_node(graph: ox.Store, profile: str) -> None:
    texts = [
        row["text"]
        for row in _rows(
            graph,
            f"""SELECT ?text WHERE {{ ?n dcterms:source <{ID}source/{profile}> ; mz:text ?text }}""",
        )
    ]
    bullets = [_strip_bullet(line) for line in _source_lines(profile) if line.strip().startswith("•")]
    for bullet in bullets:
        assert texts.count(bullet.rstrip()) == 1, f"{profile}: bullet not exactly once: {bullet!r}"


@pytest.mark.parametrize("profile", PROFILES)
def test_source_checksum_matches_the_bundled_text(graph: ox.Store, profile: str) -> None:
    (row,) = _rows(graph, f"SELECT ?sha WHERE {{ <{ID}source/{profile}> mz:sha256 ?sha }}")
    assert row["sha"] == hashlib.sha256((SOURCES / f"{profile}.txt").read_bytes()).hexdigest()


KEY_FACTS = {
    "gemeente-amersfoort": {
        "recognised": "2011-11-28",
        "ambassador": ("2010-10-26", "date"),
        "groups": {"awareness": 5, "embedding": 3},
        "figures": {("inhabitants", 145000, "more-than"), ("working-carers-in-area", 6000, "estimate")},
        "partners": {
            ("steunpunt-mantelzorg-amersfoort", "publicised"),
            ("steunpunt-mantelzorg-amersfoort", "network-supporter"),
            ("netwerk-amersfoort", "facilitated-initiative"),
        },
        "guided_by": None,
    },
    "gemeente-emmen": {
        "recognised": "2015-11-11",
        "ambassador": ("2010-12", "gYearMonth"),
        "groups": {"awareness": 7, "dialogue": 4, "tailored-solutions": 9, "embedding": 6},
        "figures": {("villages-and-districts", 35, "exact"), ("team-leaders", 50, "exact")},
        "partners": {
            ("welzijngroep-sedna", "referral-point"),
            ("welzijngroep-sedna", "co-signatory"),
            ("vpb", "ambassador-partner"),
            ("vpb", "co-signatory"),
            ("unive", "co-signatory"),
            ("zilveren-kruis-achmea", "co-signatory"),
            ("schouten-nelissen-research", "research-bureau"),
            ("schouten-nelissen-research", "participant"),
        },
        "guided_by": None,
    },
    "gemeente-enschede": {
        "recognised": "2011-11-28",
        "ambassador": None,
        "groups": {"awareness": 1, "embedding": 5},
        "figures": {("employees", 1740, "exact")},
        "partners": {
            ("jong-en-veer", "advisor"),
            ("mezzo", "referral-point"),
            ("steunpunt-informele-zorg-twente", "referral-point"),
            ("steunpunt-informele-zorg-twente", "course-coordinator"),
            ("zorgverzekeraars", "referral-point"),
            ("zorgloket-enschede", "expertise-source"),
            ("enschedese-school", "course-provider"),
        },
        "guided_by": "jong-en-veer",
    },
    "gemeente-haarlem": {
        "recognised": "2018-11-16",
        "ambassador": None,
        "groups": {"awareness": 5, "dialogue": 3, "tailored-solutions": 4, "embedding": 5},
        "figures": {("inhabitants", 160000, "approximately"), ("employees", 1400, "approximately")},
        "partners": {("tandem", "support-provider")},
        "guided_by": None,
    },
    "regio-twente": {
        "recognised": "2018-11-12",
        "ambassador": None,
        "groups": {"awareness": 8, "dialogue": 5, "tailored-solutions": 12, "embedding": 5},
        "figures": {
            ("inhabitants", 628000, "more-than"),
            ("inhabitants", 625000, "more-than"),
            ("member-municipalities", 14, "exact"),
            ("locations", 40, "exact"),
            ("employees", 569, "exact"),
            ("internal-experts", 2, "exact"),
        },
        "partners": {("jong-en-veer", "advisor"), ("ggd-regio-twente", "expertise-source")},
        "guided_by": "jong-en-veer",
    },
}


@pytest.mark.parametrize("profile", sorted(KEY_FACTS))
def test_key_facts_of_each_organisation(graph: ox.Store, profile: str) -> None:
    facts = KEY_FACTS[profile]
    org = f"<{ID}organisation/{profile}>"
    (rec,) = _rows(
        graph,
        f"""SELECT ?date ?guide WHERE {{ {org} mz:recognition ?r . ?r mz:recognitionDate ?date .
              OPTIONAL {{ ?r mz:guidedBy ?guide }} }}""",
    )
    assert rec["date"] == facts["recognised"]
    assert rec["guide"] == (f"{ID}partner/{facts['guided_by']}" if facts["guided_by"] else None)

    amb = _rows(
        graph,
        f"SELECT ?since (DATATYPE(?since) AS ?type) WHERE {{ {org} mz:ambassadorRole/mz:ambassadorSince ?since }}",
    )
    if facts["ambassador"] is None:
        assert amb == []
    else:
        since, xsd_type = facts["ambassador"]
        assert amb == [{"since": since, "type": f"http://www.w3.org/2001/XMLSchema#{xsd_type}"}]

    groups = {
        row["g"].rsplit("/", 1)[1]: int(row["n"])
        for row in _rows(
            graph,
            f"SELECT ?g (COUNT(?m) AS ?n) WHERE {{ {org} mz:measure ?m . ?m mz:measureGroup ?g }} GROUP BY ?g",
        )
    }
    assert groups == facts["groups"]

    figures = {
        (row["k"].rsplit("/", 1)[1], int(row["v"]), row["a"].rsplit("/", 1)[1])
        for row in _rows(
            graph,
            f"""SELECT ?k ?v ?a WHERE {{ ?f dcterms:source <{ID}source/{profile}> ; a mz:Figure ;
                  mz:quantityKind ?k ; schema:value ?v ; mz:approximation ?a }}""",
        )
    }
    assert facts["figures"] <= figures

    partners = {
        (row["p"].rsplit("/", 1)[1], row["r"].rsplit("/", 1)[1])
        for row in _rows(
            graph, f"SELECT ?p ?r WHERE {{ ?rel mz:organisation {org} ; mz:partner ?p ; mz:partnerRole ?r }}"
        )
    }
    assert partners == facts["partners"]


def test_the_conflicting_inhabitant_figures_of_regio_twente_are_both_kept_and_linked(graph: ox.Store) -> None:
    rows = _rows(
        graph,
        f"""SELECT ?a ?b WHERE {{ ?a mz:conflictsWith ?b ; dcterms:source <{ID}source/regio-twente> ;
              mz:curationNote ?note }}""",
    )
    assert len(rows) == 2


def test_truncated_bullet_is_flagged_and_kept_verbatim(graph: ox.Store) -> None:
    rows = _rows(graph, "SELECT ?m ?t WHERE { ?m mz:truncated true ; mz:text ?t }")
    assert [r["t"] for r in rows] == ["De coach"]


def test_every_measure_but_a_truncated_one_has_a_category_from_the_measure_type_scheme(graph: ox.Store) -> None:
    rows = _rows(
        graph,
        f"""SELECT ?m WHERE {{ ?m a mz:Measure .
              FILTER NOT EXISTS {{ ?m mz:category/<http://www.w3.org/2004/02/skos/core#inScheme>
                                   <{ID}scheme/measure-type> }}
              FILTER NOT EXISTS {{ ?m mz:truncated true }} }}""",
    )
    assert rows == []


def test_private_contacts_are_loaded_only_when_asked() -> None:
    private = Path(__file__).parents[1] / "fixtures" / "private"
    published = {Path(p).resolve() for p in bundled_graph_files()}
    with_private = {Path(p).resolve() for p in bundled_graph_files(include_private=True, private=private)}
    assert not any(p.is_relative_to(private.resolve()) for p in published)
    assert with_private - published == {p.resolve() for p in private.glob("*.ttl")}


def test_including_private_data_that_is_not_there_is_an_error_that_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no private data here"):
        bundled_graph_files(include_private=True, private=tmp_path / "private")
