"""schema.org descriptions for search engines, embedded in each HTML page (built from the page models)."""

from __future__ import annotations

from typing import Any

from mzgraph.entities.concept import Concept
from mzgraph.entities.organisation import Organisation
from mzgraph.entities.partner import Partner

SCHEMA = "https://schema.org"
JsonObject = dict[str, Any]


def organisation(org: Organisation, page_url: str) -> JsonObject:
    """An employer as a ``GovernmentOrganization`` with its recognition as an award."""
    data: JsonObject = {
        "@context": SCHEMA,
        "@type": "GovernmentOrganization",
        "@id": org.iri,
        "name": org.label,
        "url": page_url,
    }
    if org.location:
        data["location"] = {"@type": "Place", "@id": org.location.iri, "name": org.location.label}
    if org.recognition and org.recognition.date:
        data["award"] = f"Erkend mantelzorgvriendelijk sinds {org.recognition.date}"
    employees = [f for f in org.figures if f.counts and f.counts.iri.endswith("/employees")]
    if employees:
        data["numberOfEmployees"] = {"@type": "QuantitativeValue", "value": employees[0].value}
    topics = sorted({c.label for m in org.measures for c in m.categories})
    if topics:
        data["knowsAbout"] = topics
    if org.sources:
        data["subjectOf"] = [{"@type": "CreativeWork", "@id": s.iri, "name": s.title} for s in org.sources]
    return data


def partner(body: Partner, page_url: str, website: str | None) -> JsonObject:
    """A partner body as an ``Organization``."""
    data: JsonObject = {
        "@context": SCHEMA,
        "@type": "Organization",
        "@id": body.iri,
        "name": body.label,
        "url": page_url,
    }
    if body.comment:
        data["description"] = body.comment
    if body.alt_labels:
        data["alternateName"] = body.alt_labels
    if website:
        data["sameAs"] = website
    return data


def defined_term(iri: str, name: str, description: str | None, term_set: str | None, page_url: str) -> JsonObject:
    """A concept or vocabulary term as a ``DefinedTerm``."""
    data: JsonObject = {"@context": SCHEMA, "@type": "DefinedTerm", "@id": iri, "name": name, "url": page_url}
    if description:
        data["description"] = description
    if term_set:
        data["inDefinedTermSet"] = term_set
    return data


def concept(c: Concept, page_url: str) -> JsonObject:
    return defined_term(c.iri, c.label, c.definition, c.schemes[0].iri if c.schemes else None, page_url)


def term_set(iri: str, name: str, description: str | None, page_url: str) -> JsonObject:
    """A vocabulary or concept scheme as a ``DefinedTermSet``."""
    data: JsonObject = {"@context": SCHEMA, "@type": "DefinedTermSet", "@id": iri, "name": name, "url": page_url}
    if description:
        data["description"] = description
    return data


def thing(iri: str, name: str, page_url: str) -> JsonObject:
    """Any other resource."""
    return {"@context": SCHEMA, "@type": "Thing", "@id": iri, "name": name, "url": page_url}


def dataset(name: str, description: str, url: str, downloads: list[tuple[str, str]], license_url: str) -> JsonObject:
    """The whole graph as a ``Dataset`` with its downloads."""
    return {
        "@context": SCHEMA,
        "@type": "Dataset",
        "name": name,
        "description": description,
        "url": url,
        "license": license_url,
        "isAccessibleForFree": True,
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": media, "contentUrl": link} for link, media in downloads
        ],
    }


def item_list(items: list[tuple[str, str]]) -> JsonObject:
    """A list of links (the browse page)."""
    return {
        "@context": SCHEMA,
        "@type": "ItemList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "url": url, "name": name} for n, (url, name) in enumerate(items, 1)
        ],
    }
