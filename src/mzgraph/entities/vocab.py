"""The vocabulary's IRIs as pyoxigraph terms, for reading description graphs (typos fail at import)."""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox
from rdflib import URIRef

from mzgraph.rdf.namespaces import MZ as _MZ
from mzgraph.rdf.namespaces import PREFIXES


def _iri(uri: URIRef | str) -> ox.NamedNode:
    return ox.NamedNode(str(uri))


@cache
def m(name: str) -> ox.NamedNode:
    """An ``mz:`` term by local name (checked against the ontology's DefinedNamespace; made once per name)."""
    return _iri(getattr(_MZ, name))


def prefixed(name: str) -> ox.NamedNode:
    """A term written with one of the usual prefixes, e.g. ``prefixed("skos:prefLabel")``."""
    prefix, _, local = name.partition(":")
    return ox.NamedNode(PREFIXES[prefix] + local)


RDFS_LABEL = prefixed("rdfs:label")
RDFS_COMMENT = prefixed("rdfs:comment")
RDFS_DOMAIN = prefixed("rdfs:domain")
RDFS_RANGE = prefixed("rdfs:range")
RDFS_SUBCLASS = prefixed("rdfs:subClassOf")
RDFS_SUBPROPERTY = prefixed("rdfs:subPropertyOf")
SKOS_PREF = prefixed("skos:prefLabel")
SKOS_ALT = prefixed("skos:altLabel")
SKOS_DEFINITION = prefixed("skos:definition")
SKOS_BROADER = prefixed("skos:broader")
SKOS_NARROWER = prefixed("skos:narrower")
SKOS_IN_SCHEME = prefixed("skos:inScheme")
SKOS_TOP_OF = prefixed("skos:topConceptOf")
SKOS_NOTATION = prefixed("skos:notation")
SKOS_CONCEPT = prefixed("skos:Concept")
SKOS_SCHEME = prefixed("skos:ConceptScheme")
DCT_SOURCE = prefixed("dcterms:source")
DCT_TITLE = prefixed("dcterms:title")
DCT_PUBLISHER = prefixed("dcterms:publisher")
DCT_DESCRIPTION = prefixed("dcterms:description")
PROV_DERIVED = prefixed("prov:wasDerivedFrom")
ORG_UNIT_OF = prefixed("org:unitOf")
SCHEMA_LOCATION = prefixed("schema:location")
SCHEMA_VALUE = prefixed("schema:value")
SCHEMA_URL = prefixed("schema:url")
SCHEMA_ORGANIZER = prefixed("schema:organizer")
OWL_CLASS = prefixed("owl:Class")
OWL_ONTOLOGY = prefixed("owl:Ontology")
OWL_OBJECT_PROPERTY = prefixed("owl:ObjectProperty")
OWL_DATATYPE_PROPERTY = prefixed("owl:DatatypeProperty")
RDF_PROPERTY = prefixed("rdf:Property")
