"""schema.org descriptions for search engines, embedded in each HTML page (built from the page models)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mzgraph.entities.concept import Concept
from mzgraph.entities.organisation import Figure, Organisation
from mzgraph.entities.partner import Partner

SCHEMA = "https://schema.org"
SCHEMA_CLASSES = SCHEMA + "/"
JsonObject = dict[str, Any]


def organisation(
    org: Organisation, page_url: str, superclasses: Mapping[str, Sequence[str]], approximations: str
) -> JsonObject:
    """An employer as the schema.org type its class is a subclass of, with its recognition as an award.

    ``superclasses`` is the ontology's class tree (class -> direct superclasses); ``approximations`` the IRI
    of the concept scheme of approximations, for the figures' ``valueReference``.
    """
    data: JsonObject = {
        "@context": SCHEMA,
        "@type": schema_types([t.iri for t in org.types], superclasses),
        "@id": org.iri,
        "name": org.label,
        "url": page_url,
    }
    if org.location:
        data["location"] = {"@type": "Place", "@id": org.location.iri, "name": org.location.label}
    if org.recognition and org.recognition.date:
        data["award"] = f"Erkend mantelzorgvriendelijk sinds {org.recognition.date}"
    employees = [f for f in org.figures if f.counts and f.counts.iri.endswith("/employees") and f.number]
    if employees:
        data["numberOfEmployees"] = quantitative_value(employees[0], approximations)
    if org.sources:
        data["subjectOf"] = [{"@type": "CreativeWork", "@id": s.iri, "name": s.title} for s in org.sources]
    return data


def schema_types(classes: Sequence[str], superclasses: Mapping[str, Sequence[str]]) -> str | list[str]:
    """The nearest schema.org classes above ``classes`` in the class tree (``Organization`` if none).

    ``mz:Municipality`` is a ``schema:GovernmentOrganization`` (and, further up, an ``Organization``): the
    nearest wins, so a municipality is a GovernmentOrganization and a plain ``mz:Employer`` an Organization.
    """
    level, seen = list(dict.fromkeys(classes)), set(classes)
    while level:
        found = sorted({c.removeprefix(SCHEMA_CLASSES) for c in level if c.startswith(SCHEMA_CLASSES)})
        if found:
            return found[0] if len(found) == 1 else found
        level = [s for c in level for s in superclasses.get(c, ()) if s not in seen]
        seen.update(level)
    return "Organization"


def quantitative_value(figure: Figure, approximations: str) -> JsonObject:
    """A figure as a ``QuantitativeValue`` that keeps whether the source gives it exactly.

    "ruim 628.000" (more than) is a ``minValue``, not a ``value``. For "ongeveer", "circa" or "naar schatting"
    schema.org has no property of its own; ``valueReference`` is "a secondary value that provides additional
    information on the original value" and may be a ``DefinedTerm``, so it names the approximation by its
    concept in mzgraph's scheme, machine-readable; ``description`` keeps the source's own words.
    """
    bound = "minValue" if figure.approximation and figure.approximation.iri.endswith("/more-than") else "value"
    data: JsonObject = {"@type": "QuantitativeValue", bound: figure.number}
    if not figure.exact and figure.approximation:
        data["valueReference"] = {
            "@type": "DefinedTerm",
            "@id": figure.approximation.iri,
            "name": figure.approximation.label,
            "inDefinedTermSet": approximations,
        }
    if figure.quote:
        data["description"] = figure.quote
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
