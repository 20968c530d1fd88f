"""Shared helpers of the importer tests: the vocabulary, imports of the bundled texts, and key facts.

A *fact* is a tuple of short strings (``("category", "awareness-1", "mt:intranet")``), read with the
same SPARQL from the curated graph and from the imported one, so the two can be compared as sets.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from mzgraph.bundled import data_dir
from mzgraph.config import DEFAULT_BASE_IRI
from mzgraph.importer.pipeline import ProfileImport, import_profile
from mzgraph.importer.vocabulary import Vocabulary, default_vocabulary_files

SOURCES = data_dir() / "sources"
CURATED = data_dir() / "organisations"
PROFILES = sorted(p.stem for p in SOURCES.glob("*.txt"))
FIXTURES = Path(__file__).parents[1] / "fixtures" / "importer"
REDACTED = "[contactgegevens verwijderd]"
"""The line that stands in data/sources/ for each line that named a person (see data/sources/README.md)."""
ID = DEFAULT_BASE_IRI + "id/"
SHORT = {
    "mt:": ID + "measure-type/",
    "mg:": ID + "measure-group/",
    "role:": ID + "partner-role/",
    "qk:": ID + "quantity-kind/",
    "approx:": ID + "approximation/",
    "sk:": ID + "statement-kind/",
    "partner:": ID + "partner/",
    "event:": ID + "event/",
    "place:": ID + "place/",
    "reg:": ID + "regulation/",
    "agr:": ID + "agreement/",
    "this:": ID + "organisation/",
    "mz:": DEFAULT_BASE_IRI + "def/",
    "xsd:": "http://www.w3.org/2001/XMLSchema#",
}
PREFIXES = f"""
PREFIX mz: <{DEFAULT_BASE_IRI}def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
"""

Fact = tuple[str, ...]

_PASSAGE = "{ ?org mz:measure ?s } UNION { ?org mz:statement ?s }"
# kind of fact -> SPARQL whose projected variables make the fact, in order
FACT_QUERIES: dict[str, str] = {
    "organisation": """SELECT ?class ?nl ?en ?place WHERE {
        ?org a ?class ; mz:recognition ?r ; rdfs:label ?nl .
        OPTIONAL { ?org rdfs:label ?en FILTER (lang(?en) = "en") }
        OPTIONAL { ?org schema:location ?place } FILTER (lang(?nl) = "nl") }""",
    "core-values": "SELECT ?values WHERE { ?org mz:recognition ?r ; mz:coreValues ?values }",
    "website": "SELECT ?url WHERE { ?org mz:recognition ?r ; schema:url ?url }",
    "source": """SELECT ?file ?sha ?publisher WHERE {
        ?org prov:wasDerivedFrom ?src . ?src mz:fileName ?file ; mz:sha256 ?sha ; dcterms:publisher ?publisher }""",
    "recognition": """SELECT ?date ?by ?guide ?quote ?line WHERE {
        ?org mz:recognition ?r . ?r mz:recognitionDate ?date ; mz:awardedBy ?by ; mz:quote ?quote ;
        mz:sourceLine ?line OPTIONAL { ?r mz:guidedBy ?guide } }""",
    "ambassador": """SELECT ?since ?quote ?line WHERE {
        ?org mz:ambassadorRole ?a . ?a mz:ambassadorSince ?since ; mz:quote ?quote ; mz:sourceLine ?line }""",
    "ambassador-activity": "SELECT ?s WHERE { ?org mz:ambassadorRole ?a . ?a mz:ambassadorActivity ?s }",
    "agreement": "SELECT ?agreement WHERE { ?org mz:ambassadorRole ?a . ?a mz:agreement ?agreement }",
    "measure": """SELECT ?m ?group ?order ?line ?section ?text WHERE {
        ?org mz:measure ?m . ?m mz:measureGroup ?group ; mz:order ?order ; mz:sourceLine ?line ; mz:text ?text
        OPTIONAL { ?m mz:sourceSection ?section } }""",
    "statement": """SELECT ?s ?kind ?order ?line ?section ?group ?text WHERE {
        ?org mz:statement ?s . ?s mz:statementKind ?kind ; mz:order ?order ; mz:sourceLine ?line ; mz:text ?text
        OPTIONAL { ?s mz:sourceSection ?section } OPTIONAL { ?s mz:measureGroup ?group } }""",
    "truncated": "SELECT ?m WHERE { ?org mz:measure ?m . ?m mz:truncated true }",
    "needs-review": f"SELECT ?s WHERE {{ {_PASSAGE} ?s mz:needsReview ?note }}",
    "category": f"SELECT ?s ?c WHERE {{ {_PASSAGE} ?s mz:category ?c }}",
    "involves": f"SELECT ?s ?p WHERE {{ {_PASSAGE} ?s mz:involvesPartner ?p }}",
    "mentions-event": f"SELECT ?s ?e WHERE {{ {_PASSAGE} ?s mz:mentionsEvent ?e }}",
    "regulation": f"SELECT ?s ?r WHERE {{ {_PASSAGE} ?s mz:regulation ?r }}",
    "takes-part-in": "SELECT ?e WHERE { ?org mz:recognition ?r ; mz:takesPartIn ?e }",
    "figure": """SELECT ?owner ?kind ?value ?approximation ?line WHERE {
        ?owner mz:figure ?f . ?f mz:quantityKind ?kind ; schema:value ?value ; mz:approximation ?approximation ;
        mz:sourceLine ?line }""",
    "figure-conflict": """SELECT ?a ?b WHERE { ?f mz:conflictsWith ?g . ?f schema:value ?a . ?g schema:value ?b }""",
    "relation": """SELECT ?partner ?role ?date ?line WHERE {
        ?rel mz:organisation ?org ; mz:partner ?partner ; mz:partnerRole ?role ; mz:sourceLine ?line
        OPTIONAL { ?rel mz:date ?date } }""",
}
CONTACT_QUERY = """SELECT ?name ?honorific ?title ?email ?phone ?works ?line WHERE {
    ?person mz:contactFor ?org ; schema:name ?name ; schema:worksFor ?works ; mz:sourceLine ?line
    OPTIONAL { ?person schema:honorificPrefix ?honorific } OPTIONAL { ?person schema:jobTitle ?title }
    OPTIONAL { ?person schema:email ?email } OPTIONAL { ?person schema:telephone ?phone } }"""


@cache
def vocabulary() -> Vocabulary:
    """The bundled vocabulary, read once per test session."""
    return Vocabulary.load(default_vocabulary_files())


@cache
def bundled_import(profile: str) -> ProfileImport:
    """The import of ``data/sources/<profile>.txt``, once per test session."""
    return import_profile(SOURCES / f"{profile}.txt", vocabulary(), DEFAULT_BASE_IRI)


def short(node: Node | None) -> str:
    """A fact's term as short text: prefixed IRIs, measure/statement IRIs by their last segment."""
    if node is None:
        return "-"
    text = str(node)
    if isinstance(node, URIRef):
        for prefix, namespace in SHORT.items():
            if text.startswith(namespace):
                return prefix + text.removeprefix(namespace)
        if "/id/measure/" in text or "/id/statement/" in text:
            return text.rsplit("/", 1)[-1]
    return text


