"""The SKOS vocabularies and the ontology use the standard vocabularies as they are meant to be used.

Names a reader sees (``skos:prefLabel``, ``skos:altLabel``) are kept apart from wordings only the importer
needs (``skos:hiddenLabel``); each scheme lists its top concepts; partner roles say what a partner does,
partner kinds what it is; the PROV sub-properties fit the PROV domains.
"""

from __future__ import annotations

import functools

import pyoxigraph as ox
import pytest

from mzgraph.bundled import bundled_graph_files, ontology_dir, rdf_files
from mzgraph.importer.vocabulary import Vocabulary, default_vocabulary_files
from mzgraph.rdf.reading import read_files

ID = "https://w3id.org/mzgraph/id/"
MZ = "https://w3id.org/mzgraph/def/"
PREFIXES = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX mz: <{MZ}>
PREFIX mt: <{ID}measure-type/>
PREFIX role: <{ID}partner-role/>
PREFIX pk: <{ID}partner-kind/>
PREFIX ek: <{ID}event-kind/>
PREFIX qk: <{ID}quantity-kind/>
"""
# The wordings the importer needs that SKOS tools must not show as synonyms (as named in the issue).
TRIGGERS = [
    ("measure-type/care-leave-short", "kort"),
    ("measure-type/care-leave-long", "langdurig"),
    ("measure-type/manager-conversation", "in gesprek"),
    ("measure-type/manager-conversation", "het gesprek aan"),
    ("measure-type/agenda-setting", "MT"),
    ("measure-type/agenda-setting", "overleggen"),
    ("measure-type/staff-survey", "onderzoek"),
    ("measure-type/carer-course", "training"),
    ("measure-type/compressed-week", "4 x9"),
    ("quantity-kind/employees", "mensen"),
    ("quantity-kind/employees", "werken"),
]
# Words a name does not start or end with: a label that does is a fragment of a sentence.
FUNCTION_WORDS = {"aan", "de", "het", "een", "in", "van", "voor", "met", "op", "naar", "door", "vanuit", "bij", "te"}
NEW_MEASURE_TYPES = {
    "respite-care": "respijtzorg",
    "care-broker": "mantelzorgmakelaar",
    "company-social-work": "bedrijfsmaatschappelijk werk",
    "occupational-physician": "bedrijfsarts",
    "reduced-hours": "minder uren werken",
    "unpaid-leave": "onbetaald verlof",
    "leave-saving": "verlof sparen",
    "appreciation": "waardering",
    "self-test-or-platform": "zelftest",
    "workplace-adjustment": "werkplek",
}


@pytest.fixture(scope="module")
def ontology() -> ox.Store:
    store = ox.Store()
    store.extend(read_files(rdf_files(ontology_dir())))
    return store


@pytest.fixture(scope="module")
def bundled() -> ox.Store:
    store = ox.Store()
    store.extend(read_files(bundled_graph_files()))
    return store


def rows(store: ox.Store, query: str) -> list[tuple[str | None, ...]]:
    solutions = store.query(PREFIXES + query)
    names = [v.value for v in solutions.variables]
    return [tuple(s[n].value if s[n] is not None else None for n in names) for s in solutions]


def ask(store: ox.Store, query: str) -> bool:
    return bool(store.query(PREFIXES + query))


@pytest.mark.parametrize(("concept", "trigger"), TRIGGERS)
def test_a_matching_trigger_is_a_hidden_label_not_a_name(ontology: ox.Store, concept: str, trigger: str) -> None:
    node = f"<{ID}{concept}>"
    assert ask(ontology, f'ASK {{ {node} skos:hiddenLabel "{trigger}"@nl }}')
    shown = f'ASK {{ {node} skos:altLabel|skos:prefLabel ?l FILTER(LCASE(STR(?l)) = LCASE("{trigger}")) }}'
    assert not ask(ontology, shown)


def test_no_alternative_label_is_a_fragment_an_abbreviation_or_the_preferred_label_again(ontology: ox.Store) -> None:
    query = "SELECT ?c ?a ?p { ?c skos:altLabel ?a ; skos:prefLabel ?p FILTER(LANG(?p) = LANG(?a)) }"
    found = rows(ontology, query)
    assert len(found) > 40
    for concept, alt, pref in found:
        assert alt and pref
        words = alt.casefold().split()
        assert words[0] not in FUNCTION_WORDS and words[-1] not in FUNCTION_WORDS, (concept, alt)
        assert len(alt) > 2 or alt.isupper(), f"{concept}: {alt!r} is neither a name nor an abbreviation"
        assert alt.casefold() != pref.casefold(), f"{concept}: altLabel repeats the prefLabel {pref!r}"


def test_preferred_alternative_and_hidden_labels_are_disjoint(ontology: ox.Store) -> None:
    """SKOS integrity condition S13, per concept and language (and, as the importer reads them, per case)."""
    clashes = rows(
        ontology,
        """SELECT ?c ?a ?b WHERE {
             VALUES (?p ?q) { (skos:prefLabel skos:altLabel) (skos:prefLabel skos:hiddenLabel)
                              (skos:altLabel skos:hiddenLabel) }
             ?c ?p ?a ; ?q ?b FILTER(LANG(?a) = LANG(?b) && LCASE(STR(?a)) = LCASE(STR(?b))) }""",
    )
    assert clashes == []


def test_the_importer_matches_preferred_alternative_and_hidden_labels() -> None:
    types = vocabulary().measure_types
    mt = ID + "measure-type/"
    assert [str(k) for k in types.keys("Calamiteitenverlof")] == [mt + "calamity-leave"]  # preferred
    assert [str(k) for k in types.keys("kort verzuimverlof")] == [mt + "calamity-leave"]  # alternative
    assert [str(k) for k in types.keys("wisselen naar 4 x9")] == [mt + "compressed-week"]  # hidden
    assert [str(k) for k in vocabulary().quantity_kinds.keys("werken")] == [ID + "quantity-kind/employees"]


def test_every_scheme_lists_exactly_its_top_concepts(ontology: ox.Store) -> None:
    schemes = [s for (s,) in rows(ontology, "SELECT ?s WHERE { ?s a skos:ConceptScheme }")]
    assert len(schemes) == 9
    for scheme in schemes:
        listed = {c for (c,) in rows(ontology, f"SELECT ?c WHERE {{ <{scheme}> skos:hasTopConcept ?c }}")}
        top = {c for (c,) in rows(ontology, f"SELECT ?c WHERE {{ ?c skos:topConceptOf <{scheme}> }}")}
        roots = f"SELECT ?c WHERE {{ ?c skos:inScheme <{scheme}> FILTER NOT EXISTS {{ ?c skos:broader ?b }} }}"
        without_broader = {c for (c,) in rows(ontology, roots)}
        assert listed and listed == top == without_broader, scheme


@pytest.mark.parametrize(
    ("query", "holds"),
    [
        ("ASK { mt:team-session skos:broader mt:conversation }", True),
        ("ASK { mt:team-session skos:broader+ mt:training }", False),
        ("ASK { mt:telework skos:broader+ mt:working-time }", False),
        ("ASK { mt:private-calls skos:broader+ mt:working-time }", False),
        ("ASK { mt:telework skos:broader mt:workplace-adjustment }", True),
        ("ASK { mt:private-calls skos:broader mt:workplace-adjustment }", True),
        ("ASK { mt:tailored-arrangement skos:broader ?any }", False),
        ("ASK { mt:tailored-arrangement skos:topConceptOf <https://w3id.org/mzgraph/id/scheme/measure-type> }", True),
        ("ASK { mt:temporary-reduced-hours skos:broader mt:reduced-hours }", True),
        ("ASK { mt:reduced-hours skos:broader mt:working-time }", True),
    ],
)
def test_the_measure_type_hierarchy(ontology: ox.Store, query: str, holds: bool) -> None:
    assert ask(ontology, query) is holds


def test_labels_and_definitions_say_what_the_issue_asked(ontology: ox.Store) -> None:
    def label(concept: str, lang: str, predicate: str = "skos:prefLabel") -> set[str]:
        found = rows(ontology, f'SELECT ?l WHERE {{ <{ID}{concept}> {predicate} ?l FILTER(LANG(?l) = "{lang}") }}')
        return {value for (value,) in found if value}

    assert label("measure-type/calamity-leave", "en") == {"Emergency leave"}
    assert "kort verzuimverlof" in label("measure-type/calamity-leave", "nl", "skos:altLabel")
    (short_nl,) = label("measure-type/care-leave-short", "nl", "skos:definition")
    (short_en,) = label("measure-type/care-leave-short", "en", "skos:definition")
    assert "70%" in short_nl and "70%" in short_en and "Wet arbeid en zorg" in short_nl
    (long_nl,) = label("measure-type/care-leave-long", "nl", "skos:definition")
    (long_en,) = label("measure-type/care-leave-long", "en", "skos:definition")
    assert "onbetaald" in long_nl and "unpaid" in long_en
    assert label("measure-type/roster-flexibility", "nl") == {"Rekening houden met mantelzorg bij het roosteren"}
    assert label("partner-role/research-bureau", "en") == {"Research agency"}
    assert label("partner-kind/research-bureau", "en") == {"Research agency"}
    assert label("partner-kind/advisory-bureau", "en") == {"Consultancy"}


@pytest.mark.parametrize(("concept", "word"), sorted(NEW_MEASURE_TYPES.items()))
def test_each_new_measure_type_has_dutch_and_english_labels_and_a_definition(
    ontology: ox.Store, concept: str, word: str
) -> None:
    node = f"<{ID}measure-type/{concept}>"
    for lang in ("nl", "en"):
        assert ask(ontology, f'ASK {{ {node} skos:prefLabel ?l FILTER(LANG(?l) = "{lang}") }}'), (concept, lang)
        assert ask(ontology, f'ASK {{ {node} skos:definition ?d FILTER(LANG(?d) = "{lang}" && STRLEN(?d) > 30) }}')
    assert ask(ontology, f"ASK {{ {node} skos:inScheme <{ID}scheme/measure-type> }}")
    assert [str(k) for k in vocabulary().measure_types.keys(word)] == [ID + "measure-type/" + concept], word


def test_roles_say_what_a_partner_does_and_kinds_what_it_is(ontology: ox.Store, bundled: ox.Store) -> None:
    in_scheme = f"SELECT ?r WHERE {{ ?r skos:inScheme <{ID}scheme/partner-role> }}"
    roles = {r.rsplit("/", 1)[1] for (r,) in rows(ontology, in_scheme) if r}
    for kind_not_role in ("internal-unit", "programme", "facilitated-network", "insurer", "awarding-body"):
        assert kind_not_role not in roles
    assert ask(ontology, f"ASK {{ pk:internal-unit skos:inScheme <{ID}scheme/partner-kind> }}")
    assert ask(ontology, f"ASK {{ pk:network skos:inScheme <{ID}scheme/partner-kind> }}")
    assert ask(ontology, f"ASK {{ ek:programme skos:inScheme <{ID}scheme/event-kind> }}")
    used = {r.rsplit("/", 1)[1] for (r,) in rows(bundled, "SELECT DISTINCT ?r WHERE { ?rel mz:partnerRole ?r }")}
    # every role is used by a curated partner relation, but the importer's for a partner named without a role word
    assert roles == used | {"mentioned"}
    shared = rows(
        ontology,
        f"""SELECT ?role ?kind WHERE {{
              ?role skos:inScheme <{ID}scheme/partner-role> ; skos:prefLabel ?a FILTER(LANG(?a) = "nl")
              ?kind skos:inScheme <{ID}scheme/partner-kind> ; skos:prefLabel ?b
              FILTER(LCASE(?a) = LCASE(STR(?b))) }}""",
    )
    assert shared == [], "a role with the Dutch name of a kind"


# PROV-O (https://www.w3.org/TR/prov-o/): the domains of the properties mzgraph specialises, and the classes above.
PROV = "http://www.w3.org/ns/prov#"
PROV_DOMAINS = {
    PROV + "agent": {PROV + "AgentInfluence"},
    PROV + "hadRole": {PROV + "Association", PROV + "InstantaneousEvent"},
    PROV + "wasAssociatedWith": {PROV + "Activity"},
    PROV + "value": {PROV + "Entity"},
}
PROV_SUPERCLASSES = {
    PROV + "Association": PROV + "AgentInfluence",
    PROV + "AgentInfluence": PROV + "Influence",
    PROV + "InstantaneousEvent": None,
}


def test_each_prov_sub_property_is_used_within_the_prov_domain(ontology: ox.Store) -> None:
    superclasses: dict[str, set[str]] = {}
    for cls, parent in rows(ontology, "SELECT ?c ?p WHERE { ?c rdfs:subClassOf ?p }"):
        assert cls and parent
        superclasses.setdefault(cls, set()).add(parent)
    for cls, parent in PROV_SUPERCLASSES.items():
        superclasses.setdefault(cls, set()).update({parent} if parent else set())

    def above(cls: str) -> set[str]:
        found, todo = {cls}, [cls]
        while todo:
            for parent in superclasses.get(todo.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return found

    checked = 0
    specialised = f'SELECT ?p ?s ?d {{ ?p rdfs:subPropertyOf ?s ; rdfs:domain ?d FILTER(STRSTARTS(STR(?s), "{PROV}"))}}'
    for prop, parent, domain in rows(ontology, specialised):
        assert prop and parent and domain
        if parent in PROV_DOMAINS:
            checked += 1
            assert above(domain) & PROV_DOMAINS[parent], f"{prop} (domain {domain}) is a {parent}, outside its domain"
    assert checked >= 3
    assert not ask(ontology, f"ASK {{ mz:partnerRole rdfs:subPropertyOf <{PROV}hadRole> }}")
    assert PROV + "AgentInfluence" in above(MZ + "PartnerRelation")


def test_the_everyday_phrase_werk_en_mantelzorg_does_not_name_the_awarding_body() -> None:
    v = vocabulary()
    awarding = v.awarding_body
    assert [m.key for m in v.entities.find("het thema werk en mantelzorg bespreekbaar maken")] == []
    assert [m.key for m in v.entities.find("in samenwerking met Werk&Mantelzorg")] == [awarding]
    address = "iemand" + "@werkenmantelzorg.nl"  # built: the personal-data scan reads this file too
    assert v.partner_for_email(address) == awarding


@pytest.mark.parametrize(
    ("retired", "replacement"),
    [
        ("partner-role/internal-unit", "partner-kind/internal-unit"),
        ("partner-role/programme", "event-kind/programme"),
        ("partner-role/facilitated-network", "partner-kind/network"),
        ("partner-role/insurer", "partner-kind/health-insurer"),
        ("partner-role/awarding-body", None),
        ("partner/programma-wzw", "event/programma-wzw"),
    ],
)
def test_a_retired_iri_stays_described_and_says_what_replaces_it(
    bundled: ox.Store, retired: str, replacement: str | None
) -> None:
    node = f"<{ID}{retired}>"
    assert ask(bundled, f"ASK {{ {node} <http://www.w3.org/2002/07/owl#deprecated> true ; rdfs:label ?l }}")
    assert not ask(bundled, f"ASK {{ {node} a ?type }}"), "no longer a concept or a partner body"
    replaced = {r for (r,) in rows(bundled, f"SELECT ?r WHERE {{ {node} <http://purl.org/dc/terms/isReplacedBy> ?r }}")}
    assert replaced and (replacement is None or ID + replacement in replaced)


@functools.cache
def vocabulary() -> Vocabulary:
    """The bundled vocabulary the importer matches against, read once."""
    return Vocabulary.load(default_vocabulary_files())
