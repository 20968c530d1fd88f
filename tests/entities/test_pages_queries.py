"""The page builders: SPARQL from small pure functions, run here on a pyoxigraph store with the bundled graph."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from common import PRIVATE_FIXTURES
from mzgraph.bundled import bundled_graph_files, rdf_files, shapes_dir
from mzgraph.entities import browse, concept, dataset, ontology
from mzgraph.entities.describe import Description, describe_query
from mzgraph.entities.organisation import read_organisation
from mzgraph.entities.partner import read_partner
from mzgraph.rdf.reading import read_files
from mzgraph.sparql.builders import rows, term, text, values

ID = "https://w3id.org/mzgraph/id/"
DEF = "https://w3id.org/mzgraph/def/"
EN, NL = ("en", "nl"), ("nl", "en")
HOSTILE = ['") } ; DROP ALL ; #', "'> } INSERT DATA { <a> <b> <c> } #", "\\u0022 }}}", "</script><script>alert(1)"]


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


def test_concept_usage_counts_narrower_concepts(store: ox.Store) -> None:
    used = concept.read_usage(select(store, concept.usage_query(ox.NamedNode(ID + "measure-type/leave"))), EN)
    names = [u.organisation.label for u in used]
    assert "Municipality of Haarlem" in names and "Municipality of Emmen" in names
    assert used == sorted(used, key=lambda u: (-u.count, u.organisation.label))


def test_scheme_tree_puts_narrower_concepts_under_broader(store: ox.Store) -> None:
    entries = concept.read_scheme(select(store, concept.scheme_query(ox.NamedNode(ID + "scheme/measure-type"))), EN)
    labels = [(e.depth, e.concept.label) for e in entries]
    leave = labels.index((0, "Leave"))
    assert (1, "Emergency leave") in labels[leave + 1 : leave + 8]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (browse.Filters(), 5),
        (browse.Filters(words=("verlof",)), 3),
        (browse.Filters(words=("verlof", "calamiteiten")), 1),
        (browse.Filters(categories=(ox.NamedNode(ID + "measure-type/leave"),)), 3),
        (browse.Filters(years=(2011,)), 2),
        (browse.Filters(ambassador=True), 2),
        (browse.Filters(ambassador=False), 3),
        (browse.Filters(partners=(ox.NamedNode(ID + "partner/jong-en-veer"),)), 2),
        (browse.Filters(provinces=(ox.NamedNode(ID + "place/overijssel"),)), 2),
    ],
)
def test_browse_filters(store: ox.Store, filters: browse.Filters, expected: int) -> None:
    (row,) = select(store, browse.count_query(filters))
    assert int(row["n"].value) == expected
    listed = select(store, browse.list_query(filters, browse.Page(size=50), EN))
    assert len(listed) == expected


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_search_text_stays_a_literal(store: ox.Store, hostile: str) -> None:
    words = browse.Filters.search_words(hostile)
    assert select(store, browse.count_query(browse.Filters(words=words)))[0]["n"].value == "0"
    assert len(store) > 3000, "nothing was changed"


def test_browse_sorts_and_pages(store: ox.Store) -> None:
    by_measures = select(store, browse.list_query(browse.Filters(), browse.Page("measures", True, 2, 1), EN))
    assert [r["name"].value for r in by_measures] == ["Regio Twente", "Municipality of Emmen"]
    last = select(store, browse.list_query(browse.Filters(), browse.Page("name", False, 2, 3), NL))
    assert [r["name"].value for r in last] == ["Regio Twente"]
    recent = select(store, browse.list_query(browse.Filters(), browse.Page("recognised", True, 1, 1), EN))
    assert recent[0]["date"].value == "2018-11-16"


def test_facets_count_the_matching_employers(store: ox.Store) -> None:
    f = browse.Filters(words=("verlof",))
    years = {r["value"].value: r["n"].value for r in select(store, browse.year_facet_query(f))}
    assert years == {"2011": "1", "2015": "1", "2018": "1"}
    ambassadors = {r["value"].value: r["n"].value for r in select(store, browse.ambassador_facet_query(f))}
    assert ambassadors == {"true": "1", "false": "2"}
    provinces = {r["value"].value for r in select(store, browse.facet_query(f, "province"))}
    assert provinces == {ID + "place/drenthe", ID + "place/noord-holland", ID + "place/overijssel"}


def test_home_counts_and_measure_groups(store: ox.Store) -> None:
    counts = dataset.read_counts(select(store, dataset.counts_query()))
    assert counts == {"organisations": 5, "ambassadors": 2, "measures": 87, "partners": 16, "events": 10}
    groups = dataset.read_groups(select(store, dataset.groups_query(ox.NamedNode(ID + "scheme/measure-group"))))
    assert [g.key for g in groups] == ["awareness", "dialogue", "tailored-solutions", "embedding"]
    per_group = {
        r["group"].value: int(r["n"].value) for r in select(store, browse.group_counts_query(browse.Filters()))
    }
    assert sum(per_group.values()) == 87


def test_shape_rules_with_live_coverage(store: ox.Store) -> None:
    shapes = ox.Store()
    shapes.extend(read_files(rdf_files(shapes_dir())))
    labels = ontology.read_term_labels(select(store, ontology.term_labels_query()))
    rules = ontology.read_rules(rows(shapes.query(ontology.shape_rules_query())), labels, EN)
    employer = {r.path.iri: r for r in rules[DEF + "Employer"]}
    assert employer[DEF + "recognition"].requirement == "must"
    assert employer["https://schema.org/location"].requirement == "should"
    assert employer[DEF + "ambassadorRole"].requirement == "may"
    ontology.apply_coverage(rules, select(store, ontology.coverage_query([r for v in rules.values() for r in v])))
    assert employer[DEF + "recognition"].having == 5
    assert employer[DEF + "ambassadorRole"].having == 2


def test_usage_counts_of_terms(store: ox.Store) -> None:
    (row,) = select(store, ontology.usage_count_query(ox.NamedNode(DEF + "Employer")))
    assert row["instances"].value == "5", "instances of subclasses count"
    (row,) = select(store, ontology.usage_count_query(ox.NamedNode(DEF + "measure")))
    assert row["triples"].value == "87"


def test_published_graph_leaves_out_personal_data(store: ox.Store) -> None:
    with_private = ox.Store()
    with_private.extend(read_files(bundled_graph_files(include_private=True, private=PRIVATE_FIXTURES)))
    published = list(with_private.query(dataset.published_triples_query()))
    assert not any("/id/contact/" in t.subject.value + t.object.value for t in published)
    assert not any(t.predicate.value in ("https://schema.org/email", "https://schema.org/telephone") for t in published)
    assert len(published) == len(store), "exactly the graph served without the private data"
