"""The page builders: SPARQL from small pure functions, run here on a pyoxigraph store with the bundled graph."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from common import PRIVATE_FIXTURES
from mzgraph.bundled import bundled_graph_files, rdf_files, shapes_dir
from mzgraph.entities import concept, dataset, ontology
from mzgraph.entities.describe import Description, describe_query
from mzgraph.entities.organisation import read_organisation
from mzgraph.entities.partner import read_collaborations, read_partner
from mzgraph.entities.values import Link
from mzgraph.rdf.reading import read_files
from mzgraph.sparql.builders import rows, term, text, values

ID = "https://w3id.org/mzgraph/id/"
DEF = "https://w3id.org/mzgraph/def/"
EN, NL = ("en", "nl"), ("nl", "en")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    loaded = ox.Store()
    loaded.extend(read_files(bundled_graph_files()))
    return loaded


def select(store: ox.Store, query: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
    return rows(store.query(query))


def describe(store: ox.Store, path: str) -> Description:
    iri = ox.NamedNode(ID + path)
    return Description(iri, list(store.query(describe_query(iri))))


def test_values_are_bound_as_escaped_terms_never_pasted() -> None:
    assert text('a" } DROP ALL #') == '"a\\" } DROP ALL #"'
    assert values("x", [ox.NamedNode("http://a/b")]) == "VALUES ?x { <http://a/b> }"
    with pytest.raises(ValueError):
        ox.NamedNode("http://a/b> } DROP ALL #")
    with pytest.raises(ValueError):
        term(ox.BlankNode("b0"))


def test_description_holds_the_parts_what_points_here_and_labels(store: ox.Store) -> None:
    d = describe(store, "organisation/gemeente-enschede")
    org = d.focus
    assert d.found
    assert len(d.objects(org, ox.NamedNode(DEF + "measure"))) == 6
    relations = d.subjects(ox.NamedNode(DEF + "organisation"), org)
    assert len(relations) == 7, "partner relations point at the organisation and are described with it"
    leave = ox.NamedNode(ID + "measure-type/leave")
    assert d.label(leave, EN) == "Leave" and d.label(leave, NL) == "Verlof"
    assert d.label(org, ("fr",)) in ("Gemeente Enschede", "Municipality of Enschede")
    group = ox.NamedNode(ID + "measure-group/embedding")
    assert d.properties(group) == {}, "group labels stay out: the JSON-LD indexes measures by group IRI"


def test_description_of_an_unknown_iri_is_empty(store: ox.Store) -> None:
    assert not describe(store, "organisation/does-not-exist").found


def test_inbound_links_leave_out_rdf_type_and_are_capped(store: ox.Store) -> None:
    iri = ox.NamedNode(DEF + "Measure")
    d = Description(iri, list(store.query(describe_query(iri))))
    assert not d.subjects(ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), iri)
    capped = Description(
        ox.NamedNode(ID + "measure-group/awareness"),
        list(store.query(describe_query(ox.NamedNode(ID + "measure-group/awareness"), inbound_limit=3))),
    )
    assert len(capped.inbound(capped.focus)) == 3


def test_organisation_model_keeps_groups_order_figures_and_precision(store: ox.Store) -> None:
    org = read_organisation(describe(store, "organisation/gemeente-emmen"), EN)
    assert org.label == "Municipality of Emmen"
    assert org.ambassador is not None and org.ambassador.since == "December 2010", "a month, not a day"
    assert org.recognition is not None and org.recognition.date == "11 November 2015"
    assert [m.order for m in org.measures_in(ID + "measure-group/tailored-solutions")] == list(range(1, 10))
    assert org.ambassador.agreements[0].signatories, "the declaration of intent lists its signatories"
    twente = read_organisation(describe(store, "organisation/regio-twente"), NL)
    conflicting = [f for f in twente.figures if f.conflicts_with]
    assert {f.value for f in conflicting} == {"628.000", "625.000"}
    assert all(not f.exact for f in conflicting)


def test_partner_model_lists_each_employer_with_its_roles(store: ox.Store) -> None:
    partner = read_partner(describe(store, "partner/vpb"), EN)
    (collaboration,) = partner.collaborations
    assert collaboration.organisation.label == "Municipality of Emmen"
    assert {r.role.label for r in collaboration.relations if r.role} == {"Ambassador partner", "Co-signatory"}


def test_partner_relations_of_one_page_of_employers(store: ox.Store) -> None:
    emmen = Link(ID + "organisation/gemeente-emmen", "Municipality of Emmen")
    haarlem = Link(ID + "organisation/gemeente-haarlem", "Municipality of Haarlem")
    role = ID + "partner-role/"
    roles = {role + "ambassador-partner": "Ambassador partner", role + "co-signatory": "Co-signatory"}
    relations = describe(store, "partner/vpb")  # holds its relations, as the release index gives a page's
    found = read_collaborations(relations, [emmen, haarlem], EN, lambda role: roles.get(role, "?"))
    assert [c.organisation for c in found] == [emmen, haarlem], "the page's order, each employer once"
    assert {r.role.label for r in found[0].relations if r.role} == {"Ambassador partner", "Co-signatory"}
    assert found[1].relations == [], "an employer of the page without a relation to this partner"


def test_scheme_tree_puts_narrower_concepts_under_broader(store: ox.Store) -> None:
    rows = select(store, concept.scheme_query(ox.NamedNode(ID + "scheme/measure-type")))
    entries = concept.read_scheme(rows, {ID + "measure-type/leave": 3}, EN)
    labels = [(e.depth, e.concept.label) for e in entries]
    assert {e.concept.label: e.organisations for e in entries}["Leave"] == 3, "counts from the release statistics"
    leave = labels.index((0, "Leave"))
    assert (1, "Emergency leave") in labels[leave + 1 : leave + 8]


def test_measure_groups_in_their_order(store: ox.Store) -> None:
    groups = dataset.read_groups(select(store, dataset.groups_query(ox.NamedNode(ID + "scheme/measure-group"))))
    assert [g.key for g in groups] == ["awareness", "dialogue", "tailored-solutions", "embedding"]


def test_shape_rules_with_the_release_coverage(store: ox.Store) -> None:
    shapes = ox.Store()
    shapes.extend(read_files(rdf_files(shapes_dir())))
    labels = ontology.read_term_labels(select(store, ontology.term_labels_query()))
    rules = ontology.read_rules(rows(shapes.query(ontology.shape_rules_query())), labels, EN)
    employer = {r.path.iri: r for r in rules[DEF + "Employer"]}
    assert employer[DEF + "recognition"].requirement == "must"
    assert employer["https://schema.org/location"].requirement == "should"
    assert employer[DEF + "ambassadorRole"].requirement == "may"
    ontology.apply_coverage(rules, {(DEF + "Employer", DEF + "recognition", False): 5})
    assert employer[DEF + "recognition"].having == 5
    assert employer[DEF + "ambassadorRole"].having == 0, "a rule the counts do not name has none"


def test_published_graph_leaves_out_personal_data(store: ox.Store) -> None:
    with_private = ox.Store()
    with_private.extend(read_files(bundled_graph_files(include_private=True, private=PRIVATE_FIXTURES)))
    published = list(with_private.query(dataset.published_triples_query()))
    assert not any("/id/contact/" in t.subject.value + t.object.value for t in published)
    assert not any(t.predicate.value in ("https://schema.org/email", "https://schema.org/telephone") for t in published)
    assert len(published) == len(store), "exactly the graph served without the private data"
