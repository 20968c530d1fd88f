"""Importing the five profile texts reproduces the curated data; every remaining difference is documented.

The comparison is fact by fact (see ``support.FACT_QUERIES``): the same SPARQL reads the curated
``data/organisations/<profile>.ttl`` and the import's graphs.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from support import FIXTURES, PROFILES, Fact, bundled_import, curated_facts, imported_facts

DIFFERENCES = tomllib.loads((FIXTURES / "expected-differences.toml").read_text(encoding="utf-8"))["difference"]
DOCS = (Path(__file__).parents[2] / "docs" / "importer.md").read_text(encoding="utf-8")
# Facts the importer must reproduce exactly: no documented difference may touch these kinds.
EXACT_KINDS = {
    "organisation",
    "source",
    "recognition",
    "ambassador",
    "measure",
    "statement",
    "truncated",
    "figure",
    "figure-conflict",
    "contact",
    "website",
}


def documented(profile: str, only_in: str) -> set[Fact]:
    return {tuple(d["fact"]) for d in DIFFERENCES if d["profile"] == profile and d["only_in"] == only_in}


@pytest.mark.parametrize("profile", PROFILES)
def test_import_reproduces_the_curated_facts_up_to_the_documented_differences(profile: str) -> None:
    curated, imported = curated_facts(profile), imported_facts(bundled_import(profile))
    assert curated - imported == documented(profile, "curated"), "curated facts the import misses"
    assert imported - curated == documented(profile, "import"), "imported facts the curated data lacks"


@pytest.mark.parametrize("profile", PROFILES)
def test_dates_figures_measures_statements_and_contacts_are_reproduced_exactly(profile: str) -> None:
    facts = curated_facts(profile)
    exact = {f for f in facts if f[0] in EXACT_KINDS}
    assert exact <= imported_facts(bundled_import(profile))
    measures_per_group = Counter(f[2] for f in facts if f[0] == "measure")
    imported_groups = Counter(e.entry.group for e in bundled_import(profile).profile.entries if e.entry.is_measure)
    assert {str(g).rsplit("/", 1)[-1]: n for g, n in imported_groups.items()} == {
        g.removeprefix("mg:"): n for g, n in measures_per_group.items()
    }


def test_every_difference_has_a_reason_the_docs_explain() -> None:
    explained = set(re.findall(r"^### `([a-z-]+)`", DOCS, flags=re.MULTILINE))
    for difference in DIFFERENCES:
        assert difference["why"] in explained, difference
        assert difference["note"].strip(), difference
        assert difference["fact"][0] not in EXACT_KINDS, difference
    assert explained <= {d["why"] for d in DIFFERENCES}, "docs/importer.md explains a reason no difference has"


def test_the_reproduction_table_in_the_docs_is_current() -> None:
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| (\d+ \| \d+ \| \d+ \| \d+) \|$", DOCS, flags=re.MULTILINE))
    for profile in PROFILES:
        curated, imported = curated_facts(profile), imported_facts(bundled_import(profile))
        counts = [len(curated), len(curated & imported), len(curated - imported), len(imported - curated)]
        assert rows.get(profile) == " | ".join(map(str, counts)), f"update the table in docs/importer.md: {counts}"
