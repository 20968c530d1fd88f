"""The schema.org JSON-LD embedded in organisation pages, read through a real server.

The type comes from the organisation's class in the ontology, the number of employees keeps its
approximation, and measure types are not offered as things the organisation knows about.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from mzgraph.bundled import bundled_graph_files

ID = "https://w3id.org/mzgraph/id/"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "pages" / "schema-org.ttl"


@pytest.fixture(scope="module")
def server(start_server: Callable[..., Any]) -> str:
    """The bundled graph plus a plain employer that has more than 1,250 employees."""
    url: str = start_server(data_paths=[*bundled_graph_files(), FIXTURE]).url
    return url


def schema_org(server: str, slug: str, lang: str = "en") -> dict[str, Any]:
    response = httpx.get(f"{server}/id/organisation/{slug}", headers={"Accept": "text/html", "Accept-Language": lang})
    assert response.status_code == 200, response.text[:300]
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    assert match, "the page embeds schema.org JSON-LD"
    data: dict[str, Any] = json.loads(match.group(1))
    assert data["@context"] == "https://schema.org" and data["@id"] == ID + f"organisation/{slug}"
    return data


@pytest.mark.parametrize(
    ("slug", "kind"),
    [
        ("gemeente-emmen", "GovernmentOrganization"),
        ("regio-twente", "GovernmentOrganization"),
        ("stichting-proefzorg", "Organization"),
    ],
)
def test_the_type_is_the_nearest_schema_org_class_of_the_organisations_class(server: str, slug: str, kind: str) -> None:
    assert schema_org(server, slug)["@type"] == kind


@pytest.mark.parametrize("slug", ["gemeente-emmen", "gemeente-haarlem", "stichting-proefzorg"])
def test_measure_types_are_not_offered_as_knowledge(server: str, slug: str) -> None:
    assert "knowsAbout" not in schema_org(server, slug)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_about_1400_employees_is_a_value_marked_approximate(server: str, lang: str) -> None:
    employees = schema_org(server, "gemeente-haarlem", lang)["numberOfEmployees"]
    assert employees["@type"] == "QuantitativeValue"
    assert employees["value"] == 1400, "a JSON number in every language, not the page's '1.400'"
    reference = employees["valueReference"]
    assert reference["@type"] == "DefinedTerm" and reference["@id"] == ID + "approximation/approximately"
    assert reference["inDefinedTermSet"] == ID + "scheme/approximation"
    assert reference["name"] == {"en": "Approximately", "nl": "Ongeveer"}[lang]
    assert "ongeveer 1400" in employees["description"]


def test_more_than_1250_employees_is_a_lower_bound(server: str) -> None:
    employees = schema_org(server, "stichting-proefzorg")["numberOfEmployees"]
    assert employees["minValue"] == 1250 and "value" not in employees
    assert employees["valueReference"]["@id"] == ID + "approximation/more-than"
    assert employees["description"] == "ruim 1.250 medewerkers"


def test_an_exact_number_of_employees_is_a_plain_value(server: str) -> None:
    employees = schema_org(server, "regio-twente")["numberOfEmployees"]
    assert employees["value"] == 569 and "valueReference" not in employees and "minValue" not in employees


def test_an_organisation_without_an_employee_figure_has_no_number_of_employees(server: str) -> None:
    assert "numberOfEmployees" not in schema_org(server, "gemeente-amersfoort")