def facts(graph: Graph, organisation: URIRef, contacts: Graph | None = None) -> set[Fact]:
    """The key facts ``graph`` states about ``organisation`` (and its contacts, if given)."""
    found: set[Fact] = set()
    for kind, query in FACT_QUERIES.items():
        for row in graph.query(PREFIXES + query, initBindings={"org": organisation}):
            found.add((kind, *(short(term) for term in row)))
    if contacts is not None:
        for row in contacts.query(PREFIXES + CONTACT_QUERY, initBindings={"org": organisation}):
            found.add(("contact", *(short(term) for term in row)))
    return found


def curated_facts(profile: str) -> set[Fact]:
    """The key facts of the curated ``data/organisations/<profile>.ttl`` (no contacts: none are published)."""
    organisation = URIRef(ID + "organisation/" + profile)
    return facts(Graph().parse(CURATED / f"{profile}.ttl"), organisation)


def imported_facts(result: ProfileImport) -> set[Fact]:
    """The key facts of an import."""
    return facts(result.public, result.profile.iris.organisation, result.private)


def invented_contacts(profile: str) -> dict[int, str]:
    """Invented contact lines for the lines redacted from ``data/sources/<profile>.txt``, by line number."""
    table = tomllib.loads((FIXTURES / "invented-contacts.toml").read_text(encoding="utf-8"))
    return {int(number): text for number, text in table.get(profile, {}).items()}


def with_invented_contacts(profile: str) -> str:
    """``data/sources/<profile>.txt`` with invented people in place of the redacted contact lines."""
    lines = (SOURCES / f"{profile}.txt").read_text(encoding="utf-8").split("\n")
    for number, text in invented_contacts(profile).items():
        assert lines[number - 1] == REDACTED, f"{profile}.txt:{number} is not a redacted line"
        lines[number - 1] = text
    return "\n".join(lines)


def write_with_contacts(folder: Path, profile: str) -> Path:
    """:func:`with_invented_contacts` written to ``folder/<profile>.txt``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{profile}.txt"
    path.write_text(with_invented_contacts(profile), encoding="utf-8")
    return path
