"""JSON-LD for partner sites: framed documents say exactly what the Turtle says, in the documented shape."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from pyld import jsonld

from mzgraph.bundled import bundled_graph_files
from mzgraph.entities.describe import Description, describe_query
from mzgraph.entities.jsonld import context, context_text, entity_document, script_json, to_nquads
from mzgraph.rdf.reading import read_files

ID = "https://w3id.org/mzgraph/id/"
CONTEXT_URL = "https://w3id.org/mzgraph/context/v1.jsonld"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "jsonld.md"
SAMPLES = [
    "organisation/gemeente-amersfoort",
    "organisation/gemeente-emmen",
    "organisation/gemeente-enschede",
    "organisation/gemeente-haarlem",
    "organisation/regio-twente",
    "partner/jong-en-veer",
    "partner/netwerk-amersfoort",
    "measure/gemeente-haarlem/tailored-1",
    "measure-type/leave",
    "measure-group/awareness",
    "event/dag-van-de-mantelzorg",
    "agreement/intentieverklaring-bedrijventerreinen-emmen",
    "figure/regio-twente/inhabitants-1",
    "place/overijssel",
    "source/gemeente-emmen",
]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    loaded = ox.Store()
    loaded.extend(read_files(bundled_graph_files()))
    return loaded


def describe(store: ox.Store, path: str) -> Description:
    iri = ox.NamedNode(ID + path)
    return Description(iri, list(store.query(describe_query(iri))))


def triples_of(nquads: str) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS)}


@pytest.mark.parametrize("path", SAMPLES)
def test_framed_document_has_exactly_the_triples_of_the_description(store: ox.Store, path: str) -> None:
    d = describe(store, path)
    document = entity_document(d, CONTEXT_URL)
    assert document["@context"] == CONTEXT_URL
    assert document["id"] == ID + path
    expanded = triples_of(to_nquads(json.loads(json.dumps(document)), f"http://127.0.0.1/id/{path}.jsonld"))
    assert expanded == set(d.triples)


def test_framing_is_deterministic(store: ox.Store) -> None:
    d = describe(store, "organisation/regio-twente")
    assert json.dumps(entity_document(d, CONTEXT_URL)) == json.dumps(entity_document(d, CONTEXT_URL))


def test_organisation_document_shape(store: ox.Store) -> None:
    doc = entity_document(describe(store, "organisation/gemeente-emmen"), CONTEXT_URL)
    assert doc["type"] == ["Municipality"]
    assert doc["label"] == {"nl": "Gemeente Emmen", "en": "Municipality of Emmen"}
    assert doc["recognition"]["recognitionDate"] == "2015-11-11"
    assert doc["recognition"]["awardedBy"]["label"]["nl"] == "Werk&Mantelzorg"
    assert doc["ambassadorRole"]["ambassadorSince"] == {"@value": "2010-12", "type": "xsd:gYearMonth"}
    assert list(doc["measures"]) == ["awareness", "dialogue", "tailored-solutions", "embedding"]
    tailored = doc["measures"]["tailored-solutions"]
    assert [m["order"] for m in tailored] == list(range(1, 10))
    first = tailored[0]
    assert first["text"]["nl"] and isinstance(first["sourceLine"], int)
    assert all(set(c) == {"id", "prefLabel"} for c in first["categories"])
    relation = doc["partnerRelations"][0]
    assert {"partner", "role", "quote", "sourceLine"} <= set(relation)
    assert relation["partner"]["id"].startswith(ID + "partner/") and relation["role"]["prefLabel"]["en"]
    team_leaders = next(f for f in doc["figures"] if f["id"].endswith("team-leaders"))
    assert team_leaders["value"] == 50 and team_leaders["approximation"]["id"].endswith("/exact")


def test_conflicting_figures_point_at_each_other(store: ox.Store) -> None:
    doc = entity_document(describe(store, "organisation/regio-twente"), CONTEXT_URL)
    inhabitants = {f["id"].rsplit("/", 1)[1]: f for f in doc["figures"] if "inhabitants" in f["id"]}
    assert inhabitants["inhabitants-1"]["conflictsWith"][0]["id"].endswith("inhabitants-2")
    assert inhabitants["inhabitants-1"]["approximation"]["prefLabel"]["en"] == "More than"


def test_partner_document_nests_the_employers_and_roles(store: ox.Store) -> None:
    doc = entity_document(describe(store, "partner/jong-en-veer"), CONTEXT_URL)
    employers = {r["organisation"]["label"]["nl"]: r["role"]["id"] for r in doc["employerRelations"]}
    assert employers == {"Gemeente Enschede": ID + "partner-role/advisor", "Regio Twente": ID + "partner-role/advisor"}
    assert doc["url"] == "http://www.jongenveer.nl"
    assert {r["id"] for r in doc["guided"]} == {ID + "recognition/gemeente-enschede", ID + "recognition/regio-twente"}


def test_every_context_term_expands_to_an_absolute_iri() -> None:
    terms = context()
    probe = {"@context": terms, "@id": "http://example.org/x"}
    for key, value in terms.items():
        if key.startswith("@") or (isinstance(value, str) and value.startswith("@")):
            continue
        definition = value if isinstance(value, dict) else {"@id": value}
        if "@reverse" in definition or definition.get("@id", "").startswith("@"):
            continue
        expanded = jsonld.expand({**probe, key: "v" if definition.get("@type") != "@id" else "http://e/x"})
        (node,) = expanded
        (iri,) = [k for k in node if not k.startswith("@")] or [None]
        assert iri is not None and re.match(r"^https?://", iri), key


def test_context_is_published_as_valid_json_with_short_keys() -> None:
    document = json.loads(context_text())
    assert document["@context"]["@version"] == 1.1
    assert all(len(key) <= 24 for key in document["@context"])


def test_every_key_of_an_organisation_document_is_documented(store: ox.Store) -> None:
    documented = DOCS.read_text(encoding="utf-8")
    doc = entity_document(describe(store, "organisation/gemeente-emmen"), CONTEXT_URL)
    keys: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key != "measures" or not isinstance(value, dict):
                    keys.add(key)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc)
    language_tags = {"nl", "en"}  # the keys of language maps, documented as such
    missing = sorted(k for k in keys - language_tags if f"`{k}`" not in documented and not k.startswith("@"))
    assert not missing, f"undocumented keys: {missing}"


def test_script_json_cannot_close_the_script_element() -> None:
    text = script_json({"name": "</script><script>alert(1)</script>", "x": "a&b\u2028"})
    assert "</script" not in text and "<" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script>"
