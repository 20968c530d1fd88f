"""The SPARQL the release index is built from: small, pure builders, each read once per release as a stream.

Every query touches only the triples of a few predicates (the store answers from its indexes), except the
statistics, which count the whole published graph once. IRIs are written out in full, and values from the data
(concept and partner IRIs) are bound as terms, never pasted as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from mzgraph.rdf.namespaces import PREFIXES

MZ, RDFS, SKOS, SCHEMA, DCT, OWL = (PREFIXES[name] for name in ("mz", "rdfs", "skos", "schema", "dcterms", "owl"))
EMPLOYER = MZ + "Employer"
CONTACT_PERSON = MZ + "ContactPerson"

PROLOGUE = f"""PREFIX mz: <{MZ}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX schema: <{SCHEMA}>
PREFIX dcterms: <{DCT}>
PREFIX owl: <{OWL}>
"""

EMPLOYERS = PROLOGUE + "SELECT ?org ?type WHERE { ?type rdfs:subClassOf* mz:Employer . ?org a ?type }"
"""Every employer with each of its classes (``mz:Employer`` and its subclasses)."""

EMPLOYER_LABELS = (
    PROLOGUE + "SELECT DISTINCT ?org ?label WHERE { ?type rdfs:subClassOf* mz:Employer ."
    " ?org a ?type ; rdfs:label ?label }"
)
RECOGNITIONS = PROLOGUE + "SELECT ?org ?date WHERE { ?org mz:recognition ?r . ?r mz:recognitionDate ?date }"
AMBASSADORS = (
    PROLOGUE + "SELECT ?org ?since WHERE { ?org mz:ambassadorRole ?role OPTIONAL { ?role mz:ambassadorSince ?since } }"
)
PROVINCES = (
    PROLOGUE + "SELECT DISTINCT ?org ?province WHERE { ?org schema:location ?place . ?place mz:province ?province }"
)
MEASURE_COUNTS = PROLOGUE + "SELECT ?org (COUNT(DISTINCT ?m) AS ?n) WHERE { ?org mz:measure ?m } GROUP BY ?org"
GROUP_COUNTS = (
    PROLOGUE + "SELECT ?org ?group (COUNT(DISTINCT ?m) AS ?n) WHERE { ?org mz:measure ?m . ?m mz:measureGroup ?group }"
    " GROUP BY ?org ?group"
)
CATEGORIES = PROLOGUE + "SELECT DISTINCT ?org ?category WHERE { ?org mz:measure ?m . ?m mz:category ?category }"
PARTNERS = PROLOGUE + "SELECT DISTINCT ?org ?partner WHERE { ?rel mz:organisation ?org ; mz:partner ?partner }"
USING = "mz:category|mz:measureGroup|mz:partnerRole|mz:statementKind|mz:quantityKind|mz:approximation"
"""How a measure, passage, figure or partner relation uses a concept (as the concept pages count it)."""
CONCEPTS_USED = (
    PROLOGUE
    + f"""SELECT DISTINCT ?org ?concept WHERE {{
  {{ ?org mz:measure ?node . ?node {USING} ?concept }}
  UNION {{ ?org mz:statement ?node . ?node {USING} ?concept }}
  UNION {{ ?org mz:figure ?node . ?node {USING} ?concept }}
  UNION {{ ?node mz:organisation ?org . ?node {USING} ?concept }}
}}"""
)
"""Each employer with each concept its measures, passages, figures and partner relations use; one simple
pattern per kind of node (an alternative path over the four was several times slower)."""
BROADER = PROLOGUE + "SELECT ?concept ?broader WHERE { ?concept skos:broader ?broader }"

TEXTS = {
    "measure": PROLOGUE + "SELECT ?org ?src ?text ?line WHERE { ?org mz:measure ?src . ?src mz:text ?text"
    " OPTIONAL { ?src mz:sourceLine ?line } }",
    "statement": PROLOGUE + "SELECT ?org ?src ?text ?line WHERE { ?org mz:statement ?src . ?src mz:text ?text"
    " OPTIONAL { ?src mz:sourceLine ?line } }",
}
"""The texts searched, by kind, each row ``?org ?src ?text ?line`` (names and partner names come from labels)."""

QUOTE_OWNERS = (
    "?org mz:recognition ?src",
    "?org mz:ambassadorRole ?src",
    "?org mz:figure ?src",
    "?org mz:measure ?src",
    "?org mz:statement ?src",
    "?src mz:organisation ?org",
)
"""How an employer reaches the things whose ``mz:quote`` is searched (one simple query each)."""


def quotes_query(owner: str) -> str:
    """SELECT ``?org ?src ?text ?line``: the quotes of what the pattern ``owner`` leads to from an employer."""
    return (
        PROLOGUE + f"SELECT ?org ?src ?text ?line WHERE {{ {owner} . ?src mz:quote ?text"
        " OPTIONAL { ?src mz:sourceLine ?line } }"
    )


def labels_query(iris: Sequence[str]) -> str:
    """SELECT ``?value ?label`` for ``iris`` (``rdfs:label`` and ``skos:prefLabel``)."""
    values = " ".join(str(ox.NamedNode(iri)) for iri in iris)
    return (
        PROLOGUE
        + f"SELECT ?value ?label WHERE {{ VALUES ?value {{ {values} }} ?value rdfs:label|skos:prefLabel ?label }}"
    )


CONTACTS = PROLOGUE + "SELECT ?contact WHERE { ?contact a mz:ContactPerson }"
"""Personal data that sits in the default graph after all (loaded without ``--include-private``): never published."""

NAMED_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def published_triples(graph: str | None, contacts: Iterable[str]) -> str:
    """SELECT ``?s ?p ?o``: the triples of the default graph (or of ``graph``), leaving out those touching
    ``contacts`` (a SELECT, not a CONSTRUCT: the store need not remember what it wrote, to leave out repeats)."""
    return f"SELECT ?s ?p ?o WHERE {{ {_published(graph, contacts)} }}"


def published_predicates(graph: str | None, contacts: Iterable[str]) -> str:
    """SELECT ``?p ?n``: each predicate of :func:`published_triples` and its number of triples."""
    return f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {_published(graph, contacts)} }} GROUP BY ?p"


def _published(graph: str | None, contacts: Iterable[str]) -> str:
    pattern = "?s ?p ?o" if graph is None else f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}"
    people = ", ".join(str(ox.NamedNode(iri)) for iri in contacts)
    return pattern + (f" FILTER(?s NOT IN ({people}) && ?o NOT IN ({people}))" if people else "")


HOME_COUNTS = (
    PROLOGUE
    + """SELECT ?ambassadors ?measures ?partners ?events WHERE {
  { SELECT (COUNT(DISTINCT ?o) AS ?ambassadors) WHERE { ?o mz:ambassadorRole ?role } }
  { SELECT (COUNT(DISTINCT ?m) AS ?measures) WHERE { ?m a mz:Measure } }
  { SELECT (COUNT(DISTINCT ?p) AS ?partners) WHERE { ?p a mz:PartnerBody } }
  { SELECT (COUNT(DISTINCT ?e) AS ?events) WHERE { ?e a mz:Event } }
}"""
)
MEASURES_PER_GROUP = (
    PROLOGUE
    + "SELECT ?group (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a mz:Measure ; mz:measureGroup ?group } GROUP BY ?group"
)
CLASS_PARTITIONS = "SELECT ?class (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a ?class } GROUP BY ?class"
CLASS_USAGE = (
    PROLOGUE + "SELECT ?class (COUNT(DISTINCT ?i) AS ?n) WHERE { ?class a owl:Class . ?sub rdfs:subClassOf* ?class ."
    " ?i a ?sub } GROUP BY ?class"
)
PROPERTY_USAGE = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"


def sources_query(limit: int) -> str:
    """SELECT the first ``limit`` source documents (by IRI) with their titles."""
    return (
        PROLOGUE + "SELECT ?source ?title WHERE { { SELECT ?source WHERE { ?source a mz:SourceDocument }"
        f" ORDER BY ?source LIMIT {int(limit)} }} OPTIONAL {{ ?source dcterms:title ?title }} }}"
    )


SOURCE_COUNT = PROLOGUE + "SELECT (COUNT(DISTINCT ?source) AS ?n) WHERE { ?source a mz:SourceDocument }"
LICENSES = PROLOGUE + "SELECT DISTINCT ?license WHERE { ?ontology a owl:Ontology ; dcterms:license ?license }"


def subclasses_query(classes: Sequence[str]) -> str:
    """SELECT ``?sub ?class``: every class below each of ``classes`` (``rdfs:subClassOf*``, itself included)."""
    # One path per class with its end written in: Virtuoso refuses a transitive path whose end comes from VALUES
    # ("transitive start not given").
    unions = " UNION ".join(
        f"{{ ?sub rdfs:subClassOf* {node} BIND({node} AS ?class) }}" for node in map(ox.NamedNode, classes)
    )
    return PROLOGUE + f"SELECT ?sub ?class WHERE {{ {unions or 'FILTER(false)'} }}"


def coverage_query(classes: Iterable[str], properties: Iterable[str], *, inverse: bool) -> str:
    """SELECT ``?p ?n``: how many instances of ``classes`` have each of ``properties`` (as objects, if
    ``inverse``), each instance counted once."""
    types = " ".join(str(ox.NamedNode(iri)) for iri in sorted(classes))
    paths = " ".join(str(ox.NamedNode(iri)) for iri in sorted(properties))
    pattern = "?o ?p ?s" if inverse else "?s ?p ?o"
    return (
        f"SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?t {{ {types} }} ?s a ?t ."
        f" VALUES ?p {{ {paths} }} {pattern} }} GROUP BY ?p"
    )


SHAPE_RULES = """PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT DISTINCT ?target ?path ?inverse WHERE {
  ?shape sh:targetClass ?target ; sh:property ?ps .
  ?ps sh:path ?p .
  OPTIONAL { ?p sh:inversePath ?inverse }
  BIND(IF(BOUND(?inverse), ?inverse, ?p) AS ?path)
}"""
"""The (class, property, inverse) of every property shape of the shapes (run on the shapes, not the data)."""
