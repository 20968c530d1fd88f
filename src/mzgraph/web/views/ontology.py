"""The ontology overview page: the vocabulary from the store, what the shapes require, the release's counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from mzgraph.entities import ontology, schemaorg
from mzgraph.entities.describe import Description
from mzgraph.entities.labels import local_name, pick_text
from mzgraph.entities.values import Link
from mzgraph.entities.vocab import DCT_DESCRIPTION, DCT_TITLE, prefixed
from mzgraph.rdf.namespaces import MZ
from mzgraph.sparql.builders import prologue
from mzgraph.web.services import PageServices
from mzgraph.web.templating import render_fragment

VALIDATE_LIMIT_LABEL = "{:.1f} MB"


def schemes_query() -> str:
    """SELECT the concept schemes with their labels."""
    return (
        prologue()
        + "SELECT ?scheme ?label WHERE { ?scheme a skos:ConceptScheme OPTIONAL { ?scheme skos:prefLabel ?label } }"
    )


async def overview_context(
    services: PageServices, d: Description, langs: Sequence[str], page_url: str
) -> dict[str, Any]:
    """The template context of the overview (``d`` describes the ontology resource); its sections, the same for
    every reader of a language, are rendered once per release."""
    license_node = d.value(d.focus, prefixed("dcterms:license"))
    title = d.text(d.focus, DCT_TITLE, langs) or d.label(d.focus, langs)
    description = d.text(d.focus, DCT_DESCRIPTION, langs)

    async def sections() -> Markup:
        return render_fragment(
            services.env, "_ontology_sections.html", await sections_context(services, langs), langs=langs
        )

    return {
        "title": title,
        "description": description,
        "schema": schemaorg.term_set(d.focus.value, title, description, page_url),
        "version": d.text(d.focus, prefixed("owl:versionInfo"), langs),
        "license": license_node.value if license_node is not None else None,
        "sections": await services.cached(f"ontology sections {d.focus.value} {','.join(langs)}", sections),
        "nav": "ontology",
    }


async def sections_context(services: PageServices, langs: Sequence[str]) -> dict[str, Any]:
    """What the overview's sections show: every class and property with what the shapes require of it and the
    release's counts, the concept schemes, the validation form's size limit."""
    namespace = str(MZ._NS)
    term_labels = await services.term_labels()
    stats = (await services.index()).stats()
    counts = {**stats.property_usage, **stats.class_usage}
    terms = ontology.read_terms(await services.select(ontology.terms_query(namespace)), counts, term_labels, langs)
    rules = await services.shape_rules(langs)
    for summary in terms:
        summary.rules = rules.get(summary.term.iri, [])
    schemes: dict[str, list[Any]] = {}
    for row in await services.select(schemes_query()):
        schemes.setdefault(row["scheme"].value, []).append(row.get("label"))
    return {
        "classes": [t for t in terms if t.kind == "Class"],
        "properties": [t for t in terms if t.kind != "Class"],
        "schemes": sorted(
            (Link(iri, pick_text(labels, langs) or local_name(iri)) for iri, labels in schemes.items()),
            key=lambda link: (link.label.casefold(), link.iri),
        ),
        "validate_limit": VALIDATE_LIMIT_LABEL.format(services.settings.max_body_bytes / 1_000_000),
    }
