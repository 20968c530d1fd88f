"""The vocabulary's IRIs. Nothing else lives here."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from mzgraph.config import DEFAULT_BASE_IRI

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VANN = Namespace("http://purl.org/vocab/vann/")
SCHEMA = Namespace("https://schema.org/")


class MZ(DefinedNamespace):
    """The mzgraph vocabulary (``ontology/mzgraph.ttl``): a typo here is an error."""

    _NS = Namespace(DEFAULT_BASE_IRI + "def/")
    _fail = True

    Agreement: URIRef
    AmbassadorRole: URIRef
    ContactPerson: URIRef
    Employer: URIRef
    Event: URIRef
    Figure: URIRef
    Measure: URIRef
    Municipality: URIRef
    PartnerBody: URIRef
    PartnerRelation: URIRef
    Place: URIRef
    ProfileStatement: URIRef
    Province: URIRef
    Recognition: URIRef
    RegionalPublicBody: URIRef
    Regulation: URIRef
    SourceDocument: URIRef
    agreement: URIRef
    ambassadorActivity: URIRef
    ambassadorRole: URIRef
    ambassadorSince: URIRef
    annualDate: URIRef
    approximation: URIRef
    awardedBy: URIRef
    category: URIRef
    conflictsWith: URIRef
    contactFor: URIRef
    coreValues: URIRef
    curationNote: URIRef
    date: URIRef
    eventKind: URIRef
    figure: URIRef
    fileName: URIRef
    guidedBy: URIRef
    involvesPartner: URIRef
    measure: URIRef
    measureGroup: URIRef
    mentionsEvent: URIRef
    needsReview: URIRef
    order: URIRef
    organisation: URIRef
    partner: URIRef
    partnerKind: URIRef
    partnerRole: URIRef
    province: URIRef
    quantityKind: URIRef
    quote: URIRef
    recognition: URIRef
    recognitionDate: URIRef
    recurrence: URIRef
    regulation: URIRef
    sha256: URIRef
    signatory: URIRef
    signedAt: URIRef
    sourceLine: URIRef
    sourceSection: URIRef
    statement: URIRef
    statementKind: URIRef
    takesPartIn: URIRef
    text: URIRef
    truncated: URIRef


ID = Namespace(DEFAULT_BASE_IRI + "id/")

PREFIXES: dict[str, str] = {
    "mz": str(MZ._NS),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": str(SCHEMA),
    "sh": "http://www.w3.org/ns/shacl#",
    "void": str(VOID),
    "dcat": str(DCAT),
}
"""Prefixes used in the query page, the saved queries and serialisations."""

EMPLOYER_PARTS = ("recognition", "ambassadorRole", "measure", "statement", "figure", "ambassadorActivity", "agreement")
"""Local names (in ``mz:``) of the properties from an employer to the parts it owns: an employer has a bounded
number of each, each part belongs to one employer, and an employer's page describes them with it."""

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
"""``rdf:type``, the one predicate nearly every module reads or writes."""
